//===- ApproximateMath.cpp - polynomial f32 transcendental functions ------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITAPPROXIMATEMATH
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The math ops whose upstream f32 approximations are accurate to a few ulp.
/// expm1 and log1p are not among them: they call the C library (see
/// adjit-precise-math-to-libm), as the eager runtime does.
bool isApproximated(StringRef name) {
  name.consume_front("math.");
  return llvm::is_contained({"exp", "log", "log2", "tanh"}, name);
}

struct ApproximateMathPass
    : adjit::impl::AdjitApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, isApproximated);
    // The patterns only expand ops; region simplification would walk the
    // whole module again after each of the rewriter's iterations.
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};

} // namespace
