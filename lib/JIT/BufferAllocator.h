//===- BufferAllocator.h - Buffers of compiled code, recycled ---*- C++ -*-===//
//
// Compiled code allocates its buffers through `_mlir_memref_to_llvm_alloc`
// and friends (the generic allocation functions of the memref-to-LLVM
// lowering), which the JIT binds to this allocator. It keeps freed blocks by
// size and hands them out again, as the eager runtime does with tensor
// buffers: a training step allocates the same sizes every call, and fresh
// blocks would cost malloc's mmap and a page fault per page each time.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_BUFFERALLOCATOR_H
#define ADJIT_LIB_JIT_BUFFERALLOCATOR_H

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace adjit::jit::detail {

/// Returns a block of at least `bytes` bytes aligned to `alignment` (a power
/// of two), or nullptr if memory is exhausted. Free it with
/// deallocateBuffer.
void *allocateBuffer(size_t bytes, size_t alignment = 64);

/// Returns a block from allocateBuffer to the cache (nullptr is ignored).
void deallocateBuffer(void *pointer);

/// The generic allocation functions compiled code calls, with their
/// addresses in this process.
std::vector<std::pair<std::string, void *>> getAllocatorRuntimeSymbols();

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_BUFFERALLOCATOR_H
