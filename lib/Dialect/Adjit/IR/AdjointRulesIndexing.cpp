//===- AdjointRulesIndexing.cpp - adjoints of gather and scatter_add ------===//
//
// Both ops are linear in their float operand with the indices held fixed and
// each is the transpose of the other: the adjoint of a gather is the
// scatter_add of the result's adjoint at the same indices, and the adjoint
// of a scatter_add is the gather of it. So their adjoint programs are
// differentiable again, to any order.
//
//===----------------------------------------------------------------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

LogicalResult GatherOp::buildAdjoints(OpBuilder &builder,
                                      ArrayRef<Value> resultAdjoints,
                                      ArrayRef<bool> requested,
                                      SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<ScatterAddOp>(*this, builder, resultAdjoints,
                                           requested, operandAdjoints);
}

LogicalResult
ScatterAddOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                            ArrayRef<bool> requested,
                            SmallVectorImpl<Value> &operandAdjoints) {
  return buildPartnerAdjoint<GatherOp>(*this, builder, resultAdjoints,
                                       requested, operandAdjoints);
}
