//===- DuplicateSharedFills.cpp - one filled or empty init per writer -----===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITDUPLICATESHAREDFILLS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The uses of `value` that are the init (destination) of the op using them.
SmallVector<OpOperand *> initUses(Value value) {
  SmallVector<OpOperand *> inits;
  for (OpOperand &use : value.getUses()) {
    auto writer = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (writer && writer.isDpsInit(&use))
      inits.push_back(&use);
  }
  return inits;
}

/// Replaces each static-shaped reshape of a `tensor.empty` by a
/// `tensor.empty` of its own result type: the contents are undefined either
/// way, and the writers that use the reshape as their init then share a
/// `tensor.empty`, which the rest of the pass splits (a shared reshape would
/// put them all in one alias set too).
void foldReshapesOfEmpties(Operation *root, OpBuilder &builder) {
  SmallVector<Operation *> reshapes;
  root->walk([&](Operation *op) {
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op) &&
        op->getOperand(0).getDefiningOp<tensor::EmptyOp>() &&
        cast<RankedTensorType>(op->getResult(0).getType()).hasStaticShape())
      reshapes.push_back(op);
  });
  for (Operation *reshape : reshapes) {
    builder.setInsertionPoint(reshape);
    auto type = cast<RankedTensorType>(reshape->getResult(0).getType());
    Value empty = tensor::EmptyOp::create(
        builder, reshape->getLoc(), type.getShape(), type.getElementType());
    Operation *source = reshape->getOperand(0).getDefiningOp();
    reshape->getResult(0).replaceAllUsesWith(empty);
    reshape->erase();
    if (source->use_empty())
      source->erase();
  }
}

struct DuplicateSharedFillsPass
    : adjit::impl::AdjitDuplicateSharedFillsBase<DuplicateSharedFillsPass> {
  void runOnOperation() override {
    OpBuilder builder(&getContext());
    foldReshapesOfEmpties(getOperation(), builder);
    SmallVector<linalg::FillOp> sharedFills;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics() && !fill->getResult(0).hasOneUse())
        sharedFills.push_back(fill);
    });
    for (linalg::FillOp fill : sharedFills) {
      for (OpOperand *use : initUses(fill->getResult(0))) {
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

    // CSE also merges identical tensor.empty ops, e.g. the inits of all the
    // elementwise generics of one shape. One-shot bufferization's analysis
    // then puts all their results in one alias set and checks every write
    // against every read of the set: its cost grows with the square of the
    // number of writers. A tensor.empty of its own, right before each writer,
    // keeps the sets small; its contents are undefined either way.
    SmallVector<tensor::EmptyOp> sharedEmpties;
    getOperation()->walk([&](tensor::EmptyOp empty) {
      if (!empty->hasOneUse() && !empty->use_empty())
        sharedEmpties.push_back(empty);
    });
    for (tensor::EmptyOp empty : sharedEmpties) {
      for (OpOperand *use : initUses(empty.getResult())) {
        builder.setInsertionPoint(use->getOwner());
        use->set(builder.clone(*empty)->getResult(0));
      }
      if (empty->use_empty())
        empty->erase();
    }
  }
};

} // namespace
