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
// Each buffer is then freed right after its last use in its block rather
// than where the dealloc was, at the end of the block: in a straight-line
// training step every intermediate buffer would otherwise stay allocated
// until the step returns, and the step's memory would be the sum of all its
// buffers instead of the most that are alive at once.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

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

/// The op of `block` after which nothing uses `buffer`, a `memref.alloc`
/// result in `block`, or a value that may alias it (a memref result of any
/// op that uses an alias, any result of a call that does), other than
/// `dealloc`; uses in nested regions count
/// at their ancestor in `block`. Returns null if an alias may escape what this
/// follows: its address taken as an integer or pointer, stored, yielded or
/// returned by a terminator, or cast by an unrealized conversion.
Operation *findLastUse(Value buffer, Block *block,
                       bufferization::DeallocOp dealloc) {
  Operation *last = buffer.getDefiningOp();
  SmallVector<Value> worklist = {buffer};
  llvm::SmallPtrSet<Value, 8> aliases = {buffer};
  while (!worklist.empty()) {
    Value alias = worklist.pop_back_val();
    for (OpOperand &use : alias.getUses()) {
      Operation *user = use.getOwner();
      if (user == dealloc.getOperation())
        continue;
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::ExtractAlignedPointerAsIndexOp,
              UnrealizedConversionCastOp>(user))
        return nullptr;
      if (auto store = dyn_cast<memref::StoreOp>(user);
          store && store.getValueToStore() == alias)
        return nullptr;
      // A call may return a handle through which its callee keeps using the
      // buffer (the request of an asynchronous all-reduce, which its wait
      // completes): every result of a call counts as an alias.
      bool isCall = isa<CallOpInterface>(user);
      for (Value result : user->getResults()) {
        if (isa<LLVM::LLVMPointerType>(result.getType()))
          return nullptr;
        if ((isCall || isa<BaseMemRefType>(result.getType())) &&
            aliases.insert(result).second)
          worklist.push_back(result);
      }
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor)
        return nullptr;
      if (last->isBeforeInBlock(ancestor))
        last = ancestor;
    }
  }
  return last;
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

  // Where each buffer is freed: after its last use if it was allocated in
  // the dealloc's block, else where the dealloc is. All are found before any
  // op is inserted, which would make the block renumber its ops.
  Block *block = dealloc->getBlock();
  SmallVector<std::pair<Value, Operation *>> frees;
  for (Value memref : dealloc.getMemrefs()) {
    if (retainedBuffers.contains(memref))
      continue;
    Operation *last = nullptr;
    if (memref.getDefiningOp()->getBlock() == block)
      last = findLastUse(memref, block, dealloc);
    frees.emplace_back(memref, last);
  }
  OpBuilder builder(dealloc);
  Location loc = dealloc.getLoc();
  for (auto [memref, last] : frees) {
    if (last && last->isBeforeInBlock(dealloc))
      builder.setInsertionPointAfter(last);
    else
      builder.setInsertionPoint(dealloc);
    memref::DeallocOp::create(builder, loc, memref);
  }
  builder.setInsertionPoint(dealloc);
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
