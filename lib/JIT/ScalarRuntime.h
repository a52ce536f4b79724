//===- ScalarRuntime.h - scalar functions called by JIT code ----*- C++ -*-===//

#ifndef ADJIT_LIB_JIT_SCALARRUNTIME_H
#define ADJIT_LIB_JIT_SCALARRUNTIME_H

#include <string>
#include <utility>
#include <vector>

namespace adjit::jit::detail {

/// The functions of adjit/Conversion/AdjitToLinalg/RuntimeFunctions.h
/// (`adjit_lgamma_f32`, ...), which compiled lgamma and digamma call, with
/// their addresses in this process.
std::vector<std::pair<std::string, void *>> getScalarRuntimeSymbols();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_SCALARRUNTIME_H
