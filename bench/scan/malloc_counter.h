//===- malloc_counter.h - peak heap bytes of a region of code ---*- C++ -*-===//

#ifndef ADJIT_BENCH_SCAN_MALLOC_COUNTER_H
#define ADJIT_BENCH_SCAN_MALLOC_COUNTER_H

#include <cstdint>

namespace adjit::bench {

/// Starts a new peak: from now on getPeakHeapBytes() counts the most bytes
/// allocated at once beyond those allocated now.
void resetPeakHeapBytes();

/// Returns the peak since the last resetPeakHeapBytes(): the most bytes held
/// by malloc, calloc, realloc and the aligned allocators (in every thread,
/// JIT-compiled code included) beyond those held at the reset.
int64_t getPeakHeapBytes();

} // namespace adjit::bench

#endif // ADJIT_BENCH_SCAN_MALLOC_COUNTER_H
