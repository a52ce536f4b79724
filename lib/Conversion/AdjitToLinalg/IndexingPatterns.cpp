//===- IndexingPatterns.cpp - adjit.gather and adjit.scatter_add to linalg ===//
//
// A gather is one all-parallel `linalg.generic` over its index whose body
// reads the input with `tensor.extract`. A scatter_add is a loop nest over
// its source (`scf.for`) that adds each element into a zero-filled tensor
// carried by the loops, in row-major order of the source as the eager kernel
// adds them, so both round alike. Indices are clamped into the indexed
// dimension: compiled functions check their index arguments before every
// call, and the clamp keeps any other index from reading or writing out of
// bounds.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// The i64 element `index` as an `index` value clamped into [0, size - 1].
Value clampedIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Value position = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value last =
      arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(size - 1, 0));
  position = arith::MaxSIOp::create(b, loc, position, zero);
  return arith::MinSIOp::create(b, loc, position, last);
}

/// Lowers `adjit.gather` to a `linalg.generic` over the index.
struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value input = adaptor.getInput();
    int64_t dim = op.getDim();
    int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(dim);
    Value result = lowering::buildElementwiseGeneric(
        rewriter, op.getLoc(), resultType, {adaptor.getIndex()},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> at;
          for (int64_t d = 0; d < resultType.getRank(); ++d)
            at.push_back(d == dim ? clampedIndex(b, loc, args[0], size)
                                  : linalg::IndexOp::create(b, loc, d));
          return tensor::ExtractOp::create(b, loc, input, at).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Lowers `adjit.scatter_add` to a loop nest over the source that carries
/// the zero-filled result.
struct ScatterAddLowering : OpConversionPattern<ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    Value source = adaptor.getSource(), index = adaptor.getIndex();
    ArrayRef<int64_t> sourceShape =
        cast<RankedTensorType>(source.getType()).getShape();
    int64_t dim = op.getDim();
    int64_t size = resultType.getDimSize(dim);
    Value init = lowering::buildFilledTensor(rewriter, loc, resultType,
                                             rewriter.getZeroAttr(elementType));
    SmallVector<Value> lower, upper, steps;
    for (int64_t extent : sourceShape) {
      lower.push_back(arith::ConstantIndexOp::create(rewriter, loc, 0));
      upper.push_back(arith::ConstantIndexOp::create(rewriter, loc, extent));
      steps.push_back(arith::ConstantIndexOp::create(rewriter, loc, 1));
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lower, upper, steps, ValueRange{init},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          SmallVector<Value> at(ivs.begin(), ivs.end());
          at[dim] = clampedIndex(
              b, l, tensor::ExtractOp::create(b, l, index, ivs), size);
          Value element = tensor::ExtractOp::create(b, l, source, ivs);
          Value old = tensor::ExtractOp::create(b, l, carried[0], at);
          Value sum =
              isa<FloatType>(elementType)
                  ? arith::AddFOp::create(b, l, old, element).getResult()
                  : arith::AddIOp::create(b, l, old, element).getResult();
          return {
              tensor::InsertOp::create(b, l, sum, carried[0], at).getResult()};
        });
    rewriter.replaceOp(op, nest.results.front());
    return success();
  }
};
} // namespace

void mlir::adjit::populateIndexingToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<GatherLowering, ScatterAddLowering>(patterns.getContext());
}
