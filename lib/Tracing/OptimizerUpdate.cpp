//===- OptimizerUpdate.cpp - fused optimizer updates in adjit IR ----------===//

#include "OptimizerUpdate.h"

#include "adjit/Autograd.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/Builders.h"

using namespace adjit;
using namespace adjit::tracing;
using mlir::RankedTensorType;
using mlir::Value;

namespace {
/// Emits the arithmetic of an update before one op.
class UpdateBuilder {
public:
  UpdateBuilder(mlir::Operation *before)
      : builder(before), loc(before->getLoc()) {}

  /// A tensor of `type` whose elements are all `value`.
  Value constant(RankedTensorType type, double value) {
    mlir::Type element = type.getElementType();
    mlir::Attribute attr =
        element.isInteger(1)
            ? mlir::Attribute(builder.getBoolAttr(value != 0))
            : mlir::Attribute(builder.getFloatAttr(element, value));
    return mlir::adjit::ConstantOp::create(
        builder, loc, mlir::DenseElementsAttr::get(type, attr));
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
      scalar = mlir::adjit::ConvertOp::create(builder, loc, scalarType, scalar);
    if (type.getRank() == 0)
      return scalar;
    return mlir::adjit::BroadcastOp::create(builder, loc, type, scalar,
                                            builder.getDenseI64ArrayAttr({}));
  }

  Value add(Value lhs, Value rhs) {
    return mlir::adjit::AddOp::create(builder, loc, lhs, rhs);
  }
  Value sub(Value lhs, Value rhs) {
    return mlir::adjit::SubOp::create(builder, loc, lhs, rhs);
  }
  Value mul(Value lhs, Value rhs) {
    return mlir::adjit::MulOp::create(builder, loc, lhs, rhs);
  }
  Value div(Value lhs, Value rhs) {
    return mlir::adjit::DivOp::create(builder, loc, lhs, rhs);
  }
  Value pow(Value lhs, Value rhs) {
    return mlir::adjit::PowOp::create(builder, loc, lhs, rhs);
  }
  Value sqrt(Value value) {
    return mlir::adjit::SqrtOp::create(builder, loc, value);
  }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return mlir::adjit::SelectOp::create(builder, loc, condition, onTrue,
                                         onFalse);
  }

  /// `value * factor`, as the eager `tensor * double` computes it.
  Value mul(Value value, double factor) {
    return mul(value, constantLike(value, factor));
  }

  static RankedTensorType typeOf(Value value) {
    return mlir::cast<RankedTensorType>(value.getType());
  }

  mlir::OpBuilder builder;
  mlir::Location loc;
};

/// The update of one trained tensor: its new value and new state.
struct Updated {
  Value parameter;
  llvm::SmallVector<Value> state;
};

/// optim::SGD::step for one parameter.
Updated updateSgd(UpdateBuilder &b, const optim::SGDOptions &o, Value p,
                  Value grad, llvm::ArrayRef<Value> state, Value lr) {
  Updated updated;
  Value d = grad;
  if (o.weight_decay() != 0)
    d = b.add(d, b.mul(p, o.weight_decay()));
  if (o.momentum() != 0) {
    // Eager starts the buffer as a copy of d; it starts here as zeros, which
    // momentum * 0 + d reproduces exactly. Dampening applies from the second
    // step of the parameter on, told by the state's flag.
    Value scaled = d;
    if (o.dampening() != 0) {
      Value hasBuffer = state[1];
      Value coefficient =
          b.select(hasBuffer, b.scalar(1 - o.dampening()), b.scalar(1.0));
      scaled = b.mul(d, b.broadcast(coefficient, UpdateBuilder::typeOf(d)));
    }
    Value buffer = b.add(b.mul(state[0], o.momentum()), scaled);
    updated.state.push_back(buffer);
    if (o.dampening() != 0)
      updated.state.push_back(b.constantLike(state[1], 1.0));
    d = o.nesterov() ? b.add(d, b.mul(buffer, o.momentum())) : buffer;
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

AdamScalars adamScalars(UpdateBuilder &b, const optim::AdamOptions &o, Value lr,
                        Value step) {
  auto [beta1, beta2] = o.betas();
  Value one = b.scalar(1.0);
  Value correction1 = b.sub(one, b.pow(b.scalar(beta1), step));
  Value correction2 = b.sub(one, b.pow(b.scalar(beta2), step));
  return {b.div(lr, correction1), b.sqrt(correction2)};
}

/// optim::Adam::step for one parameter.
Updated updateAdam(UpdateBuilder &b, const optim::AdamOptions &o,
                   const AdamScalars &scalars, Value p, Value grad,
                   llvm::ArrayRef<Value> state) {
  auto [beta1, beta2] = o.betas();
  RankedTensorType type = UpdateBuilder::typeOf(p);
  Value g = grad;
  if (o.weight_decay() != 0)
    g = b.add(g, b.mul(p, o.weight_decay()));
  Value m = b.add(b.mul(state[0], beta1), b.mul(g, 1 - beta1));
  Value v = b.add(b.mul(state[1], beta2), b.mul(b.mul(g, g), 1 - beta2));
  Value denominator =
      b.add(b.div(b.sqrt(v), b.broadcast(scalars.rootCorrection2, type)),
            b.constant(type, o.eps()));
  Value step =
      b.mul(b.div(m, denominator), b.broadcast(scalars.stepSize, type));
  return {b.sub(p, step), {m, v}};
}

size_t stateSize(const jit::OptimizerOptions &options) {
  if (const auto *sgd = std::get_if<optim::SGDOptions>(&options)) {
    if (sgd->momentum() == 0)
      return 0;
    return sgd->dampening() != 0 ? 2 : 1;
  }
  return 2;
}
} // namespace

std::vector<Tensor>
adjit::tracing::makeOptimizerState(const jit::OptimizerOptions &options,
                                   const Tensor &parameter) {
  NoGradGuard noGrad;
  std::vector<Tensor> state;
  size_t size = stateSize(options);
  for (size_t i = 0; i < size; ++i)
    state.push_back(i == 1 && std::holds_alternative<optim::SGDOptions>(options)
                        ? zeros({}, Dtype::Bool)
                        : zeros(parameter.sizes(), parameter.dtype()));
  return state;
}

void adjit::tracing::appendOptimizerUpdate(
    mlir::func::FuncOp gradient, llvm::ArrayRef<size_t> wrt,
    const jit::OptimizerOptions &options) {
  mlir::Block &body = gradient.getBody().front();
  auto returnOp = mlir::cast<mlir::func::ReturnOp>(body.getTerminator());
  UpdateBuilder b(returnOp);

  // The new arguments: the state of each trained tensor, the learning rate
  // and the step count.
  size_t size = stateSize(options);
  std::vector<llvm::SmallVector<Value>> states;
  for (size_t index : wrt) {
    auto type = UpdateBuilder::typeOf(body.getArgument(index));
    llvm::SmallVector<Value> state;
    for (size_t i = 0; i < size; ++i) {
      bool isFlag =
          i == 1 && std::holds_alternative<optim::SGDOptions>(options);
      auto stateType =
          isFlag ? RankedTensorType::get({}, b.builder.getI1Type()) : type;
      state.push_back(body.addArgument(stateType, b.loc));
    }
    states.push_back(state);
  }
  auto scalarType = RankedTensorType::get({}, b.builder.getF64Type());
  Value lr = body.addArgument(scalarType, b.loc);
  Value step = body.addArgument(scalarType, b.loc);

  std::optional<AdamScalars> adam;
  if (const auto *o = std::get_if<optim::AdamOptions>(&options))
    adam = adamScalars(b, *o, lr, step);

  llvm::SmallVector<Value> parameters, newStates;
  for (size_t i = 0; i < wrt.size(); ++i) {
    Value p = body.getArgument(wrt[i]);
    Value grad = returnOp.getOperand(1 + i);
    Updated updated = adam
                          ? updateAdam(b, std::get<optim::AdamOptions>(options),
                                       *adam, p, grad, states[i])
                          : updateSgd(b, std::get<optim::SGDOptions>(options),
                                      p, grad, states[i], lr);
    parameters.push_back(updated.parameter);
    newStates.append(updated.state.begin(), updated.state.end());
  }

  llvm::SmallVector<Value> results = {returnOp.getOperand(0)};
  results.append(parameters.begin(), parameters.end());
  results.append(newStates.begin(), newStates.end());
  mlir::func::ReturnOp::create(b.builder, b.loc, results);
  returnOp.erase();
  gradient.setFunctionType(b.builder.getFunctionType(
      body.getArgumentTypes(), mlir::TypeRange(mlir::ValueRange(results))));
}
