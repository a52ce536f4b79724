//===- NestedTransform.h - transforms called inside a trace -----*- C++ -*-===//
//
// A jit::grad or jit::vjp called while a function is traced (by jit::compile
// or another transform) does not run compiled code: it traces its own
// function with a nested tracer, differentiates it with adjit-autodiff and
// emits the result inline into the outer trace, which an outer transform
// differentiates again. While the outer function is replayed, the transform
// is one recorded op whose body is replayed against its own trace.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_TRACING_NESTEDTRANSFORM_H
#define ADJIT_LIB_TRACING_NESTEDTRANSFORM_H

#include "adjit/JIT.h"
#include "adjit/JIT/Transforms.h"
#include "adjit/Runtime/OpObserver.h"

#include <vector>

namespace adjit::tracing {

/// What a transform called inside a trace returns.
struct NestedResult {
  /// jit::vjp: the function's outputs.
  std::vector<Tensor> outputs;
  /// jit::grad: the gradients, in argnums order.
  std::vector<Tensor> gradients;
  /// jit::vjp: the pullback, which must be called inside the same trace.
  jit::Pullback pullback;
};

/// Runs the transform `state` on `inputs`, differentiating the inputs
/// `indices`, while `observer` traces or replays the calling function.
NestedResult runNested(runtime::OpObserver &observer,
                       jit::CompiledFunction::State &state,
                       const std::vector<Tensor> &inputs,
                       const std::vector<size_t> &indices);

/// Returns `inputs` with each of `indices` replaced by a new leaf that shares
/// its elements and requires grad, made without telling any observer: the
/// transformed function is traced on them, so that they are its own
/// arguments (distinct from a tensor it captures) and ops it runs under
/// NoGradGuard are seen as such.
std::vector<Tensor>
makeDifferentiableAliases(const std::vector<Tensor> &inputs,
                          const std::vector<size_t> &indices);

} // namespace adjit::tracing

#endif // ADJIT_LIB_TRACING_NESTEDTRANSFORM_H
