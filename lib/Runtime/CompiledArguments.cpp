//===- CompiledArguments.cpp - tensors passed to compiled code ------------===//

#include "adjit/Runtime/CompiledArguments.h"

#include "TensorImpl.h"

using namespace adjit;

bool runtime::hasSignature(const Tensor &tensor, const Shape &shape,
                           Dtype dtype, bool requiresGrad) {
  const TensorImpl &impl = *tensor.unsafeGetImpl();
  // Tensor::requires_grad(): set on a leaf, or made by an op that records.
  return impl.dtype == dtype && impl.shape == shape &&
         (impl.requiresGrad || impl.gradFn != nullptr) == requiresGrad;
}

void *runtime::getContiguousElements(const Tensor &tensor) {
  const TensorImpl &impl = *tensor.unsafeGetImpl();
  return isContiguous(impl) ? impl.bytes() : nullptr;
}

bool runtime::adoptElements(const Tensor &tensor, void *data, size_t nbytes,
                            void *allocation, void (*release)(void *)) {
  TensorImpl &impl = *tensor.unsafeGetImpl();
  Storage &storage = *impl.storage;
  if (impl.isView || impl.offset != 0 || !isContiguous(impl) ||
      impl.storage.use_count() != 1 || storage.owner ||
      storage.nbytes != nbytes ||
      static_cast<size_t>(impl.numel) * elementSize(impl.dtype) != nbytes)
    return false;
  storage.releaseData();
  storage.data = data;
  storage.releaseAdopted = release;
  storage.adoptedAllocation = allocation;
  return true;
}
