//===- ReductionOps.cpp - adjit.reduce_sum, reduce_max and reduce_prod ----===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::adjit;

LogicalResult adjit::detail::inferReductionResultType(
    std::optional<Location> location, StringRef opName, Type operandType,
    ArrayRef<int64_t> dims, SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(operandType);
  if (!type)
    return emitOptionalError(location, "'", opName,
                             "' op expects a ranked tensor operand");
  int64_t rank = type.getRank();
  for (auto [index, dim] : llvm::enumerate(dims)) {
    if (dim < 0 || dim >= rank)
      return emitOptionalError(location, "'", opName, "' op dimension ", dim,
                               " is out of range for ", type, " (valid: 0 to ",
                               rank - 1, ")");
    if (index > 0 && dim <= dims[index - 1])
      return emitOptionalError(location, "'", opName,
                               "' op requires strictly increasing dims, got [",
                               dims, "]");
  }
  SmallVector<int64_t> shape;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (!llvm::is_contained(dims, static_cast<int64_t>(dim)))
      shape.push_back(size);
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

namespace {
/// A reduction over dimensions of size 1 only combines single elements and is
/// a reshape.
template <typename ReductionOp>
struct ReductionOfUnitDimsToReshape : OpRewritePattern<ReductionOp> {
  using OpRewritePattern<ReductionOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(ReductionOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getOperand().getType());
    if (op.getDims().empty() || llvm::any_of(op.getDims(), [&](int64_t dim) {
          return type.getDimSize(dim) != 1;
        }))
      return failure();
    rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getOperand());
    return success();
  }
};
} // namespace

OpFoldResult ReduceSumOp::fold(FoldAdaptor) {
  if (getDims().empty())
    return getOperand();
  return {};
}

OpFoldResult ReduceMaxOp::fold(FoldAdaptor) {
  if (getDims().empty())
    return getOperand();
  return {};
}

OpFoldResult ReduceProdOp::fold(FoldAdaptor) {
  if (getDims().empty())
    return getOperand();
  return {};
}

void ReduceSumOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ReductionOfUnitDimsToReshape<ReduceSumOp>>(context);
}

void ReduceMaxOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *context) {
  patterns.add<ReductionOfUnitDimsToReshape<ReduceMaxOp>>(context);
}

void ReduceProdOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                               MLIRContext *context) {
  patterns.add<ReductionOfUnitDimsToReshape<ReduceProdOp>>(context);
}
