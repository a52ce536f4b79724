//===- ContractionPatterns.cpp - adjit.matmul to linalg matmul ops --------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// Collapses the leading `rank - 2` (batch) dimensions of `value` into one.
Value collapseBatchDims(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  SmallVector<ReassociationIndices> groups(3);
  for (int64_t d = 0; d < rank - 2; ++d)
    groups[0].push_back(d);
  groups[1].push_back(rank - 2);
  groups[2].push_back(rank - 1);
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

/// Lowers `adjit.matmul` to `linalg.matmul` (rank 2) or
/// `linalg.batch_matmul` (rank 3; higher ranks collapse their batch
/// dimensions into one and expand the result back) on a zero-filled init.
struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    int64_t rank = resultType.getRank();
    TypedAttr zero = rewriter.getZeroAttr(resultType.getElementType());

    if (rank == 2) {
      Value init = lowering::buildFilledTensor(rewriter, loc, resultType, zero);
      auto matmul =
          linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                   ValueRange{lhs, rhs}, ValueRange{init});
      rewriter.replaceOp(op, matmul.getResult(0));
      return success();
    }

    RankedTensorType batchedType = resultType;
    if (rank > 3) {
      lhs = collapseBatchDims(rewriter, loc, lhs);
      rhs = collapseBatchDims(rewriter, loc, rhs);
      int64_t batch = 1;
      for (int64_t size : resultType.getShape().drop_back(2))
        batch *= size;
      batchedType =
          RankedTensorType::get({batch, resultType.getDimSize(rank - 2),
                                 resultType.getDimSize(rank - 1)},
                                resultType.getElementType());
    }
    Value init = lowering::buildFilledTensor(rewriter, loc, batchedType, zero);
    Value result =
        linalg::BatchMatmulOp::create(rewriter, loc, TypeRange{batchedType},
                                      ValueRange{lhs, rhs}, ValueRange{init})
            .getResult(0);
    if (rank > 3) {
      SmallVector<ReassociationIndices> groups(3);
      for (int64_t d = 0; d < rank - 2; ++d)
        groups[0].push_back(d);
      groups[1].push_back(rank - 2);
      groups[2].push_back(rank - 1);
      result = tensor::ExpandShapeOp::create(rewriter, loc, resultType, result,
                                             groups);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void adjit::populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering>(patterns.getContext());
}
