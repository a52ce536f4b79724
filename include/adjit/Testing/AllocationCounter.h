//===- AllocationCounter.h - count the C allocator's calls -----*- C++ -*-===//
//
// Linking the AdjitTestingAllocationCounter library into an executable
// replaces the C allocation functions (malloc, calloc, realloc, free and the
// aligned allocators) with ones that forward to glibc and count, in every
// thread, the calls and the bytes held. operator new goes through malloc,
// and JIT-compiled code resolves malloc in the process, so both are counted.
// The library is for tests and benchmarks; link it into an executable of its
// own, since the interposition reaches every allocation of the process.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_TESTING_ALLOCATIONCOUNTER_H
#define ADJIT_TESTING_ALLOCATIONCOUNTER_H

#include <cstdint>

namespace adjit::testsupport {

/// False in builds with AddressSanitizer or ThreadSanitizer, whose runtimes
/// own the allocation functions: nothing is counted there, and the counts and
/// the peak stay 0.
bool isCountingAllocations();

/// Returns how many allocating calls (malloc, calloc, realloc and the aligned
/// allocators) the process has made since it started. The difference of two
/// readings counts the calls in between.
int64_t getAllocationCalls();

/// Starts a new peak: from now on getPeakHeapBytes() counts the most bytes
/// held at once beyond those held now.
void resetPeakHeapBytes();

/// Returns the peak since the last resetPeakHeapBytes(): the most usable
/// bytes held by the allocation functions at once, beyond those held at the
/// reset.
int64_t getPeakHeapBytes();

} // namespace adjit::testsupport

#endif // ADJIT_TESTING_ALLOCATIONCOUNTER_H
