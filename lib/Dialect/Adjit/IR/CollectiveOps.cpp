//===- CollectiveOps.cpp - adjit.all_reduce and its non-blocking form -----===//

#include "AdjointUtils.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// Checks that the reduction `kind` applies to tensors of `type`.
LogicalResult verifyReduceKind(Operation *op, ReduceKind kind, Type type) {
  if (kind == ReduceKind::mean && !isa<FloatType>(getElementTypeOrSelf(type)))
    return op->emitOpError("mean needs an f32 or f64 tensor, got ") << type;
  return success();
}
} // namespace

LogicalResult AllReduceOp::verify() {
  return verifyReduceKind(*this, getKind(), getOperand().getType());
}

LogicalResult AllReduceStartOp::verify() {
  if (failed(verifyReduceKind(*this, getKind(), getOperand().getType())))
    return failure();
  // The lowering pairs the start with its one wait: the buffer the data
  // moves in is the wait's result.
  Value handle = getHandle();
  if (!handle.hasOneUse())
    return emitOpError("requires exactly one use of its handle, an "
                       "adjit.all_reduce_wait, got ")
           << std::distance(handle.use_begin(), handle.use_end()) << " uses";
  Operation *user = *handle.user_begin();
  if (!isa<AllReduceWaitOp>(user) || user->getBlock() != (*this)->getBlock())
    return emitOpError("requires its handle to be used by an "
                       "adjit.all_reduce_wait in the same block, got '")
           << user->getName() << "'";
  return success();
}

LogicalResult AllReduceWaitOp::verify() {
  if (!getHandle().getDefiningOp<AllReduceStartOp>())
    return emitOpError("requires a handle made by adjit.all_reduce_start in "
                       "the same function");
  return success();
}

LogicalResult
AllReduceOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  detail::initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // Every rank's result depends on every rank's operand: the operand's
  // adjoint gathers the result's adjoints of all ranks, with the same
  // weight (1 for sum, 1 / ranks for mean).
  if (getKind() == ReduceKind::max)
    return emitOpError("cannot be differentiated: the adjoint of a max over "
                       "the ranks is not supported (operand ")
           << getOperand().getType() << "); use sum or mean";
  operandAdjoints[0] =
      AllReduceOp::create(builder, getLoc(), getKind(), resultAdjoints[0]);
  return success();
}
