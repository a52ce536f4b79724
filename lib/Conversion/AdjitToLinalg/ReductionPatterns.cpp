//===- ReductionPatterns.cpp - adjit reductions to linalg.reduce ----------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// The identity of the combiner and the combiner itself, per reduction op.
TypedAttr getIdentity(ReduceSumOp, OpBuilder &b, FloatType type) {
  return b.getFloatAttr(type, 0.0);
}
TypedAttr getIdentity(ReduceProdOp, OpBuilder &b, FloatType type) {
  return b.getFloatAttr(type, 1.0);
}
TypedAttr getIdentity(ReduceMaxOp, OpBuilder &b, FloatType type) {
  return b.getFloatAttr(type, -std::numeric_limits<double>::infinity());
}
Value combine(ReduceSumOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  // adjit.reduce_sum fixes no summation order: `reassoc` lets LLVM vectorize
  // sums along the innermost dimension (with partial sums, so the rounding
  // may differ from a sequential sum).
  auto sum = arith::AddFOp::create(b, loc, element, accumulator);
  sum.setFastmath(arith::FastMathFlags::reassoc);
  return sum;
}
Value combine(ReduceProdOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  // No `reassoc`: the product is taken in row-major order of the reduced
  // elements, as the eager kernel takes it, so both round alike.
  return arith::MulFOp::create(b, loc, element, accumulator);
}
Value combine(ReduceMaxOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  // NaN-propagating, like adjit.max.
  return arith::MaximumFOp::create(b, loc, element, accumulator);
}

/// Lowers a reduction to `linalg.reduce` into an init filled with the
/// combiner's identity; reducing over no dimension is the operand itself.
template <typename SourceOp>
struct ReductionLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value operand = adaptor.getOperand();
    if (op.getDims().empty()) {
      rewriter.replaceOp(op, operand);
      return success();
    }
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto elementType = cast<FloatType>(resultType.getElementType());
    Value init = lowering::buildFilledTensor(
        rewriter, loc, resultType, getIdentity(op, rewriter, elementType));
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, ValueRange{operand}, ValueRange{init}, op.getDims(),
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value combined = combine(op, b, nestedLoc, args[0], args[1]);
          linalg::YieldOp::create(b, nestedLoc, combined);
        });
    rewriter.replaceOp(op, reduce.getResult(0));
    return success();
  }
};

} // namespace

void adjit::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReductionLowering<ReduceSumOp>, ReductionLowering<ReduceMaxOp>,
               ReductionLowering<ReduceProdOp>>(patterns.getContext());
}
