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
///
/// An operand made by an `adjit.transpose` that swaps the last two
/// dimensions is not materialized: the product reads the transpose's operand
/// through a transposed indexing map, which BLAS takes as a transpose flag
/// (see adjit-matmul-to-blas). The transpose itself is lowered as usual and
/// is dead unless something else uses it.
struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t rank = resultType.getRank();
    TypedAttr zero = rewriter.getZeroAttr(resultType.getElementType());

    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    bool transposeLhs = false, transposeRhs = false;
    if (TransposeOp transpose = getMatrixTranspose(op.getLhs())) {
      if (Value source = rewriter.getRemappedValue(transpose.getOperand())) {
        lhs = source;
        transposeLhs = true;
      }
    }
    if (TransposeOp transpose = getMatrixTranspose(op.getRhs())) {
      if (Value source = rewriter.getRemappedValue(transpose.getOperand())) {
        rhs = source;
        transposeRhs = true;
      }
    }
    SmallVector<NamedAttribute> attributes;
    if (transposeLhs || transposeRhs)
      attributes.push_back(rewriter.getNamedAttr(
          "indexing_maps",
          rewriter.getAffineMapArrayAttr(lowering::getProductMaps(
              rewriter.getContext(), rank > 2, transposeLhs, transposeRhs))));

    if (rank == 2) {
      Value init = lowering::buildFilledTensor(rewriter, loc, resultType, zero);
      auto matmul = linalg::MatmulOp::create(
          rewriter, loc, TypeRange{resultType}, ValueRange{lhs, rhs},
          ValueRange{init}, attributes);
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
    Value result = linalg::BatchMatmulOp::create(
                       rewriter, loc, TypeRange{batchedType},
                       ValueRange{lhs, rhs}, ValueRange{init}, attributes)
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

private:
  /// Returns the op making `value` if it is an `adjit.transpose` that swaps
  /// the last two dimensions and keeps the (batch) dimensions before them.
  static TransposeOp getMatrixTranspose(Value value) {
    auto transpose = value.getDefiningOp<TransposeOp>();
    if (!transpose)
      return {};
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    int64_t rank = permutation.size();
    for (int64_t d = 0; d < rank - 2; ++d)
      if (permutation[d] != d)
        return {};
    if (permutation[rank - 2] != rank - 1 || permutation[rank - 1] != rank - 2)
      return {};
    return transpose;
  }
};

} // namespace

void adjit::populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulLowering>(patterns.getContext());
}
