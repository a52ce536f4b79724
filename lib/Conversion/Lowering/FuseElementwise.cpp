//===- FuseElementwise.cpp - elementwise fusion that spares products ------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITFUSEELEMENTWISE
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// True for the named matrix products that `adjit-matmul-to-blas` turns into
/// BLAS calls.
bool isProduct(Operation *op) {
  return isa_and_nonnull<linalg::MatmulOp, linalg::BatchMatmulOp>(op);
}

/// The most operands a fused elementwise op may have. Fusing a chain of n
/// elementwise ops into one (the sum of the gradient contributions of a
/// weight shared by n unrolled steps) builds n ever larger ops, each a copy
/// of the last plus one: quadratic in n, and bufferization then analyses an
/// op of n operands. With the cap, such a chain becomes n / kMaxFusedOperands
/// ops of bounded size; chains below it fuse as before.
constexpr unsigned kMaxFusedOperands = 16;

/// Operands of the op that fusing the producer of `fusedOperand` into its
/// consumer would create: all of the consumer's but the fused one, and the
/// producer's inputs (all its operands if it is not destination-style).
unsigned fusedOperandCount(OpOperand *fusedOperand, Operation *producer) {
  unsigned producerInputs = producer->getNumOperands();
  if (auto destinationStyle = dyn_cast<DestinationStyleOpInterface>(producer))
    producerInputs = destinationStyle.getNumDpsInputs();
  return fusedOperand->getOwner()->getNumOperands() - 1 + producerInputs;
}

/// Fuses `fusedOperand` (an operand of the consumer, defined by the producer)
/// when the producer has no other use, neither side is a matrix product, the
/// fused op stays within kMaxFusedOperands, and the consumer is not a copy: a
/// copy writes a loop's carry back into the carry's buffer (adjit.scan's
/// lowering), and a reshape folded into it would make the loop yield a
/// reshaped view, which bufferization rejects.
bool shouldFuse(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  Operation *consumer = fusedOperand->getOwner();
  return producer && producer->hasOneUse() && !isProduct(producer) &&
         !isProduct(consumer) && !isa<linalg::CopyOp>(consumer) &&
         fusedOperandCount(fusedOperand, producer) <= kMaxFusedOperands;
}

/// Rewrites a `linalg.transpose` whose one use is an all-parallel
/// `linalg.generic` as the equivalent generic, which elementwise fusion then
/// folds into its user: the user reads the transpose's input through a
/// permuted map instead of a transposed copy of it. (Fusion only fuses
/// generics; a transpose feeding a product stays named, as does one with
/// other uses.)
struct GeneralizeTransposeIntoElementwiseUser
    : OpRewritePattern<linalg::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    if (!transpose.hasPureTensorSemantics() || !transpose->hasOneUse())
      return failure();
    auto user = dyn_cast<linalg::GenericOp>(*transpose->user_begin());
    if (!user || user.getNumParallelLoops() != user.getNumLoops() ||
        !shouldFuse(&*transpose->use_begin()))
      return failure();
    if (failed(linalg::generalizeNamedOp(rewriter, transpose)))
      return failure();
    return success();
  }
};

struct FuseElementwisePass
    : adjit::impl::AdjitFuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<GeneralizeTransposeIntoElementwiseUser>(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, shouldFuse);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, shouldFuse);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, shouldFuse);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      signalPassFailure();
  }
};

} // namespace
