//===- Allocator.cpp - Caching allocator of tensor buffers ----------------===//
//
// Tensor buffers of 256 bytes and more are recycled by size instead of being
// returned to malloc (smaller ones come from SmallObjectPool): a training loop
// allocates the same sizes every step, fresh large allocations cost an mmap and
// a page fault per page, and mid-sized ones fragment malloc's heap.
//
//===----------------------------------------------------------------------===//

#include "adjit/Runtime/BufferCache.h"

#include "SmallObjectPool.h"
#include "TensorImpl.h"

#include <mutex>
#include <unordered_map>

using namespace adjit;

namespace {
/// Buffers below this size come from malloc directly (tensors of up to 64
/// bytes store their data inline in Storage and never get here).
constexpr size_t kCachedMin = 256;
/// At most this many bytes are kept in the cache.
constexpr size_t kCacheLimit = size_t(512) << 20;

struct BufferCache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void *>> free;
  size_t cachedBytes = 0;
};

/// Intentionally leaked so tensors destroyed during exit can still free.
BufferCache &cache() {
  static BufferCache *c = new BufferCache();
  return *c;
}

size_t roundedSize(size_t n) {
  if (n < kCachedMin)
    return std::max<size_t>(n, 1);
  if (n < 4096)
    return (n + 63) / 64 * 64;
  return (n + 4095) / 4096 * 4096;
}
} // namespace

void *adjit::allocateBuffer(size_t nbytes) {
  size_t size = roundedSize(nbytes);
  if (size >= kCachedMin) {
    BufferCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find(size);
    if (it != c.free.end() && !it->second.empty()) {
      void *p = it->second.back();
      it->second.pop_back();
      c.cachedBytes -= size;
      return p;
    }
  }
  // Small buffers come from the per-thread lists of small objects, with
  // malloc's 16-byte alignment, which is cheaper than an aligned allocation
  // when many small tensors are alive.
  if (size < kCachedMin)
    return allocateSmallObject(size);
  void *p = std::aligned_alloc(64, size);
  if (!p)
    throw Error("empty: out of memory allocating " + std::to_string(nbytes) +
                " bytes");
  return p;
}

void adjit::freeBuffer(void *data, size_t nbytes) {
  // As free(): a storage over no memory (from_blob of no elements) has none.
  if (!data)
    return;
  size_t size = roundedSize(nbytes);
  if (size < kCachedMin) {
    freeSmallObject(data, size);
    return;
  }
  {
    BufferCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.cachedBytes + size <= kCacheLimit) {
      c.free[size].push_back(data);
      c.cachedBytes += size;
      return;
    }
  }
  std::free(data);
}

size_t adjit::runtime::getCachedBufferBytes() {
  BufferCache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cachedBytes + getSmallObjectBytes();
}

size_t adjit::runtime::releaseCachedBuffers() {
  std::unordered_map<size_t, std::vector<void *>> released;
  size_t bytes;
  {
    BufferCache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    released.swap(c.free);
    bytes = c.cachedBytes;
    c.cachedBytes = 0;
  }
  for (auto &[size, buffers] : released)
    for (void *buffer : buffers)
      std::free(buffer);
  return bytes + releaseSmallObjects();
}
