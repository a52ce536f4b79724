//===- ForwardAggregateFields.cpp - fold extracts of inserted fields ------===//
//
// The conversion to the LLVM dialect builds a memref descriptor with a chain
// of llvm.insertvalue for every memref it produces and reads its fields back
// with llvm.extractvalue wherever the memref is used. This pass forwards the
// inserted values to their readers and erases the chains left dead, in one
// walk, which the greedy canonicalizer does at several times the cost.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Iterators.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITFORWARDAGGREGATEFIELDS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Forwards the value `extract` reads: replaces its uses by the inserted
/// value when the chain of its aggregate inserts exactly the field read, or
/// else makes it read the innermost aggregate that holds the field
/// unchanged. Returns true if it was replaced.
bool forwardExtract(LLVM::ExtractValueOp extract) {
  Value container = extract.getContainer();
  SmallVector<int64_t> position(extract.getPosition());
  while (Operation *definition = container.getDefiningOp()) {
    if (auto insert = dyn_cast<LLVM::InsertValueOp>(definition)) {
      ArrayRef<int64_t> inserted = insert.getPosition();
      size_t common = std::min(inserted.size(), position.size());
      if (!llvm::equal(inserted.take_front(common),
                       ArrayRef(position).take_front(common))) {
        // Another field: the insert does not touch the one read.
        container = insert.getContainer();
        continue;
      }
      if (inserted.size() > position.size())
        // The field read contains the inserted one: it is partly
        // overwritten, and no single value holds it.
        break;
      // The field read is the inserted value or a part of it.
      container = insert.getValue();
      position.erase(position.begin(), position.begin() + inserted.size());
      if (position.empty()) {
        extract.getResult().replaceAllUsesWith(container);
        return true;
      }
      continue;
    }
    if (auto inner = dyn_cast<LLVM::ExtractValueOp>(definition)) {
      // A field of a field: one read from the outer aggregate.
      position.insert(position.begin(), inner.getPosition().begin(),
                      inner.getPosition().end());
      container = inner.getContainer();
      continue;
    }
    break;
  }
  if (container != extract.getContainer()) {
    extract.getContainerMutable().assign(container);
    extract.setPosition(position);
  }
  return false;
}

class ForwardAggregateFields
    : public adjit::impl::AdjitForwardAggregateFieldsBase<
          ForwardAggregateFields> {
public:
  void runOnOperation() override {
    // Definitions come before their uses in each block of lowered code, so
    // an extract's aggregate chain is already forwarded when it is reached.
    // Other LLVM ops get their folder too, for the folds that need no new
    // constant: `add %x, 0` is %x, a constant GEP index becomes static.
    SmallVector<OpFoldResult> folded;
    getOperation()->walk([&](Operation *op) {
      if (auto extract = dyn_cast<LLVM::ExtractValueOp>(op)) {
        if (forwardExtract(extract))
          extract->erase();
        return;
      }
      if (!isa<LLVM::LLVMDialect>(op->getDialect()) || op->getNumRegions() ||
          op->hasTrait<OpTrait::ConstantLike>())
        return;
      folded.clear();
      if (failed(op->fold(folded)) || folded.empty() ||
          !llvm::all_of(folded, llvm::IsaPred<Value>))
        return;
      for (auto [result, value] : llvm::zip(op->getResults(), folded))
        result.replaceAllUsesWith(cast<Value>(value));
      op->erase();
    });
    // Users are erased before their operands: the walk visits each block's
    // ops from its end.
    getOperation()->walk<WalkOrder::PostOrder, ReverseIterator>(
        [](Operation *op) {
          if (isOpTriviallyDead(op))
            op->erase();
        });
  }
};

} // namespace
