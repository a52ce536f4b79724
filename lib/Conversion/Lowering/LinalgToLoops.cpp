//===- LinalgToLoops.cpp - convert-linalg-to-loops, no regions ------------===//
//
// Upstream's convert-linalg-to-loops applies its patterns with the greedy
// driver's default configuration, whose region simplification walks the
// whole function after every iteration of the driver. This pass applies the
// same patterns (each linalg op on buffers to a nest of scf.for, and the
// folds of dim and affine.apply ops upstream adds) with the same
// configuration, but without region simplification.
//
//===----------------------------------------------------------------------===//

#include "GreedyWithoutRegionSimplification.h"

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITLINALGTOLOOPS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Replaces a linalg op on buffers by a loop nest of scf.for (upstream's
/// pattern of convert-linalg-to-loops).
struct LinalgOpToLoops : RewritePattern {
  explicit LinalgOpToLoops(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp || !linalgOp.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(
          op, "expected linalg op with buffer semantics");
    if (failed(linalg::linalgOpToLoops(rewriter, linalgOp)))
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};

/// Replaces an affine.apply of a single-result map that is a constant (no
/// operands), or one dimension or symbol (one operand), by the constant or
/// the operand (upstream's fold of convert-linalg-to-loops, at benefit 0).
struct FoldTrivialAffineApply : OpRewritePattern<affine::AffineApplyOp> {
  explicit FoldTrivialAffineApply(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/0) {}

  LogicalResult matchAndRewrite(affine::AffineApplyOp apply,
                                PatternRewriter &rewriter) const override {
    AffineMap map = apply.getAffineMap();
    if (map.getNumResults() != 1 || map.getNumInputs() > 1)
      return failure();
    AffineExpr expr = map.getResult(0);
    if (map.getNumInputs() == 0) {
      auto constant = dyn_cast<AffineConstantExpr>(expr);
      if (!constant)
        return failure();
      rewriter.replaceOpWithNewOp<arith::ConstantIndexOp>(apply,
                                                          constant.getValue());
      return success();
    }
    if (!isa<AffineDimExpr, AffineSymbolExpr>(expr))
      return failure();
    rewriter.replaceOp(apply, apply->getOperand(0));
    return success();
  }
};

struct LinalgToLoopsPass
    : adjit::impl::AdjitLinalgToLoopsBase<LinalgToLoopsPass> {
  LogicalResult initialize(MLIRContext *context) override {
    // Upstream's patterns, in upstream's order (which orders patterns of
    // equal benefit).
    RewritePatternSet owning(context);
    owning.add<LinalgOpToLoops>(context);
    memref::DimOp::getCanonicalizationPatterns(owning, context);
    tensor::DimOp::getCanonicalizationPatterns(owning, context);
    affine::AffineApplyOp::getCanonicalizationPatterns(owning, context);
    owning.add<FoldTrivialAffineApply>(context);
    return rewrite.freeze(std::move(owning));
  }

  void runOnOperation() override { rewrite.apply(getOperation()); }

  adjit::GreedyRewriteWithoutRegionSimplification rewrite;
};

} // namespace
