//===- FreeUnretainedAllocations.cpp - deallocs of fresh buffers ----------===//
//
// The ownership-based buffer deallocation pass ends a function with one
// `bufferization.dealloc` of every buffer the function allocated, retaining
// every result. Upstream's simplification asks whether each buffer may alias
// each retained value, a cost of buffers x results that dominates the
// pipeline on traced programs of thousands of ops. When every buffer is a
// fresh allocation and every retained value a view of a known buffer, the
// answer needs no alias analysis: distinct allocations never alias.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseSet.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITFREEUNRETAINEDALLOCATIONS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The buffer `value` is a view of: `value` itself unless it is the result of
/// a view-like op (subview, reshape, cast, ...), followed to its source.
Value getViewedBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>()) {
    if (view.getViewDest() != value)
      break;
    value = view.getViewSource();
  }
  return value;
}

/// True if `buffer` is an argument of the function that holds `op`'s block:
/// the caller's buffer, which no allocation of the function aliases.
bool isFunctionArgument(Value buffer, Operation *op) {
  auto argument = dyn_cast<BlockArgument>(buffer);
  if (!argument)
    return false;
  auto function = op->getParentOfType<FunctionOpInterface>();
  return function && argument.getOwner() == &function.getFunctionBody().front();
}

/// Lowers `dealloc` if it has the form the file comment describes.
void lowerIfFresh(bufferization::DeallocOp dealloc) {
  llvm::SmallDenseSet<Value, 16> memrefs;
  for (auto [memref, condition] :
       llvm::zip(dealloc.getMemrefs(), dealloc.getConditions())) {
    if (!memref.getDefiningOp<memref::AllocOp>() ||
        !matchPattern(condition, m_One()) || !memrefs.insert(memref).second)
      return;
  }
  llvm::SmallDenseSet<Value, 16> retainedBuffers;
  SmallVector<bool> ownsRetained;
  for (Value retained : dealloc.getRetained()) {
    Value buffer = getViewedBuffer(retained);
    if (!buffer.getDefiningOp<memref::AllocOp>() &&
        !isFunctionArgument(buffer, dealloc))
      return;
    retainedBuffers.insert(buffer);
    ownsRetained.push_back(memrefs.contains(buffer));
  }

  OpBuilder builder(dealloc);
  Location loc = dealloc.getLoc();
  for (Value memref : dealloc.getMemrefs())
    if (!retainedBuffers.contains(memref))
      memref::DeallocOp::create(builder, loc, memref);
  SmallVector<Value> updatedConditions;
  for (bool owns : ownsRetained)
    updatedConditions.push_back(
        arith::ConstantIntOp::create(builder, loc, owns ? 1 : 0, 1));
  dealloc->replaceAllUsesWith(updatedConditions);
  dealloc->erase();
}

struct FreeUnretainedAllocations
    : public adjit::impl::AdjitFreeUnretainedAllocationsBase<
          FreeUnretainedAllocations> {
  void runOnOperation() override {
    SmallVector<bufferization::DeallocOp> deallocs;
    getOperation()->walk(
        [&](bufferization::DeallocOp dealloc) { deallocs.push_back(dealloc); });
    for (bufferization::DeallocOp dealloc : deallocs)
      lowerIfFresh(dealloc);
  }
};

} // namespace
