//===- AdjointRulesPooling.cpp - adjoints of the pooling ops --------------===//
//
// Every pooling op is linear in its float operand, with the indices of a max
// pooling held fixed, and its adjoint is its partner with the same
// attributes: gather and scatter of max pooling, average pooling and its
// gradient. So the adjoint program of a pooling is differentiable again, to
// any order, as PyTorch's double backward of max_pool2d gathers at the
// saved indices.
//
//===----------------------------------------------------------------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

bool MaxPool2dIndicesOp::isDifferentiableOperand(unsigned) { return false; }

LogicalResult
MaxPool2dIndicesOp::buildAdjoints(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                                  SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  return success();
}

LogicalResult MaxPool2dGatherOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<MaxPool2dScatterOp>(*this, builder, resultAdjoints,
                                                 requested, operandAdjoints);
}

LogicalResult MaxPool2dScatterOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<MaxPool2dGatherOp>(*this, builder, resultAdjoints,
                                                requested, operandAdjoints);
}

LogicalResult
AvgPool2dOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<AvgPool2dBackwardOp>(
      *this, builder, resultAdjoints, requested, operandAdjoints);
}

LogicalResult AvgPool2dBackwardOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<AvgPool2dOp>(*this, builder, resultAdjoints,
                                          requested, operandAdjoints);
}

LogicalResult AdaptiveAvgPool2dOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<AdaptiveAvgPool2dBackwardOp>(
      *this, builder, resultAdjoints, requested, operandAdjoints);
}

LogicalResult AdaptiveAvgPool2dBackwardOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<AdaptiveAvgPool2dOp>(
      *this, builder, resultAdjoints, requested, operandAdjoints);
}
