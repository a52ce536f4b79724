//===- ScanCheckpoint.cpp - segments of checkpointed scans ----------------===//

#include "ScanCheckpoint.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::adjit;

bool adjit::detail::isSegmented(ScanOp scan) {
  CheckpointPolicy policy = scan.getCheckpoint();
  return (policy == CheckpointPolicy::every ||
          policy == CheckpointPolicy::sqrt) &&
         scan.getLength() > 1 && scan.getCheckpointSegmentLength() > 1;
}

namespace {
/// Returns `value` (of type `[N, ...]`) restricted to the rows
/// `[begin, begin + count)` and reshaped to `[count / size, size, ...]`.
Value sliceSegments(OpBuilder &builder, Location loc, Value value,
                    int64_t begin, int64_t count, int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  if (count != type.getDimSize(0)) {
    SmallVector<int64_t> start(type.getRank(), 0), limit(type.getShape()),
        strides(type.getRank(), 1);
    start[0] = begin;
    limit[0] = begin + count;
    value = SliceOp::create(builder, loc, value, start, limit, strides);
  }
  SmallVector<int64_t> shape{count / size, size};
  llvm::append_range(shape, type.getShape().drop_front());
  return ReshapeOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value);
}

/// Returns `value` of type `[segments, size, ...]` as `[segments * size,
/// ...]`.
Value joinSegments(OpBuilder &builder, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape{type.getDimSize(0) * type.getDimSize(1)};
  llvm::append_range(shape, type.getShape().drop_front(2));
  return ReshapeOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value);
}

/// Builds the scan of `segments` segments of `size` steps of `op` that starts
/// from the carries `init` and reads the scanned inputs `xs`, already of
/// type `[segments, size, ...]`: an outer store_all scan whose body runs one
/// segment as an inner store_all scan with the body of `op`.
ScanOp buildSegments(OpBuilder &builder, ScanOp op, ValueRange init,
                     ValueRange xs, int64_t segments, int64_t size) {
  Location loc = op.getLoc();
  SmallVector<Type> innerTypes(op.getFinalCarries().getTypes());
  for (Value result : op.getStackedOutputs())
    innerTypes.push_back(
        ScanOp::getStackedType(ScanOp::getSliceType(result.getType()), size));
  SmallVector<Type> outerTypes(op.getFinalCarries().getTypes());
  for (Type type : ArrayRef<Type>(innerTypes).drop_front(op.getNumCarries()))
    outerTypes.push_back(ScanOp::getStackedType(type, segments));
  auto outer = ScanOp::create(builder, loc, outerTypes, init, xs,
                              op.getConsts(), segments, op.getReverse());
  Block *block = new Block();
  outer.getBody().push_back(block);
  auto addArguments = [&](TypeRange types) {
    SmallVector<Value> arguments;
    for (Type type : types)
      arguments.push_back(block->addArgument(type, loc));
    return arguments;
  };
  SmallVector<Value> carries = addArguments(op.getInit().getTypes());
  SmallVector<Type> sliceTypes;
  for (Value x : xs)
    sliceTypes.push_back(ScanOp::getSliceType(x.getType()));
  SmallVector<Value> slices = addArguments(sliceTypes);
  SmallVector<Value> consts = addArguments(op.getConsts().getTypes());

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);
  auto inner = ScanOp::create(builder, loc, innerTypes, carries, slices, consts,
                              size, op.getReverse());
  IRMapping mapping;
  op.getBody().cloneInto(&inner.getBody(), mapping);
  YieldOp::create(builder, loc, inner.getResults());
  return outer;
}

/// Rewrites the segmented scan `op` into its nest of store_all scans.
void expandSegmentedScan(ScanOp op) {
  OpBuilder builder(op);
  Location loc = op.getLoc();
  int64_t length = op.getLength();
  int64_t size = op.getCheckpointSegmentLength();
  int64_t whole = length / size * size;
  int64_t rest = length - whole;
  // The whole segments run first: in a reverse scan they are the last rows.
  int64_t wholeBegin = op.getReverse() ? rest : 0;
  int64_t restBegin = op.getReverse() ? 0 : whole;

  SmallVector<Value> wholeXs;
  for (Value x : op.getXs())
    wholeXs.push_back(sliceSegments(builder, loc, x, wholeBegin, whole, size));
  ScanOp segments =
      buildSegments(builder, op, op.getInit(), wholeXs, whole / size, size);
  SmallVector<Value> replacements(segments.getFinalCarries());
  SmallVector<Value> stacked;
  for (Value output : segments.getStackedOutputs())
    stacked.push_back(joinSegments(builder, loc, output));
  if (rest != 0) {
    SmallVector<Value> restXs;
    for (Value x : op.getXs())
      restXs.push_back(sliceSegments(builder, loc, x, restBegin, rest, rest));
    ScanOp last =
        buildSegments(builder, op, segments.getFinalCarries(), restXs, 1, rest);
    replacements.assign(last.getFinalCarries().begin(),
                        last.getFinalCarries().end());
    for (auto [index, output] : llvm::enumerate(last.getStackedOutputs())) {
      Value rows = joinSegments(builder, loc, output);
      SmallVector<Value> parts{stacked[index], rows};
      if (op.getReverse())
        std::swap(parts[0], parts[1]);
      stacked[index] = ConcatOp::create(builder, loc, parts, 0);
    }
  }
  llvm::append_range(replacements, stacked);
  op->replaceAllUsesWith(replacements);
  op->erase();
}
} // namespace

void adjit::detail::expandSegmentedScans(Operation *root) {
  SmallVector<ScanOp> scans;
  root->walk([&](ScanOp scan) {
    if (isSegmented(scan))
      scans.push_back(scan);
  });
  // The walk is post-order: a nested scan is expanded before the scan whose
  // body holds it, which then clones the expanded body.
  for (ScanOp scan : scans)
    expandSegmentedScan(scan);
}
