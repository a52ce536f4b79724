//===- CheckLowered.cpp - fail when an adjit op survived lowering ---------===//

#include "adjit/Conversion/Passes.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITCHECKLOWERED
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct AdjitCheckLoweredPass
    : adjit::impl::AdjitCheckLoweredBase<AdjitCheckLoweredPass> {
  void runOnOperation() override {
    WalkResult result = getOperation()->walk([](Operation *op) {
      if (!isa<adjit::AdjitDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitError() << "adjit op '" << op->getName()
                      << "' survived lowering: convert-adjit-to-linalg has no "
                         "pattern for it";
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
