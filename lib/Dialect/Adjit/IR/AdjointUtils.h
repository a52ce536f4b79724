//===- AdjointUtils.h - helpers shared by the adjoint rules -----*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H
#define ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/Derivatives.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/ErrorHandling.h"

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

/// Broadcasts `value`, the result of reducing a tensor of type `type` over
/// `dims`, back to `type`.
inline Value broadcastBack(OpBuilder &builder, Location loc, Value value,
                           RankedTensorType type, ArrayRef<int64_t> dims) {
  return BroadcastOp::create(builder, loc, type, value,
                             complementDims(type.getRank(), dims));
}

/// Sets the adjoint of operand 0 of `op`, an op linear in that operand, to
/// `PartnerOp` (its transpose) of the result's adjoint with `op`'s other
/// operands and attributes, typed as operand 0: the rule of the pooling and
/// indexing ops, whose adjoints are their partners.
template <typename PartnerOp>
LogicalResult buildPartnerAdjoint(Operation *op, OpBuilder &builder,
                                  ArrayRef<Value> resultAdjoints,
                                  ArrayRef<bool> requested,
                                  SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(op, operandAdjoints);
  if (!requested[0] || !resultAdjoints[0])
    return success();
  OperationState state(op->getLoc(), PartnerOp::getOperationName());
  state.addOperands(resultAdjoints[0]);
  state.addOperands(op->getOperands().drop_front());
  state.addTypes(op->getOperand(0).getType());
  state.addAttributes(op->getAttrs());
  operandAdjoints[0] = builder.create(state)->getResult(0);
  return success();
}

/// Builds the values of a derivative formula as adjit ops at the location of
/// the op being differentiated; all values of one formula have one type
/// (the builder of adjit/Semantics/Derivatives.h).
struct RuleBuilder {
  using Value = mlir::Value;

  OpBuilder &builder;
  Location loc;
  /// Set when a formula asked for something unsupported.
  bool failed = false;

  Value add(Value a, Value b) { return AddOp::create(builder, loc, a, b); }
  Value sub(Value a, Value b) { return SubOp::create(builder, loc, a, b); }
  Value mul(Value a, Value b) { return MulOp::create(builder, loc, a, b); }
  Value div(Value a, Value b) { return DivOp::create(builder, loc, a, b); }
  Value pow(Value a, Value b) { return PowOp::create(builder, loc, a, b); }
  Value neg(Value a) { return NegOp::create(builder, loc, a); }
  Value exp(Value a) { return ExpOp::create(builder, loc, a); }
  Value log(Value a) { return LogOp::create(builder, loc, a); }
  Value sin(Value a) { return SinOp::create(builder, loc, a); }
  Value cos(Value a) { return CosOp::create(builder, loc, a); }
  Value sign(Value a) { return SignOp::create(builder, loc, a); }
  Value digamma(Value a) { return DigammaOp::create(builder, loc, a); }
  /// Reports `message` at the op's location and returns a null value; the
  /// rule then fails (see `failed`).
  Value unsupported(const char *message) {
    mlir::emitError(loc) << message;
    failed = true;
    return Value();
  }
  Value constant(Value like, double value) {
    return createSplat(builder, loc, like.getType(), value);
  }
  Value zerosLike(Value like) {
    return createZeros(builder, loc, like.getType());
  }
  Value compare(::adjit::semantics::Predicate predicate, Value a, Value b) {
    return CompareOp::create(builder, loc, toComparePredicate(predicate), a, b);
  }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return SelectOp::create(builder, loc, condition, onTrue, onFalse);
  }
  Value reduceSumKept(Value x, ArrayRef<int64_t> dims) {
    return broadcastBack(builder, loc,
                         ReduceSumOp::create(builder, loc, x, dims),
                         cast<RankedTensorType>(x.getType()), dims);
  }
  Value reduceProdKept(Value x, ArrayRef<int64_t> dims) {
    return broadcastBack(builder, loc,
                         ReduceProdOp::create(builder, loc, x, dims),
                         cast<RankedTensorType>(x.getType()), dims);
  }

  static ComparePredicate
  toComparePredicate(::adjit::semantics::Predicate predicate) {
    using ::adjit::semantics::Predicate;
    switch (predicate) {
    case Predicate::Eq:
      return ComparePredicate::eq;
    case Predicate::Ne:
      return ComparePredicate::ne;
    case Predicate::Lt:
      return ComparePredicate::lt;
    case Predicate::Le:
      return ComparePredicate::le;
    case Predicate::Gt:
      return ComparePredicate::gt;
    case Predicate::Ge:
      return ComparePredicate::ge;
    }
    llvm_unreachable("unknown predicate");
  }
};

} // namespace mlir::adjit::detail

#endif // ADJIT_LIB_DIALECT_ADJIT_IR_ADJOINTUTILS_H
