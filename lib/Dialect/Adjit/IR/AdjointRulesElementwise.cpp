//===- AdjointRulesElementwise.cpp - adjoints of elementwise adjit ops ----===//
//
// Reverse-mode rules of the unary and binary elementwise ops, compare, select,
// stop_gradient, constant and convert. The primitives' rules instantiate the
// derivatives of adjit/Semantics/Derivatives.h, which eager autograd shares;
// conventions at non-differentiable points follow PyTorch (docs/autodiff.md).
//
//===----------------------------------------------------------------------===//

#include "AdjointUtils.h"

#include "adjit/Semantics/Derivatives.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;
namespace derivatives = ::adjit::semantics::derivatives;

namespace {
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
  return failure(b.failed);
}

/// The rule of a binary primitive: `Derivative` of Derivatives.h on the
/// op's operands and result.
template <typename Derivative>
LogicalResult buildBinaryAdjoints(Operation *op, OpBuilder &builder,
                                  ArrayRef<Value> resultAdjoints,
                                  ArrayRef<bool> requested,
                                  SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(op, operandAdjoints);
  RuleBuilder b{builder, op->getLoc()};
  auto adjoints = Derivative::vjp(b, resultAdjoints[0], op->getOperand(0),
                                  op->getOperand(1), op->getResult(0),
                                  requested[0], requested[1]);
  operandAdjoints[0] = adjoints.lhs;
  operandAdjoints[1] = adjoints.rhs;
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  LogicalResult IROp::buildAdjoints(                                           \
      OpBuilder &builder, ArrayRef<Value> resultAdjoints,                      \
      ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {     \
    return buildBinaryAdjoints<derivatives::Kind>(                             \
        *this, builder, resultAdjoints, requested, operandAdjoints);           \
  }
#include "adjit/Semantics/Ops.def"

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

LogicalResult mlir::adjit::detail::buildPrimitiveUnaryAdjoints(
    Operation *op, OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  auto rule = [&](auto derivative) {
    using Derivative = decltype(derivative);
    return buildUnaryAdjoint(op, builder, resultAdjoints, requested,
                             operandAdjoints,
                             [](RuleBuilder &b, Value g, Value x, Value r) {
                               return Derivative::vjp(b, g, x, r);
                             });
  };
  return llvm::TypeSwitch<Operation *, LogicalResult>(op)
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  .Case<Kind##Op>([&](auto) { return rule(derivatives::Kind()); })
#include "adjit/Semantics/Ops.def"
      .Default([](Operation *other) {
        return other->emitOpError("is not a unary primitive of Ops.def");
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
                             return b.mul(b.mul(g, b.constant(g, -0.5)), cube);
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
  auto adjoints = derivatives::Where::vjp(b, resultAdjoints[0], getCondition(),
                                          requested[1], requested[2]);
  operandAdjoints[1] = adjoints.lhs;
  operandAdjoints[2] = adjoints.rhs;
  return success();
}

//===----------------------------------------------------------------------===//
// Stop gradient
//===----------------------------------------------------------------------===//

bool StopGradientOp::isDifferentiableOperand(unsigned) { return false; }

LogicalResult
StopGradientOp::buildAdjoints(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                              SmallVectorImpl<Value> &operandAdjoints) {
  // Never called with an adjoint: the result is a constant to autodiff.
  initOperandAdjoints(*this, operandAdjoints);
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
