//===- GreedyWithoutRegionSimplification.h - greedy, no regions -*- C++ -*-===//
//
// Upstream passes that apply their patterns with the greedy driver's default
// configuration also simplify the regions of the whole operation after each
// iteration of the driver, a walk that finds nothing in the single-block
// regions of lowered programs before scf-to-cf.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_CONVERSION_LOWERING_GREEDYWITHOUTREGIONSIMPLIFICATION_H
#define ADJIT_LIB_CONVERSION_LOWERING_GREEDYWITHOUTREGIONSIMPLIFICATION_H

#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::adjit {

/// A pass's frozen patterns, applied as an upstream pass calling
/// `applyPatternsGreedily(op, patterns)` applies them (bottom-up, at most 10
/// iterations, folding, constants deduplicated), without region
/// simplification.
class GreedyRewriteWithoutRegionSimplification {
public:
  /// Freezes `owning`; call from the pass's `initialize`.
  LogicalResult freeze(RewritePatternSet &&owning) {
    patterns = FrozenRewritePatternSet(std::move(owning));
    return success();
  }

  /// Applies the patterns to `op`. Not converging is not a failure, as
  /// upstream.
  void apply(Operation *op) const {
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    (void)applyPatternsGreedily(op, patterns, config);
  }

private:
  FrozenRewritePatternSet patterns;
};

} // namespace mlir::adjit

#endif // ADJIT_LIB_CONVERSION_LOWERING_GREEDYWITHOUTREGIONSIMPLIFICATION_H
