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

/// The counts of a segment nest known only at run time (0-d i64 tensors):
/// the number of segments, the trip count n and the segment length k.
struct RuntimeSegments {
  Value segments, count, length;
};

/// Builds the scan of `segments` segments of `size` steps of `op` that starts
/// from the carries `init` and reads the scanned inputs `xs`, already of
/// type `[segments, size, ...]`: an outer store_all scan whose body runs one
/// segment as an inner store_all scan with the body of `op`. With `runtime`,
/// `segments` and `size` are bounds: the outer scan runs `runtime->segments`
/// segments, and segment s, whose index is the first scanned input (the
/// others follow), runs min(k, n - s k) steps.
ScanOp buildSegments(OpBuilder &builder, ScanOp op, ValueRange init,
                     ValueRange xs, int64_t segments, int64_t size,
                     const RuntimeSegments *runtime = nullptr) {
  Location loc = op.getLoc();
  SmallVector<Type> innerTypes(op.getFinalCarries().getTypes());
  for (Value result : op.getStackedOutputs())
    innerTypes.push_back(
        ScanOp::getStackedType(ScanOp::getSliceType(result.getType()), size));
  SmallVector<Type> outerTypes(op.getFinalCarries().getTypes());
  for (Type type : ArrayRef<Type>(innerTypes).drop_front(op.getNumCarries()))
    outerTypes.push_back(ScanOp::getStackedType(type, segments));
  SmallVector<Value> outerConsts(op.getConsts());
  if (runtime) {
    outerConsts.push_back(runtime->count);
    outerConsts.push_back(runtime->length);
  }
  auto outer = ScanOp::create(builder, loc, outerTypes, init, xs, outerConsts,
                              runtime ? runtime->segments : Value(), segments,
                              op.getReverse(), CheckpointPolicy::store_all,
                              IntegerAttr());
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
  SmallVector<Value> consts = addArguments(TypeRange(outerConsts));

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);
  Value steps;
  ArrayRef<Value> innerXs(slices), innerConsts(consts);
  if (runtime) {
    Value count = consts[consts.size() - 2], length = consts.back();
    steps = MinOp::create(
        builder, loc, length,
        SubOp::create(builder, loc, count,
                      MulOp::create(builder, loc, slices.front(), length)));
    innerXs = innerXs.drop_front();
    innerConsts = innerConsts.drop_back(2);
  }
  auto inner = ScanOp::create(builder, loc, innerTypes, carries, innerXs,
                              innerConsts, steps, size, op.getReverse(),
                              CheckpointPolicy::store_all, IntegerAttr());
  IRMapping mapping;
  op.getBody().cloneInto(&inner.getBody(), mapping);
  YieldOp::create(builder, loc, inner.getResults());
  return outer;
}

/// Returns the constant i64 tensor of shape `shape` holding `values` (one
/// value for a 0-d tensor).
Value createI64Constant(OpBuilder &builder, Location loc,
                        ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, builder.getI64Type());
  return ConstantOp::create(builder, loc,
                            DenseIntElementsAttr::get(type, values));
}

/// Returns `value` converted to the element type `element`.
Value convertTo(OpBuilder &builder, Location loc, Value value, Type element) {
  auto type = cast<RankedTensorType>(value.getType());
  return ConvertOp::create(
      builder, loc, RankedTensorType::get(type.getShape(), element), value);
}

/// Returns ceil(`lhs` / `rhs`) of two i64 tensors of one shape, computed in
/// f64 (exact for the trip counts of a scan, far below 2^26).
Value ceilDivide(OpBuilder &builder, Location loc, Value lhs, Value rhs) {
  Type f64 = builder.getF64Type();
  Value quotient =
      DivOp::create(builder, loc, convertTo(builder, loc, lhs, f64),
                    convertTo(builder, loc, rhs, f64));
  return convertTo(builder, loc, CeilOp::create(builder, loc, quotient),
                   builder.getI64Type());
}

/// Returns the 0-d `value` broadcast to the shape `shape`.
Value broadcastScalar(OpBuilder &builder, Location loc, Value value,
                      ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  return BroadcastOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value,
      ArrayRef<int64_t>{});
}

/// Returns the rows `rows` (a 1-D i64 tensor) of `value`, stacked.
Value gatherRows(OpBuilder &builder, Location loc, Value value, Value rows) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape{
      cast<RankedTensorType>(rows.getType()).getDimSize(0)};
  llvm::append_range(shape, type.getShape().drop_front());
  Value index = BroadcastOp::create(
      builder, loc, RankedTensorType::get(shape, builder.getI64Type()), rows,
      ArrayRef<int64_t>{0});
  return GatherOp::create(builder, loc,
                          RankedTensorType::get(shape, type.getElementType()),
                          value, index, 0);
}

/// Returns `value` of type `[segments * size, ...]` as `[segments, size,
/// ...]`.
Value splitSegments(OpBuilder &builder, Location loc, Value value,
                    int64_t segments, int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape{segments, size};
  llvm::append_range(shape, type.getShape().drop_front());
  return ReshapeOp::create(
      builder, loc, RankedTensorType::get(shape, type.getElementType()), value);
}

/// Rewrites the segmented scan `op`, whose trip count n is known only at run
/// time, into its nest of store_all scans. The segment length k is K
/// (`every K`) or ceil(sqrt(n)) (`sqrt`), computed at run time, and its
/// bound `size` is K or ceil(sqrt(bound)). An outer scan runs ceil(n / k)
/// segments (at most `segments`, its bound); segment s runs min(k, n - s k)
/// steps as an inner scan of bound `size` over the rows s k + j, gathered
/// into `[segments, size, ...]`. Step j of segment s writes its outputs at
/// (s, j), which are gathered back to the rows s k + j; every other row is
/// one that no step writes, zero as in the original scan. The tape of the
/// outer scan is sized from the bounds: `segments` carries.
void expandDynamicSegmentedScan(ScanOp op) {
  OpBuilder builder(op);
  Location loc = op.getLoc();
  int64_t bound = op.getLength();
  bool sqrtPolicy = op.getCheckpoint() == CheckpointPolicy::sqrt;
  int64_t size = op.getCheckpointSegmentLength();
  int64_t segments = sqrtPolicy ? size : (bound + size - 1) / size;
  int64_t total = segments * size;
  Type i64 = builder.getI64Type();
  auto scalar = [&](int64_t value) {
    return createI64Constant(builder, loc, {}, {value});
  };

  // The trip count is clamped into [0, bound] as the lowering does, so that
  // the segment count stays within its bound.
  Value count = MinOp::create(
      builder, loc, MaxOp::create(builder, loc, op.getTripCount(), scalar(0)),
      scalar(bound));
  Value k = scalar(size);
  if (sqrtPolicy) {
    Value root = SqrtOp::create(
        builder, loc, convertTo(builder, loc, count, builder.getF64Type()));
    k = MaxOp::create(
        builder, loc,
        convertTo(builder, loc, CeilOp::create(builder, loc, root), i64),
        scalar(1));
  }
  Value numSegments = ceilDivide(builder, loc, count, k);

  // Position (s, j) of the segments reads the row min(s k + j, bound - 1).
  SmallVector<int64_t> segmentOf, stepOf, lastRow(total, bound - 1);
  for (int64_t position = 0; position < total; ++position) {
    segmentOf.push_back(position / size);
    stepOf.push_back(position % size);
  }
  Value rows = MinOp::create(
      builder, loc,
      AddOp::create(
          builder, loc,
          MulOp::create(builder, loc,
                        createI64Constant(builder, loc, {total}, segmentOf),
                        broadcastScalar(builder, loc, k, {total})),
          createI64Constant(builder, loc, {total}, stepOf)),
      createI64Constant(builder, loc, {total}, lastRow));
  SmallVector<Value> xs;
  SmallVector<int64_t> segmentIndices;
  for (int64_t segment = 0; segment < segments; ++segment)
    segmentIndices.push_back(segment);
  xs.push_back(createI64Constant(builder, loc, {segments}, segmentIndices));
  for (Value x : op.getXs())
    xs.push_back(splitSegments(builder, loc, gatherRows(builder, loc, x, rows),
                               segments, size));

  RuntimeSegments runtime{numSegments, count, k};
  ScanOp outer =
      buildSegments(builder, op, op.getInit(), xs, segments, size, &runtime);

  // Row r of a stacked output is at (r / k, r mod k) of the segments.
  SmallVector<int64_t> rowIndices;
  for (int64_t row = 0; row < bound; ++row)
    rowIndices.push_back(row);
  Value row = createI64Constant(builder, loc, {bound}, rowIndices);
  Value kRows = broadcastScalar(builder, loc, k, {bound});
  Type f64 = builder.getF64Type();
  Value segment = convertTo(
      builder, loc,
      FloorOp::create(builder, loc,
                      DivOp::create(builder, loc,
                                    convertTo(builder, loc, row, f64),
                                    convertTo(builder, loc, kRows, f64))),
      i64);
  Value step = SubOp::create(builder, loc, row,
                             MulOp::create(builder, loc, segment, kRows));
  SmallVector<int64_t> sizes(bound, size), lastPosition(bound, total - 1);
  Value positions = MinOp::create(
      builder, loc,
      AddOp::create(
          builder, loc,
          MulOp::create(builder, loc, segment,
                        createI64Constant(builder, loc, {bound}, sizes)),
          step),
      createI64Constant(builder, loc, {bound}, lastPosition));
  SmallVector<Value> replacements(outer.getFinalCarries());
  for (Value output : outer.getStackedOutputs())
    replacements.push_back(gatherRows(
        builder, loc, joinSegments(builder, loc, output), positions));
  op->replaceAllUsesWith(replacements);
  op->erase();
}

/// Rewrites the segmented scan `op` into its nest of store_all scans.
void expandSegmentedScan(ScanOp op) {
  if (op.hasDynamicTripCount())
    return expandDynamicSegmentedScan(op);
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
