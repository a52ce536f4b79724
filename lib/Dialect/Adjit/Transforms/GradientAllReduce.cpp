//===- GradientAllReduce.cpp - the adjit-insert-gradient-allreduce pass ---===//
//
// Data-parallel training inside one compiled function: the gradients are
// packed into buckets in the order backward completes them, each bucket's
// all-reduce starts as soon as its last gradient is computed and is waited
// for only where the reduced gradients are used.
//
//===----------------------------------------------------------------------===//

#include "FunctionLookup.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITINSERTGRADIENTALLREDUCE
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;
using namespace mlir::adjit;

namespace {

constexpr StringLiteral kPass = "adjit-insert-gradient-allreduce: ";

/// A gradient to reduce: the returned value and where backward completes
/// it (the position of its defining op; -1 for an argument).
struct Gradient {
  Value value;
  int64_t position;
};

int64_t byteSize(RankedTensorType type) {
  return type.getNumElements() *
         static_cast<int64_t>(type.getElementTypeBitWidth() / 8);
}

/// Packs `gradients`, in completion order, into buckets of at most
/// `capacity` bytes of one element type.
SmallVector<SmallVector<Gradient>> makeBuckets(ArrayRef<Gradient> gradients,
                                               int64_t capacity) {
  SmallVector<SmallVector<Gradient>> buckets;
  int64_t bytes = 0;
  for (const Gradient &gradient : gradients) {
    auto type = cast<RankedTensorType>(gradient.value.getType());
    bool fits = !buckets.empty() && capacity > 0 &&
                cast<RankedTensorType>(buckets.back().front().value.getType())
                        .getElementType() == type.getElementType() &&
                bytes + byteSize(type) <= capacity;
    if (!fits) {
      buckets.emplace_back();
      bytes = 0;
    }
    buckets.back().push_back(gradient);
    bytes += byteSize(type);
  }
  return buckets;
}

/// Emits the reduction of `bucket` in `function`: the start after the
/// later of its last gradient and `previousStart` (so that buckets start in
/// order), the wait and the unpacking before `terminator`. Returns the
/// start and fills `reduced` with the reduced value of each gradient.
Operation *reduceBucket(ArrayRef<Gradient> bucket, ReduceKind kind, Block &body,
                        Operation *terminator, Operation *previousStart,
                        DenseMap<Value, Value> &reduced) {
  OpBuilder builder(terminator->getContext());
  const Gradient &last = bucket.back();
  Operation *after = last.value.getDefiningOp();
  if (previousStart && (!after || after->isBeforeInBlock(previousStart)))
    after = previousStart;
  if (after)
    builder.setInsertionPointAfter(after);
  else
    builder.setInsertionPointToStart(&body);
  Location loc = last.value.getLoc();

  Value packed = bucket.front().value;
  SmallVector<int64_t> sizes;
  Type elementType = cast<RankedTensorType>(packed.getType()).getElementType();
  if (bucket.size() > 1) {
    SmallVector<Value> flat;
    int64_t total = 0;
    for (const Gradient &gradient : bucket) {
      int64_t size =
          cast<RankedTensorType>(gradient.value.getType()).getNumElements();
      sizes.push_back(size);
      total += size;
      flat.push_back(ReshapeOp::create(
          builder, loc, RankedTensorType::get({size}, elementType),
          gradient.value));
    }
    packed = ConcatOp::create(builder, loc,
                              RankedTensorType::get({total}, elementType), flat,
                              /*dim=*/0);
  }
  auto start = AllReduceStartOp::create(builder, loc, kind, packed);

  builder.setInsertionPoint(terminator);
  Value result = AllReduceWaitOp::create(builder, loc, start.getHandle());
  if (bucket.size() == 1) {
    reduced[bucket.front().value] = result;
    return start;
  }
  int64_t offset = 0;
  for (auto [gradient, size] : llvm::zip(bucket, sizes)) {
    Value slice = SliceOp::create(
        builder, loc, RankedTensorType::get({size}, elementType), result,
        builder.getDenseI64ArrayAttr({offset}),
        builder.getDenseI64ArrayAttr({offset + size}),
        builder.getDenseI64ArrayAttr({1}));
    reduced[gradient.value] =
        ReshapeOp::create(builder, loc, gradient.value.getType(), slice);
    offset += size;
  }
  return start;
}

struct AdjitInsertGradientAllReducePass
    : public adjit::impl::AdjitInsertGradientAllReduceBase<
          AdjitInsertGradientAllReducePass> {
  using AdjitInsertGradientAllReduceBase::AdjitInsertGradientAllReduceBase;

  void runOnOperation() override {
    if (failed(run()))
      signalPassFailure();
  }

  LogicalResult run();
};

LogicalResult AdjitInsertGradientAllReducePass::run() {
  ModuleOp module = getOperation();
  if (function.empty())
    return module.emitError(kPass)
           << "needs function=<name>, the gradient function";
  ReduceKind kind;
  if (reduce == "mean")
    kind = ReduceKind::mean;
  else if (reduce == "sum")
    kind = ReduceKind::sum;
  else
    return module.emitError(kPass)
           << "unknown reduce '" << reduce << "' (valid: mean, sum)";
  if (bucketBytes < 0)
    return module.emitError(kPass) << "bucket-bytes must not be negative, got "
                                   << static_cast<int64_t>(bucketBytes);
  func::FuncOp gradientFunction = adjit::detail::lookupFunctionOrEmitError(
      module, function, "reduce the gradients of");
  if (!gradientFunction)
    return failure();
  if (gradientFunction.isDeclaration() ||
      !gradientFunction.getBody().hasOneBlock())
    return gradientFunction.emitError(kPass)
           << "@" << function
           << " must be a function of one block (a gradient function as "
              "adjit-autodiff makes it)";
  Block &body = gradientFunction.getBody().front();
  Operation *terminator = body.getTerminator();
  unsigned numResults = terminator->getNumOperands();
  if (firstGradient > numResults)
    return gradientFunction.emitError(kPass)
           << "first-gradient=" << static_cast<int64_t>(firstGradient)
           << " but @" << function << " has " << numResults << " results";

  // The gradients in the order backward completes them.
  DenseMap<Operation *, int64_t> positions;
  int64_t position = 0;
  for (Operation &op : body)
    positions[&op] = position++;
  SmallVector<Gradient> gradients;
  DenseSet<Value> seen;
  for (unsigned index = firstGradient; index < numResults; ++index) {
    Value value = terminator->getOperand(index);
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return gradientFunction.emitError(kPass)
             << "result #" << index << " of @" << function << " has type "
             << value.getType()
             << ": only statically shaped f32/f64 tensor gradients can be "
                "reduced";
    if (!seen.insert(value).second)
      continue;
    Operation *definition = value.getDefiningOp();
    gradients.push_back({value, definition ? positions[definition] : -1});
  }
  llvm::stable_sort(gradients, [](const Gradient &a, const Gradient &b) {
    return a.position < b.position;
  });

  DenseMap<Value, Value> reduced;
  Operation *previousStart = nullptr;
  for (ArrayRef<Gradient> bucket : makeBuckets(gradients, bucketBytes))
    previousStart =
        reduceBucket(bucket, kind, body, terminator, previousStart, reduced);
  for (unsigned index = firstGradient; index < numResults; ++index)
    terminator->setOperand(index,
                           reduced.lookup(terminator->getOperand(index)));
  return success();
}

} // namespace
