//===- malloc_counter.cpp - counting malloc for the scan benchmark --------===//
//
// Replaces the C allocator's entry points with ones that count the usable
// bytes of every live allocation and keep the peak, and forward to glibc's
// implementation (__libc_malloc and friends). The executable exports them,
// so the JIT-compiled code, which resolves malloc and free in the process,
// is counted too. bench/jit/PeakMemory.h measures the resident set instead,
// in pages and after malloc_trim; the tape of a 256-float carry is a
// kilobyte per step, which needs the allocator's own count.
//
//===----------------------------------------------------------------------===//

#include "malloc_counter.h"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <malloc.h>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace {
std::atomic<int64_t> live{0};
std::atomic<int64_t> peak{0};
std::atomic<int64_t> base{0};

void *counted(void *pointer) {
  if (pointer) {
    int64_t now =
        live.fetch_add(malloc_usable_size(pointer), std::memory_order_relaxed) +
        static_cast<int64_t>(malloc_usable_size(pointer));
    int64_t seen = peak.load(std::memory_order_relaxed);
    while (now > seen &&
           !peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
    }
  }
  return pointer;
}

void uncount(void *pointer) {
  if (pointer)
    live.fetch_sub(malloc_usable_size(pointer), std::memory_order_relaxed);
}
} // namespace

void adjit::bench::resetPeakHeapBytes() {
  base = live.load();
  peak = base.load();
}

int64_t adjit::bench::getPeakHeapBytes() { return peak.load() - base.load(); }

extern "C" {
void *malloc(size_t size) { return counted(__libc_malloc(size)); }

void *calloc(size_t count, size_t size) {
  return counted(__libc_calloc(count, size));
}

void *realloc(void *pointer, size_t size) {
  int64_t old = pointer ? malloc_usable_size(pointer) : 0;
  void *moved = __libc_realloc(pointer, size);
  if (!moved && size != 0)
    return nullptr; // `pointer` is still allocated.
  live.fetch_sub(old, std::memory_order_relaxed);
  return counted(moved);
}

void free(void *pointer) {
  uncount(pointer);
  __libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) {
  return counted(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size) {
  return counted(__libc_memalign(alignment, size));
}

int posix_memalign(void **result, size_t alignment, size_t size) {
  void *pointer = __libc_memalign(alignment, size);
  if (!pointer)
    return ENOMEM;
  *result = counted(pointer);
  return 0;
}
}
