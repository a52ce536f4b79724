//===- RandomOps.cpp - adjit.dropout_mask ---------------------------------===//

#include "AdjointUtils.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

using namespace mlir;
using namespace mlir::adjit;

LogicalResult DropoutMaskOp::verify() {
  double p = getP().convertToDouble();
  if (!(p >= 0 && p <= 1))
    return emitOpError("requires p in [0, 1], got ") << p;
  return success();
}

bool DropoutMaskOp::isDifferentiableOperand(unsigned) { return false; }

LogicalResult
DropoutMaskOp::buildAdjoints(OpBuilder &, ArrayRef<Value>, ArrayRef<bool>,
                             SmallVectorImpl<Value> &operandAdjoints) {
  // The seed and offset are integers: nothing to differentiate.
  initOperandAdjoints(*this, operandAdjoints);
  return success();
}
