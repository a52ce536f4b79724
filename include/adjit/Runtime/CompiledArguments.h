//===- CompiledArguments.h - tensors passed to compiled code ----*- C++ -*-===//
//
// A call of compiled code checks each argument tensor against the signature
// it was compiled for and passes its elements. These read a tensor's
// metadata in one call each, with none of the per-accessor checks of the
// Tensor API (for frontends that call compiled code, not for users).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_COMPILEDARGUMENTS_H
#define ADJIT_RUNTIME_COMPILEDARGUMENTS_H

#include "adjit/Tensor.h"

namespace adjit::runtime {

/// Returns whether the defined tensor `tensor` has `shape`, `dtype` and
/// requires_grad flag `requiresGrad`.
bool hasSignature(const Tensor &tensor, const Shape &shape, Dtype dtype,
                  bool requiresGrad);

/// Returns the first element of the defined tensor `tensor` if its elements
/// are laid out row-major without gaps, or null. Reads no value, so that no
/// observer is told.
void *getContiguousElements(const Tensor &tensor);

/// Makes `data`, elements written by compiled code, the elements of
/// `tensor` without copying them, where no other tensor can tell: `tensor`
/// is contiguous, starts its storage, spans all of it (`nbytes`), owns it
/// (not from_blob), and no other tensor shares it (no view, no detached
/// alias). Its old elements are freed; `release(allocation)` frees the new
/// ones (`allocation` holds `data`) when the storage dies. Returns false,
/// changing nothing, otherwise: the caller then copies. Pointers to the old
/// elements (`data_ptr()`) are invalid after a true return.
bool adoptElements(const Tensor &tensor, void *data, size_t nbytes,
                   void *allocation, void (*release)(void *));

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_COMPILEDARGUMENTS_H
