//===- Transforms.cpp - adjit::jit::grad and adjit::jit::vjp --------------===//
//
// Called with no observer, a transform runs compiled code (CompiledCall.h).
// Called while a function is traced, it traces its own function with a
// nested tracer, differentiates that module with adjit-autodiff and emits the
// result into the outer trace (NestedTransform.cpp), so that the outer
// transform differentiates it again in the IR.
//
//===----------------------------------------------------------------------===//

#include "CompiledCall.h"
#include "NestedTransform.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"
#include "adjit/JIT/Transforms.h"
#include "adjit/Runtime/OpObserver.h"

#include <set>

using namespace adjit;
using namespace adjit::jit;
using detail::TransformRequest;

struct VjpFunction::Impl {
  std::shared_ptr<CompiledFunction::State> state;
};

using detail::asMultiResult;

namespace {
/// Throws adjit::Error unless every argnum of `request` names a distinct
/// floating-point input of `inputs`.
void checkArgnums(const TransformRequest &request, const std::string &name,
                  const std::vector<Tensor> &inputs) {
  std::set<int64_t> seen;
  for (int64_t argnum : request.argnums) {
    int64_t index = detail::resolveArgnum(argnum, inputs.size());
    if (index < 0)
      throw Error(std::string(request.api) + ": argnum " +
                  std::to_string(argnum) + " is out of range: '" + name +
                  "' was called with " + std::to_string(inputs.size()) +
                  (inputs.size() == 1 ? " input" : " inputs"));
    if (!seen.insert(index).second)
      throw Error(std::string(request.api) + ": argnum " +
                  std::to_string(argnum) +
                  (argnum == index ? std::string()
                                   : " (input " + std::to_string(index) + ")") +
                  " is listed twice");
    const Tensor &input = inputs[index];
    if (!input.defined() || !input.is_floating_point())
      throw Error(std::string(request.api) + ": input " +
                  std::to_string(index) + " of '" + name + "' is " +
                  (input.defined()
                       ? "a " + std::string(dtypeName(input.dtype())) +
                             " tensor of shape " + shapeToString(input.sizes())
                       : std::string("undefined")) +
                  "; only float32 and float64 inputs are differentiable");
  }
}

/// Returns the inputs differentiated by `request`: its argnums for
/// jit::grad, every floating-point input for jit::vjp.
std::vector<size_t> differentiatedInputs(const TransformRequest &request,
                                         const std::vector<Tensor> &inputs) {
  std::vector<size_t> indices;
  if (request.kind == TransformRequest::Kind::Grad) {
    for (int64_t argnum : request.argnums)
      indices.push_back(
          static_cast<size_t>(detail::resolveArgnum(argnum, inputs.size())));
    return indices;
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined() && inputs[i].is_floating_point())
      indices.push_back(i);
  return indices;
}
} // namespace

std::vector<Tensor>
tracing::makeDifferentiableAliases(const std::vector<Tensor> &inputs,
                                   const std::vector<size_t> &indices) {
  // Not an op of the traced function: the tracer is told nothing.
  runtime::ObserverScope unobserved(nullptr);
  std::vector<Tensor> aliases(inputs);
  for (size_t index : indices) {
    aliases[index] = inputs[index].detach();
    aliases[index].requires_grad_(true);
  }
  return aliases;
}

//===----------------------------------------------------------------------===//
// jit::grad
//===----------------------------------------------------------------------===//

GradFunction adjit::jit::grad(MultiTensorFunction function,
                              std::vector<int64_t> argnums,
                              CompileOptions options) {
  TransformRequest request{TransformRequest::Kind::Grad, std::move(argnums),
                           "jit::grad"};
  if (request.argnums.empty())
    throw Error("jit::grad: argnums is empty; name at least one input");
  return detail::TransformAccess::makeMultiFunction(detail::makeTransformState(
      std::move(function), std::move(options), request));
}

GradFunction adjit::jit::grad(TensorFunction function,
                              std::vector<int64_t> argnums,
                              CompileOptions options) {
  return grad(asMultiResult(std::move(function)), std::move(argnums),
              std::move(options));
}

std::vector<Tensor> detail::callGrad(CompiledFunction::State &state,
                                     const std::vector<Tensor> &inputs) {
  const TransformRequest &request = detail::getRequest(state);
  checkArgnums(request, detail::getName(state), inputs);
  std::vector<size_t> indices = differentiatedInputs(request, inputs);
  if (runtime::OpObserver *observer = runtime::getCurrentObserver())
    return tracing::runNested(*observer, state, inputs, indices).gradients;
  // The gradient does not depend on the caller's grad mode.
  AutoGradMode gradMode(true);
  return detail::callTransform(
             state, tracing::makeDifferentiableAliases(inputs, indices))
      .gradients;
}

//===----------------------------------------------------------------------===//
// jit::vjp
//===----------------------------------------------------------------------===//

VjpFunction adjit::jit::vjp(MultiTensorFunction function,
                            CompileOptions options) {
  auto impl = std::make_shared<VjpFunction::Impl>();
  impl->state = detail::makeTransformState(
      std::move(function), std::move(options),
      TransformRequest{TransformRequest::Kind::Vjp, {}, "jit::vjp"});
  return VjpFunction(std::move(impl));
}

VjpFunction adjit::jit::vjp(TensorFunction function, CompileOptions options) {
  return vjp(asMultiResult(std::move(function)), std::move(options));
}

VjpResult adjit::jit::vjp(MultiTensorFunction function,
                          const std::vector<Tensor> &inputs) {
  return vjp(std::move(function))(inputs);
}

VjpResult adjit::jit::vjp(TensorFunction function,
                          const std::vector<Tensor> &inputs) {
  return vjp(std::move(function))(inputs);
}

VjpResult VjpFunction::operator()(const std::vector<Tensor> &inputs) const {
  CompiledFunction::State &state = *impl->state;
  std::vector<size_t> indices =
      differentiatedInputs(detail::getRequest(state), inputs);
  if (runtime::OpObserver *observer = runtime::getCurrentObserver()) {
    tracing::NestedResult nested =
        tracing::runNested(*observer, state, inputs, indices);
    return {std::move(nested.outputs), std::move(nested.pullback)};
  }
  AutoGradMode gradMode(true);
  detail::TransformCall call = detail::callTransform(
      state, tracing::makeDifferentiableAliases(inputs, indices));
  std::shared_ptr<detail::Pullback> pullback = call.pullback;
  return {std::vector<Tensor>(call.outputs.begin(), call.outputs.end()),
          [pullback](const std::vector<Tensor> &cotangents) {
            if (runtime::getCurrentObserver())
              throw Error("jit::vjp: the pullback of '" + pullback->name +
                          "' was made outside a traced function and is "
                          "called inside one; call jit::vjp inside it too");
            return detail::runPullback(*pullback, cotangents);
          }};
}

CompileStats VjpFunction::getStats() const {
  return detail::getStats(*impl->state);
}

std::string VjpFunction::getLastIR() const {
  return detail::getLastIR(*impl->state);
}
