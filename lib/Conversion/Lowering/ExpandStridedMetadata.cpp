//===- ExpandStridedMetadata.cpp - expand-strided-metadata, no regions ----===//
//
// Upstream's expand-strided-metadata applies its patterns with the greedy
// driver's default configuration, whose region simplification walks the
// whole module after every iteration of the driver: on a lowered program of
// 10,000 ops that sweep was most of the pass. This pass applies the same
// patterns with the same configuration, but without region simplification.
//
//===----------------------------------------------------------------------===//

#include "GreedyWithoutRegionSimplification.h"

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITEXPANDSTRIDEDMETADATA
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct ExpandStridedMetadataPass
    : adjit::impl::AdjitExpandStridedMetadataBase<ExpandStridedMetadataPass> {
  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet owning(context);
    memref::populateExpandStridedMetadataPatterns(owning);
    return rewrite.freeze(std::move(owning));
  }

  void runOnOperation() override { rewrite.apply(getOperation()); }

  adjit::GreedyRewriteWithoutRegionSimplification rewrite;
};

} // namespace
