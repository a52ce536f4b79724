//===- AdjointRulesReduction.cpp - adjoints of reductions and argmax ------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;
namespace derivatives = ::adjit::semantics::derivatives;

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

LogicalResult mlir::adjit::detail::buildArgExtremumAdjoints(
    Operation *op, Value indices, int64_t dim, OpBuilder &builder,
    ArrayRef<Value> resultAdjoints, ArrayRef<bool> requested,
    SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(op, operandAdjoints);
  if (!requested[0] || !resultAdjoints[0])
    return success();
  // As PyTorch's max(dim): the chosen element, where its position along dim
  // equals the index, receives the adjoint; the others receive zero.
  Location loc = op->getLoc();
  auto type = cast<RankedTensorType>(op->getOperand(0).getType());
  auto indexType = type.clone(builder.getI64Type());
  int64_t size = type.getDimSize(dim);
  SmallVector<int64_t> iota = llvm::to_vector(llvm::seq<int64_t>(0, size));
  Value positions = ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(
          RankedTensorType::get({size}, builder.getI64Type()),
          ArrayRef<int64_t>(iota)));
  Value positionsAlongDim =
      BroadcastOp::create(builder, loc, indexType, positions, {dim});
  Value chosen = broadcastBack(builder, loc, indices, indexType, {dim});
  Value isChosen = CompareOp::create(builder, loc, ComparePredicate::eq,
                                     positionsAlongDim, chosen);
  Value adjoint = broadcastBack(builder, loc, resultAdjoints[0], type, {dim});
  RuleBuilder rules{builder, loc};
  operandAdjoints[0] =
      derivatives::Where::vjp(rules, adjoint, isChosen, true, false).lhs;
  return success();
}
