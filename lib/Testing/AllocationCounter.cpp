//===- AllocationCounter.cpp - count the C allocator's calls --------------===//
//
// Defines the C allocation functions of the process: each forwards to
// glibc's implementation (__libc_malloc and friends), counts the call and
// tracks the usable bytes of every live allocation and their peak. Not in
// builds with AddressSanitizer or ThreadSanitizer: their runtimes own the
// allocator, and memory from glibc's would reach theirs (the process faults
// before main).
//
//===----------------------------------------------------------------------===//

#include "adjit/Testing/AllocationCounter.h"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <malloc.h>

/// 1 where this file replaces the allocation functions (see above).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ADJIT_COUNTS_ALLOCATIONS 0
#else
#define ADJIT_COUNTS_ALLOCATIONS 1
#endif

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace {
std::atomic<int64_t> calls{0};
std::atomic<int64_t> live{0};
std::atomic<int64_t> peak{0};
std::atomic<int64_t> base{0};

/// Adds the bytes of a new allocation `pointer` (null when it failed) to the
/// live ones and raises the peak.
void *counted(void *pointer) {
  if (!pointer)
    return nullptr;
  int64_t size = static_cast<int64_t>(malloc_usable_size(pointer));
  int64_t now = live.fetch_add(size, std::memory_order_relaxed) + size;
  int64_t seen = peak.load(std::memory_order_relaxed);
  while (now > seen &&
         !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
  }
  return pointer;
}

/// Counts one allocating call.
void called() { calls.fetch_add(1, std::memory_order_relaxed); }
} // namespace

bool adjit::testsupport::isCountingAllocations() {
  return ADJIT_COUNTS_ALLOCATIONS;
}

int64_t adjit::testsupport::getAllocationCalls() { return calls.load(); }

void adjit::testsupport::resetPeakHeapBytes() {
  base = live.load();
  peak = base.load();
}

int64_t adjit::testsupport::getPeakHeapBytes() {
  return peak.load() - base.load();
}

#if ADJIT_COUNTS_ALLOCATIONS
extern "C" {
void *malloc(size_t size) {
  called();
  return counted(__libc_malloc(size));
}

void *calloc(size_t count, size_t size) {
  called();
  return counted(__libc_calloc(count, size));
}

void *realloc(void *pointer, size_t size) {
  called();
  int64_t old = pointer ? static_cast<int64_t>(malloc_usable_size(pointer)) : 0;
  void *moved = __libc_realloc(pointer, size);
  if (!moved && size != 0)
    return nullptr; // `pointer` is still allocated.
  live.fetch_sub(old, std::memory_order_relaxed);
  return counted(moved);
}

void free(void *pointer) {
  if (pointer)
    live.fetch_sub(static_cast<int64_t>(malloc_usable_size(pointer)),
                   std::memory_order_relaxed);
  __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
  called();
  return counted(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size) {
  called();
  return counted(__libc_memalign(alignment, size));
}

int posix_memalign(void **result, size_t alignment, size_t size) {
  called();
  void *pointer = __libc_memalign(alignment, size);
  if (!pointer)
    return ENOMEM;
  *result = counted(pointer);
  return 0;
}
}
#endif
