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
