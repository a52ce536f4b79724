//===- SharedCanonicalizer.cpp - canonicalizers sharing one pattern set ---===//

#include "SharedCanonicalizer.h"

#include "mlir/IR/Dialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// `canonicalize` with its default options but `region-simplify`, whose
/// patterns the first instance of a SharedCanonicalizers freezes and the
/// others reuse.
class SharedCanonicalizer
    : public PassWrapper<SharedCanonicalizer, OperationPass<>> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(SharedCanonicalizer)

  SharedCanonicalizer(std::shared_ptr<SharedCanonicalizers::Patterns> shared,
                      bool freezes, GreedySimplifyRegionLevel level)
      : shared(std::move(shared)), freezes(freezes) {
    regionSimplify = level;
  }
  SharedCanonicalizer(const SharedCanonicalizer &other)
      : PassWrapper(other), shared(other.shared), freezes(other.freezes),
        patterns(other.patterns) {}

  StringRef getArgument() const override { return "canonicalize"; }
  StringRef getName() const override { return "Canonicalizer"; }
  StringRef getDescription() const override {
    return "Canonicalize operations (sharing the frozen patterns of the "
           "pipeline's first canonicalizer)";
  }

  LogicalResult initialize(MLIRContext *context) override {
    if (freezes) {
      // What upstream's canonicalizer collects at initialization.
      RewritePatternSet owning(context);
      for (Dialect *dialect : context->getLoadedDialects())
        dialect->getCanonicalizationPatterns(owning);
      for (RegisteredOperationName op : context->getRegisteredOperations())
        op.getCanonicalizationPatterns(owning, context);
      shared->context = context;
      shared->patterns =
          std::make_shared<FrozenRewritePatternSet>(std::move(owning));
    }
    // Patterns frozen in another context name other operations.
    if (shared->context != context || !shared->patterns)
      return failure();
    patterns = shared->patterns;
    return success();
  }

  void runOnOperation() override {
    // The defaults of `canonicalize`'s options. Not converging is not a
    // failure (canonicalization is best effort).
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true)
        .setRegionSimplificationLevel(regionSimplify)
        .setMaxIterations(10)
        .setMaxNumRewrites(GreedyRewriteConfig::kNoLimit);
    (void)applyPatternsGreedily(getOperation(), *patterns, config);
  }

private:
  /// `canonicalize`'s option of this name, so that the pass prints as the
  /// upstream pass that rewrites as it does.
  Option<GreedySimplifyRegionLevel> regionSimplify{
      *this, "region-simplify",
      llvm::cl::desc("Perform control flow optimizations to the region tree"),
      llvm::cl::init(GreedySimplifyRegionLevel::Normal),
      llvm::cl::values(
          clEnumValN(GreedySimplifyRegionLevel::Disabled, "disabled",
                     "Don't run any control-flow simplification."),
          clEnumValN(GreedySimplifyRegionLevel::Normal, "normal",
                     "Perform simple control-flow simplifications (e.g. "
                     "dead args elimination)."),
          clEnumValN(GreedySimplifyRegionLevel::Aggressive, "aggressive",
                     "Perform aggressive control-flow simplification (e.g. "
                     "block merging)."))};
  std::shared_ptr<SharedCanonicalizers::Patterns> shared;
  bool freezes;
  std::shared_ptr<const FrozenRewritePatternSet> patterns;
};

} // namespace

SharedCanonicalizers::SharedCanonicalizers()
    : patterns(std::make_shared<Patterns>()) {}

std::unique_ptr<Pass>
SharedCanonicalizers::create(GreedySimplifyRegionLevel regionSimplify) {
  bool first = !created;
  created = true;
  return std::make_unique<SharedCanonicalizer>(patterns, first, regionSimplify);
}
