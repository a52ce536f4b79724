//===- CompiledFunction.cpp - adjit::jit::trace and adjit::jit::compile ---===//

#include "CapturedTensors.h"
#include "CompiledCall.h"
#include "Tracer.h"

#include "adjit/Autograd.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/OptimizerUpdate.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"
#include "adjit/Distributed.h"
#include "adjit/Error.h"
#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/Pipelines/Pipelines.h"
#include "adjit/Runtime/BufferCache.h"
#include "adjit/Runtime/CompiledArguments.h"
#include "adjit/Runtime/OpObserver.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/ScopeExit.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <mutex>
#include <optional>

using namespace adjit;
using namespace adjit::jit;

namespace {

/// What a compilation depends on of one argument tensor.
struct ArgumentKey {
  Shape shape;
  Dtype dtype;
  bool requiresGrad;

  static ArgumentKey of(const Tensor &tensor) {
    return {tensor.sizes(), tensor.dtype(), tensor.requires_grad()};
  }
  bool operator==(const ArgumentKey &other) const {
    return shape == other.shape && dtype == other.dtype &&
           requiresGrad == other.requiresGrad;
  }
  /// Returns whether `tensor` has this key; compared in place, with no copy
  /// of its shape.
  bool matches(const Tensor &tensor) const {
    return runtime::hasSignature(tensor, shape, dtype, requiresGrad);
  }
  /// Describes how `next` differs from this key.
  std::string describeChange(const ArgumentKey &next) const {
    if (shape != next.shape)
      return "changed shape from " + shapeToString(shape) + " to " +
             shapeToString(next.shape);
    if (dtype != next.dtype)
      return "changed dtype";
    return next.requiresGrad ? "now requires grad" : "no longer requires grad";
  }
};

/// One traced and compiled version of the function; it holds its captured
/// tensors, and is moved, never copied.
struct Compilation {
  Compilation() = default;
  Compilation(Compilation &&) = default;
  Compilation &operator=(Compilation &&) = default;
  Compilation(const Compilation &) = delete;
  Compilation &operator=(const Compilation &) = delete;

  std::vector<ArgumentKey> inputKeys;
  bool gradMode;
  /// The arguments of a call: slots for the inputs, filled during a call of
  /// this compilation, then the captured tensors, held so that calls pass
  /// them without touching their reference counts.
  std::vector<Tensor> arguments;
  /// A hold on each captured tensor: a released one (see
  /// CapturedTensorHold::isReleased) means the function now uses another
  /// tensor, so this compilation is stale. Declared after `arguments`, so
  /// that a hold ends before its tensor is dropped.
  std::vector<tracing::CapturedTensorHold> captured;
  std::vector<ArgumentKey> capturedKeys;
  /// Argument indices whose gradients the compiled code returns.
  std::vector<size_t> wrt;
  /// Argument indices the compiled code returns new state for (results 1 to
  /// stateWrites.size()), written into those tensors after each call.
  std::vector<size_t> stateWrites;
  /// Checks of argument values that the traced ops made and that each call
  /// repeats (cross_entropy's target range).
  std::vector<tracing::Tracer::ArgumentCheck> argumentChecks;
  /// The traced ops, replayed before each reuse.
  tracing::TraceGuard guard;
  std::shared_ptr<const CompiledModule> module;
  /// A TrainStep's update as adjit-append-optimizer-update options (all but
  /// the learning rates); other options recompile.
  mlir::adjit::OptimizerUpdateOptions update;
  std::string entry;
  /// jit::vjp: the function of the vector-Jacobian products.
  std::string vjpEntry;
  std::vector<Shape> outputShapes;
  std::vector<Dtype> outputDtypes;
  std::string ir;
  /// The tier of the code the last call of this compilation ran.
  mutable Tier lastTier = Tier::Optimized;
  /// The call that last ran this compilation (State::calls), to drop the
  /// least recently used one beyond CompileOptions::maxCompilations.
  uint64_t lastUse = 0;
  /// Whether the update has optimizer state tensors (a TrainStep).
  bool hasOptimizerState = false;
  /// Whether a call saw the module's tier-up queued.
  mutable bool tierUpScheduled = false;
};

std::vector<ArgumentKey> keysOf(const std::vector<Tensor> &tensors) {
  std::vector<ArgumentKey> keys;
  for (const Tensor &tensor : tensors)
    keys.push_back(ArgumentKey::of(tensor));
  return keys;
}

/// Returns the captured tensors of `compilation`.
llvm::ArrayRef<Tensor> capturedTensors(const Compilation &compilation) {
  return llvm::ArrayRef<Tensor>(compilation.arguments)
      .drop_front(compilation.inputKeys.size());
}

/// Returns whether a captured tensor of `compilation` was released: the
/// compilation can never run again.
bool isStale(const Compilation &compilation) {
  llvm::ArrayRef<Tensor> captured = capturedTensors(compilation);
  for (size_t i = 0; i < captured.size(); ++i)
    if (compilation.captured[i].isReleased(captured[i]))
      return true;
  return false;
}

/// Returns whether `compilation` can run `inputs` under `gradMode`, comparing
/// in place and building no message (whyStale() says why not). Sets
/// `released` if a captured tensor was released.
bool fitsCall(const Compilation &compilation, const std::vector<Tensor> &inputs,
              bool gradMode, bool &released) {
  released = false;
  if (inputs.size() != compilation.inputKeys.size() ||
      gradMode != compilation.gradMode)
    return false;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!compilation.inputKeys[i].matches(inputs[i]))
      return false;
  llvm::ArrayRef<Tensor> captured = capturedTensors(compilation);
  for (size_t i = 0; i < captured.size(); ++i) {
    if (compilation.captured[i].isReleased(captured[i])) {
      released = true;
      return false;
    }
    if (!compilation.capturedKeys[i].matches(captured[i]))
      return false;
  }
  return true;
}

/// Returns why `compilation` cannot run `inputs`, or "" if it can.
std::string whyStale(const Compilation &compilation,
                     const std::vector<Tensor> &inputs, bool gradMode) {
  if (inputs.size() != compilation.inputKeys.size())
    return "the number of inputs changed from " +
           std::to_string(compilation.inputKeys.size()) + " to " +
           std::to_string(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!compilation.inputKeys[i].matches(inputs[i]))
      return "input " + std::to_string(i) + " " +
             compilation.inputKeys[i].describeChange(
                 ArgumentKey::of(inputs[i]));
  if (gradMode != compilation.gradMode)
    return gradMode ? "grad mode was enabled" : "grad mode was disabled";
  llvm::ArrayRef<Tensor> captured = capturedTensors(compilation);
  for (size_t i = 0; i < captured.size(); ++i) {
    if (compilation.captured[i].isReleased(captured[i]))
      return "captured tensor " + std::to_string(i) + " was released";
    const Tensor &tensor = captured[i];
    const ArgumentKey &traced = compilation.capturedKeys[i];
    if (!traced.matches(tensor))
      return "captured tensor " + std::to_string(i) + " " +
             traced.describeChange(ArgumentKey::of(tensor));
  }
  return "";
}

/// The engine of all compiled functions, so that equal modules compile once.
/// It lives until the process ends and is never destroyed: tearing down
/// compiled code during exit would run after LLVM's own globals are gone.
Engine &getEngine() {
  static Engine *engine = new Engine();
  return *engine;
}

std::string printModule(mlir::ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return text;
}

/// What tracing a function gave.
struct Recording {
  mlir::OwningOpRef<mlir::ModuleOp> module;
  /// The argument tensors: the inputs, then the captured tensors.
  std::vector<Tensor> arguments;
  std::vector<tracing::Tracer::ArgumentCheck> argumentChecks;
  /// The arguments the function writes state into.
  std::vector<size_t> stateWrites;
  tracing::TraceGuard guard;
  std::vector<Tensor> outputs;
};

/// Records `function` on `inputs` into `context`.
/// `api` names the entry point in messages (jit::trace, jit::compile,
/// jit::TrainStep, jit::grad or jit::vjp).
Recording record(mlir::MLIRContext &context,
                 const MultiTensorFunction &function,
                 const std::vector<Tensor> &inputs, const std::string &name,
                 const char *api) {
  // The tracer writes adjit and func ops; passes load what they need.
  context.loadDialect<mlir::adjit::AdjitDialect, mlir::func::FuncDialect>();
  tracing::Tracer tracer(&context, name);
  for (const Tensor &input : inputs)
    tracer.addInput(input);
  std::vector<Tensor> results;
  try {
    // Grad mode stays as the caller has it, so that the tracer can tell ops
    // the function runs under its own NoGradGuard.
    runtime::ObserverScope observe(&tracer);
    results = function(inputs);
  } catch (...) {
    tracer.restoreState();
    throw;
  }
  // The eager run wrote state (running statistics, the generator's
  // offset); the compiled code makes those writes on each call instead.
  tracer.restoreState();
  if (results.empty())
    throw Error(std::string(api) + ": the traced function '" + name +
                "' returned no tensor");
  for (const Tensor &result : results)
    if (!result.defined())
      throw Error(std::string(api) + ": the traced function '" + name +
                  "' returned an undefined tensor");
  Recording recording;
  recording.module = tracer.finish(results);
  recording.arguments = tracer.getArgumentTensors();
  recording.argumentChecks = tracer.getArgumentChecks();
  recording.stateWrites = tracer.getStateWrites();
  recording.guard = tracer.takeGuard();
  recording.outputs = results;
  return recording;
}

ElementType elementTypeOf(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return ElementType::F32;
  case Dtype::Bool:
    return ElementType::I1;
  case Dtype::Float64:
    return ElementType::F64;
  case Dtype::Int64:
    return ElementType::I64;
  }
  return ElementType::F64;
}

Dtype dtypeOf(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return Dtype::Float32;
  case ElementType::F64:
    return Dtype::Float64;
  case ElementType::I1:
    return Dtype::Bool;
  case ElementType::I64:
    return Dtype::Int64;
  }
  return Dtype::Float64;
}

/// Returns the elements of `tensor`, which is contiguous.
void *getElements(const Tensor &tensor) {
  switch (tensor.dtype()) {
  case Dtype::Float32:
    return tensor.data_ptr<float>();
  case Dtype::Bool:
    return tensor.data_ptr<bool>();
  case Dtype::Int64:
    return tensor.data_ptr<int64_t>();
  case Dtype::Float64:
    break;
  }
  return tensor.data_ptr<double>();
}

/// Copies a result buffer into a new tensor of `dtype`.
Tensor toTensor(const Buffer &buffer, Dtype dtype) {
  NoGradGuard noGrad;
  Dtype bufferDtype = dtypeOf(buffer.getElementType());
  Tensor tensor = empty(buffer.getShape(), bufferDtype);
  size_t bytes =
      buffer.getNumElements() * getElementSize(buffer.getElementType());
  if (bytes)
    std::memcpy(getElements(tensor), buffer.getData(), bytes);
  return bufferDtype == dtype ? tensor : tensor.to(dtype);
}

/// Overwrites the elements of `tensor` with `buffer`'s, converting when the
/// dtypes differ. A contiguous tensor of the buffer's element type is
/// written directly, with no temporary.
void overwriteWith(Tensor &tensor, const Buffer &buffer) {
  NoGradGuard noGrad;
  if (tensor.is_contiguous() &&
      elementTypeOf(tensor.dtype()) == buffer.getElementType()) {
    std::memcpy(getElements(tensor), buffer.getData(),
                buffer.getNumElements() *
                    getElementSize(buffer.getElementType()));
    return;
  }
  tensor.copy_(toTensor(buffer, tensor.dtype()));
}

/// Makes `buffer`'s elements the new elements of `tensor`: adopted without
/// a copy where runtime::adoptElements allows it (the buffer then holds
/// none), copied otherwise. A training step's updated parameters and
/// optimizer state come back this way.
void moveInto(Tensor &tensor, Buffer &buffer) {
  size_t bytes =
      buffer.getNumElements() * getElementSize(buffer.getElementType());
  if (bytes && elementTypeOf(tensor.dtype()) == buffer.getElementType()) {
    if (runtime::adoptElements(tensor, buffer.getData(), bytes,
                               buffer.getAllocation(),
                               &Buffer::freeAllocation)) {
      buffer.releaseAllocation();
      return;
    }
  }
  overwriteWith(tensor, buffer);
}

} // namespace

namespace {
/// The optimizer of a TrainStep and the state it keeps between steps.
struct Training {
  /// The parameter groups and their options; never stepped.
  std::shared_ptr<optim::Optimizer> optimizer;
  /// Whether the optimizer's only group is empty and stands for every
  /// tensor that requires grad.
  bool implicitGroup = true;
  /// Clip the gradients to this total 2-norm; 0 for no clipping.
  double maxGradNorm = 0;
  /// The gradient norm of the last step with clipping.
  double lastGradNorm = std::numeric_limits<double>::quiet_NaN();
  /// Steps run so far.
  int64_t steps = 0;
  /// The optimizer state of one trained tensor.
  struct ParameterState {
    /// The tensor, weakly: a released one has no further steps.
    std::weak_ptr<TensorImpl> owner;
    std::vector<Tensor> tensors;
  };
  std::map<const TensorImpl *, ParameterState> parameters;

  double getLearningRate() const {
    return optimizer->param_groups().front().options().get_lr();
  }

  /// Returns the options of the adjit-append-optimizer-update pass that
  /// apply the update to `arguments[i]` for each i in `wrt`; throws
  /// adjit::Error (naming `name`) for a trained tensor in no group.
  mlir::adjit::OptimizerUpdateOptions
  getUpdateOptions(const std::vector<Tensor> &arguments,
                   const std::vector<size_t> &wrt, size_t stateResults,
                   const std::string &name) const;

  /// Sets the options of `update` that follow from the optimizer alone (its
  /// kind, momentum, the options of each group, clipping), leaving those of
  /// the trained tensors (wrt, groupOf, stateResults) as they are; throws
  /// adjit::Error if SGD's momentum differs between groups.
  void setRule(mlir::adjit::OptimizerUpdateOptions &update) const;

  /// Returns whether `compiled`, made by getUpdateOptions() for `arguments`,
  /// is still the update of the optimizer, using `rule` as scratch; with the
  /// implicit group this compares in place and allocates nothing.
  bool isCompiledUpdate(const mlir::adjit::OptimizerUpdateOptions &compiled,
                        const std::vector<Tensor> &arguments,
                        const std::vector<size_t> &wrt, size_t stateResults,
                        const std::string &name,
                        mlir::adjit::OptimizerUpdateOptions &rule) const;

  /// Returns the state of `parameter`, made on its first step.
  std::vector<Tensor> &stateOf(const Tensor &parameter) {
    ParameterState &entry = parameters[parameter.unsafeGetImpl()];
    if (entry.owner.lock() != parameter.getIntrusivePtr()) {
      // New, or a released tensor's address reused.
      entry.owner = parameter.getIntrusivePtr();
      entry.tensors = makeState(parameter);
    }
    return entry.tensors;
  }

  /// Drops the state of released tensors.
  void dropReleased() {
    for (auto it = parameters.begin(); it != parameters.end();)
      it = it->second.owner.expired() ? parameters.erase(it) : std::next(it);
  }

private:
  /// Returns the optimizer state of `parameter` before its first step, in
  /// the layout the adjit-append-optimizer-update pass gives it: zeros of
  /// the parameter's shape and dtype, except SGD's flag (a false bool
  /// scalar).
  std::vector<Tensor> makeState(const Tensor &parameter) const {
    NoGradGuard noGrad;
    mlir::adjit::OptimizerUpdateOptions update =
        getUpdateOptions({}, {}, 0, "");
    std::vector<Tensor> state;
    for (unsigned i = 0, e = update.getNumStateTensors(); i < e; ++i)
      state.push_back(update.isStateFlag(i)
                          ? zeros({}, Dtype::Bool)
                          : zeros(parameter.sizes(), parameter.dtype()));
    return state;
  }
};

void Training::setRule(mlir::adjit::OptimizerUpdateOptions &update) const {
  update.kind = mlir::adjit::OptimizerKind::SGD;
  update.momentum = 0;
  update.dampening = 0;
  update.nesterov = false;
  update.maxGradNorm = maxGradNorm;
  const std::vector<optim::OptimizerParamGroup> &groups =
      optimizer->param_groups();
  update.groups.clear();
  const char *api = "jit::TrainStep: ";
  const optim::SGDOptions *firstSgd = nullptr;
  for (size_t g = 0; g < groups.size(); ++g) {
    const optim::OptimizerOptions &options = groups[g].options();
    mlir::adjit::OptimizerGroupOptions group;
    if (const auto *sgd = dynamic_cast<const optim::SGDOptions *>(&options)) {
      update.kind = mlir::adjit::OptimizerKind::SGD;
      if (!firstSgd) {
        firstSgd = sgd;
        update.momentum = sgd->momentum();
        update.dampening = sgd->dampening();
        update.nesterov = sgd->nesterov();
      } else if (sgd->momentum() != firstSgd->momentum() ||
                 sgd->dampening() != firstSgd->dampening() ||
                 sgd->nesterov() != firstSgd->nesterov()) {
        throw Error(std::string(api) + "parameter group " + std::to_string(g) +
                    " has another momentum, dampening or nesterov than group "
                    "0; a TrainStep needs the same in all groups");
      }
      group.weightDecay = sgd->weight_decay();
    } else {
      const auto *adamW = dynamic_cast<const optim::AdamWOptions *>(&options);
      const optim::AdamOptions &adam =
          adamW ? adamW->asAdamOptions()
                : static_cast<const optim::AdamOptions &>(options);
      update.kind = adamW ? mlir::adjit::OptimizerKind::AdamW
                          : mlir::adjit::OptimizerKind::Adam;
      std::tie(group.beta1, group.beta2) = adam.betas();
      group.eps = adam.eps();
      group.weightDecay = adam.weight_decay();
    }
    update.groups.push_back(group);
  }
}

bool Training::isCompiledUpdate(
    const mlir::adjit::OptimizerUpdateOptions &compiled,
    const std::vector<Tensor> &arguments, const std::vector<size_t> &wrt,
    size_t stateResults, const std::string &name,
    mlir::adjit::OptimizerUpdateOptions &rule) const {
  if (!implicitGroup && !wrt.empty())
    return getUpdateOptions(arguments, wrt, stateResults, name) == compiled;
  // wrt and stateResults are the compilation's own, and with the implicit
  // group (or nothing trained) groupOf is empty.
  setRule(rule);
  return rule.kind == compiled.kind && rule.momentum == compiled.momentum &&
         rule.dampening == compiled.dampening &&
         rule.nesterov == compiled.nesterov &&
         rule.maxGradNorm == compiled.maxGradNorm &&
         rule.groups == compiled.groups && compiled.groupOf.empty();
}

mlir::adjit::OptimizerUpdateOptions
Training::getUpdateOptions(const std::vector<Tensor> &arguments,
                           const std::vector<size_t> &wrt, size_t stateResults,
                           const std::string &name) const {
  mlir::adjit::OptimizerUpdateOptions update;
  update.stateResults = static_cast<unsigned>(stateResults);
  update.wrt.emplace();
  for (size_t index : wrt)
    update.wrt->push_back(static_cast<int64_t>(index));
  setRule(update);
  if (implicitGroup || wrt.empty())
    return update;
  const std::vector<optim::OptimizerParamGroup> &groups =
      optimizer->param_groups();
  std::map<const TensorImpl *, int64_t> groupOf;
  for (size_t g = 0; g < groups.size(); ++g)
    for (const Tensor &parameter : groups[g].params())
      groupOf[parameter.unsafeGetImpl()] = static_cast<int64_t>(g);
  for (size_t index : wrt) {
    auto it = groupOf.find(arguments[index].unsafeGetImpl());
    if (it == groupOf.end())
      throw Error("jit::TrainStep: argument " + std::to_string(index) +
                  " of '" + name + "' (shape " +
                  shapeToString(arguments[index].sizes()) +
                  ") requires grad but is in no parameter group; add it to "
                  "a group or make it not require grad");
    update.groupOf.push_back(it->second);
  }
  return update;
}
} // namespace

MultiTensorFunction jit::detail::asMultiResult(TensorFunction function) {
  return [function = std::move(function)](const std::vector<Tensor> &inputs) {
    return std::vector<Tensor>{function(inputs)};
  };
}

using jit::detail::asMultiResult;

struct CompiledFunction::State {
  MultiTensorFunction function;
  /// The function, if it was given as a function of one result: replays
  /// call it directly, without a list of results.
  TensorFunction singleResultFunction;
  std::string name;
  /// Reuse compiled code without replaying the function (unsound for
  /// functions that depend on host state).
  bool assumePure = false;
  /// Set: the gradients are averaged over the ranks in compiled code.
  std::optional<DistributedOptions> distributed;
  /// Set for a TrainStep: the compiled code takes the optimizer state, the
  /// learning rate and the step count after the arguments, and returns the
  /// updated parameters and state instead of gradients.
  std::optional<Training> training;
  /// Set for jit::grad and jit::vjp: what the compiled code differentiates.
  std::optional<jit::detail::TransformRequest> transform;
  /// The most compilations kept (CompileOptions::maxCompilations).
  size_t maxCompilations = 8;
  std::mutex mutex;
  /// The compiled versions, in the order they were compiled.
  std::vector<Compilation> compilations;
  /// Calls so far, to order the compilations by their last use.
  uint64_t calls = 0;
  CompileStats stats;
  /// The gradients of the last call that added them to existing .grad()
  /// tensors, kept to take the next call's gradients without allocating.
  std::vector<Tensor> gradients;
  /// Lists a call fills and empties again, kept with their capacity (under
  /// `mutex`) so that steady-state calls do not allocate them.
  struct CallScratch {
    std::vector<Tensor> contiguous;
    /// Views of the arguments, optimizer state and scalars; elements are
    /// overwritten in place, so their shape vectors keep their capacity.
    std::vector<BufferView> views;
    size_t numViews = 0;
    std::vector<Tensor *> optimizerState;
    std::vector<double> scalars;
    /// A TrainStep's update rule as the optimizer has it now.
    mlir::adjit::OptimizerUpdateOptions rule;
    tracing::TraceGuard::ReplayScratch replay;
    /// The compiled code's results; their elements are released after each
    /// call, their shape lists kept.
    std::vector<Buffer> results;

    /// Returns the next view to fill.
    BufferView &nextView() {
      if (numViews == views.size())
        views.emplace_back();
      BufferView &view = views[numViews++];
      view.strides.clear();
      return view;
    }
    /// Releases the tensors, keeping the capacity.
    void clear() {
      contiguous.clear();
      numViews = 0;
      optimizerState.clear();
      scalars.clear();
      for (Buffer &result : results)
        result.releaseElements();
    }
  } scratch;
};

std::string adjit::jit::trace(const MultiTensorFunction &function,
                              const std::vector<Tensor> &inputs,
                              const std::string &name) {
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  return printModule(
      *record(context, function, inputs, name, "jit::trace").module);
}

std::string adjit::jit::trace(const TensorFunction &function,
                              const std::vector<Tensor> &inputs,
                              const std::string &name) {
  return trace(asMultiResult(function), inputs, name);
}

CompiledFunction adjit::jit::compile(TensorFunction function,
                                     std::string name) {
  CompileOptions options;
  options.name = std::move(name);
  return compile(std::move(function), std::move(options));
}

namespace {
/// Returns the state of `function` compiled with `options`; `api` names the
/// caller in messages.
std::shared_ptr<CompiledFunction::State> makeState(MultiTensorFunction function,
                                                   CompileOptions options,
                                                   const char *api) {
  if (options.name.empty() || options.name.find('"') != std::string::npos)
    throw Error(std::string(api) + ": invalid function name '" + options.name +
                "' (it must be non-empty and have no double quote)");
  auto state = std::make_shared<CompiledFunction::State>();
  state->function = std::move(function);
  state->name = std::move(options.name);
  state->assumePure = options.assumePure;
  if (options.distributed) {
    if (!distributed::is_initialized())
      throw Error("jit::compile: CompileOptions::distributed needs "
                  "distributed::init() first");
    if (options.distributed->bucketBytes < 0)
      throw Error("jit::compile: DistributedOptions::bucketBytes must not be "
                  "negative, got " +
                  std::to_string(options.distributed->bucketBytes));
  }
  if (options.maxCompilations == 0)
    throw Error(std::string(api) + ": CompileOptions::maxCompilations of '" +
                state->name + "' must be at least 1, got 0");
  state->maxCompilations = options.maxCompilations;
  state->distributed = options.distributed;
  return state;
}
} // namespace

CompiledFunction adjit::jit::compile(TensorFunction function,
                                     CompileOptions options) {
  std::shared_ptr<CompiledFunction::State> state =
      makeState(asMultiResult(function), std::move(options), "jit::compile");
  state->singleResultFunction = std::move(function);
  return CompiledFunction(std::move(state));
}

CompiledMultiFunction adjit::jit::compile(MultiTensorFunction function,
                                          std::string name) {
  CompileOptions options;
  options.name = std::move(name);
  return compile(std::move(function), std::move(options));
}

CompiledMultiFunction adjit::jit::compile(MultiTensorFunction function,
                                          CompileOptions options) {
  return CompiledMultiFunction(CompiledFunction(
      makeState(std::move(function), std::move(options), "jit::compile")));
}

std::shared_ptr<CompiledFunction::State>
jit::detail::makeTransformState(MultiTensorFunction function,
                                CompileOptions options,
                                TransformRequest request) {
  if (options.distributed)
    throw Error(std::string(request.api) +
                ": CompileOptions::distributed is not supported (it averages "
                "the gradients jit::compile accumulates into .grad())");
  std::shared_ptr<CompiledFunction::State> state =
      makeState(std::move(function), std::move(options), request.api);
  state->transform = std::move(request);
  return state;
}

const MultiTensorFunction &
jit::detail::getFunction(const CompiledFunction::State &state) {
  return state.function;
}

const jit::detail::TransformRequest &
jit::detail::getRequest(const CompiledFunction::State &state) {
  return *state.transform;
}

const std::string &jit::detail::getName(const CompiledFunction::State &state) {
  return state.name;
}

namespace {
/// Traces and compiles `state`'s function for `inputs`.
/// Registers the passes that compile pipelines name.
void registerPipelinePasses() {
  static std::once_flag once;
  std::call_once(once, [] { mlir::adjit::registerAdjitTransformsPasses(); });
}

/// Runs the textual pass pipeline `pipeline` (`builtin.module(...)`, as
/// `adjit-opt --pass-pipeline=` takes it) on `module`; returns false if it
/// fails, with the diagnostics in the context's handler or in `errors`.
bool runPipeline(mlir::ModuleOp module, const std::string &pipeline,
                 std::string &errors) {
  registerPipelinePasses();
  llvm::raw_string_ostream errorStream(errors);
  mlir::FailureOr<mlir::OpPassManager> parsed =
      mlir::parsePassPipeline(pipeline, errorStream);
  if (mlir::failed(parsed))
    return false;
  mlir::PassManager pm(module.getContext());
  static_cast<mlir::OpPassManager &>(pm) = std::move(*parsed);
  return mlir::succeeded(pm.run(module));
}

Compilation compileFor(CompiledFunction::State &state,
                       const std::vector<Tensor> &inputs, bool gradMode);
/// Runs `state`'s function on `inputs`, compiling it first if needed.
jit::detail::TransformCall call(CompiledFunction::State *state,
                                const std::vector<Tensor> &inputs);

} // namespace

Tensor CompiledFunction::operator()(const std::vector<Tensor> &inputs) const {
  return call(state.get(), inputs).outputs.front();
}

std::vector<Tensor>
CompiledMultiFunction::operator()(const std::vector<Tensor> &inputs) const {
  if (function.state->transform)
    return jit::detail::callGrad(*function.state, inputs);
  jit::detail::TransformCall outcome = call(function.state.get(), inputs);
  return std::vector<Tensor>(outcome.outputs.begin(), outcome.outputs.end());
}

jit::detail::TransformCall
jit::detail::callTransform(CompiledFunction::State &state,
                           const std::vector<Tensor> &inputs) {
  return call(&state, inputs);
}

CompileStats jit::detail::getStats(CompiledFunction::State &state) {
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.stats;
}

std::string jit::detail::getLastIR(CompiledFunction::State &state) {
  std::lock_guard<std::mutex> lock(state.mutex);
  return state.compilations.empty() ? "" : state.compilations.back().ir;
}

namespace {
CompileOptions named(std::string name) {
  CompileOptions options;
  options.name = std::move(name);
  return options;
}
} // namespace

TrainStep::TrainStep(TensorFunction loss, optim::SGDOptions options,
                     std::string name)
    : TrainStep(std::move(loss), options, named(std::move(name))) {}

TrainStep::TrainStep(TensorFunction loss, optim::AdamOptions options,
                     std::string name)
    : TrainStep(std::move(loss), options, named(std::move(name))) {}

TrainStep::TrainStep(TensorFunction loss, optim::AdamWOptions options,
                     std::string name)
    : TrainStep(std::move(loss), options, named(std::move(name))) {}

TrainStep::TrainStep(TensorFunction loss, optim::SGDOptions options,
                     CompileOptions compileOptions)
    : TrainStep(std::move(loss),
                std::make_unique<optim::SGD>(std::vector<Tensor>{}, options),
                true, std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss, optim::AdamOptions options,
                     CompileOptions compileOptions)
    : TrainStep(std::move(loss),
                std::make_unique<optim::Adam>(std::vector<Tensor>{}, options),
                true, std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss, optim::AdamWOptions options,
                     CompileOptions compileOptions)
    : TrainStep(std::move(loss),
                std::make_unique<optim::AdamW>(std::vector<Tensor>{}, options),
                true, std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss,
                     const std::vector<optim::OptimizerParamGroup> &groups,
                     optim::SGDOptions defaults, CompileOptions compileOptions)
    : TrainStep(std::move(loss), std::make_unique<optim::SGD>(groups, defaults),
                false, std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss,
                     const std::vector<optim::OptimizerParamGroup> &groups,
                     optim::AdamOptions defaults, CompileOptions compileOptions)
    : TrainStep(std::move(loss),
                std::make_unique<optim::Adam>(groups, defaults), false,
                std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss,
                     const std::vector<optim::OptimizerParamGroup> &groups,
                     optim::AdamWOptions defaults,
                     CompileOptions compileOptions)
    : TrainStep(std::move(loss),
                std::make_unique<optim::AdamW>(groups, defaults), false,
                std::move(compileOptions)) {}

TrainStep::TrainStep(TensorFunction loss,
                     std::unique_ptr<optim::Optimizer> optimizer,
                     bool implicitGroup, CompileOptions compileOptions)
    : function(compile(std::move(loss), std::move(compileOptions))) {
  Training training;
  training.optimizer = std::move(optimizer);
  training.implicitGroup = implicitGroup;
  // SGD's momentum must agree between groups.
  (void)training.getUpdateOptions({}, {}, 0, "");
  function.state->training = std::move(training);
}

Tensor TrainStep::operator()(const std::vector<Tensor> &inputs) {
  return call(function.state.get(), inputs).outputs.front();
}

void TrainStep::setLearningRate(double learningRate) {
  if (!(learningRate >= 0))
    throw Error("jit::TrainStep::setLearningRate: invalid learning rate " +
                std::to_string(learningRate));
  std::lock_guard<std::mutex> lock(function.state->mutex);
  for (optim::OptimizerParamGroup &group :
       function.state->training->optimizer->param_groups())
    group.options().set_lr(learningRate);
}

double TrainStep::getLearningRate() const {
  std::lock_guard<std::mutex> lock(function.state->mutex);
  return function.state->training->getLearningRate();
}

TrainStep &TrainStep::clip_grad_norm(double maxNorm) {
  if (!(maxNorm > 0 && std::isfinite(maxNorm)))
    throw Error("jit::TrainStep::clip_grad_norm: max_norm must be positive "
                "and finite, got " +
                std::to_string(maxNorm));
  std::lock_guard<std::mutex> lock(function.state->mutex);
  function.state->training->maxGradNorm = maxNorm;
  return *this;
}

double TrainStep::getLastGradNorm() const {
  std::lock_guard<std::mutex> lock(function.state->mutex);
  return function.state->training->lastGradNorm;
}

optim::Optimizer &TrainStep::optimizer() {
  return *function.state->training->optimizer;
}

int64_t TrainStep::getStepCount() const {
  std::lock_guard<std::mutex> lock(function.state->mutex);
  return function.state->training->steps;
}

OptimizerOptions TrainStep::getOptions() const {
  std::lock_guard<std::mutex> lock(function.state->mutex);
  const optim::OptimizerOptions &options =
      function.state->training->optimizer->param_groups().front().options();
  if (const auto *sgd = dynamic_cast<const optim::SGDOptions *>(&options))
    return *sgd;
  if (const auto *adamW = dynamic_cast<const optim::AdamWOptions *>(&options))
    return *adamW;
  return static_cast<const optim::AdamOptions &>(options);
}

namespace {
/// Sets `view` to a view of `tensor`'s elements for compiled code.
void setView(BufferView &view, const Tensor &tensor) {
  view.type.elementType = elementTypeOf(tensor.dtype());
  // Assigned in place: a view reused across calls keeps its capacity.
  const Shape &sizes = tensor.sizes();
  view.type.shape.assign(sizes.begin(), sizes.end());
  view.data = getElements(tensor);
}

/// Returns a view of `tensor`'s elements for compiled code.
BufferView viewOf(const Tensor &tensor) {
  BufferView view;
  setView(view, tensor);
  return view;
}

/// Throws the same adjit::Error on every rank unless all ranks pass inputs
/// of the same shapes and dtypes to the data-parallel function `name`, whose
/// compiled all-reduces would otherwise not match.
void checkInputsAcrossRanks(const char *api, const std::string &name,
                            const std::vector<Tensor> &inputs) {
  std::string signature;
  for (const Tensor &input : inputs) {
    if (!signature.empty())
      signature += ", ";
    signature +=
        std::string(dtypeName(input.dtype())) + shapeToString(input.sizes());
  }
  // FNV-1a: equal signatures give equal fingerprints on every rank.
  uint64_t hash = 1469598103934665603ull;
  for (char c : signature)
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  // 52 bits: exact in a double, whatever item() converts through.
  hash &= (uint64_t(1) << 52) - 1;
  Tensor mine = from_vector(std::vector<int64_t>{static_cast<int64_t>(hash)},
                            {1}, kInt64);
  std::vector<Tensor> all = distributed::all_gather(mine);
  for (size_t rank = 0; rank < all.size(); ++rank)
    if (all[rank].item<int64_t>() != static_cast<int64_t>(hash))
      throw Error(std::string(api) + ": '" + name +
                  "' is data-parallel but rank " + std::to_string(rank) +
                  " passed inputs of other shapes or dtypes than rank " +
                  std::to_string(distributed::rank()) + "'s (" + signature +
                  "); every rank must pass the same shapes (give each rank "
                  "batches of one size, e.g. with data::DistributedSampler)");
}

/// Returns why the optimizer update compiled into `compilation` no longer
/// applies to a TrainStep called with `arguments` (options other than the
/// learning rates, or the groups of the trained tensors, changed), or "" if
/// it does.
std::string whyUpdateChanged(const CompiledFunction::State &state,
                             const Compilation &compilation,
                             const std::vector<Tensor> &arguments) {
  mlir::adjit::OptimizerUpdateOptions current =
      state.training->getUpdateOptions(arguments, compilation.wrt,
                                       compilation.stateWrites.size(),
                                       state.name);
  if (current == compilation.update)
    return "";
  std::string gradientName = state.name + "_grad";
  return "the optimizer update changed from '" +
         compilation.update.getPassOptions(gradientName) + "' to '" +
         current.getPassOptions(gradientName) + "'";
}

/// Returns the pullback of a call of the jit::vjp function `state` at
/// `arguments`, before the call writes its state: the tensors it writes are
/// kept as they are now, the others with their version counters.
std::shared_ptr<jit::detail::Pullback>
makePullback(const CompiledFunction::State &state,
             const Compilation &compilation,
             const std::vector<Tensor> &arguments) {
  auto pullback = std::make_shared<jit::detail::Pullback>();
  pullback->module = compilation.module;
  pullback->entry = compilation.vjpEntry;
  pullback->arguments = arguments;
  for (size_t index : compilation.stateWrites) {
    runtime::ObserverScope unobserved(nullptr);
    NoGradGuard noGrad;
    pullback->arguments[index] = arguments[index].clone();
  }
  for (const Tensor &argument : pullback->arguments)
    pullback->versions.push_back(argument._version());
  pullback->outputShapes = compilation.outputShapes;
  pullback->outputDtypes = compilation.outputDtypes;
  pullback->numInputs = compilation.inputKeys.size();
  pullback->numStateResults = compilation.stateWrites.size();
  pullback->wrt = compilation.wrt;
  pullback->name = state.name;
  return pullback;
}

jit::detail::TransformCall call(CompiledFunction::State *state,
                                const std::vector<Tensor> &inputs) {
  std::lock_guard<std::mutex> lock(state->mutex);
  if (state->distributed)
    checkInputsAcrossRanks(state->training ? "jit::TrainStep" : "jit::compile",
                           state->name, inputs);
  bool gradMode = GradMode::is_enabled();
  CompiledFunction::State::CallScratch &scratch = state->scratch;
  // Whatever happens, the call keeps no tensor alive.
  llvm::scope_exit release([&] { scratch.clear(); });

  std::vector<Compilation> &compilations = state->compilations;
  uint64_t now = ++state->calls;
  Compilation *compilation = nullptr;
  std::string reason = "first call";
  // The last candidate tried, if its keys differ from the call's: they are
  // described only if no compilation fits.
  const Compilation *keysDiffer = nullptr;
  bool anyReleased = false;
  for (Compilation &candidate : compilations) {
    bool released;
    if (!fitsCall(candidate, inputs, gradMode, released)) {
      anyReleased |= released;
      keysDiffer = &candidate;
      continue;
    }
    keysDiffer = nullptr;
    std::string stale;
    if (!state->assumePure) {
      ++state->stats.replays;
      llvm::ArrayRef<Tensor> captured = capturedTensors(candidate);
      stale = state->singleResultFunction
                  ? candidate.guard.replay(state->singleResultFunction, inputs,
                                           captured, &scratch.replay)
                  : candidate.guard.replay(state->function, inputs, captured,
                                           &scratch.replay);
    }
    if (stale.empty() && state->training) {
      // The update looks at the trained arguments only, never at an input
      // slot (the inputs are the call's).
      std::copy(inputs.begin(), inputs.end(), candidate.arguments.begin());
      llvm::scope_exit clearInputs([&] {
        std::fill_n(candidate.arguments.begin(), inputs.size(), Tensor());
      });
      if (!state->training->isCompiledUpdate(
              candidate.update, candidate.arguments, candidate.wrt,
              candidate.stateWrites.size(), state->name, scratch.rule))
        stale = whyUpdateChanged(*state, candidate, candidate.arguments);
    }
    if (stale.empty()) {
      compilation = &candidate;
      break;
    }
    reason = std::move(stale);
  }
  if (keysDiffer)
    reason = whyStale(*keysDiffer, inputs, gradMode);
  if (compilation)
    compilation->lastUse = now;
  if (anyReleased) {
    // A compilation whose captured tensor was released never runs again:
    // drop it, and with it its reference to the compiled module.
    size_t before = compilations.size();
    compilations.erase(
        std::remove_if(compilations.begin(), compilations.end(), isStale),
        compilations.end());
    state->stats.staleDropped +=
        static_cast<int64_t>(before - compilations.size());
    if (compilation)
      compilation = &*llvm::find_if(
          compilations, [&](const Compilation &c) { return c.lastUse == now; });
  }
  if (compilation) {
    ++state->stats.cacheHits;
  } else {
    if (std::getenv("ADJIT_LOG"))
      std::fprintf(stderr, "adjit: compiling '%s' (%s)\n", state->name.c_str(),
                   reason.c_str());
    Compilation compiled = compileFor(*state, inputs, gradMode);
    compiled.lastUse = now;
    // Beyond the limit, the least recently used compilation is dropped.
    while (compilations.size() >= state->maxCompilations) {
      compilations.erase(llvm::min_element(
          compilations, [](const Compilation &a, const Compilation &b) {
            return a.lastUse < b.lastUse;
          }));
      ++state->stats.evictions;
    }
    compilations.push_back(std::move(compiled));
    ++state->stats.compilations;
    if (compilations.back().module->isLoadedFromDisk())
      ++state->stats.diskHits;
    state->stats.lastReason = reason;
    compilation = &compilations.back();
  }
  // The call's arguments: the inputs in the compilation's slots, emptied
  // again when the call ends, then the captured tensors.
  std::vector<Tensor> &arguments = compilation->arguments;
  std::copy(inputs.begin(), inputs.end(), arguments.begin());
  llvm::scope_exit clearInputs(
      [&] { std::fill_n(arguments.begin(), inputs.size(), Tensor()); });
  state->stats.versions = static_cast<int64_t>(compilations.size());
  // The checks the eager ops made of argument values when traced; compiled
  // code cannot fail on a value.
  for (const tracing::Tracer::ArgumentCheck &check :
       compilation->argumentChecks)
    check.check.verify(arguments[check.argument]);

  std::vector<Tensor> &contiguous = scratch.contiguous;
  {
    // The elements are read as data_ptr() reads them, without its checks
    // per tensor: an observer is told once.
    runtime::notifyUnsupported("data_ptr",
                               "it reads tensor values to the host");
    NoGradGuard noGrad;
    size_t numInputs = inputs.size();
    for (size_t i = 0; i < arguments.size(); ++i) {
      // The argument has the key the compilation was checked against.
      const ArgumentKey &key = i < numInputs
                                   ? compilation->inputKeys[i]
                                   : compilation->capturedKeys[i - numInputs];
      BufferView &view = scratch.nextView();
      view.type.elementType = elementTypeOf(key.dtype);
      view.type.shape.assign(key.shape.begin(), key.shape.end());
      // A contiguous argument is passed as it is, without a new handle.
      view.data = runtime::getContiguousElements(arguments[i]);
      if (!view.data) {
        contiguous.push_back(arguments[i].contiguous());
        view.data = getElements(contiguous.back());
      }
    }
  }

  // A training step also passes the optimizer state of each trained tensor
  // (contiguous, as made by makeOptimizerState), the learning rate and the
  // step count.
  Training *training = state->training ? &*state->training : nullptr;
  std::vector<Tensor *> &optimizerState = scratch.optimizerState;
  // The learning rate of each group, then the step count.
  std::vector<double> &scalars = scratch.scalars;
  if (training) {
    training->dropReleased();
    // Plain SGD keeps no state: no look-up per trained tensor.
    for (size_t index : compilation->wrt) {
      if (!compilation->hasOptimizerState)
        break;
      for (Tensor &tensor : training->stateOf(arguments[index])) {
        optimizerState.push_back(&tensor);
        setView(scratch.nextView(), tensor);
      }
    }
    for (const optim::OptimizerParamGroup &group :
         training->optimizer->param_groups())
      scalars.push_back(group.options().get_lr());
    scalars.resize(compilation->update.groups.size());
    scalars.push_back(static_cast<double>(training->steps + 1));
    for (double &scalar : scalars) {
      BufferView &view = scratch.nextView();
      view.type.elementType = ElementType::F64;
      view.type.shape.clear();
      view.data = &scalar;
    }
  }
  // Drops views a call with more arguments left (none in steady state).
  scratch.views.resize(scratch.numViews);
  Tier tier;
  std::vector<Buffer> &results = scratch.results;
  compilation->module->call(compilation->entry, scratch.views, results, &tier);
  ++(tier == Tier::Fast ? state->stats.fastTierCalls
                        : state->stats.optimizedTierCalls);
  if (tier == Tier::Optimized && compilation->lastTier == Tier::Fast)
    ++state->stats.tierUps;
  compilation->lastTier = state->stats.lastTier = tier;
  if (!compilation->tierUpScheduled &&
      compilation->module->isTierUpScheduled()) {
    compilation->tierUpScheduled = true;
    ++state->stats.tierUpsScheduled;
    state->stats.tierUpReason = compilation->module->getTierUpReason();
  }

  jit::detail::TransformCall outcome;
  size_t next = 0;
  for (Dtype dtype : compilation->outputDtypes)
    outcome.outputs.push_back(toTensor(results[next++], dtype));
  if (state->transform &&
      state->transform->kind == jit::detail::TransformRequest::Kind::Vjp)
    outcome.pullback = makePullback(*state, *compilation, arguments);
  // Then the new state the function wrote, into the tensors it belongs to.
  for (size_t index : compilation->stateWrites)
    overwriteWith(arguments[index], results[next++]);
  if (training) {
    // The results after the state are the updated parameters, then their
    // updated optimizer state.
    NoGradGuard noGrad;
    for (size_t index : compilation->wrt)
      moveInto(arguments[index], results[next++]);
    for (Tensor *tensor : optimizerState)
      moveInto(*tensor, results[next++]);
    if (training->maxGradNorm > 0 && next < results.size())
      training->lastGradNorm =
          toTensor(results[next], Dtype::Float64).item<double>();
    ++training->steps;
    return outcome;
  }
  if (state->transform) {
    if (outcome.pullback)
      return outcome;
    // jit::grad returns the gradients instead of accumulating them.
    for (size_t i = 0; i < compilation->wrt.size(); ++i)
      outcome.gradients.push_back(
          toTensor(results[next + i], arguments[compilation->wrt[i]].dtype()));
    return outcome;
  }
  std::vector<Tensor> &gradients = state->gradients;
  if (gradients.size() < compilation->wrt.size())
    gradients.resize(compilation->wrt.size());
  for (size_t i = 0; i < compilation->wrt.size(); ++i) {
    Tensor &parameter = arguments[compilation->wrt[i]];
    Buffer &result = results[next + i];
    NoGradGuard noGrad;
    Tensor &accumulated = parameter.mutable_grad();
    Dtype dtype = dtypeOf(result.getElementType());
    if (dtype != parameter.dtype()) {
      Tensor gradient = toTensor(result, parameter.dtype());
      if (accumulated.defined())
        accumulated.add_(gradient);
      else
        accumulated = gradient;
      continue;
    }
    if (!accumulated.defined()) {
      // The result's buffer becomes the gradient, without a copy.
      accumulated = empty(result.getShape(), dtype);
      moveInto(accumulated, result);
      continue;
    }
    // Added from a tensor of the function's own, reused from call to call,
    // which takes the result's buffer.
    Tensor &gradient = gradients[i];
    if (!gradient.defined() || gradient.sizes() != result.getShape() ||
        gradient.dtype() != dtype)
      gradient = empty(result.getShape(), dtype);
    moveInto(gradient, result);
    accumulated.add_(gradient);
  }
  return outcome;
}

} // namespace

void jit::detail::checkCotangents(const std::string &name,
                                  const std::vector<Shape> &outputShapes,
                                  const std::vector<Dtype> &outputDtypes,
                                  const std::vector<Tensor> &cotangents) {
  std::string api = "jit::vjp: the pullback of '" + name + "'";
  size_t numOutputs = outputShapes.size();
  if (cotangents.size() != numOutputs)
    throw Error(api + " takes one cotangent per output (" +
                std::to_string(numOutputs) + "), but got " +
                std::to_string(cotangents.size()));
  for (size_t i = 0; i < numOutputs; ++i) {
    const Tensor &cotangent = cotangents[i];
    if (!cotangent.defined() || cotangent.sizes() != outputShapes[i] ||
        cotangent.dtype() != outputDtypes[i])
      throw Error(api + ": cotangent " + std::to_string(i) + " must be a " +
                  dtypeName(outputDtypes[i]) + " tensor of shape " +
                  shapeToString(outputShapes[i]) + " like output " +
                  std::to_string(i) + ", but is " +
                  (cotangent.defined()
                       ? std::string(dtypeName(cotangent.dtype())) +
                             " of shape " + shapeToString(cotangent.sizes())
                       : std::string("undefined")));
  }
}

std::vector<Tensor>
jit::detail::runPullback(const Pullback &pullback,
                         const std::vector<Tensor> &cotangents) {
  std::string api = "jit::vjp: the pullback of '" + pullback.name + "'";
  size_t numOutputs = pullback.outputShapes.size();
  checkCotangents(pullback.name, pullback.outputShapes, pullback.outputDtypes,
                  cotangents);
  for (size_t i = 0; i < pullback.arguments.size(); ++i)
    if (pullback.arguments[i]._version() != pullback.versions[i])
      throw Error(
          api + ": " +
          (i < pullback.numInputs
               ? "input " + std::to_string(i)
               : "captured tensor " + std::to_string(i - pullback.numInputs)) +
          " (shape " + shapeToString(pullback.arguments[i].sizes()) +
          ") was changed in place after the call that made the "
          "pullback");
  std::vector<Tensor> gradients(pullback.numInputs);
  if (pullback.entry.empty()) {
    // Nothing is differentiable: the float inputs get zeros.
    NoGradGuard noGrad;
    for (size_t index : pullback.wrt)
      gradients[index] = zeros_like(pullback.arguments[index]);
    return gradients;
  }
  std::vector<Tensor> contiguous;
  std::vector<BufferView> views;
  NoGradGuard noGrad;
  auto pass = [&](const Tensor &tensor) {
    contiguous.push_back(tensor.contiguous());
    views.push_back(viewOf(contiguous.back()));
  };
  for (const Tensor &argument : pullback.arguments)
    pass(argument);
  // The float outputs take cotangents, in order.
  for (size_t i = 0; i < numOutputs; ++i)
    if (isFloatingPoint(pullback.outputDtypes[i]))
      pass(cotangents[i]);
  std::vector<Buffer> results = pullback.module->call(pullback.entry, views);
  size_t next = numOutputs + pullback.numStateResults;
  for (size_t index : pullback.wrt)
    gradients[index] =
        toTensor(results[next++], pullback.arguments[index].dtype());
  return gradients;
}

namespace {
/// Returns `module` lowered by the adjit-to-llvm pipeline as the JIT's
/// engine lowers it (with the pipeline's default options and the engine's
/// allocation functions), or std::nullopt if lowering fails; the engine then
/// reports why.
std::optional<std::string> lowerToLLVM(mlir::ModuleOp module) {
  mlir::OwningOpRef<mlir::ModuleOp> lowered = module.clone();
  mlir::PassManager pm(module.getContext());
  mlir::adjit::AdjitToLLVMOptions options;
  options.genericAllocation = true;
  mlir::adjit::buildAdjitToLLVMPipeline(pm, options);
  if (mlir::failed(pm.run(*lowered)))
    return std::nullopt;
  return printModule(*lowered);
}

/// Erases the functions of `module` that a compilation never calls: those
/// other than `entry` and `vjpEntry` that nothing references (the traced
/// function, once its gradient function, which does not call it, is the
/// entry). Lowering and code generation then skip them.
void eraseUncalledFunctions(mlir::ModuleOp module, const std::string &entry,
                            const std::string &vjpEntry) {
  for (auto function :
       llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>()))
    if (function.getSymName() != entry && function.getSymName() != vjpEntry &&
        mlir::SymbolTable::symbolKnownUseEmpty(function, module))
      function.erase();
}

/// Returns the index of the next dump of a compilation of a function named
/// `name`: compilations are counted per name across the process, so that
/// functions of the same name do not overwrite each other's dumps.
int64_t takeDumpIndex(const std::string &name) {
  static std::mutex mutex;
  static std::map<std::string, int64_t> dumpsPerName;
  std::lock_guard<std::mutex> lock(mutex);
  return dumpsPerName[name]++;
}

/// Creates the directory `ADJIT_DUMP_IR` names, if needed.
void createDumpDirectory(const char *directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error)
    throw Error("jit::compile: ADJIT_DUMP_IR: cannot create the directory '" +
                std::string(directory) + "': " + error.message());
}

/// Writes `text` to `<ADJIT_DUMP_IR>/<name>-<index>-<stage>.<extension>`.
void dumpIR(const char *directory, const std::string &name, int64_t index,
            const char *stage, const std::string &text,
            const char *extension = "mlir") {
  std::string path = std::string(directory) + "/" + name + "-" +
                     std::to_string(index) + "-" + stage + "." + extension;
  std::ofstream file(path);
  file << text;
  if (!file)
    throw Error("jit::compile: ADJIT_DUMP_IR: cannot write " + path);
}

} // namespace

bool jit::detail::selectTransformed(const TransformRequest &request,
                                    const std::string &name,
                                    const std::vector<Tensor> &outputs,
                                    const std::vector<Tensor> &inputs,
                                    std::vector<size_t> &wrt,
                                    std::vector<size_t> &of) {
  using Kind = jit::detail::TransformRequest::Kind;
  if (request.kind == Kind::Grad) {
    if (outputs.size() != 1 || outputs.front().numel() != 1 ||
        !outputs.front().is_floating_point())
      throw Error(std::string(request.api) + ": '" + name +
                  "' must return one floating-point tensor with one element "
                  "to be differentiated, but returned " +
                  (outputs.size() != 1
                       ? std::to_string(outputs.size()) + " tensors"
                       : "a " +
                             std::string(dtypeName(outputs.front().dtype())) +
                             " tensor of shape " +
                             shapeToString(outputs.front().sizes())) +
                  " (use jit::vjp for other results)");
    for (int64_t index : request.argnums)
      wrt.push_back(static_cast<size_t>(resolveArgnum(index, inputs.size())));
    of = {0};
    return true;
  }
  // jit::vjp: every float input and output; the others have no cotangent.
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].is_floating_point())
      of.push_back(i);
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].is_floating_point())
      wrt.push_back(i);
  return !of.empty() && !wrt.empty();
}

namespace {

Compilation compileFor(CompiledFunction::State &state,
                       const std::vector<Tensor> &inputs, bool gradMode) {
  // The context of this compilation, from tracing to code generation: the
  // engine lowers the module in it, with no print and parse in between.
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += (diagnostics.empty() ? "" : "\n") + d.str();
    return mlir::success();
  });
  const char *dumpDirectory = std::getenv("ADJIT_DUMP_IR");
  if (dumpDirectory && !*dumpDirectory)
    dumpDirectory = nullptr;
  if (dumpDirectory)
    createDumpDirectory(dumpDirectory);
  int64_t dumpIndex = dumpDirectory ? takeDumpIndex(state.name) : 0;

  const char *api = state.training    ? "jit::TrainStep"
                    : state.transform ? state.transform->api
                                      : "jit::compile";
  auto start = std::chrono::steady_clock::now();
  // The seconds since `start`, restarting it.
  auto lap = [&start] {
    auto now = std::chrono::steady_clock::now();
    double seconds = std::chrono::duration<double>(now - start).count();
    start = now;
    return seconds;
  };
  Recording recording =
      record(context, state.function, inputs, state.name, api);
  mlir::ModuleOp module = *recording.module;
  double traceSeconds = lap();
  const std::vector<Tensor> &arguments = recording.arguments;
  if (dumpDirectory)
    dumpIR(dumpDirectory, state.name, dumpIndex, "traced", printModule(module));

  Compilation compilation;
  compilation.inputKeys = keysOf(inputs);
  compilation.gradMode = gradMode;
  compilation.arguments.resize(inputs.size());
  for (size_t i = inputs.size(); i < arguments.size(); ++i) {
    compilation.arguments.push_back(arguments[i]);
    compilation.captured.emplace_back(arguments[i]);
    compilation.capturedKeys.push_back(ArgumentKey::of(arguments[i]));
  }
  compilation.argumentChecks = recording.argumentChecks;
  compilation.stateWrites = recording.stateWrites;
  compilation.guard = std::move(recording.guard);
  for (const Tensor &output : recording.outputs) {
    compilation.outputShapes.push_back(output.sizes());
    compilation.outputDtypes.push_back(output.dtype());
  }
  compilation.entry = state.name;

  // The results differentiated: by default (empty) every float result.
  std::vector<size_t> of;
  for (size_t i = 0; i < arguments.size() && !state.transform; ++i) {
    const Tensor &argument = arguments[i];
    if (!argument.requires_grad())
      continue;
    if (!argument.is_leaf())
      throw Error(std::string(api) + ": argument " + std::to_string(i) +
                  " of '" + state.name + "' (shape " +
                  shapeToString(argument.sizes()) +
                  ") requires grad but is not a leaf; compiled functions "
                  "accumulate gradients into leaves only");
    compilation.wrt.push_back(i);
  }
  bool differentiate;
  if (state.transform) {
    differentiate = jit::detail::selectTransformed(*state.transform, state.name,
                                                   recording.outputs, inputs,
                                                   compilation.wrt, of);
  } else {
    // As eagerly: a result that does not require grad (detached, or
    // computed under NoGradGuard) has no gradient to compute.
    const Tensor &output = recording.outputs.front();
    differentiate = gradMode && !compilation.wrt.empty() &&
                    recording.outputs.size() == 1 && output.requires_grad() &&
                    output.numel() == 1 && output.is_floating_point();
    // Only the first result is differentiated; the state results follow it.
    if (!compilation.stateWrites.empty())
      of = {0};
  }
  if (!differentiate && !state.transform)
    compilation.wrt.clear();
  // The results of the eager run hold its autograd graph, and with it every
  // tensor the run saved for backward (the char GPT step's activations:
  // about 100 MB). Nothing below needs them. The runtime keeps the buffers
  // of destroyed tensors for reuse by later eager ops; return those to malloc
  // too, where the compile and the compiled code's buffers reuse them.
  recording.outputs.clear();
  runtime::releaseCachedBuffers();
  bool vjp = state.transform &&
             state.transform->kind == jit::detail::TransformRequest::Kind::Vjp;
  std::string pipeline;
  if (differentiate) {
    // The same passes, with the same options, as `adjit-opt
    // --pass-pipeline=<pipeline>` runs on the traced module.
    std::string gradientName = state.name + (vjp ? "_vjp" : "_grad");
    auto join = [](const std::vector<size_t> &indices) {
      std::string list;
      for (size_t index : indices)
        list += (list.empty() ? "" : ",") + std::to_string(index);
      return list;
    };
    pipeline = "builtin.module(adjit-autodiff{function=" +
               mlir::adjit::quotePassOptionValue(state.name) +
               " wrt=" + join(compilation.wrt) +
               (of.empty() ? "" : " of=" + join(of)) +
               (vjp ? " scalar-cotangents=true" : "") +
               " name=" + mlir::adjit::quotePassOptionValue(gradientName) +
               " cleanup=true}";
    if (state.distributed) {
      pipeline +=
          ",adjit-insert-gradient-allreduce{function=" +
          mlir::adjit::quotePassOptionValue(gradientName) + " first-gradient=" +
          std::to_string(1 + compilation.stateWrites.size()) +
          " bucket-bytes=" + std::to_string(state.distributed->bucketBytes) +
          "}";
      // The replicas start from rank 0's values of the trained tensors (each
      // broadcast checks shape and dtype across the ranks).
      NoGradGuard noGrad;
      for (size_t index : compilation.wrt)
        distributed::broadcast(arguments[index], 0);
    }
    if (state.training) {
      compilation.update = state.training->getUpdateOptions(
          arguments, compilation.wrt, compilation.stateWrites.size(),
          state.name);
      compilation.hasOptimizerState = compilation.update.getNumStateTensors();
      pipeline += ",adjit-append-optimizer-update{" +
                  compilation.update.getPassOptions(gradientName) + "}";
    }
    pipeline += ")";
    std::string errors;
    if (!runPipeline(module, pipeline, errors))
      throw Error(std::string(api) + ": " +
                  (state.training ? "building the training step of"
                                  : "differentiating") +
                  " '" + state.name + "' failed: " + diagnostics + errors);
    (vjp ? compilation.vjpEntry : compilation.entry) = gradientName;
    if (std::getenv("ADJIT_LOG")) {
      int64_t ops = 0;
      module.walk([&](mlir::Operation *) { ++ops; });
      std::fprintf(stderr,
                   "adjit: '%s': traced in %.3f s, differentiated in %.3f s "
                   "(%lld ops)\n",
                   state.name.c_str(), traceSeconds, lap(),
                   static_cast<long long>(ops));
    }
  } else if (state.training) {
    throw Error("jit::TrainStep: '" + state.name +
                "' has nothing to train (the loss must have one element, grad "
                "mode must be on, and a tensor it uses must require grad)");
  }
  compilation.ir = printModule(module);
  if (dumpDirectory) {
    if (differentiate) {
      dumpIR(dumpDirectory, state.name, dumpIndex, "differentiated",
             compilation.ir);
      dumpIR(dumpDirectory, state.name, dumpIndex, "pipeline", pipeline + "\n",
             "txt");
    }
    if (std::optional<std::string> lowered = lowerToLLVM(module))
      dumpIR(dumpDirectory, state.name, dumpIndex, "lowered", *lowered);
  }
  // The module compiled lacks the functions nothing calls; the text printed
  // above and the names kept determine it, and key its compilation.
  eraseUncalledFunctions(module, compilation.entry, compilation.vjpEntry);
  compilation.module = getEngine().compile(
      std::move(recording.module), compilation.ir + "\n// entry points: @" +
                                       compilation.entry + " @" +
                                       compilation.vjpEntry + "\n");
  compilation.lastTier = compilation.module->getTier();
  return compilation;
}
} // namespace

void adjit::jit::waitForTierUps() { getEngine().waitForTierUps(); }

CompileStats CompiledFunction::getStats() const {
  std::lock_guard<std::mutex> lock(state->mutex);
  return state->stats;
}

std::string CompiledFunction::getLastIR() const {
  std::lock_guard<std::mutex> lock(state->mutex);
  return state->compilations.empty() ? "" : state->compilations.back().ir;
}
