//===- AdjointUtils.h - helpers shared by the adjoint rules -----*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H
#define ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/Builders.h"

namespace mlir::adjit::detail {

/// Returns an `adjit.constant` of the float tensor type `type` whose elements
/// all equal `value`.
inline Value createSplat(OpBuilder &builder, Location loc, Type type,
                         double value) {
  return createSplatConstant(builder, loc, type, value);
}

/// Returns an `adjit.constant` of zeros of the float tensor type `type`.
inline Value createZeros(OpBuilder &builder, Location loc, Type type) {
  return createSplat(builder, loc, type, 0.0);
}

/// Resets `operandAdjoints` to one null value (no contribution) per operand
/// of `op`.
inline void initOperandAdjoints(Operation *op,
                                SmallVectorImpl<Value> &operandAdjoints) {
  operandAdjoints.assign(op->getNumOperands(), Value());
}

/// Returns the dimensions of a tensor of rank `rank` that are not in the
/// strictly increasing list `dims`, in increasing order.
inline SmallVector<int64_t> complementDims(int64_t rank,
                                           ArrayRef<int64_t> dims) {
  SmallVector<int64_t> kept;
  for (int64_t dim = 0; dim < rank; ++dim)
    if (!llvm::is_contained(dims, dim))
      kept.push_back(dim);
  return kept;
}

} // namespace mlir::adjit::detail

#endif // ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H
