//===- AdjointRulesReduction.cpp - adjoints of adjit reductions -----------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

LogicalResult
ReduceSumOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  // Every summed element receives the adjoint of its sum.
  if (requested[0])
    operandAdjoints[0] = broadcastBack(
        builder, getLoc(), resultAdjoints[0],
        cast<RankedTensorType>(getOperand().getType()), getDims());
  return success();
}

LogicalResult
ReduceMaxOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // The adjoint is shared evenly by the elements equal to the maximum, as
  // PyTorch's amax: dx = mask * broadcast(g / count(mask)). If the maximum is
  // NaN no element matches and the adjoint is NaN (0 * (g / 0)), as in
  // PyTorch.
  Location loc = getLoc();
  auto type = cast<RankedTensorType>(getOperand().getType());
  Value x = getOperand();
  Value maxima = broadcastBack(builder, loc, getResult(), type, getDims());
  Value isMax =
      CompareOp::create(builder, loc, ComparePredicate::eq, x, maxima);
  Value ones = createSplat(builder, loc, type, 1.0);
  Value zeros = createZeros(builder, loc, type);
  Value mask = SelectOp::create(builder, loc, isMax, ones, zeros);
  Value count = ReduceSumOp::create(builder, loc, mask, getDims());
  Value share = DivOp::create(builder, loc, resultAdjoints[0], count);
  operandAdjoints[0] = MulOp::create(
      builder, loc, broadcastBack(builder, loc, share, type, getDims()), mask);
  return success();
}

LogicalResult
ReduceProdOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                            ArrayRef<bool> requested,
                            SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // The derivative eager autograd uses too (PyTorch's rule at zeros).
  auto type = cast<RankedTensorType>(getOperand().getType());
  RuleBuilder b{builder, getLoc()};
  Value g =
      broadcastBack(builder, getLoc(), resultAdjoints[0], type, getDims());
  operandAdjoints[0] =
      ::adjit::semantics::derivatives::Prod::vjp(b, g, getOperand(), getDims());
  return success();
}
