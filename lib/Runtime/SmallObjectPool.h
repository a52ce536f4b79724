//===- SmallObjectPool.h - Per-thread free lists of small objects -*- C++
//-*-===//
//
// Every eager op allocates a TensorImpl and a Storage for its result, and
// while recording an autograd node; a recorded graph (an RNN over a long
// sequence) keeps tens of thousands of them alive and then frees them all.
// Taking such blocks from per-thread free lists by size class spares malloc
// that churn, in which glibc coalesces and consolidates on many frees.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_RUNTIME_SMALLOBJECTPOOL_H
#define ADJIT_LIB_RUNTIME_SMALLOBJECTPOOL_H

#include <cstddef>
#include <new>

namespace adjit {

/// A block of at least \p nbytes, aligned as malloc aligns.
void *allocateSmallObject(size_t nbytes);
/// Returns a block of allocateSmallObject(\p nbytes); any thread may.
void freeSmallObject(void *block, size_t nbytes);
/// The bytes of freed blocks the calling thread keeps for reuse.
size_t getSmallObjectBytes();
/// Returns the freed blocks the calling thread keeps to malloc; returns their
/// bytes.
size_t releaseSmallObjects();

/// A standard allocator over allocateSmallObject, for std::allocate_shared.
template <typename T> struct SmallObjectAllocator {
  using value_type = T;
  static_assert(alignof(T) <= alignof(std::max_align_t),
                "over-aligned types need their own allocation");
  SmallObjectAllocator() = default;
  template <typename U>
  SmallObjectAllocator(const SmallObjectAllocator<U> &) noexcept {}
  T *allocate(size_t n) {
    return static_cast<T *>(allocateSmallObject(n * sizeof(T)));
  }
  void deallocate(T *p, size_t n) noexcept {
    freeSmallObject(p, n * sizeof(T));
  }
  template <typename U> bool operator==(const SmallObjectAllocator<U> &) const {
    return true;
  }
  template <typename U> bool operator!=(const SmallObjectAllocator<U> &) const {
    return false;
  }
};

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_SMALLOBJECTPOOL_H
