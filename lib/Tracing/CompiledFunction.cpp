//===- CompiledFunction.cpp - adjit::jit::trace and adjit::jit::compile ---===//

#include "Tracer.h"

#include "adjit/Autograd.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"
#include "adjit/Error.h"
#include "adjit/InitAll.h"
#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
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

/// One traced and compiled version of the function.
struct Compilation {
  std::vector<ArgumentKey> inputKeys;
  bool gradMode;
  /// The captured tensors, weakly: a released one means the function now
  /// uses another tensor, so this compilation is stale.
  std::vector<std::weak_ptr<TensorImpl>> captured;
  std::vector<ArgumentKey> capturedKeys;
  /// Argument indices whose gradients the compiled code returns.
  std::vector<size_t> wrt;
  std::shared_ptr<const CompiledModule> module;
  std::string entry;
  Dtype outputDtype;
  std::string ir;
};

std::vector<ArgumentKey> keysOf(const std::vector<Tensor> &tensors) {
  std::vector<ArgumentKey> keys;
  for (const Tensor &tensor : tensors)
    keys.push_back(ArgumentKey::of(tensor));
  return keys;
}

/// Returns why `compilation` cannot run `inputs`, or "" if it can.
std::string whyStale(const Compilation &compilation,
                     const std::vector<ArgumentKey> &inputKeys, bool gradMode) {
  if (inputKeys.size() != compilation.inputKeys.size())
    return "the number of inputs changed from " +
           std::to_string(compilation.inputKeys.size()) + " to " +
           std::to_string(inputKeys.size());
  for (size_t i = 0; i < inputKeys.size(); ++i)
    if (!(inputKeys[i] == compilation.inputKeys[i]))
      return "input " + std::to_string(i) + " " +
             compilation.inputKeys[i].describeChange(inputKeys[i]);
  if (gradMode != compilation.gradMode)
    return gradMode ? "grad mode was enabled" : "grad mode was disabled";
  for (size_t i = 0; i < compilation.captured.size(); ++i) {
    std::shared_ptr<TensorImpl> impl = compilation.captured[i].lock();
    if (!impl)
      return "captured tensor " + std::to_string(i) + " was released";
    ArgumentKey key = ArgumentKey::of(Tensor(impl));
    if (!(key == compilation.capturedKeys[i]))
      return "captured tensor " + std::to_string(i) + " " +
             compilation.capturedKeys[i].describeChange(key);
  }
  return "";
}

const mlir::DialectRegistry &getRegistry() {
  static const mlir::DialectRegistry *registry = [] {
    auto *registry = new mlir::DialectRegistry();
    mlir::adjit::registerAllDialects(*registry);
    mlir::adjit::registerAllExtensions(*registry);
    return registry;
  }();
  return *registry;
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

/// Records `function` on `inputs` into `context`; returns the module and the
/// argument tensors (inputs, then captured tensors).
std::pair<mlir::OwningOpRef<mlir::ModuleOp>, std::vector<Tensor>>
record(mlir::MLIRContext &context, const TensorFunction &function,
       const std::vector<Tensor> &inputs, const std::string &name,
       Tensor *output) {
  context.loadAllAvailableDialects();
  tracing::Tracer tracer(&context, name);
  for (const Tensor &input : inputs)
    tracer.addInput(input);
  Tensor result;
  {
    // Grad mode stays as the caller has it, so that the tracer can tell ops
    // the function runs under its own NoGradGuard.
    runtime::ObserverScope observe(&tracer);
    result = function(inputs);
  }
  if (!result.defined())
    throw Error("jit: the traced function '" + name +
                "' returned an undefined tensor");
  if (output)
    *output = result;
  mlir::OwningOpRef<mlir::ModuleOp> module = tracer.finish(result);
  return {std::move(module), tracer.getArgumentTensors()};
}

ElementType elementTypeOf(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return ElementType::F32;
  case Dtype::Bool:
    return ElementType::I1;
  case Dtype::Float64:
  case Dtype::Int64:
    return ElementType::F64;
  }
  return ElementType::F64;
}

/// Returns the elements of `tensor`, which is contiguous and of dtype f32,
/// f64 or bool (the dtypes compiled code exchanges).
void *getElements(const Tensor &tensor) {
  switch (tensor.dtype()) {
  case Dtype::Float32:
    return tensor.data_ptr<float>();
  case Dtype::Bool:
    return tensor.data_ptr<bool>();
  default:
    return tensor.data_ptr<double>();
  }
}

/// Copies a result buffer into a new tensor of `dtype`.
Tensor toTensor(const Buffer &buffer, Dtype dtype) {
  NoGradGuard noGrad;
  Dtype bufferDtype =
      buffer.getElementType() == ElementType::F32  ? Dtype::Float32
      : buffer.getElementType() == ElementType::I1 ? Dtype::Bool
                                                   : Dtype::Float64;
  Tensor tensor = empty(buffer.getShape(), bufferDtype);
  size_t bytes =
      buffer.getNumElements() * getElementSize(buffer.getElementType());
  if (bytes)
    std::memcpy(getElements(tensor), buffer.getData(), bytes);
  return bufferDtype == dtype ? tensor : tensor.to(dtype);
}

} // namespace

struct CompiledFunction::State {
  TensorFunction function;
  std::string name;
  /// Set for a TrainStep: the compiled code returns updated parameters
  /// instead of gradients and takes the learning rate as its last argument.
  std::optional<SGDStepOptions> sgd;
  std::mutex mutex;
  std::vector<Compilation> compilations;
  CompileStats stats;
};

std::string adjit::jit::trace(const TensorFunction &function,
                              const std::vector<Tensor> &inputs,
                              const std::string &name) {
  mlir::MLIRContext context(getRegistry());
  auto [module, arguments] = record(context, function, inputs, name, nullptr);
  return printModule(*module);
}

CompiledFunction adjit::jit::compile(TensorFunction function,
                                     std::string name) {
  auto state = std::make_shared<CompiledFunction::State>();
  state->function = std::move(function);
  state->name = std::move(name);
  return CompiledFunction(std::move(state));
}

namespace {
/// Traces and compiles `state`'s function for `inputs`.
Compilation compileFor(CompiledFunction::State &state,
                       const std::vector<Tensor> &inputs, bool gradMode);
/// Runs `state`'s function on `inputs`, compiling it first if needed.
Tensor call(CompiledFunction::State *state, const std::vector<Tensor> &inputs);
} // namespace

Tensor CompiledFunction::operator()(const std::vector<Tensor> &inputs) const {
  return call(state.get(), inputs);
}

TrainStep::TrainStep(TensorFunction loss, SGDStepOptions options,
                     std::string name)
    : function(compile(std::move(loss), std::move(name))), options(options) {
  function.state->sgd = options;
}

Tensor TrainStep::operator()(const std::vector<Tensor> &inputs) {
  function.state->sgd = options;
  return call(function.state.get(), inputs);
}

namespace {
Tensor call(CompiledFunction::State *state, const std::vector<Tensor> &inputs) {
  std::lock_guard<std::mutex> lock(state->mutex);
  bool gradMode = GradMode::is_enabled();
  std::vector<ArgumentKey> inputKeys = keysOf(inputs);

  const Compilation *compilation = nullptr;
  std::string reason = "first call";
  for (const Compilation &candidate : state->compilations) {
    std::string stale = whyStale(candidate, inputKeys, gradMode);
    if (stale.empty()) {
      compilation = &candidate;
      break;
    }
    reason = stale;
  }
  if (compilation) {
    ++state->stats.cacheHits;
  } else {
    if (std::getenv("ADJIT_LOG"))
      std::fprintf(stderr, "adjit: compiling '%s' (%s)\n", state->name.c_str(),
                   reason.c_str());
    state->compilations.push_back(compileFor(*state, inputs, gradMode));
    ++state->stats.compilations;
    state->stats.lastReason = reason;
    compilation = &state->compilations.back();
  }

  // Arguments: the inputs, then the captured tensors' current values.
  std::vector<Tensor> arguments(inputs);
  for (const std::weak_ptr<TensorImpl> &captured : compilation->captured)
    arguments.push_back(Tensor(captured.lock()));
  std::vector<Tensor> contiguous;
  std::vector<BufferView> views;
  {
    NoGradGuard noGrad;
    for (const Tensor &argument : arguments) {
      Tensor data = argument.dtype() == Dtype::Int64
                        ? argument.to(Dtype::Float64)
                        : argument.contiguous();
      contiguous.push_back(data);
      BufferView view;
      view.type.elementType = elementTypeOf(data.dtype());
      view.type.shape = data.sizes();
      view.data = getElements(data);
      views.push_back(view);
    }
  }
  float learningRate = state->sgd ? state->sgd->learningRate : 0.0f;
  if (state->sgd) {
    BufferView view;
    view.type.elementType = ElementType::F32;
    view.data = &learningRate;
    views.push_back(view);
  }
  std::vector<Buffer> results =
      compilation->module->call(compilation->entry, views);

  Tensor output = toTensor(results.front(), compilation->outputDtype);
  if (state->sgd) {
    // The results after the loss are the updated parameters.
    NoGradGuard noGrad;
    for (size_t i = 0; i < compilation->wrt.size(); ++i) {
      Tensor &parameter = arguments[compilation->wrt[i]];
      parameter.copy_(toTensor(results[1 + i], parameter.dtype()));
    }
    return output;
  }
  for (size_t i = 0; i < compilation->wrt.size(); ++i) {
    Tensor &parameter = arguments[compilation->wrt[i]];
    Tensor gradient = toTensor(results[1 + i], parameter.dtype());
    NoGradGuard noGrad;
    Tensor &accumulated = parameter.mutable_grad();
    if (accumulated.defined())
      accumulated.add_(gradient);
    else
      accumulated = gradient;
  }
  return output;
}

/// Makes `gradient` (`@f_grad`, returning the loss and the gradients of
/// the arguments `wrt`) return updated parameters instead:
/// p - lr * (g + weightDecay * p), with lr a new last argument.
void appendSgdUpdate(mlir::func::FuncOp gradient,
                     const std::vector<size_t> &wrt, double weightDecay) {
  mlir::Block &body = gradient.getBody().front();
  auto returnOp = mlir::cast<mlir::func::ReturnOp>(body.getTerminator());
  mlir::OpBuilder builder(returnOp);
  mlir::Location loc = returnOp.getLoc();
  mlir::Value learningRate = body.addArgument(
      mlir::RankedTensorType::get({}, builder.getF32Type()), loc);
  llvm::SmallVector<mlir::Value> results = {returnOp.getOperand(0)};
  for (size_t i = 0; i < wrt.size(); ++i) {
    mlir::Value parameter = body.getArgument(wrt[i]);
    mlir::Value grad = returnOp.getOperand(1 + i);
    auto type = mlir::cast<mlir::RankedTensorType>(parameter.getType());
    mlir::Value rate = learningRate;
    if (!type.getElementType().isF32())
      rate = mlir::adjit::ConvertOp::create(
          builder, loc, mlir::RankedTensorType::get({}, type.getElementType()),
          rate);
    if (weightDecay != 0) {
      auto decay = mlir::adjit::ConstantOp::create(
          builder, loc,
          mlir::DenseElementsAttr::get(
              type, builder.getFloatAttr(type.getElementType(), weightDecay)));
      mlir::Value decayed =
          mlir::adjit::MulOp::create(builder, loc, parameter, decay);
      grad = mlir::adjit::AddOp::create(builder, loc, grad, decayed);
    }
    mlir::Value rates = mlir::adjit::BroadcastOp::create(
        builder, loc, type, rate, builder.getDenseI64ArrayAttr({}));
    mlir::Value step = mlir::adjit::MulOp::create(builder, loc, rates, grad);
    results.push_back(
        mlir::adjit::SubOp::create(builder, loc, parameter, step));
  }
  mlir::func::ReturnOp::create(builder, loc, results);
  returnOp.erase();
  gradient.setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), mlir::TypeRange(mlir::ValueRange(results))));
}

Compilation compileFor(CompiledFunction::State &state,
                       const std::vector<Tensor> &inputs, bool gradMode) {
  mlir::MLIRContext context(getRegistry());
  std::string diagnostics;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    diagnostics += (diagnostics.empty() ? "" : "\n") + d.str();
    return mlir::success();
  });

  Tensor output;
  auto [module, arguments] =
      record(context, state.function, inputs, state.name, &output);

  Compilation compilation;
  compilation.inputKeys = keysOf(inputs);
  compilation.gradMode = gradMode;
  for (size_t i = inputs.size(); i < arguments.size(); ++i) {
    compilation.captured.push_back(arguments[i].getIntrusivePtr());
    compilation.capturedKeys.push_back(ArgumentKey::of(arguments[i]));
  }
  compilation.outputDtype = output.dtype();
  compilation.entry = state.name;

  for (size_t i = 0; i < arguments.size(); ++i) {
    const Tensor &argument = arguments[i];
    if (!argument.requires_grad())
      continue;
    if (!argument.is_leaf())
      throw Error("jit: argument " + std::to_string(i) + " of '" + state.name +
                  "' (shape " + shapeToString(argument.sizes()) +
                  ") requires grad but is not a leaf; compiled functions "
                  "accumulate gradients into leaves only");
    compilation.wrt.push_back(i);
  }
  bool differentiate = gradMode && !compilation.wrt.empty() &&
                       output.numel() == 1 && output.is_floating_point();
  if (!differentiate)
    compilation.wrt.clear();
  if (differentiate) {
    mlir::adjit::GradientOptions options;
    options.wrt.emplace();
    for (size_t index : compilation.wrt)
      options.wrt->push_back(static_cast<int64_t>(index));
    options.name = state.name + "_grad";
    mlir::FailureOr<mlir::func::FuncOp> gradient =
        mlir::adjit::generateGradient(*module, state.name, options);
    if (mlir::failed(gradient))
      throw Error("jit: differentiating '" + state.name +
                  "' failed: " + diagnostics);
    if (state.sgd)
      appendSgdUpdate(*gradient, compilation.wrt, state.sgd->weightDecay);
    compilation.entry = options.name;
  } else if (state.sgd) {
    throw Error("jit::TrainStep '" + state.name +
                "': nothing to train (the loss must have one element, grad "
                "mode must be on, and a tensor it uses must require grad)");
  }
  compilation.ir = printModule(*module);
  if (const char *dumpDir = std::getenv("ADJIT_DUMP_IR")) {
    std::string path = std::string(dumpDir) + "/" + state.name + "-" +
                       std::to_string(state.stats.compilations) + ".mlir";
    std::ofstream(path) << compilation.ir;
  }
  compilation.module = getEngine().compile(*module);
  return compilation;
}
} // namespace

CompileStats CompiledFunction::getStats() const {
  std::lock_guard<std::mutex> lock(state->mutex);
  return state->stats;
}

std::string CompiledFunction::getLastIR() const {
  std::lock_guard<std::mutex> lock(state->mutex);
  return state->compilations.empty() ? "" : state->compilations.back().ir;
}
