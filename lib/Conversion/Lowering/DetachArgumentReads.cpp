//===- DetachArgumentReads.cpp - reads of read-only arguments ------------===//
//
// One-shot bufferization decides each tensor operand in place or not by
// collecting every read and every write of every use of every alias of the
// operand's value. A value read by n ops therefore costs n^2 steps, and a
// value with n views (slices, reshapes) too. An unrolled recurrent net reads
// its weights and slices its input sequence once per step: bufferization,
// and the empty-tensor elimination before it, which runs the same analysis,
// grew 8-9x for 3.3x the steps.
//
// An argument that bufferization may not write (the public functions' tensor
// arguments, see adjit-mark-arguments-readonly) needs none of that: nothing
// writes its buffer, so no read of it can conflict. This pass gives each read
// of such an argument a tensor of its own, a `bufferization.to_tensor
// restrict` (not writable) of the argument's buffer or, for a slice, of the
// subview the slice reads. After bufferization these are the argument's
// buffer and the same subviews as before; a writer into one of them still
// gets a copy, as it would into the argument.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITDETACHARGUMENTREADS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// True if bufferization may not write argument `index` of `func`.
bool isReadOnlyArgument(func::FuncOp func, unsigned index) {
  auto writable = func.getArgAttrOfType<BoolAttr>(
      index, bufferization::BufferizationDialect::kWritableAttrName);
  return writable && !writable.getValue();
}

/// The uses of `argument` that read it and nothing else: the source of a
/// slice, or an input of a destination-style op (a linalg op), in the
/// function body's own block.
SmallVector<OpOperand *> detachableReads(BlockArgument argument) {
  SmallVector<OpOperand *> reads;
  for (OpOperand &use : argument.getUses()) {
    Operation *user = use.getOwner();
    if (user->getBlock() != argument.getOwner())
      continue;
    auto destinationStyle = dyn_cast<DestinationStyleOpInterface>(user);
    if (isa<tensor::ExtractSliceOp>(user) ||
        (destinationStyle && destinationStyle.isDpsInput(&use)))
      reads.push_back(&use);
  }
  return reads;
}

/// Gives the read `use` of the argument whose buffer is `buffer` a read-only
/// tensor of its own: a slice becomes one over the subview it reads, any
/// other read one over the whole buffer.
void detach(OpOperand &use, Value buffer, OpBuilder &builder) {
  Operation *user = use.getOwner();
  builder.setInsertionPoint(user);
  auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
  if (!slice) {
    use.set(bufferization::ToTensorOp::create(
        builder, user->getLoc(), use.get().getType(), buffer,
        /*restrict=*/builder.getUnitAttr()));
    return;
  }
  RankedTensorType resultType = slice.getType();
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  SmallVector<OpFoldResult> strides = slice.getMixedStrides();
  MemRefType viewType = memref::SubViewOp::inferRankReducedResultType(
      resultType.getShape(), cast<MemRefType>(buffer.getType()), offsets, sizes,
      strides);
  Value view = memref::SubViewOp::create(builder, slice.getLoc(), viewType,
                                         buffer, offsets, sizes, strides);
  Value tensor = bufferization::ToTensorOp::create(
      builder, slice.getLoc(), resultType, view,
      /*restrict=*/builder.getUnitAttr());
  slice.replaceAllUsesWith(tensor);
  slice.erase();
}

struct DetachArgumentReadsPass
    : adjit::impl::AdjitDetachArgumentReadsBase<DetachArgumentReadsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &body = func.getBody().front();
    OpBuilder builder(&getContext());
    for (BlockArgument argument : body.getArguments()) {
      auto type = dyn_cast<RankedTensorType>(argument.getType());
      if (!type || !isReadOnlyArgument(func, argument.getArgNumber()))
        continue;
      SmallVector<OpOperand *> reads = detachableReads(argument);
      // A single read costs the analysis nothing.
      if (reads.size() < 2)
        continue;
      // The argument's buffer as function-boundary bufferization types it
      // (identity layout).
      builder.setInsertionPointToStart(&body);
      Value buffer = bufferization::ToBufferOp::create(
          builder, argument.getLoc(),
          MemRefType::get(type.getShape(), type.getElementType()), argument,
          /*read_only=*/true);
      for (OpOperand *read : reads)
        detach(*read, buffer, builder);
    }
  }
};

} // namespace
