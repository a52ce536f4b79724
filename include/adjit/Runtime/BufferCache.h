//===- BufferCache.h - the runtime's cache of freed buffers ----*- C++ -*-===//
//
// The eager runtime keeps the buffers of destroyed tensors for reuse by size
// (lib/Runtime/Allocator.cpp). A compiler that has just traced a function
// eagerly releases them, so that its compile and the compiled code's own
// buffers reuse that memory instead of growing the process.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_BUFFERCACHE_H
#define ADJIT_RUNTIME_BUFFERCACHE_H

#include <cstddef>

namespace adjit::runtime {

/// The bytes of freed tensor buffers the eager runtime keeps for reuse: the
/// buffers of 256 bytes and more (shared by all threads), and the calling
/// thread's freed small blocks (tensors, their small buffers, autograd
/// nodes; up to 256 MB a thread).
size_t getCachedBufferBytes();

/// Returns every freed tensor buffer the eager runtime keeps for reuse, and
/// the calling thread's freed small blocks, to malloc; returns the bytes
/// released. Tensors alive are not affected.
size_t releaseCachedBuffers();

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_BUFFERCACHE_H
