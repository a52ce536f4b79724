//===- NestedTransform.cpp - transforms called inside a trace -------------===//

#include "NestedTransform.h"

#include "CompiledCall.h"
#include "Tracer.h"

#include "adjit/Autograd.h"
#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"
#include "adjit/Error.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace adjit;
using namespace adjit::tracing;
using jit::detail::TransformRequest;

namespace {
/// Describes the transform `request` of `name` on the inputs `indices`, as
/// its guard record names it.
std::string describe(const TransformRequest &request, const std::string &name,
                     const std::vector<size_t> &indices) {
  if (request.kind == TransformRequest::Kind::Vjp)
    return std::string(request.api) + " of '" + name + "'";
  std::string list;
  for (size_t index : indices)
    list += (list.empty() ? "" : ", ") + std::to_string(index);
  return std::string(request.api) + " of '" + name + "' w.r.t. inputs [" +
         list + "]";
}

/// Returns `tensors` as new tensors sharing their elements (so that results
/// the transform returns are its own, even when the function returned an
/// input or a tensor twice), each requiring grad if `requiresGrad` and
/// floating-point.
std::vector<Tensor> freshResults(const std::vector<Tensor> &tensors,
                                 bool requiresGrad) {
  runtime::ObserverScope unobserved(nullptr);
  std::vector<Tensor> fresh;
  for (const Tensor &tensor : tensors) {
    fresh.push_back(tensor.detach());
    if (requiresGrad && tensor.is_floating_point())
      fresh.back().requires_grad_(true);
  }
  return fresh;
}

/// Returns the eager vector-Jacobian products of `outputs[of]` with
/// `cotangents` (empty: 1 for a one-element output) w.r.t. `inputs`,
/// zeros where an input does not reach them, computed by the eager autograd
/// without telling the tracer: the values the traced function continues
/// with (the IR computes them from the adjoint adjit-autodiff derives).
std::vector<Tensor> eagerProducts(const std::vector<Tensor> &outputs,
                                  const std::vector<Tensor> &inputs,
                                  const std::vector<Tensor> &cotangents) {
  runtime::ObserverScope unobserved(nullptr);
  AutoGradMode gradMode(true);
  std::vector<Tensor> reached, seeds;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (!outputs[i].requires_grad())
      continue;
    reached.push_back(outputs[i]);
    if (!cotangents.empty())
      seeds.push_back(cotangents[i]);
  }
  std::vector<Tensor> products(inputs.size());
  if (!reached.empty())
    products = autograd::grad(reached, inputs, seeds, /*retainGraph=*/true,
                              /*createGraph=*/false, /*allowUnused=*/true);
  NoGradGuard noGrad;
  for (size_t i = 0; i < inputs.size(); ++i)
    products[i] =
        products[i].defined() ? products[i].detach() : zeros_like(inputs[i]);
  return products;
}

/// Returns the elements of `tensors` at `indices`.
std::vector<Tensor> pick(const std::vector<Tensor> &tensors,
                         const std::vector<size_t> &indices) {
  std::vector<Tensor> selected;
  for (size_t index : indices)
    selected.push_back(tensors[index]);
  return selected;
}

/// Returns a vector with zeros like `inputs[i]` at each i of `indices`, made
/// as the traced function's constants: the pullback of a function with no
/// float output.
std::vector<Tensor> zerosOf(const std::vector<Tensor> &inputs,
                            const std::vector<size_t> &indices) {
  std::vector<Tensor> gradients(inputs.size());
  for (size_t index : indices)
    gradients[index] = zeros_like(inputs[index]);
  return gradients;
}

/// A transform traced and differentiated inside a trace.
struct Traced {
  std::shared_ptr<mlir::OwningOpRef<mlir::ModuleOp>> module;
  mlir::func::FuncOp forward, derivative;
  /// The function's arguments: the transform's inputs, then what the
  /// function captured.
  std::vector<Tensor> operands;
  /// The inputs as the function saw them (aliases of the differentiated
  /// ones) and its eager outputs.
  std::vector<Tensor> aliases, outputs;
  std::vector<size_t> wrt, of;
  std::shared_ptr<const TraceGuard::NestedTransform> record;
};

/// Traces `state`'s function on `inputs` with a tracer nested in `outer`
/// and differentiates it w.r.t. `indices`.
Traced traceNested(Tracer &outer, jit::CompiledFunction::State &state,
                   const std::vector<Tensor> &inputs,
                   const std::vector<size_t> &indices,
                   const std::string &description) {
  const TransformRequest &request = jit::detail::getRequest(state);
  const std::string &name = jit::detail::getName(state);
  Traced traced;
  traced.aliases = makeDifferentiableAliases(inputs, indices);
  Tracer inner(outer.getContext(), name);
  for (const Tensor &alias : traced.aliases)
    inner.addInput(alias);
  {
    AutoGradMode gradMode(true);
    try {
      runtime::ObserverScope observe(&inner);
      traced.outputs = jit::detail::getFunction(state)(traced.aliases);
    } catch (...) {
      inner.restoreState();
      throw;
    }
  }
  inner.restoreState();
  if (!inner.getStateWrites().empty())
    throw Error(description +
                ": the function writes state (batch_norm's running "
                "statistics, dropout's generator), which a transform called "
                "inside a traced function does not support; call the "
                "transform outside it");
  if (traced.outputs.empty() ||
      llvm::any_of(traced.outputs,
                   [](const Tensor &output) { return !output.defined(); }))
    throw Error(description +
                ": the function returned no tensor or an undefined one");
  bool differentiable = jit::detail::selectTransformed(
      request, name, traced.outputs, inputs, traced.wrt, traced.of);
  traced.module = std::make_shared<mlir::OwningOpRef<mlir::ModuleOp>>(
      inner.finish(traced.outputs));
  traced.operands = inner.getArgumentTensors();
  std::copy(inputs.begin(), inputs.end(), traced.operands.begin());
  // The checks of argument values the function's ops made (cross_entropy's
  // targets) become checks of the outer function's values.
  for (const Tracer::ArgumentCheck &check : inner.getArgumentChecks())
    outer.observeIndexCheck(check.check, traced.operands[check.argument]);
  auto record = std::make_shared<TraceGuard::NestedTransform>();
  record->description = description;
  record->body = std::make_shared<const TraceGuard>(inner.takeGuard());
  record->numInputs = inputs.size();
  traced.record = std::move(record);

  mlir::ModuleOp module = **traced.module;
  traced.forward = module.lookupSymbol<mlir::func::FuncOp>(name);
  if (!differentiable)
    return traced;
  mlir::adjit::GradientOptions options;
  options.wrt.emplace();
  for (size_t index : traced.wrt)
    options.wrt->push_back(static_cast<int64_t>(index));
  options.of.emplace();
  for (size_t index : traced.of)
    options.of->push_back(static_cast<int64_t>(index));
  options.scalarCotangents = request.kind == TransformRequest::Kind::Vjp;
  options.name = name + "_derivative";
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(
      outer.getContext(), [&](mlir::Diagnostic &diagnostic) {
        diagnostics += (diagnostics.empty() ? "" : "\n") + diagnostic.str();
        return mlir::success();
      });
  mlir::FailureOr<mlir::func::FuncOp> derivative =
      mlir::adjit::generateGradient(traced.forward, options);
  if (mlir::failed(derivative))
    throw Error(description + ": differentiating '" + name +
                "' failed: " + diagnostics);
  traced.derivative = *derivative;
  return traced;
}

/// Whether a tensor of `tensors` requires grad while grad mode is on: then
/// the transform's results do, as eager results computed from them would.
bool anyRequiresGrad(const std::vector<Tensor> &tensors) {
  return GradMode::is_enabled() &&
         llvm::any_of(tensors, [](const Tensor &tensor) {
           return tensor.requires_grad();
         });
}

/// Returns the jit::grad gradients of `state` on `inputs` inside the trace
/// of `outer`.
std::vector<Tensor> emitGrad(Tracer &outer, jit::CompiledFunction::State &state,
                             const std::vector<Tensor> &inputs,
                             const std::vector<size_t> &indices,
                             const std::string &description) {
  Traced traced = traceNested(outer, state, inputs, indices, description);
  std::vector<Tensor> gradients = freshResults(
      eagerProducts(traced.outputs, pick(traced.aliases, indices), {}),
      anyRequiresGrad(traced.operands));
  // @<name>_derivative returns the result, then the gradients.
  outer.emitTransform(traced.derivative, traced.operands, traced.outputs.size(),
                      gradients, traced.record, traced.operands);
  return gradients;
}

/// Returns the jit::vjp outputs and pullback of `state` on `inputs` inside
/// the trace of `outer`.
NestedResult emitVjp(Tracer &outer, jit::CompiledFunction::State &state,
                     const std::vector<Tensor> &inputs,
                     const std::vector<size_t> &indices,
                     const std::string &description) {
  auto traced = std::make_shared<Traced>(
      traceNested(outer, state, inputs, indices, description));
  bool requiresGrad = anyRequiresGrad(traced->operands);
  NestedResult result;
  result.outputs = freshResults(traced->outputs, requiresGrad);
  outer.emitTransform(traced->forward, traced->operands, 0, result.outputs,
                      traced->record, traced->operands);
  // The pullback needs the module while this trace lasts, and no longer.
  outer.keepAlive(traced->module);
  std::weak_ptr<mlir::OwningOpRef<mlir::ModuleOp>> alive = traced->module;
  traced->module.reset();
  std::string name = jit::detail::getName(state);
  auto pullbackRecord = std::make_shared<TraceGuard::NestedTransform>();
  pullbackRecord->description = "the pullback of " + description;
  result.pullback = [traced, alive, &outer, name, requiresGrad,
                     pullbackRecord =
                         std::shared_ptr<const TraceGuard::NestedTransform>(
                             pullbackRecord)](
                        const std::vector<Tensor> &cotangents) {
    std::shared_ptr<mlir::OwningOpRef<mlir::ModuleOp>> module = alive.lock();
    if (!module || runtime::getCurrentObserver() != &outer)
      throw Error("jit::vjp: the pullback of '" + name +
                  "' was made inside a traced function and must be called "
                  "inside that trace");
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    for (const Tensor &output : traced->outputs) {
      shapes.push_back(output.sizes());
      dtypes.push_back(output.dtype());
    }
    jit::detail::checkCotangents(name, shapes, dtypes, cotangents);
    std::vector<Tensor> gradients(traced->aliases.size());
    if (!traced->derivative)
      return zerosOf(std::vector<Tensor>(traced->operands.begin(),
                                         traced->operands.begin() +
                                             traced->aliases.size()),
                     traced->wrt);
    std::vector<Tensor> products = freshResults(
        eagerProducts(traced->outputs, pick(traced->aliases, traced->wrt),
                      cotangents),
        requiresGrad || anyRequiresGrad(cotangents));
    for (size_t i = 0; i < traced->wrt.size(); ++i)
      gradients[traced->wrt[i]] = products[i];
    // @<name>_derivative takes the function's arguments, then the
    // cotangents of the float outputs, and returns the outputs, then the
    // products.
    std::vector<Tensor> arguments = traced->operands;
    std::vector<Tensor> usedCotangents = pick(cotangents, traced->of);
    arguments.insert(arguments.end(), usedCotangents.begin(),
                     usedCotangents.end());
    std::vector<Tensor> guardOperands = usedCotangents;
    guardOperands.insert(guardOperands.end(), traced->operands.begin(),
                         traced->operands.end());
    auto record =
        std::make_shared<TraceGuard::NestedTransform>(*pullbackRecord);
    record->numInputs = usedCotangents.size();
    outer.emitTransform(traced->derivative, arguments, traced->outputs.size(),
                        products, record, guardOperands);
    return gradients;
  };
  return result;
}

/// Answers the transform `state` on `inputs` while the calling function is
/// replayed by `observer`, checking the transform's body against its trace.
NestedResult replayNested(runtime::OpObserver &observer,
                          jit::CompiledFunction::State &state,
                          const std::vector<Tensor> &inputs,
                          const std::vector<size_t> &indices,
                          const std::string &description) {
  std::vector<Tensor> aliases = makeDifferentiableAliases(inputs, indices);
  const jit::MultiTensorFunction &function = jit::detail::getFunction(state);
  auto check = [&](const TraceGuard &body,
                   const std::vector<Tensor> &captured) {
    AutoGradMode gradMode(true);
    return body.replay(function, aliases, captured);
  };
  std::vector<Tensor> results =
      replayTransform(observer, description, inputs, check);
  NestedResult result;
  if (jit::detail::getRequest(state).kind == TransformRequest::Kind::Grad) {
    result.gradients = std::move(results);
    return result;
  }
  result.outputs = std::move(results);
  std::string pullbackDescription = "the pullback of " + description;
  std::vector<Dtype> dtypes;
  for (const Tensor &output : result.outputs)
    dtypes.push_back(output.dtype());
  bool differentiable =
      !indices.empty() &&
      llvm::any_of(dtypes, [](Dtype dtype) { return isFloatingPoint(dtype); });
  result.pullback = [&observer, pullbackDescription, dtypes, indices, inputs,
                     differentiable](const std::vector<Tensor> &cotangents) {
    if (runtime::getCurrentObserver() != &observer)
      throw Error("jit::vjp: a pullback made inside a traced function must "
                  "be called inside that trace");
    if (!differentiable)
      return zerosOf(inputs, indices);
    std::vector<Tensor> used;
    for (size_t i = 0; i < cotangents.size() && i < dtypes.size(); ++i)
      if (isFloatingPoint(dtypes[i]))
        used.push_back(cotangents[i]);
    std::vector<Tensor> products = replayTransform(
        observer, pullbackDescription, used,
        [](const TraceGuard &, const std::vector<Tensor> &) { return ""; });
    std::vector<Tensor> gradients(inputs.size());
    for (size_t i = 0; i < indices.size() && i < products.size(); ++i)
      gradients[indices[i]] = products[i];
    return gradients;
  };
  return result;
}
} // namespace

NestedResult adjit::tracing::runNested(runtime::OpObserver &observer,
                                       jit::CompiledFunction::State &state,
                                       const std::vector<Tensor> &inputs,
                                       const std::vector<size_t> &indices) {
  const TransformRequest &request = jit::detail::getRequest(state);
  std::string description =
      describe(request, jit::detail::getName(state), indices);
  if (observer.isReplaying())
    return replayNested(observer, state, inputs, indices, description);
  auto *tracer = dynamic_cast<Tracer *>(&observer);
  if (!tracer)
    throw unknownObserverError(description);
  if (request.kind == TransformRequest::Kind::Grad) {
    NestedResult result;
    result.gradients = emitGrad(*tracer, state, inputs, indices, description);
    return result;
  }
  return emitVjp(*tracer, state, inputs, indices, description);
}
