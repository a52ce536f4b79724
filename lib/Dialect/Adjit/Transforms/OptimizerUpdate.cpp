//===- OptimizerUpdate.cpp - fused optimizer updates of gradients ---------===//

#include "adjit/Dialect/Adjit/Transforms/OptimizerUpdate.h"

#include "FunctionLookup.h"

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Sequence.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"

#include <charconv>
#include <cmath>

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// Emits the arithmetic of an update before one op.
class UpdateBuilder {
public:
  UpdateBuilder(Operation *before) : builder(before), loc(before->getLoc()) {}

  /// A tensor of `type` whose elements are all `value`.
  Value constant(RankedTensorType type, double value) {
    Type element = type.getElementType();
    Attribute attr = element.isInteger(1)
                         ? Attribute(builder.getBoolAttr(value != 0))
                         : Attribute(builder.getFloatAttr(element, value));
    return ConstantOp::create(builder, loc, DenseElementsAttr::get(type, attr));
  }
  /// A constant of `like`'s type.
  Value constantLike(Value like, double value) {
    return constant(typeOf(like), value);
  }
  /// A rank-0 f64 constant.
  Value scalar(double value) {
    return constant(RankedTensorType::get({}, builder.getF64Type()), value);
  }
  /// Rounds the rank-0 `scalar` to `type`'s element type and broadcasts it
  /// to `type`'s shape.
  Value broadcast(Value scalar, RankedTensorType type) {
    auto scalarType = RankedTensorType::get({}, type.getElementType());
    if (typeOf(scalar) != scalarType)
      scalar = ConvertOp::create(builder, loc, scalarType, scalar);
    if (type.getRank() == 0)
      return scalar;
    return BroadcastOp::create(builder, loc, type, scalar,
                               builder.getDenseI64ArrayAttr({}));
  }

  Value add(Value lhs, Value rhs) {
    return AddOp::create(builder, loc, lhs, rhs);
  }
  Value sub(Value lhs, Value rhs) {
    return SubOp::create(builder, loc, lhs, rhs);
  }
  Value mul(Value lhs, Value rhs) {
    return MulOp::create(builder, loc, lhs, rhs);
  }
  Value div(Value lhs, Value rhs) {
    return DivOp::create(builder, loc, lhs, rhs);
  }
  Value pow(Value lhs, Value rhs) {
    return PowOp::create(builder, loc, lhs, rhs);
  }
  Value sqrt(Value value) { return SqrtOp::create(builder, loc, value); }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return SelectOp::create(builder, loc, condition, onTrue, onFalse);
  }

  /// `value * factor`, as the eager `tensor * double` computes it.
  Value mul(Value value, double factor) {
    return mul(value, constantLike(value, factor));
  }

  static RankedTensorType typeOf(Value value) {
    return cast<RankedTensorType>(value.getType());
  }

  OpBuilder builder;
  Location loc;
};

/// The update of one trained tensor: its new value and new state.
struct Updated {
  Value parameter;
  SmallVector<Value> state;
};

/// optim::SGD::step for one parameter.
Updated updateSgd(UpdateBuilder &b, const OptimizerUpdateOptions &o,
                  const OptimizerGroupOptions &group, Value p, Value grad,
                  ArrayRef<Value> state, Value lr) {
  Updated updated;
  Value d = grad;
  if (group.weightDecay != 0)
    d = b.add(d, b.mul(p, group.weightDecay));
  if (o.momentum != 0) {
    // Eager starts the buffer as a copy of d; it starts here as zeros, which
    // momentum * 0 + d reproduces exactly. Dampening applies from the second
    // step of the parameter on, told by the state's flag.
    Value scaled = d;
    if (o.dampening != 0) {
      Value hasBuffer = state[1];
      Value coefficient =
          b.select(hasBuffer, b.scalar(1 - o.dampening), b.scalar(1.0));
      scaled = b.mul(d, b.broadcast(coefficient, UpdateBuilder::typeOf(d)));
    }
    Value buffer = b.add(b.mul(state[0], o.momentum), scaled);
    updated.state.push_back(buffer);
    if (o.dampening != 0)
      updated.state.push_back(b.constantLike(state[1], 1.0));
    d = o.nesterov ? b.add(d, b.mul(buffer, o.momentum)) : buffer;
  }
  updated.parameter =
      b.sub(p, b.mul(d, b.broadcast(lr, UpdateBuilder::typeOf(p))));
  return updated;
}

/// The scalars of an Adam step shared by all parameters, in f64.
struct AdamScalars {
  /// lr / (1 - beta1^t).
  Value stepSize;
  /// sqrt(1 - beta2^t).
  Value rootCorrection2;
};

AdamScalars adamScalars(UpdateBuilder &b, const OptimizerGroupOptions &o,
                        Value lr, Value step) {
  Value one = b.scalar(1.0);
  Value correction1 = b.sub(one, b.pow(b.scalar(o.beta1), step));
  Value correction2 = b.sub(one, b.pow(b.scalar(o.beta2), step));
  return {b.div(lr, correction1), b.sqrt(correction2)};
}

/// optim::Adam::step (or optim::AdamW::step) for one parameter.
Updated updateAdam(UpdateBuilder &b, OptimizerKind kind,
                   const OptimizerGroupOptions &o, const AdamScalars &scalars,
                   Value lr, Value p, Value grad, ArrayRef<Value> state) {
  RankedTensorType type = UpdateBuilder::typeOf(p);
  Value g = grad;
  if (o.weightDecay != 0 && kind == OptimizerKind::Adam)
    g = b.add(g, b.mul(p, o.weightDecay));
  if (o.weightDecay != 0 && kind == OptimizerKind::AdamW) {
    // p *= 1 - lr * weight_decay, the factor computed in f64 and rounded to
    // the parameter's type, as the eager p.mul_(1 - lr * weight_decay).
    Value factor = b.sub(b.scalar(1.0), b.mul(lr, o.weightDecay));
    p = b.mul(p, b.broadcast(factor, type));
  }
  Value m = b.add(b.mul(state[0], o.beta1), b.mul(g, 1 - o.beta1));
  Value v = b.add(b.mul(state[1], o.beta2), b.mul(b.mul(g, g), 1 - o.beta2));
  Value denominator =
      b.add(b.div(b.sqrt(v), b.broadcast(scalars.rootCorrection2, type)),
            b.constant(type, o.eps));
  Value step =
      b.mul(b.div(m, denominator), b.broadcast(scalars.stepSize, type));
  return {b.sub(p, step), {m, v}};
}

/// Scales `gradients` in place as nn::utils::clip_grad_norm_ does with
/// `maxNorm` and the 2-norm: the total norm over all of them is computed in
/// f64 and returned (before clipping), and each gradient is multiplied by
/// min(maxNorm / (norm + 1e-6), 1), rounded to its type.
Value clipGradients(UpdateBuilder &b, MutableArrayRef<Value> gradients,
                    double maxNorm) {
  auto f64Type = RankedTensorType::get({}, b.builder.getF64Type());
  Value sumOfSquares = b.scalar(0.0);
  for (Value gradient : gradients) {
    RankedTensorType type = UpdateBuilder::typeOf(gradient);
    Value wide = gradient;
    if (!type.getElementType().isF64())
      wide = ConvertOp::create(
          b.builder, b.loc,
          RankedTensorType::get(type.getShape(), f64Type.getElementType()),
          gradient);
    Value squares = b.mul(wide, wide);
    if (type.getRank() != 0)
      squares = ReduceSumOp::create(
          b.builder, b.loc, squares,
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
    sumOfSquares = b.add(sumOfSquares, squares);
  }
  Value norm = b.sqrt(sumOfSquares);
  Value denominator = b.add(norm, b.scalar(1e-6));
  Value ratio = b.div(b.scalar(maxNorm), denominator);
  Value scale = MinOp::create(b.builder, b.loc, ratio, b.scalar(1.0));
  for (Value &gradient : gradients)
    gradient =
        b.mul(gradient, b.broadcast(scale, UpdateBuilder::typeOf(gradient)));
  return norm;
}

/// Whether `type` is a statically shaped f32/f64 tensor.
bool isStaticFloatTensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.hasStaticShape() &&
         (tensor.getElementType().isF32() || tensor.getElementType().isF64());
}

/// Formats `value` with the fewest digits that parse back to it exactly.
std::string formatDouble(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (error != std::errc())
    return std::to_string(value);
  return std::string(buffer, end);
}

/// Returns the arguments `gradient` updates, checked against its signature,
/// or emits a diagnostic and returns failure.
FailureOr<SmallVector<int64_t>>
resolveUpdated(func::FuncOp gradient, const OptimizerUpdateOptions &options) {
  StringRef name = gradient.getSymName();
  unsigned numArguments = gradient.getNumArguments();
  unsigned numResults = gradient.getNumResults();
  // Results 1 to `state` are state, not gradients.
  unsigned state = options.stateResults;
  std::string stateText = state ? ", " + std::to_string(state) +
                                      " state result" + (state == 1 ? "" : "s")
                                : "";
  SmallVector<int64_t> wrt;
  if (options.wrt) {
    wrt = *options.wrt;
    llvm::SmallSet<int64_t, 8> seen;
    for (int64_t index : wrt) {
      if (index < 0 || index >= numArguments)
        return gradient.emitError("cannot append an optimizer update to @")
               << name << ": wrt index " << index << " is out of range (it has "
               << numArguments << " argument" << (numArguments == 1 ? "" : "s")
               << ")";
      if (!seen.insert(index).second)
        return gradient.emitError("cannot append an optimizer update to @")
               << name << ": argument #" << index
               << " appears twice in wrt (each argument is updated once)";
    }
  } else {
    for (auto [index, type] : llvm::enumerate(gradient.getArgumentTypes()))
      if (isStaticFloatTensor(type))
        wrt.push_back(index);
    if (wrt.size() + 1 + state != numResults)
      return gradient.emitError("cannot append an optimizer update to @")
             << name << ": it has " << wrt.size() << " f32/f64 tensor argument"
             << (wrt.size() == 1 ? "" : "s") << " but returns "
             << (numResults > state ? numResults - 1 - state : 0) << " gradient"
             << (numResults == 2 + state ? "" : "s") << " after the loss"
             << stateText
             << "; say which arguments they belong to with "
                "wrt=<indices>";
  }

  if (numResults != wrt.size() + 1 + state)
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": it has " << numResults << " result"
           << (numResults == 1 ? "" : "s") << ", but a gradient function of "
           << wrt.size() << " argument" << (wrt.size() == 1 ? "" : "s")
           << " returns the loss" << stateText << " and " << wrt.size()
           << " gradient" << (wrt.size() == 1 ? "" : "s") << " ("
           << wrt.size() + 1 + state << " results)";

  Type loss = gradient.getResultTypes().front();
  auto lossType = dyn_cast<RankedTensorType>(loss);
  if (!isStaticFloatTensor(loss) || lossType.getNumElements() != 1)
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": its result #0 (the loss) must be an f32/f64 tensor "
           << "of one element, got " << loss;

  for (auto [i, index] : llvm::enumerate(wrt)) {
    Type argument = gradient.getArgumentTypes()[index];
    if (!isStaticFloatTensor(argument))
      return gradient.emitError("cannot append an optimizer update to @")
             << name << ": argument #" << index << " has type " << argument
             << "; only statically shaped f32/f64 tensors can be trained";
    Type result = gradient.getResultTypes()[1 + state + i];
    if (result != argument)
      return gradient.emitError("cannot append an optimizer update to @")
             << name << ": its result #" << 1 + state + i
             << " (the gradient of "
             << "argument #" << index << ") has type " << result
             << ", but the argument has type " << argument;
  }
  return wrt;
}
} // namespace

LogicalResult OptimizerUpdateOptions::verify(
    function_ref<InFlightDiagnostic()> emitError) const {
  auto invalid = [&](StringRef option, double value, StringRef valid) {
    return emitError() << "invalid optimizer option " << option << "="
                       << formatDouble(value) << " (" << valid << ")";
  };
  auto isNonNegative = [](double value) {
    return value >= 0 && std::isfinite(value);
  };
  if (groups.empty())
    return emitError() << "invalid optimizer options: no parameter group";
  for (int64_t group : groupOf)
    if (group < 0 || group >= static_cast<int64_t>(groups.size()))
      return emitError() << "invalid optimizer options: group " << group
                         << " is out of range (there are " << groups.size()
                         << " groups)";
  if (!(maxGradNorm >= 0 && std::isfinite(maxGradNorm)))
    return invalid("clip-grad-norm", maxGradNorm,
                   "it must be finite and > 0, or 0 for no clipping");
  for (const OptimizerGroupOptions &group : groups) {
    if (!isNonNegative(group.weightDecay))
      return invalid("weight-decay", group.weightDecay,
                     "it must be finite and >= 0");
    if (kind == OptimizerKind::SGD)
      continue;
    if (!(group.beta1 >= 0 && group.beta1 < 1))
      return invalid("beta1", group.beta1, "it must be in [0, 1)");
    if (!(group.beta2 >= 0 && group.beta2 < 1))
      return invalid("beta2", group.beta2, "it must be in [0, 1)");
    if (!isNonNegative(group.eps))
      return invalid("eps", group.eps, "it must be finite and >= 0");
  }
  if (kind == OptimizerKind::SGD) {
    if (!isNonNegative(momentum))
      return invalid("momentum", momentum, "it must be finite and >= 0");
    if (!std::isfinite(dampening))
      return invalid("dampening", dampening, "it must be finite");
    if (nesterov && (momentum <= 0 || dampening != 0))
      return emitError() << "invalid optimizer options: Nesterov momentum "
                            "requires a momentum and zero dampening (got "
                            "momentum="
                         << formatDouble(momentum)
                         << " dampening=" << formatDouble(dampening) << ")";
    return success();
  }
  return success();
}

unsigned OptimizerUpdateOptions::getNumStateTensors() const {
  if (isAdam())
    return 2;
  if (momentum == 0)
    return 0;
  return dampening != 0 ? 2 : 1;
}

bool OptimizerUpdateOptions::isStateFlag(unsigned index) const {
  return kind == OptimizerKind::SGD && index == 1;
}

std::string OptimizerUpdateOptions::getPassOptions(StringRef function) const {
  std::string text = "function=" + quotePassOptionValue(function);
  if (wrt)
    text += " wrt=" + llvm::join(llvm::map_range(*wrt,
                                                 [](int64_t index) {
                                                   return std::to_string(index);
                                                 }),
                                 ",");
  // A per-group option as one value per group.
  auto perGroup = [&](double OptimizerGroupOptions::*field) {
    return llvm::join(llvm::map_range(groups,
                                      [&](const OptimizerGroupOptions &group) {
                                        return formatDouble(group.*field);
                                      }),
                      ",");
  };
  if (kind == OptimizerKind::SGD) {
    text += " optimizer=sgd momentum=" + formatDouble(momentum) +
            " dampening=" + formatDouble(dampening) +
            " nesterov=" + (nesterov ? "true" : "false");
  } else {
    text += std::string(" optimizer=") +
            (kind == OptimizerKind::AdamW ? "adamw" : "adam") +
            " beta1=" + perGroup(&OptimizerGroupOptions::beta1) +
            " beta2=" + perGroup(&OptimizerGroupOptions::beta2) +
            " eps=" + perGroup(&OptimizerGroupOptions::eps);
  }
  text += " weight-decay=" + perGroup(&OptimizerGroupOptions::weightDecay);
  if (!groupOf.empty())
    text +=
        " groups=" + llvm::join(llvm::map_range(groupOf,
                                                [](int64_t group) {
                                                  return std::to_string(group);
                                                }),
                                ",");
  if (maxGradNorm != 0)
    text += " clip-grad-norm=" + formatDouble(maxGradNorm);
  if (stateResults)
    text += " state-results=" + std::to_string(stateResults);
  return text;
}

LogicalResult
mlir::adjit::appendOptimizerUpdate(func::FuncOp gradient,
                                   const OptimizerUpdateOptions &options) {
  StringRef name = gradient.getSymName();
  if (gradient.isExternal())
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": it is a declaration without a body";
  if (!gradient.getBody().hasOneBlock())
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": it has " << gradient.getBody().getBlocks().size()
           << " blocks (only single-block functions are supported)";
  if (failed(options.verify([&] {
        return gradient.emitError("cannot append an optimizer update to @")
               << name << ": ";
      })))
    return failure();
  Block &body = gradient.getBody().front();
  auto returnOp = dyn_cast<func::ReturnOp>(body.getTerminator());
  if (!returnOp)
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": it does not end with func.return";
  if (Operation *parent = gradient->getParentOp()) {
    // Callers would be left with the old signature.
    if (!SymbolTable::symbolKnownUseEmpty(gradient, parent))
      return gradient.emitError("cannot append an optimizer update to @")
             << name << ": it is referenced in the module, and its users "
             << "would not match its new signature";
  }
  FailureOr<SmallVector<int64_t>> wrt = resolveUpdated(gradient, options);
  if (failed(wrt))
    return failure();
  if (!options.groupOf.empty() && options.groupOf.size() != wrt->size())
    return gradient.emitError("cannot append an optimizer update to @")
           << name << ": " << options.groupOf.size() << " group indices for "
           << wrt->size() << " updated arguments (give one per wrt argument)";

  UpdateBuilder b(returnOp);
  // The new arguments: the state of each trained tensor, the learning rate
  // and the step count.
  unsigned numState = options.getNumStateTensors();
  SmallVector<SmallVector<Value>> states;
  for (int64_t index : *wrt) {
    auto type = UpdateBuilder::typeOf(body.getArgument(index));
    SmallVector<Value> state;
    for (unsigned i = 0; i < numState; ++i) {
      auto stateType = options.isStateFlag(i)
                           ? RankedTensorType::get({}, b.builder.getI1Type())
                           : type;
      state.push_back(body.addArgument(stateType, b.loc));
    }
    states.push_back(state);
  }
  auto scalarType = RankedTensorType::get({}, b.builder.getF64Type());
  SmallVector<Value> learningRates;
  for (size_t group = 0; group < options.groups.size(); ++group)
    learningRates.push_back(body.addArgument(scalarType, b.loc));
  Value step = body.addArgument(scalarType, b.loc);

  SmallVector<Value> gradients(
      llvm::map_range(llvm::seq<size_t>(0, wrt->size()), [&](size_t i) {
        return returnOp.getOperand(1 + options.stateResults + i);
      }));
  Value gradNorm;
  if (options.maxGradNorm > 0)
    gradNorm = clipGradients(b, gradients, options.maxGradNorm);

  // Adam's scalars of each group that has arguments, made once.
  SmallVector<std::optional<AdamScalars>> adam(options.groups.size());
  SmallVector<Value> parameters, newStates;
  for (auto [i, index] : llvm::enumerate(*wrt)) {
    int64_t g = options.groupOf.empty() ? 0 : options.groupOf[i];
    const OptimizerGroupOptions &group = options.groups[g];
    Value lr = learningRates[g];
    Value p = body.getArgument(index);
    Updated updated;
    if (options.isAdam()) {
      if (!adam[g])
        adam[g] = adamScalars(b, group, lr, step);
      updated = updateAdam(b, options.kind, group, *adam[g], lr, p,
                           gradients[i], states[i]);
    } else {
      updated = updateSgd(b, options, group, p, gradients[i], states[i], lr);
    }
    parameters.push_back(updated.parameter);
    newStates.append(updated.state.begin(), updated.state.end());
  }

  SmallVector<Value> results(
      returnOp.getOperands().take_front(1 + options.stateResults));
  results.append(parameters.begin(), parameters.end());
  results.append(newStates.begin(), newStates.end());
  if (gradNorm)
    results.push_back(gradNorm);
  func::ReturnOp::create(b.builder, b.loc, results);
  returnOp.erase();

  // The attributes of the original arguments and of the loss stay; the new
  // arguments and results have none.
  SmallVector<DictionaryAttr> argAttrs;
  gradient.getAllArgAttrs(argAttrs);
  DictionaryAttr lossAttrs = gradient.getResultAttrDict(0);
  gradient.setFunctionType(b.builder.getFunctionType(
      body.getArgumentTypes(), TypeRange(ValueRange(results))));
  argAttrs.resize(body.getNumArguments(),
                  DictionaryAttr::get(gradient.getContext()));
  gradient.setAllArgAttrs(argAttrs);
  SmallVector<DictionaryAttr> resultAttrs(
      results.size(), DictionaryAttr::get(gradient.getContext()));
  if (lossAttrs)
    resultAttrs.front() = lossAttrs;
  gradient.setAllResultAttrs(resultAttrs);
  return success();
}

LogicalResult
mlir::adjit::appendOptimizerUpdate(ModuleOp module, StringRef functionName,
                                   const OptimizerUpdateOptions &options) {
  func::FuncOp function = detail::lookupFunctionOrEmitError(
      module, functionName, "append an optimizer update to");
  if (!function)
    return failure();
  return appendOptimizerUpdate(function, options);
}
