//===- ParallelFor.cpp - eager kernels on the pool's threads --------------===//

#include "adjit/Runtime/ParallelFor.h"

#include "Libomp.h"

#include <algorithm>

using namespace adjit;

namespace {

/// The parallel regions' source location, as libomp's tools show it.
AdjitOmpLocation regionLocation = {0, runtime::kOmpIdentKmpc, 0, 0,
                                   ";adjit;runtime::parallelFor;0;0;;"};

/// One parallelForRanges call, shared by the threads of its region.
struct Region {
  int64_t count;
  int64_t alignment;
  void (*body)(void *, int64_t, int64_t);
  void *context;
};

/// The body of the parallel region: each thread runs its range.
void runThreadRange(int32_t *, int32_t *, const Region *region) {
  int64_t thread = omp_get_thread_num(), threads = omp_get_num_threads();
  int64_t count = region->count;
  int64_t alignment =
      count >= threads * region->alignment ? region->alignment : int64_t(1);
  int64_t units = (count + alignment - 1) / alignment;
  int64_t begin = std::min(count, units * thread / threads * alignment);
  int64_t end = std::min(count, units * (thread + 1) / threads * alignment);
  if (begin < end)
    region->body(region->context, begin, end);
}

} // namespace

void runtime::parallelForRanges(int64_t count, int64_t minimumPerThread,
                                int64_t alignment,
                                void (*body)(void *, int64_t, int64_t),
                                void *context) {
  if (count <= 0)
    return;
  if (count < 2 * minimumPerThread || omp_in_parallel() ||
      omp_get_max_threads() < 2) {
    body(context, 0, count);
    return;
  }
  Region region{count, std::max<int64_t>(alignment, 1), body, context};
  __kmpc_fork_call(&regionLocation, 1,
                   reinterpret_cast<AdjitOmpMicrotask>(&runThreadRange),
                   &region);
}
