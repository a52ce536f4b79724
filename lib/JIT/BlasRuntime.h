//===- BlasRuntime.h - BLAS entry points called by JIT code -----*- C++ -*-===//

#ifndef ADJIT_LIB_JIT_BLASRUNTIME_H
#define ADJIT_LIB_JIT_BLASRUNTIME_H

#include <string>
#include <utility>
#include <vector>

namespace adjit::jit::detail {

/// The C-interface symbols (`_mlir_ciface_adjit_blas_*`) that code from the
/// adjit-matmul-to-blas pass calls, with their addresses in this process.
std::vector<std::pair<std::string, void *>> getBlasRuntimeSymbols();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_BLASRUNTIME_H
