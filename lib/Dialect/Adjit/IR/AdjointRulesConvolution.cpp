//===- AdjointRulesConvolution.cpp - adjoints of the convolution ops ------===//
//
// y = conv2d(x, w) is bilinear, and so are its adjoints
// dx = conv2d_backward_input(dy, w) and dw = conv2d_backward_weight(dy, x):
// with <a, b> the sum of elementwise products,
//   <conv2d(x, w), dy> = <x, backward_input(dy, w)>
//                      = <w, backward_weight(dy, x)>,
// so each of the three ops differentiates into the other two and the
// adjoint of an adjoint is again built from them.
//
//===----------------------------------------------------------------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

namespace {

/// Creates the convolution op `OpTy` of `lhs` and `rhs` with result type
/// `type` and the attributes of `like` (any convolution op).
template <typename OpTy, typename LikeTy>
Value createLike(OpBuilder &builder, LikeTy like, Type type, Value lhs,
                 Value rhs) {
  return OpTy::create(builder, like.getLoc(), type, lhs, rhs,
                      like.getStrideAttr(), like.getPaddingAttr(),
                      like.getDilationAttr(), like.getGroupsAttr());
}

} // namespace

LogicalResult Conv2DOp::buildAdjoints(OpBuilder &builder,
                                      ArrayRef<Value> resultAdjoints,
                                      ArrayRef<bool> requested,
                                      SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  Value g = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] = createLike<Conv2DBackwardInputOp>(
        builder, *this, getLhs().getType(), g, getRhs());
  if (requested[1])
    operandAdjoints[1] = createLike<Conv2DBackwardWeightOp>(
        builder, *this, getRhs().getType(), g, getLhs());
  return success();
}

LogicalResult Conv2DBackwardInputOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  // dx = backward_input(dy, w); v is the adjoint of dx (input-shaped).
  Value v = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] =
        createLike<Conv2DOp>(builder, *this, getLhs().getType(), v, getRhs());
  if (requested[1])
    operandAdjoints[1] = createLike<Conv2DBackwardWeightOp>(
        builder, *this, getRhs().getType(), getLhs(), v);
  return success();
}

LogicalResult Conv2DBackwardWeightOp::buildAdjoints(
    OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  // dw = backward_weight(dy, x); u is the adjoint of dw (weight-shaped).
  Value u = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] =
        createLike<Conv2DOp>(builder, *this, getLhs().getType(), getRhs(), u);
  if (requested[1])
    operandAdjoints[1] = createLike<Conv2DBackwardInputOp>(
        builder, *this, getRhs().getType(), getLhs(), u);
  return success();
}
