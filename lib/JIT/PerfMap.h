//===- PerfMap.h - naming JIT-compiled functions for perf -------*- C++ -*-===//
//
// Linux perf names code outside any mapped file from /tmp/perf-<pid>.map,
// one line per function: start address and size in hex, then the name.
// With ADJIT_PERF_MAP=1 the engine appends a line there for every function
// it links, so that `perf record` / `perf report` of a process running
// compiled code attribute samples to the functions of the compiled module
// (e.g. `train_step_loop12`) instead of bare addresses.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_PERFMAP_H
#define ADJIT_LIB_JIT_PERFMAP_H

#include "llvm/ExecutionEngine/JITEventListener.h"

namespace adjit::jit::detail {

/// Returns the listener that writes the perf map, or null unless the
/// environment sets ADJIT_PERF_MAP=1. The listener lives as long as the
/// process and is safe to share between linking layers and threads.
llvm::JITEventListener *getPerfMapListener();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_PERFMAP_H
