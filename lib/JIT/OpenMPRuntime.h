//===- OpenMPRuntime.h - the static schedule of parallel loops --*- C++ -*-===//

#ifndef ADJIT_LIB_JIT_OPENMPRUNTIME_H
#define ADJIT_LIB_JIT_OPENMPRUNTIME_H

#include <string>
#include <utility>
#include <vector>

namespace adjit::jit::detail {

/// The libomp entry points that start and end a statically scheduled loop
/// (`__kmpc_for_static_init_*`, `__kmpc_for_static_fini`), replaced for JIT
/// code by ones that allocate nothing, with their addresses in this process.
std::vector<std::pair<std::string, void *>> getOpenMPRuntimeSymbols();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_OPENMPRUNTIME_H
