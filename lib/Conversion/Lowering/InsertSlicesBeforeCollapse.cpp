//===- InsertSlicesBeforeCollapse.cpp - insert before collapsing ----------===//
//
// A piece of a concatenation is often a reshaped view: the gradient of a
// head-split attention projection is computed as [B, T, H, D] and collapsed
// to [B, T, H*D] before it is inserted into its slice of the [B, T, 3*H*D]
// gradient of the qkv projection. eliminate-empty-tensors does not look
// through the collapse (the types of the empty tensor and of the slice
// differ), so the piece is computed into a buffer of its own and copied into
// the concatenation. This pass inserts the uncollapsed piece into an
// expanded view of the destination instead, which that pass then handles:
// the piece's producer writes straight into the concatenation.
//
//===----------------------------------------------------------------------===//

#include "GreedyWithoutRegionSimplification.h"

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITINSERTSLICESBEFORECOLLAPSE
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Rewrites
///   %p = tensor.collapse_shape %x [[0], [1], [2, 3]]
///       : tensor<12x64x4x32xf32> into tensor<12x64x128xf32>
///   %r = tensor.insert_slice %p into %d[0, 0, 128] [12, 64, 128] [1, 1, 1]
///       : tensor<12x64x128xf32> into tensor<12x64x384xf32>
/// as
///   %e = tensor.expand_shape %d [[0], [1], [2, 3]] output_shape [12, 64, 12,
///   32] %i = tensor.insert_slice %x into %e[0, 0, 4, 0] [12, 64, 4, 32] [1, 1,
///   1, 1] %r = tensor.collapse_shape %i [[0], [1], [2, 3]]
/// All shapes static, unit strides, no rank reduction. A group of collapsed
/// dims [a, b, c] maps to the destination dim it forms, of size n at offset
/// o, when b*c divides n and o: that dim expands to [n / (b*c), b, c] and
/// the slice to offsets [o / (b*c), 0, 0] and sizes [a, b, c], the same
/// elements of a row-major layout.
struct InsertSliceBeforeCollapse : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    auto collapse = insert.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse)
      return rewriter.notifyMatchFailure(insert, "source is not a collapse");
    RankedTensorType sourceType = collapse.getSrcType();
    RankedTensorType destType = insert.getDestType();
    if (!sourceType.hasStaticShape() || !destType.hasStaticShape() ||
        insert.getSourceType().getRank() != destType.getRank() ||
        !insert.hasUnitStride())
      return rewriter.notifyMatchFailure(insert, "not a static, unit-stride, "
                                                 "rank-preserving insert");
    ArrayRef<int64_t> offsets = insert.getStaticOffsets();
    if (ShapedType::isDynamicShape(offsets) ||
        ShapedType::isDynamicShape(insert.getStaticSizes()))
      return rewriter.notifyMatchFailure(insert, "dynamic offsets or sizes");

    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    ArrayRef<int64_t> sourceShape = sourceType.getShape();
    SmallVector<int64_t> expandedShape, expandedOffsets;
    for (auto [dim, group] : llvm::enumerate(groups)) {
      int64_t inner = 1;
      for (int64_t sourceDim : llvm::drop_begin(group))
        inner *= sourceShape[sourceDim];
      int64_t size = destType.getDimSize(dim), offset = offsets[dim];
      if (size % inner != 0 || offset % inner != 0)
        return rewriter.notifyMatchFailure(
            insert, "the slice is not a box of the expanded destination");
      expandedShape.push_back(size / inner);
      expandedOffsets.push_back(offset / inner);
      for (int64_t sourceDim : llvm::drop_begin(group)) {
        expandedShape.push_back(sourceShape[sourceDim]);
        expandedOffsets.push_back(0);
      }
    }
    if (llvm::all_of(groups, [](const ReassociationIndices &group) {
          return group.size() == 1;
        }))
      return rewriter.notifyMatchFailure(insert, "nothing is collapsed");

    Location loc = insert.getLoc();
    auto expandedType =
        RankedTensorType::get(expandedShape, destType.getElementType());
    Value expandedDest = tensor::ExpandShapeOp::create(
        rewriter, loc, expandedType, insert.getDest(), groups);
    SmallVector<int64_t> strides(expandedShape.size(), 1);
    Value inserted = tensor::InsertSliceOp::create(
        rewriter, loc, collapse.getSrc(), expandedDest,
        getAsIndexOpFoldResult(rewriter.getContext(), expandedOffsets),
        getAsIndexOpFoldResult(rewriter.getContext(), sourceShape),
        getAsIndexOpFoldResult(rewriter.getContext(), strides));
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(insert, destType,
                                                         inserted, groups);
    return success();
  }
};

struct InsertSlicesBeforeCollapsePass
    : adjit::impl::AdjitInsertSlicesBeforeCollapseBase<
          InsertSlicesBeforeCollapsePass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet patterns(context);
    patterns.add<InsertSliceBeforeCollapse>(context);
    // The expansion of a collapse (the next piece's destination) and of an
    // empty tensor (the first piece's) fold away.
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::populateFoldTensorEmptyPatterns(patterns);
    return rewrite.freeze(std::move(patterns));
  }

  void runOnOperation() override { rewrite.apply(getOperation()); }

  adjit::GreedyRewriteWithoutRegionSimplification rewrite;
};

} // namespace
