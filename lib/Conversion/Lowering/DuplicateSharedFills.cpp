//===- DuplicateSharedFills.cpp - one filled init per writer --------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITDUPLICATESHAREDFILLS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct DuplicateSharedFillsPass
    : adjit::impl::AdjitDuplicateSharedFillsBase<DuplicateSharedFillsPass> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> shared;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
        shared.push_back(fill);
    });
    OpBuilder builder(&getContext());
    for (linalg::FillOp fill : shared) {
      SmallVector<OpOperand *> inits;
      for (OpOperand &use : fill->getResult(0).getUses()) {
        auto writer = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (writer && writer.isDpsInit(&use))
          inits.push_back(&use);
      }
      for (OpOperand *use : inits) {
        // A fresh tensor.empty (if the fill fills one) and a fresh fill right
        // before the writer: bufferization gives it a buffer of its own.
        builder.setInsertionPoint(use->getOwner());
        IRMapping mapping;
        Value destination = fill.getDpsInits()[0];
        if (auto empty = destination.getDefiningOp<tensor::EmptyOp>())
          mapping.map(destination, builder.clone(*empty)->getResult(0));
        use->set(builder.clone(*fill, mapping)->getResult(0));
      }
      if (!fill->use_empty())
        continue;
      Operation *destination = fill.getDpsInits()[0].getDefiningOp();
      fill->erase();
      if (isa_and_nonnull<tensor::EmptyOp>(destination) &&
          destination->use_empty())
        destination->erase();
    }
  }
};

} // namespace
