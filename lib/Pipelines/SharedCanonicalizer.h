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

#include <memory>

namespace mlir {
class FrozenRewritePatternSet;
} // namespace mlir

namespace mlir::adjit {

/// Makes `canonicalize` passes (default options) that share one frozen
/// pattern set. All passes initialize after the pipeline's dialects are
/// loaded, in pipeline order, so the set the first one freezes is the one each
/// of them would freeze: the passes rewrite exactly as `canonicalize` does,
/// and print as `canonicalize`.
class SharedCanonicalizers {
public:
  SharedCanonicalizers();

  /// Returns the next canonicalizer; add them to the pipeline in the order
  /// they are made.
  std::unique_ptr<Pass> create();

private:
  std::shared_ptr<std::shared_ptr<const FrozenRewritePatternSet>> patterns;
  bool created = false;
};

} // namespace mlir::adjit

#endif // ADJIT_LIB_PIPELINES_SHAREDCANONICALIZER_H
