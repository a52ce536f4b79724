//===- ShapePatterns.cpp - adjit shape ops to tensor and linalg ops -------===//

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// Lowers `adjit.broadcast` to a `linalg.generic` whose input map sends
/// operand dimension `i` to result dimension `dims[i]`, or to the constant 0
/// when the operand dimension has size 1 and is expanded.
struct BroadcastLowering : OpConversionPattern<BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    auto operandType = cast<RankedTensorType>(adaptor.getOperand().getType());
    MLIRContext *context = rewriter.getContext();
    unsigned resultRank = resultType.getRank();

    SmallVector<AffineExpr> operandExprs;
    for (auto [operandDim, resultDim] :
         llvm::enumerate(op.getBroadcastDimensions())) {
      bool expands = operandType.getDimSize(operandDim) == 1 &&
                     resultType.getDimSize(resultDim) != 1;
      operandExprs.push_back(expands ? getAffineConstantExpr(0, context)
                                     : getAffineDimExpr(resultDim, context));
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(resultRank, 0, operandExprs, context),
        AffineMap::getMultiDimIdentityMap(resultRank, context)};
    SmallVector<utils::IteratorType> iterators(resultRank,
                                               utils::IteratorType::parallel);
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ValueRange{adaptor.getOperand()},
        ValueRange{init}, maps, iterators,
        [](OpBuilder &b, Location nestedLoc, ValueRange args) {
          linalg::YieldOp::create(b, nestedLoc, args[0]);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Lowers `adjit.reshape` to one `tensor.collapse_shape` or
/// `tensor.expand_shape` when the shapes allow it, and otherwise to a
/// collapse into one dimension followed by an expansion. Both are views of the
/// row-major element sequence, so bufferization copies nothing.
struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value operand = adaptor.getOperand();
    auto operandType = cast<RankedTensorType>(operand.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (operandType == resultType) {
      rewriter.replaceOp(op, operand);
      return success();
    }
    ArrayRef<int64_t> from = operandType.getShape(), to = resultType.getShape();
    if (from.size() > to.size()) {
      if (auto groups = getReassociationIndicesForCollapse(from, to)) {
        rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, resultType,
                                                             operand, *groups);
        return success();
      }
    } else if (from.size() < to.size()) {
      if (auto groups = getReassociationIndicesForCollapse(to, from)) {
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType,
                                                           operand, *groups);
        return success();
      }
    }
    // Through a rank-1 tensor of all elements.
    Value flat = operand;
    auto flatType = RankedTensorType::get({operandType.getNumElements()},
                                          operandType.getElementType());
    if (operandType.getRank() != 1) {
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < operandType.getRank(); ++d)
        all[0].push_back(d);
      if (operandType.getRank() == 0)
        flat = tensor::ExpandShapeOp::create(rewriter, loc, flatType, operand,
                                             ArrayRef<ReassociationIndices>{});
      else
        flat = tensor::CollapseShapeOp::create(rewriter, loc, flatType, operand,
                                               all);
    }
    if (resultType.getRank() == 0) {
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, resultType, flat, ArrayRef<ReassociationIndices>{});
      return success();
    }
    if (resultType.getRank() == 1) {
      rewriter.replaceOp(op, flat);
      return success();
    }
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < resultType.getRank(); ++d)
      all[0].push_back(d);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, resultType, flat,
                                                       all);
    return success();
  }
};

/// Lowers `adjit.transpose` to `linalg.transpose`, which has the same
/// permutation convention (result dimension i is operand dimension
/// permutation[i]).
struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value init =
        tensor::EmptyOp::create(rewriter, op.getLoc(), resultType.getShape(),
                                resultType.getElementType());
    auto transpose = linalg::TransposeOp::create(
        rewriter, op.getLoc(), adaptor.getOperand(), init, op.getPermutation());
    rewriter.replaceOp(op, transpose->getResult(0));
    return success();
  }
};

/// Lowers `adjit.slice` to a strided `tensor.extract_slice`.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    MLIRContext *context = rewriter.getContext();
    // An empty slice reads nothing; its start may equal the dimension's size,
    // which tensor.extract_slice rejects as out of bounds.
    if (resultType.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, resultType.getShape(),
                                                   resultType.getElementType());
      return success();
    }
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, resultType, adaptor.getOperand(),
        getAsIndexOpFoldResult(context, op.getStartIndices()),
        getAsIndexOpFoldResult(context, resultType.getShape()),
        getAsIndexOpFoldResult(context, op.getStrides()));
    return success();
  }
};

/// Lowers `adjit.concat` to a chain of `tensor.insert_slice` into a
/// `tensor.empty` of the result type.
struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t dim = op.getDim();
    MLIRContext *context = rewriter.getContext();
    Value result = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                           resultType.getElementType());
    SmallVector<int64_t> offsets(resultType.getRank(), 0);
    SmallVector<int64_t> strides(resultType.getRank(), 1);
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      // An empty input writes nothing (and its offset may be out of bounds).
      if (inputType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result,
          getAsIndexOpFoldResult(context, offsets),
          getAsIndexOpFoldResult(context, inputType.getShape()),
          getAsIndexOpFoldResult(context, strides));
      offsets[dim] += inputType.getDimSize(dim);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void adjit::populateShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<BroadcastLowering, ReshapeLowering, TransposeLowering,
               SliceLowering, ConcatLowering>(patterns.getContext());
}
