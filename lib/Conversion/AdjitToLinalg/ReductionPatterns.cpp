//===- ReductionPatterns.cpp - adjit reductions to linalg ----------------===//

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

/// The identity of the combiner and the combiner itself, per reduction op
/// and element type (f32, f64 or i64).
TypedAttr getIdentity(ReduceSumOp, OpBuilder &b, Type type) {
  if (isa<IntegerType>(type))
    return b.getIntegerAttr(type, 0);
  return b.getFloatAttr(type, 0.0);
}
TypedAttr getIdentity(ReduceProdOp, OpBuilder &b, Type type) {
  if (isa<IntegerType>(type))
    return b.getIntegerAttr(type, 1);
  return b.getFloatAttr(type, 1.0);
}

TypedAttr getIdentity(ReduceMaxOp, OpBuilder &b, Type type) {
  if (isa<IntegerType>(type))
    return b.getIntegerAttr(type, std::numeric_limits<int64_t>::min());
  return b.getFloatAttr(type, -std::numeric_limits<double>::infinity());
}

Value combine(ReduceSumOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  // Integer sums wrap, in any order.
  if (isa<IntegerType>(element.getType()))
    return arith::AddIOp::create(b, loc, element, accumulator);
  // adjit.reduce_sum fixes no summation order: `reassoc` lets LLVM vectorize
  // sums along the innermost dimension (with partial sums, so the rounding
  // may differ from a sequential sum).
  auto sum = arith::AddFOp::create(b, loc, element, accumulator);
  sum.setFastmath(arith::FastMathFlags::reassoc);
  return sum;
}
Value combine(ReduceProdOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  // Integer products wrap, as the eager int64 kernel's do.
  if (isa<IntegerType>(element.getType()))
    return arith::MulIOp::create(b, loc, element, accumulator);
  // No `reassoc`: the product is taken in row-major order of the reduced
  // elements, as the eager kernel takes it, so both round alike.
  return arith::MulFOp::create(b, loc, element, accumulator);
}
Value combine(ReduceMaxOp, OpBuilder &b, Location loc, Value element,
              Value accumulator) {
  if (isa<IntegerType>(element.getType()))
    return arith::MaxSIOp::create(b, loc, element, accumulator);
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
    Type elementType = resultType.getElementType();
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

/// Lowers `adjit.argmax` / `adjit.argmin` to one `linalg.generic` that walks
/// `dim` in order and carries the best value and its index. It starts from
/// the value that every element beats (-inf / +inf, the smallest / largest
/// i64) and index 0, and moves to element k if k is strictly better and the
/// current value is not NaN: a NaN is better than every number (an unordered
/// comparison), and the first of equal elements or NaNs stays. This is the
/// eager kernel's loop, which starts from element 0.
template <typename SourceOp>
struct ArgExtremumLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;
  static constexpr bool isMax = std::is_same_v<SourceOp, ArgMaxOp>;

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto operandType = cast<RankedTensorType>(adaptor.getOperand().getType());
    auto valuesType = cast<RankedTensorType>(op.getValues().getType());
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    Type elementType = valuesType.getElementType();
    int64_t dim = op.getDim();
    TypedAttr start;
    if (isa<IntegerType>(elementType))
      start = rewriter.getIntegerAttr(
          elementType, isMax ? std::numeric_limits<int64_t>::min()
                             : std::numeric_limits<int64_t>::max());
    else
      start = rewriter.getFloatAttr(
          elementType, isMax ? -std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::infinity());
    Value values =
        lowering::buildFilledTensor(rewriter, loc, valuesType, start);
    Value indices = lowering::buildFilledTensor(rewriter, loc, indicesType,
                                                rewriter.getI64IntegerAttr(0));

    unsigned rank = operandType.getRank();
    SmallVector<AffineExpr> kept;
    for (unsigned d = 0; d < rank; ++d)
      if (d != dim)
        kept.push_back(rewriter.getAffineDimExpr(d));
    AffineMap inputMap = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outputMap = AffineMap::get(rank, 0, kept, rewriter.getContext());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[dim] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valuesType, indicesType},
        ValueRange{adaptor.getOperand()}, ValueRange{values, indices},
        ArrayRef<AffineMap>{inputMap, outputMap, outputMap}, iterators,
        [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
          Value element = args[0], best = args[1], bestIndex = args[2];
          Value better;
          if (isa<IntegerType>(elementType)) {
            better = arith::CmpIOp::create(b, nestedLoc,
                                           isMax ? arith::CmpIPredicate::sgt
                                                 : arith::CmpIPredicate::slt,
                                           element, best);
          } else {
            // Unordered: true if the element is NaN.
            Value beats = arith::CmpFOp::create(
                b, nestedLoc,
                isMax ? arith::CmpFPredicate::UGT : arith::CmpFPredicate::ULT,
                element, best);
            Value bestIsNumber = arith::CmpFOp::create(
                b, nestedLoc, arith::CmpFPredicate::ORD, best, best);
            better = arith::AndIOp::create(b, nestedLoc, beats, bestIsNumber);
          }
          Value position = arith::IndexCastOp::create(
              b, nestedLoc, b.getI64Type(),
              linalg::IndexOp::create(b, nestedLoc, dim));
          Value newBest =
              arith::SelectOp::create(b, nestedLoc, better, element, best);
          Value newIndex = arith::SelectOp::create(b, nestedLoc, better,
                                                   position, bestIndex);
          linalg::YieldOp::create(b, nestedLoc, ValueRange{newBest, newIndex});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void adjit::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReductionLowering<ReduceSumOp>, ReductionLowering<ReduceMaxOp>,
               ReductionLowering<ReduceProdOp>, ArgExtremumLowering<ArgMaxOp>,
               ArgExtremumLowering<ArgMinOp>>(patterns.getContext());
}
