//===- AdjointRulesElementwise.cpp - adjoints of elementwise adjit ops ----===//
//
// Reverse-mode rules of the unary and binary elementwise ops, compare, select,
// constant and convert. Conventions at non-differentiable points follow
// PyTorch; docs/autodiff.md lists them.
//
//===----------------------------------------------------------------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

namespace {
/// Emits the adjit ops of one rule at the location of the op being
/// differentiated, with short names for the ops the rules use most.
struct RuleBuilder {
  OpBuilder &builder;
  Location loc;

  Value add(Value a, Value b) { return AddOp::create(builder, loc, a, b); }
  Value sub(Value a, Value b) { return SubOp::create(builder, loc, a, b); }
  Value mul(Value a, Value b) { return MulOp::create(builder, loc, a, b); }
  Value div(Value a, Value b) { return DivOp::create(builder, loc, a, b); }
  Value neg(Value a) { return NegOp::create(builder, loc, a); }
  Value splat(Value like, double value) {
    return createSplat(builder, loc, like.getType(), value);
  }
  Value zeros(Value like) { return createZeros(builder, loc, like.getType()); }
  Value compare(ComparePredicate predicate, Value a, Value b) {
    return CompareOp::create(builder, loc, predicate, a, b);
  }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return SelectOp::create(builder, loc, condition, onTrue, onFalse);
  }
};

/// Applies `rule` to the single result adjoint of a unary op and stores the
/// operand's adjoint if it is requested.
template <typename Rule>
LogicalResult
buildUnaryAdjoint(Operation *op, OpBuilder &builder,
                  ArrayRef<Value> resultAdjoints, ArrayRef<bool> requested,
                  SmallVectorImpl<Value> &operandAdjoints, Rule &&rule) {
  initOperandAdjoints(op, operandAdjoints);
  if (!requested[0] || !resultAdjoints[0])
    return success();
  RuleBuilder b{builder, op->getLoc()};
  operandAdjoints[0] =
      rule(b, resultAdjoints[0], op->getOperand(0), op->getResult(0));
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

LogicalResult AddOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  for (unsigned i = 0; i < 2; ++i)
    if (requested[i])
      operandAdjoints[i] = resultAdjoints[0];
  return success();
}

LogicalResult SubOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  RuleBuilder b{builder, getLoc()};
  Value g = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] = g;
  if (requested[1])
    operandAdjoints[1] = b.neg(g);
  return success();
}

LogicalResult MulOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  RuleBuilder b{builder, getLoc()};
  Value g = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] = b.mul(g, getRhs());
  if (requested[1])
    operandAdjoints[1] = b.mul(g, getLhs());
  return success();
}

LogicalResult DivOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  RuleBuilder b{builder, getLoc()};
  Value g = resultAdjoints[0];
  // d(x / y)/dx = 1 / y; d(x / y)/dy = -(x / y) / y, as PyTorch computes it.
  if (requested[0])
    operandAdjoints[0] = b.div(g, getRhs());
  if (requested[1])
    operandAdjoints[1] = b.neg(b.mul(g, b.div(getResult(), getRhs())));
  return success();
}

namespace {
/// The rule shared by max and min. `loses` is the predicate under which the
/// lhs is not chosen (lt for max, gt for min); at ties each operand gets half
/// of the adjoint, as PyTorch's `maximum`/`minimum` do.
LogicalResult buildExtremumAdjoints(Operation *op, OpBuilder &builder,
                                    ArrayRef<Value> resultAdjoints,
                                    ArrayRef<bool> requested,
                                    SmallVectorImpl<Value> &operandAdjoints,
                                    ComparePredicate loses,
                                    ComparePredicate wins) {
  initOperandAdjoints(op, operandAdjoints);
  RuleBuilder b{builder, op->getLoc()};
  Value g = resultAdjoints[0];
  Value x = op->getOperand(0), y = op->getOperand(1);
  Value tie = b.compare(ComparePredicate::eq, x, y);
  Value shared = b.select(tie, b.mul(g, b.splat(g, 0.5)), g);
  Value zeros = b.zeros(g);
  if (requested[0])
    operandAdjoints[0] = b.select(b.compare(loses, x, y), zeros, shared);
  if (requested[1])
    operandAdjoints[1] = b.select(b.compare(wins, x, y), zeros, shared);
  return success();
}
} // namespace

LogicalResult MaxOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  return buildExtremumAdjoints(*this, builder, resultAdjoints, requested,
                               operandAdjoints, ComparePredicate::lt,
                               ComparePredicate::gt);
}

LogicalResult MinOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  return buildExtremumAdjoints(*this, builder, resultAdjoints, requested,
                               operandAdjoints, ComparePredicate::gt,
                               ComparePredicate::lt);
}

LogicalResult PowOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  RuleBuilder b{builder, getLoc()};
  Value g = resultAdjoints[0];
  Value x = getLhs(), y = getRhs();
  Value zeros = b.zeros(g);
  // d/dx = y * x^(y - 1), and exactly 0 where y == 0 (so that 0^0 does not
  // give 0 * inf = nan), as PyTorch's pow_backward_self.
  if (requested[0]) {
    Value power = PowOp::create(builder, getLoc(), x, b.sub(y, b.splat(y, 1)));
    Value dx = b.mul(g, b.mul(y, power));
    operandAdjoints[0] =
        b.select(b.compare(ComparePredicate::eq, y, b.zeros(y)), zeros, dx);
  }
  // d/dy = x^y * log(x), and 0 where x == 0 and y >= 0 (the limit from
  // x > 0), as PyTorch's pow_backward_exponent; nan for x < 0.
  if (requested[1]) {
    Value logX = LogOp::create(builder, getLoc(), x);
    Value dy = b.mul(g, b.mul(getResult(), logX));
    Value atZero =
        b.select(b.compare(ComparePredicate::ge, y, b.zeros(y)), zeros, dy);
    operandAdjoints[1] =
        b.select(b.compare(ComparePredicate::eq, x, b.zeros(x)), atZero, dy);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

LogicalResult NegOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value, Value) { return b.neg(g); });
}

LogicalResult ExpOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value, Value r) { return b.mul(g, r); });
}

LogicalResult LogOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  // g / x: +-inf at x == 0 (as IEEE division gives), nan-free otherwise.
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value x, Value) { return b.div(g, x); });
}

LogicalResult SqrtOp::buildAdjoints(OpBuilder &builder,
                                    ArrayRef<Value> resultAdjoints,
                                    ArrayRef<bool> requested,
                                    SmallVectorImpl<Value> &operandAdjoints) {
  // g / (2 sqrt(x)): inf at x == 0, as PyTorch.
  return buildUnaryAdjoint(*this, builder, resultAdjoints, requested,
                           operandAdjoints,
                           [](RuleBuilder &b, Value g, Value, Value r) {
                             return b.div(g, b.mul(b.splat(r, 2.0), r));
                           });
}

LogicalResult RsqrtOp::buildAdjoints(OpBuilder &builder,
                                     ArrayRef<Value> resultAdjoints,
                                     ArrayRef<bool> requested,
                                     SmallVectorImpl<Value> &operandAdjoints) {
  // -0.5 * g * rsqrt(x)^3, as PyTorch.
  return buildUnaryAdjoint(*this, builder, resultAdjoints, requested,
                           operandAdjoints,
                           [](RuleBuilder &b, Value g, Value, Value r) {
                             Value cube = b.mul(b.mul(r, r), r);
                             return b.mul(b.mul(g, b.splat(g, -0.5)), cube);
                           });
}

LogicalResult TanhOp::buildAdjoints(OpBuilder &builder,
                                    ArrayRef<Value> resultAdjoints,
                                    ArrayRef<bool> requested,
                                    SmallVectorImpl<Value> &operandAdjoints) {
  // g * (1 - tanh(x)^2). Ops are created in separate statements so that
  // their order does not depend on the order of argument evaluation.
  return buildUnaryAdjoint(*this, builder, resultAdjoints, requested,
                           operandAdjoints,
                           [](RuleBuilder &b, Value g, Value, Value r) {
                             Value square = b.mul(r, r);
                             Value one = b.splat(r, 1.0);
                             return b.mul(g, b.sub(one, square));
                           });
}

LogicalResult
SigmoidOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                         ArrayRef<bool> requested,
                         SmallVectorImpl<Value> &operandAdjoints) {
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value, Value r) {
        return b.mul(g, b.mul(r, b.sub(b.splat(r, 1.0), r)));
      });
}

LogicalResult ReluOp::buildAdjoints(OpBuilder &builder,
                                    ArrayRef<Value> resultAdjoints,
                                    ArrayRef<bool> requested,
                                    SmallVectorImpl<Value> &operandAdjoints) {
  // g where relu(x) > 0, else 0: relu'(0) = 0, as PyTorch's threshold_backward.
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value, Value r) {
        Value zeros = b.zeros(g);
        return b.select(b.compare(ComparePredicate::gt, r, zeros), g, zeros);
      });
}

LogicalResult AbsOp::buildAdjoints(OpBuilder &builder,
                                   ArrayRef<Value> resultAdjoints,
                                   ArrayRef<bool> requested,
                                   SmallVectorImpl<Value> &operandAdjoints) {
  // g * sign(x) with sign(0) = 0: abs'(0) = 0, as PyTorch.
  return buildUnaryAdjoint(
      *this, builder, resultAdjoints, requested, operandAdjoints,
      [](RuleBuilder &b, Value g, Value x, Value) {
        Value zeros = b.zeros(g);
        Value negated = b.neg(g);
        Value negative =
            b.select(b.compare(ComparePredicate::lt, x, zeros), negated, zeros);
        return b.select(b.compare(ComparePredicate::gt, x, zeros), g, negative);
      });
}

//===----------------------------------------------------------------------===//
// Compare and select
//===----------------------------------------------------------------------===//

bool CompareOp::isDifferentiableOperand(unsigned) {
  // The i1 result is piecewise constant in the operands: no gradient flows.
  return false;
}

LogicalResult
CompareOp::buildAdjoints(OpBuilder &, ArrayRef<Value> resultAdjoints,
                         ArrayRef<bool>,
                         SmallVectorImpl<Value> &operandAdjoints) {
  // Never called with an adjoint (an i1 result carries none).
  initOperandAdjoints(*this, operandAdjoints);
  return success();
}

LogicalResult SelectOp::buildAdjoints(OpBuilder &builder,
                                      ArrayRef<Value> resultAdjoints,
                                      ArrayRef<bool> requested,
                                      SmallVectorImpl<Value> &operandAdjoints) {
  // The adjoint goes to the chosen side; the condition (i1) gets none.
  initOperandAdjoints(*this, operandAdjoints);
  RuleBuilder b{builder, getLoc()};
  Value g = resultAdjoints[0];
  Value zeros = b.zeros(g);
  if (requested[1])
    operandAdjoints[1] = b.select(getCondition(), g, zeros);
  if (requested[2])
    operandAdjoints[2] = b.select(getCondition(), zeros, g);
  return success();
}

//===----------------------------------------------------------------------===//
// Constant and convert
//===----------------------------------------------------------------------===//

LogicalResult
ConstantOp::buildAdjoints(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                          SmallVectorImpl<Value> &operandAdjoints) {
  // No operands: a constant does not depend on anything.
  initOperandAdjoints(*this, operandAdjoints);
  return success();
}

LogicalResult
ConvertOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                         ArrayRef<bool> requested,
                         SmallVectorImpl<Value> &operandAdjoints) {
  // Converts the adjoint back to the operand's precision.
  initOperandAdjoints(*this, operandAdjoints);
  if (requested[0])
    operandAdjoints[0] = ConvertOp::create(
        builder, getLoc(), getOperand().getType(), resultAdjoints[0]);
  return success();
}
