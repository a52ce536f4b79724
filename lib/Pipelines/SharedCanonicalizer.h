//===- SharedCanonicalizer.h - canonicalizers sharing patterns -*- C++ -*-===//
//
// The canonicalizer pass freezes the canonicalization patterns of every
// loaded dialect and registered op when a pipeline is initialized, once per
// instance: with ten instances in `adjit-to-llvm`, that costs a small module
// more than the passes themselves. The canonicalizers made here by one
// SharedCanonicalizers share the set the first of them freezes.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_PIPELINES_SHAREDCANONICALIZER_H
#define ADJIT_LIB_PIPELINES_SHAREDCANONICALIZER_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <memory>

namespace mlir {
class FrozenRewritePatternSet;
class MLIRContext;
} // namespace mlir

namespace mlir::adjit {

/// Makes `canonicalize` passes (default options but `region-simplify`) that
/// share one frozen pattern set. All passes initialize after the pipeline's
/// dialects are loaded, in pipeline order, so the set the first one freezes is
/// the one each of them would freeze: the passes rewrite exactly as
/// `canonicalize` with their `region-simplify` does, and print as it.
class SharedCanonicalizers {
public:
  SharedCanonicalizers();

  /// Returns the next canonicalizer, with `canonicalize`'s option
  /// `region-simplify` set to `regionSimplify`; add them to the pipeline in
  /// the order they are made, all to one pipeline. A canonicalizer that
  /// initializes in another context than the first one fails (the pipeline
  /// then fails).
  std::unique_ptr<Pass> create(GreedySimplifyRegionLevel regionSimplify =
                                   GreedySimplifyRegionLevel::Normal);

  /// The patterns the first canonicalizer froze, and the context of their
  /// operations.
  struct Patterns {
    MLIRContext *context = nullptr;
    std::shared_ptr<const FrozenRewritePatternSet> patterns;
  };

private:
  std::shared_ptr<Patterns> patterns;
  bool created = false;
};

} // namespace mlir::adjit

#endif // ADJIT_LIB_PIPELINES_SHAREDCANONICALIZER_H
