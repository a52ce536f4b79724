//===- ParallelFor.h - eager kernels on the pool's threads ------*- C++ -*-===//
//
// An eager elementwise kernel over many elements splits them among the
// threads of libomp's pool (the threads compiled parallel loops and matrix
// products run on), one contiguous range per thread. Each element is
// computed as on one thread, so the values do not depend on the split.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_PARALLELFOR_H
#define ADJIT_RUNTIME_PARALLELFOR_H

#include <atomic>
#include <cstdint>
#include <exception>

namespace adjit::runtime {

/// The fewest elements an elementwise kernel gives a thread: a kernel over
/// fewer than twice this many runs on its caller's thread alone (opening a
/// parallel region costs about a microsecond, the time of a few thousand
/// elements).
constexpr int64_t kElementsPerThread = 32768;

/// The fewest units of \p unitSize elements each (rows, columns) a kernel
/// gives a thread: kElementsPerThread elements, rounded up to whole units.
constexpr int64_t unitsPerThread(int64_t unitSize) {
  return unitSize <= 1 ? kElementsPerThread
                       : (kElementsPerThread + unitSize - 1) / unitSize;
}

/// Calls `body(context, begin, end)` on disjoint ranges that cover
/// [0, count): one range per thread of libomp's pool, ranges starting at
/// multiples of `alignment` where each thread still gets one, if `count` is
/// at least twice `minimumPerThread`, the pool has several threads and the
/// caller is not inside a parallel region; else once, on the caller's
/// thread, with the whole range. `body` must not throw.
void parallelForRanges(int64_t count, int64_t minimumPerThread,
                       int64_t alignment,
                       void (*body)(void *context, int64_t begin, int64_t end),
                       void *context);

/// parallelForRanges with a callable `body(begin, end)`. If `body` throws,
/// the first exception is rethrown on the caller once every range has run
/// or thrown.
template <typename Body>
void parallelFor(int64_t count, int64_t minimumPerThread, int64_t alignment,
                 const Body &body) {
  if (count <= 0)
    return;
  if (count < 2 * minimumPerThread) {
    body(int64_t(0), count);
    return;
  }
  struct Context {
    const Body &body;
    std::atomic<bool> failed{false};
    std::exception_ptr error;
  } context{body};
  parallelForRanges(
      count, minimumPerThread, alignment,
      [](void *opaque, int64_t begin, int64_t end) {
        auto &context = *static_cast<Context *>(opaque);
        try {
          context.body(begin, end);
        } catch (...) {
          if (!context.failed.exchange(true))
            context.error = std::current_exception();
        }
      },
      &context);
  if (context.error)
    std::rethrow_exception(context.error);
}

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_PARALLELFOR_H
