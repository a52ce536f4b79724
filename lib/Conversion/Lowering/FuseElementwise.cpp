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

/// True when fusing the producer of `fusedOperand` keeps every other use of
/// its results valid: the fused op replaces the producer at the consumer's
/// place, so each other user must come after the consumer in its block (or be
/// nested in an op that does), and the consumer may use the producer once.
bool otherUsesFollowConsumer(Operation *producer, Operation *consumer) {
  unsigned consumerUses = 0;
  for (Operation *user : producer->getUsers()) {
    // A second operand of the consumer defined by the producer would become
    // an operand of the fused op defined by the fused op itself.
    if (user == consumer && ++consumerUses == 1)
      continue;
    Operation *ancestor = consumer->getBlock()->findAncestorOpInBlock(*user);
    if (!ancestor || ancestor == consumer ||
        !consumer->isBeforeInBlock(ancestor))
      return false;
  }
  return true;
}

/// True for an elementwise op that only broadcasts: its body yields an
/// element of an input unchanged, and that input has fewer dimensions than
/// the op has loops (a bias or a scale spread over the rows of a tensor).
/// Fused into each of its users, it costs no arithmetic, and they read the
/// smaller input instead of a materialized copy.
bool isBroadcast(Operation *op) {
  auto generic = dyn_cast_or_null<linalg::GenericOp>(op);
  if (!generic || generic->getNumResults() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return false;
  Block &body = generic.getRegion().front();
  if (!llvm::hasSingleElement(body))
    return false;
  auto element = dyn_cast<BlockArgument>(body.getTerminator()->getOperand(0));
  if (!element || element.getArgNumber() >= generic.getNumDpsInputs())
    return false;
  OpOperand *input = generic.getDpsInputOperand(element.getArgNumber());
  return generic.getMatchingIndexingMap(input).getNumResults() <
         generic.getNumLoops();
}

/// Fuses `fusedOperand` (an operand of the consumer, defined by the producer)
/// when the producer has no other use or only broadcasts (it then stays for
/// its other users, which fuse it in turn), neither side is a matrix product,
/// the fused op stays within kMaxFusedOperands, and the consumer is not a
/// copy: a copy writes a loop's carry back into the carry's buffer
/// (adjit.scan's lowering), and a reshape folded into it would make the loop
/// yield a reshaped view, which bufferization rejects. (Other producers with
/// other uses: FuseSharedProducer.)
bool shouldFuse(OpOperand *fusedOperand) {
  Operation *producer = fusedOperand->get().getDefiningOp();
  Operation *consumer = fusedOperand->getOwner();
  return producer && (producer->hasOneUse() || isBroadcast(producer)) &&
         !isProduct(producer) && !isProduct(consumer) &&
         !isa<linalg::CopyOp>(consumer) &&
         fusedOperandCount(fusedOperand, producer) <= kMaxFusedOperands;
}

/// Fuses an elementwise producer whose results have other uses into an
/// all-parallel consumer over the same iteration space (a permutation of
/// it): the fused op also yields the producer's results, and their other
/// users read those. Each value is still computed and stored once, but the
/// consumer no longer reads it back from memory. (Upstream's pattern, given
/// such a producer, keeps it for the other users and recomputes it in the
/// consumer: twice the arithmetic, which for erf or exp costs more than the
/// load it saves.) The other users must come after the consumer, where the
/// fused op is built. (A broadcast is instead fused into each user: see
/// shouldFuse.)
struct FuseSharedProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    if (consumer.getNumParallelLoops() != consumer.getNumLoops())
      return failure();
    for (OpOperand &operand : consumer->getOpOperands()) {
      auto producer = operand.get().getDefiningOp<linalg::GenericOp>();
      // A permutation map over the consumer's loops, of as many results as
      // the producer has loops (areElementwiseOpsFusable): the same
      // iteration space.
      if (!producer || producer->hasOneUse() || isBroadcast(producer) ||
          !linalg::areElementwiseOpsFusable(&operand) ||
          !consumer.getMatchingIndexingMap(&operand).isPermutation() ||
          fusedOperandCount(&operand, producer) > kMaxFusedOperands ||
          !otherUsesFollowConsumer(producer, consumer))
        continue;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &operand);
      if (failed(fused))
        return failure();
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceAllUsesWith(original, replacement);
      rewriter.eraseOp(consumer);
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      return success();
    }
    return failure();
  }
};

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
    patterns.add<GeneralizeTransposeIntoElementwiseUser, FuseSharedProducer>(
        context);
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
