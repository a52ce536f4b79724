//===- ParallelizeLargeOps.cpp - parallel outer loops for large ops -------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITPARALLELIZELARGEOPS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Returns the number of points of the static iteration space of `op`
/// (saturated at INT64_MAX), or nothing if it is not static.
std::optional<int64_t> getIterationCount(linalg::LinalgOp op) {
  int64_t count = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return std::nullopt;
    if (llvm::MulOverflow(count, range, count))
      count = std::numeric_limits<int64_t>::max();
  }
  return count;
}

/// True if the outermost loop of `op`'s loop nest (its first iteration
/// dim) is parallel and indexes every output: iterations of that loop then
/// write disjoint output elements, whatever the inner loops (reductions of
/// a row, for instance) do.
bool hasParallelOuterLoop(linalg::LinalgOp op) {
  if (op.getNumLoops() == 0 ||
      !linalg::isParallelIterator(op.getIteratorTypesArray().front()))
    return false;
  AffineExpr outer = getAffineDimExpr(0, op.getContext());
  return llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
    return llvm::is_contained(op.getMatchingIndexingMap(&init).getResults(),
                              outer);
  });
}

struct ParallelizeLargeOpsPass
    : adjit::impl::AdjitParallelizeLargeOpsBase<ParallelizeLargeOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minElements <= 0)
      return;
    SmallVector<linalg::LinalgOp> candidates;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || !hasParallelOuterLoop(op))
        return;
      std::optional<int64_t> count = getIterationCount(op);
      if (count && *count >= minElements)
        candidates.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::LinalgLoops> loops =
          linalg::linalgOpToLoops(rewriter, op);
      if (failed(loops) || loops->empty())
        continue;
      rewriter.eraseOp(op);
      auto outer = dyn_cast<scf::ForOp>(loops->front());
      if (!outer || outer.getNumResults() != 0)
        continue;
      // The outermost scf.for becomes an scf.parallel with the same body.
      rewriter.setInsertionPoint(outer);
      auto parallel = scf::ParallelOp::create(
          rewriter, outer.getLoc(), ValueRange{outer.getLowerBound()},
          ValueRange{outer.getUpperBound()}, ValueRange{outer.getStep()});
      Block *forBody = outer.getBody();
      rewriter.eraseOp(forBody->getTerminator());
      Block *parallelBody = parallel.getBody();
      rewriter.inlineBlockBefore(forBody, parallelBody->getTerminator(),
                                 parallel.getInductionVars());
      rewriter.eraseOp(outer);
    }
  }
};

} // namespace
