//===- ReductionOps.cpp - adjit reductions, argmax and argmin -------------===//

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

LogicalResult adjit::detail::inferArgExtremumResultTypes(
    std::optional<Location> location, StringRef opName, Type operandType,
    int64_t dim, SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(operandType);
  if (type && type.getRank() == 0)
    return emitOptionalError(location, "'", opName, "' op expects an operand ",
                             "of rank at least 1, got ", type);
  if (failed(inferReductionResultType(location, opName, operandType, {dim},
                                      types)))
    return failure();
  if (type.getDimSize(dim) == 0)
    return emitOptionalError(location, "'", opName,
                             "' op cannot choose an element along dimension ",
                             dim, " of size 0 of ", type);
  auto values = cast<RankedTensorType>(types.back());
  types.push_back(values.clone(IntegerType::get(type.getContext(), 64)));
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
