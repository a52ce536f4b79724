//===- BufferAllocator.cpp - Buffers of compiled code, recycled -----------===//

#include "BufferAllocator.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>

using namespace adjit::jit;

namespace {

/// What precedes every block handed out: where the underlying allocation
/// starts and how large it is. It sits in the 16 bytes before the block.
struct Header {
  void *base;
  size_t bytes;
};

/// The alignment of every underlying allocation and the room left before a
/// block for its header, for alignments up to this value.
constexpr size_t kBaseAlignment = 64;
/// At most this many bytes of freed blocks are kept.
constexpr size_t kCacheLimit = size_t(512) << 20;

/// Freed underlying allocations of the base alignment, by size.
struct Cache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void *>> free;
  size_t cachedBytes = 0;
};

/// Intentionally leaked: compiled code may free during exit.
Cache &cache() {
  static Cache *c = new Cache();
  return *c;
}

/// Sizes are rounded so that a step's buffers of nearly equal sizes share
/// cache entries.
size_t roundedSize(size_t bytes) {
  if (bytes < 4096)
    return (bytes + 63) / 64 * 64;
  return (bytes + 4095) / 4096 * 4096;
}

Header *headerOf(void *block) {
  return reinterpret_cast<Header *>(static_cast<char *>(block) -
                                    sizeof(Header));
}

extern "C" void *adjitMemrefAlloc(size_t bytes) {
  return detail::allocateBuffer(bytes);
}
extern "C" void *adjitMemrefAlignedAlloc(size_t alignment, size_t bytes) {
  return detail::allocateBuffer(bytes, alignment);
}
extern "C" void adjitMemrefFree(void *pointer) {
  detail::deallocateBuffer(pointer);
}

} // namespace

void *detail::allocateBuffer(size_t bytes, size_t alignment) {
  if (alignment < kBaseAlignment)
    alignment = kBaseAlignment;
  // The header needs a whole alignment unit before the block.
  size_t size = roundedSize(bytes + alignment);
  void *base = nullptr;
  if (alignment == kBaseAlignment) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto found = c.free.find(size);
    if (found != c.free.end() && !found->second.empty()) {
      base = found->second.back();
      found->second.pop_back();
      c.cachedBytes -= size;
    }
  }
  if (!base)
    base = std::aligned_alloc(alignment, size);
  if (!base)
    return nullptr;
  void *block = static_cast<char *>(base) + alignment;
  *headerOf(block) = Header{base, size};
  return block;
}

void detail::deallocateBuffer(void *pointer) {
  if (!pointer)
    return;
  Header header = *headerOf(pointer);
  size_t offset =
      static_cast<char *>(pointer) - static_cast<char *>(header.base);
  if (offset == kBaseAlignment) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.cachedBytes + header.bytes <= kCacheLimit) {
      c.free[header.bytes].push_back(header.base);
      c.cachedBytes += header.bytes;
      return;
    }
  }
  std::free(header.base);
}

std::vector<std::pair<std::string, void *>>
detail::getAllocatorRuntimeSymbols() {
  return {
      {"_mlir_memref_to_llvm_alloc",
       reinterpret_cast<void *>(&adjitMemrefAlloc)},
      {"_mlir_memref_to_llvm_aligned_alloc",
       reinterpret_cast<void *>(&adjitMemrefAlignedAlloc)},
      {"_mlir_memref_to_llvm_free", reinterpret_cast<void *>(&adjitMemrefFree)},
  };
}
