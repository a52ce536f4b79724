//===- ContractionOps.cpp - adjit.matmul ----------------------------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::adjit;

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  if (!lhs || !rhs)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects ranked tensor operands");
  auto fail = [&](StringRef reason) {
    return emitOptionalError(location, "'", getOperationName(), "' op ", reason,
                             ", got ", lhs, " and ", rhs);
  };
  if (lhs.getElementType() != rhs.getElementType())
    return fail("requires operands of one element type");
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return fail("requires operands of rank >= 2 (MxK and KxN, with equal "
                "leading batch dimensions when batched)");
  if (lhs.getRank() != rhs.getRank())
    return fail("requires operands of equal rank");
  int64_t rank = lhs.getRank();
  ArrayRef<int64_t> lhsShape = lhs.getShape(), rhsShape = rhs.getShape();
  if (lhsShape.drop_back(2) != rhsShape.drop_back(2))
    return fail("requires equal batch dimensions");
  if (lhsShape[rank - 1] != rhsShape[rank - 2])
    return fail("requires the contracted dimensions (last of lhs, second to "
                "last of rhs) to agree");
  SmallVector<int64_t> shape(lhsShape.drop_back(1));
  shape.push_back(rhsShape[rank - 1]);
  types.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

namespace {
/// Returns true if `permutation` swaps the last two dimensions and keeps the
/// others in place: the transpose of every matrix of a batch.
bool isMatrixTranspose(ArrayRef<int64_t> permutation) {
  int64_t rank = permutation.size();
  if (rank < 2 || permutation[rank - 2] != rank - 1 ||
      permutation[rank - 1] != rank - 2)
    return false;
  for (int64_t d = 0; d < rank - 2; ++d)
    if (permutation[d] != d)
      return false;
  return true;
}

/// transpose(matmul(a, b)) -> matmul(transpose(b), transpose(a)) for a
/// transpose of the matrices of a product that has no other use. The new
/// transposes fold with transposes that made `a` or `b`, and the lowering
/// reads the others in place.
struct TransposeOfProduct : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int64_t> permutation = op.getPermutation();
    if (!isMatrixTranspose(permutation))
      return failure();
    auto product = op.getOperand().getDefiningOp<MatmulOp>();
    if (!product || !product->hasOneUse())
      return failure();
    Location loc = product.getLoc();
    Value lhs =
        rewriter.createOrFold<TransposeOp>(loc, product.getRhs(), permutation);
    Value rhs =
        rewriter.createOrFold<TransposeOp>(loc, product.getLhs(), permutation);
    rewriter.replaceOpWithNewOp<MatmulOp>(op, op.getType(), lhs, rhs);
    return success();
  }
};
} // namespace

void MatmulOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<TransposeOfProduct>(context);
}
