//===- OptimizedTier.h - warm compiled code up to its -O3 tier --*- C++ -*-===//
//
// A compiled function first runs its fast tier's code (LLVM -O0); once it has
// been called jit::EngineOptions::tierUpAfterCalls times, its optimized tier
// (-O3) is compiled on a background thread and swapped in. A benchmark that
// times calls right after the first one measures the fast code, with the -O3
// compile running on the other core. These helpers make the calls that
// schedule the tier-up and wait for it, so that the timed calls run the
// optimized code on an otherwise idle process.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_BENCH_OPTIMIZEDTIER_H
#define ADJIT_BENCH_OPTIMIZEDTIER_H

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"

#include <algorithm>
#include <cstdint>

namespace adjit::bench {

/// Calls `call` (one call of compiled code of a jit::compile function or a
/// jit::TrainStep) as often as the tier-up threshold asks, then waits until
/// the optimized code has replaced the fast code.
template <typename Call> void warmUpToOptimizedTier(Call &&call) {
  uint64_t calls = std::max<uint64_t>(1, jit::EngineOptions().tierUpAfterCalls);
  for (uint64_t i = 0; i < calls; ++i)
    call();
  jit::waitForTierUps();
}

/// As above, for a module compiled by `engine`: `call` calls one of its
/// functions (the threshold counts the calls of the whole module).
template <typename Call>
void warmUpToOptimizedTier(jit::Engine &engine, Call &&call) {
  uint64_t calls = std::max<uint64_t>(1, jit::EngineOptions().tierUpAfterCalls);
  for (uint64_t i = 0; i < calls; ++i)
    call();
  engine.waitForTierUps();
}

} // namespace adjit::bench

#endif // ADJIT_BENCH_OPTIMIZEDTIER_H
