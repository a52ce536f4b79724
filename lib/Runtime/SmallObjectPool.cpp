//===- SmallObjectPool.cpp - Per-thread free lists of small objects -------===//

#include "SmallObjectPool.h"

#include <algorithm>
#include <cstdint>

using namespace adjit;

namespace {

/// Sizes are rounded up to granules; blocks of up to kClasses - 1 granules
/// are kept.
constexpr size_t kGranule = alignof(std::max_align_t);
constexpr size_t kClasses = 40;
/// At most this many bytes wait in one thread's lists; more go back to
/// malloc. The graph of a long recurrent net (ADBench's LSTM over 4,096
/// characters: about a million tensors and nodes) frees 100-200 MB of such
/// blocks at once; below that cap the next gradient's recording takes them
/// all from the lists, above it most go through malloc's coalescing free
/// (measured: 32 MB made that gradient 35-45 % slower).
constexpr size_t kThreadLimit = size_t(256) << 20;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizers see each object's lifetime only through malloc and free.
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif

struct FreeBlock {
  FreeBlock *next;
};

/// One thread's lists. Trivially destructible, so that blocks freed during
/// the thread's exit (after Drain ran) still find `closed`.
struct Lists {
  FreeBlock *heads[kClasses];
  size_t bytes;
  bool closed;
};
thread_local Lists lists;

/// Returns the thread's blocks to malloc; returns their bytes.
size_t drainLists() {
  size_t bytes = lists.bytes;
  for (FreeBlock *&head : lists.heads)
    while (FreeBlock *b = head) {
      head = b->next;
      ::operator delete(b);
    }
  lists.bytes = 0;
  return bytes;
}

/// Returns the thread's blocks to malloc when it exits.
struct Drain {
  Drain() noexcept {}
  ~Drain() {
    drainLists();
    lists.closed = true;
  }
};
thread_local Drain drain;

size_t sizeClass(size_t nbytes) { return (nbytes + kGranule - 1) / kGranule; }

} // namespace

void *adjit::allocateSmallObject(size_t nbytes) {
  size_t c = sizeClass(nbytes);
  if (!kPooling || c >= kClasses)
    return ::operator new(nbytes);
  if (FreeBlock *b = lists.heads[c]) {
    FreeBlock *next = b->next;
    lists.heads[c] = next;
    lists.bytes -= c * kGranule;
    // Blocks freed long ago (a whole graph's) are cold: fetch the next one
    // of this class now, for writing (its first four cache lines), so that
    // the next allocation neither waits for its link nor its new owner for
    // its first writes.
    if (next) {
      const char *bytes = reinterpret_cast<const char *>(next);
      size_t end = std::min<size_t>(c * kGranule, 256);
      for (size_t offset = 0; offset < end; offset += 64)
        __builtin_prefetch(bytes + offset, 1);
    }
    return b;
  }
  // Constructs this thread's Drain, so its lists are emptied at exit.
  static_cast<void>(&drain);
  return ::operator new(c *kGranule);
}

void adjit::freeSmallObject(void *block, size_t nbytes) {
  size_t c = sizeClass(nbytes);
  if (!kPooling || c >= kClasses || lists.closed ||
      lists.bytes + c * kGranule > kThreadLimit) {
    ::operator delete(block);
    return;
  }
  // A thread that only frees keeps blocks too: drain them at its exit.
  static_cast<void>(&drain);
  auto *b = static_cast<FreeBlock *>(block);
  b->next = lists.heads[c];
  lists.heads[c] = b;
  lists.bytes += c * kGranule;
}

size_t adjit::getSmallObjectBytes() { return lists.bytes; }

size_t adjit::releaseSmallObjects() { return drainLists(); }
