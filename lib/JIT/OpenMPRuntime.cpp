//===- OpenMPRuntime.cpp - the static schedule of parallel loops ----------===//
//
// The parallel loops of compiled code (omp.wsloop, lowered by LLVM's
// OpenMPIRBuilder) ask libomp for each thread's iterations with
// `__kmpc_for_static_init_*`. Debian's libomp is built with KMP_DEBUG, and
// there that call formats a trace message on the heap (one malloc and free
// per thread and loop) before it checks whether tracing is on. Compiled code
// calls the versions here instead: the unchunked static schedule (the one
// OpenMPIRBuilder asks for), computed from the team's size and the thread's
// number, as libomp's balanced static schedule computes it; any other
// schedule is forwarded to libomp. Their `__kmpc_for_static_fini` ends a
// loop scheduled here with nothing to do (libomp's only reports to a tool,
// OMPT, and pops consistency checks, neither of which the init here
// starts), and forwards the end of one libomp scheduled.
//
//===----------------------------------------------------------------------===//

#include "OpenMPRuntime.h"

#include <cstdint>
#include <type_traits>

// libomp's entry points, which adjit links (cmake/AdjitBlas.cmake).
extern "C" {
int omp_get_thread_num();
int omp_get_num_threads();
void __kmpc_for_static_init_4(void *, int32_t, int32_t, int32_t *, int32_t *,
                              int32_t *, int32_t *, int32_t, int32_t);
void __kmpc_for_static_init_4u(void *, int32_t, int32_t, int32_t *, uint32_t *,
                               uint32_t *, int32_t *, int32_t, int32_t);
void __kmpc_for_static_init_8(void *, int32_t, int32_t, int32_t *, int64_t *,
                              int64_t *, int64_t *, int64_t, int64_t);
void __kmpc_for_static_init_8u(void *, int32_t, int32_t, int32_t *, uint64_t *,
                               uint64_t *, int64_t *, int64_t, int64_t);
void __kmpc_for_static_fini(void *, int32_t);
}

namespace {

/// libomp's kmp_sch_static: the unchunked static schedule.
constexpr int32_t kStaticSchedule = 34;

/// Whether the thread's current loop was scheduled by libomp, whose
/// `__kmpc_for_static_fini` then ends it.
thread_local bool scheduledByLibomp = false;

/// `__kmpc_for_static_init_*` for loops over `T` (bounds) with increments
/// and strides of `S`.
template <typename T, typename S>
using StaticInit = void (*)(void *, int32_t, int32_t, int32_t *, T *, T *, S *,
                            S, S);

/// The version of libomp's `Libomp` that compiled code calls.
template <typename T, typename S, StaticInit<T, S> Libomp>
void staticInit(void *location, int32_t gtid, int32_t schedule,
                int32_t *lastIteration, T *lower, T *upper, S *stride,
                S increment, S chunk) {
  // Only the unchunked static schedule of unit increment, as generated.
  scheduledByLibomp = schedule != kStaticSchedule || increment != 1;
  if (scheduledByLibomp) {
    Libomp(location, gtid, schedule, lastIteration, lower, upper, stride,
           increment, chunk);
    return;
  }
  using Unsigned = std::make_unsigned_t<T>;
  if (*upper < *lower) {
    // No iterations.
    if (lastIteration)
      *lastIteration = 0;
    *stride = increment;
    return;
  }
  int64_t thread = omp_get_thread_num(), team = omp_get_num_threads();
  Unsigned tripCount = static_cast<Unsigned>(static_cast<Unsigned>(*upper) -
                                             static_cast<Unsigned>(*lower)) +
                       1;
  if (team <= 1) {
    if (lastIteration)
      *lastIteration = 1;
    *stride = static_cast<S>(tripCount);
    return;
  }
  auto threads = static_cast<Unsigned>(team);
  auto index = static_cast<Unsigned>(thread);
  if (tripCount < threads) {
    // One iteration each for the first threads, none for the others.
    if (index < tripCount)
      *upper = *lower = static_cast<T>(*lower + static_cast<T>(index));
    else
      *lower = static_cast<T>(*upper + 1);
    if (lastIteration)
      *lastIteration = index == tripCount - 1;
  } else {
    // Balanced: the first `extras` threads get one more.
    Unsigned small = tripCount / threads;
    Unsigned extras = tripCount % threads;
    *lower = static_cast<T>(
        *lower +
        static_cast<T>(index * small + (index < extras ? index : extras)));
    *upper = static_cast<T>(*lower + static_cast<T>(small) -
                            (index < extras ? 0 : 1));
    if (lastIteration)
      *lastIteration = index == threads - 1;
  }
  *stride = static_cast<S>(tripCount);
}

/// Ends a loop scheduled by staticInit.
void staticFini(void *location, int32_t gtid) {
  if (scheduledByLibomp)
    __kmpc_for_static_fini(location, gtid);
  scheduledByLibomp = false;
}

} // namespace

std::vector<std::pair<std::string, void *>>
adjit::jit::detail::getOpenMPRuntimeSymbols() {
  return {
      {"__kmpc_for_static_init_4",
       reinterpret_cast<void *>(
           &staticInit<int32_t, int32_t, __kmpc_for_static_init_4>)},
      {"__kmpc_for_static_init_4u",
       reinterpret_cast<void *>(
           &staticInit<uint32_t, int32_t, __kmpc_for_static_init_4u>)},
      {"__kmpc_for_static_init_8",
       reinterpret_cast<void *>(
           &staticInit<int64_t, int64_t, __kmpc_for_static_init_8>)},
      {"__kmpc_for_static_init_8u",
       reinterpret_cast<void *>(
           &staticInit<uint64_t, int64_t, __kmpc_for_static_init_8u>)},
      {"__kmpc_for_static_fini", reinterpret_cast<void *>(&staticFini)},
  };
}
