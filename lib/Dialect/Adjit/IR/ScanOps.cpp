//===- ScanOps.cpp - verifier and canonicalization of adjit.scan ----------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/BitVector.h"

using namespace mlir;
using namespace mlir::adjit;

RankedTensorType ScanOp::getSliceType(Type type) {
  auto tensorType = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensorType.getShape().drop_front(),
                               tensorType.getElementType());
}

RankedTensorType ScanOp::getStackedType(Type type, int64_t length) {
  auto tensorType = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape{length};
  llvm::append_range(shape, tensorType.getShape());
  return RankedTensorType::get(shape, tensorType.getElementType());
}

YieldOp ScanOp::getYield() {
  return cast<YieldOp>(getBodyBlock().getTerminator());
}

int64_t ScanOp::getCheckpointSegmentLength() {
  int64_t length = getLength();
  switch (getCheckpoint()) {
  case CheckpointPolicy::store_all:
    return 1;
  case CheckpointPolicy::every:
    return getCheckpointEvery().value_or(1);
  case CheckpointPolicy::sqrt: {
    int64_t k = 1;
    while (k * k < length)
      ++k;
    return k;
  }
  case CheckpointPolicy::recompute_all:
    return std::max<int64_t>(length, 1);
  }
  llvm_unreachable("unknown checkpoint policy");
}

ParseResult mlir::adjit::parseCheckpoint(OpAsmParser &parser,
                                         CheckpointPolicyAttr &policy,
                                         IntegerAttr &every) {
  StringRef keyword;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseKeyword(&keyword))
    return failure();
  std::optional<CheckpointPolicy> kind = symbolizeCheckpointPolicy(keyword);
  if (!kind)
    return parser.emitError(loc, "unknown checkpoint policy '")
           << keyword
           << "' (expected store_all, recompute_all, sqrt or every K)";
  policy = CheckpointPolicyAttr::get(parser.getContext(), *kind);
  if (*kind != CheckpointPolicy::every)
    return success();
  int64_t k;
  if (parser.parseInteger(k))
    return failure();
  every = parser.getBuilder().getI64IntegerAttr(k);
  return success();
}

void mlir::adjit::printCheckpoint(OpAsmPrinter &printer, Operation *,
                                  CheckpointPolicyAttr policy,
                                  IntegerAttr every) {
  printer << stringifyCheckpointPolicy(policy ? policy.getValue()
                                              : CheckpointPolicy::store_all);
  if (every)
    printer << ' ' << every.getInt();
}

ParseResult mlir::adjit::parseScanLength(
    OpAsmParser &parser,
    std::optional<OpAsmParser::UnresolvedOperand> &tripCount,
    Type &tripCountType, IntegerAttr &length) {
  OpAsmParser::UnresolvedOperand operand;
  OptionalParseResult parsed = parser.parseOptionalOperand(operand);
  int64_t bound;
  if (parsed.has_value()) {
    if (failed(*parsed) || parser.parseColonType(tripCountType) ||
        parser.parseKeyword("bound") || parser.parseInteger(bound))
      return failure();
    tripCount = operand;
  } else if (parser.parseInteger(bound)) {
    return failure();
  }
  length = parser.getBuilder().getI64IntegerAttr(bound);
  return success();
}

void mlir::adjit::printScanLength(OpAsmPrinter &printer, Operation *,
                                  Value tripCount, Type tripCountType,
                                  IntegerAttr length) {
  if (tripCount)
    printer << tripCount << " : " << tripCountType << " bound ";
  printer << length.getInt();
}

LogicalResult ScanOp::verifyCheckpoint() {
  int64_t length = getLength();
  std::optional<int64_t> every = getCheckpointEvery();
  if (getCheckpoint() != CheckpointPolicy::every) {
    if (every)
      return emitOpError("has checkpoint_every = ")
             << *every << " with checkpoint = "
             << stringifyCheckpointPolicy(getCheckpoint())
             << " (a segment length belongs to checkpoint = every K only)";
    return success();
  }
  if (!every)
    return emitOpError("checkpoint = every needs a segment length K "
                       "(checkpoint = every K, 1 <= K <= length)");
  if (*every < 1 || *every > length)
    return emitOpError("checkpoint = every ")
           << *every << " does not fit the trip count " << length
           << ": K must be between 1 and the length"
           << (length == 0 ? " (a scan of length 0 has no step to "
                             "checkpoint: use store_all, sqrt or "
                             "recompute_all)"
                           : "");
  return success();
}

LogicalResult ScanOp::verify() {
  int64_t length = getLength();
  if (length < 0)
    return emitOpError("length must be >= 0, got ") << length;
  if (Value tripCount = getTripCount()) {
    auto type = cast<RankedTensorType>(tripCount.getType());
    if (type.getRank() != 0 || !type.getElementType().isInteger(64))
      return emitOpError("trip count must be a 0-d i64 tensor (the number of "
                         "steps, known at run time), got ")
             << type;
  }
  for (auto [index, x] : llvm::enumerate(getXs())) {
    auto type = cast<RankedTensorType>(x.getType());
    if (type.getRank() == 0)
      return emitOpError("scanned input #")
             << index << " of type " << type
             << " has no leading dimension to scan over (rank 0)";
    if (type.getDimSize(0) != length)
      return emitOpError("scanned input #")
             << index << " of type " << type << " has leading dimension "
             << type.getDimSize(0) << ", but the scan length is " << length
             << " (every scanned input has the scan length as its leading "
                "dimension)";
  }
  if (failed(verifyCheckpoint()))
    return failure();
  unsigned numCarries = getNumCarries();
  if (getNumResults() < numCarries)
    return emitOpError("has ")
           << getNumResults() << " results for " << numCarries
           << " carries (expected the final carries, then the stacked "
              "outputs)";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getInit(), getFinalCarries()))) {
    auto [init, result] = pair;
    if (init.getType() != result.getType())
      return emitOpError("final carry #")
             << index << " has type " << result.getType()
             << ", but its initial value has type " << init.getType();
  }
  for (auto [index, result] : llvm::enumerate(getStackedOutputs())) {
    auto type = cast<RankedTensorType>(result.getType());
    if (type.getRank() == 0 || type.getDimSize(0) != length)
      return emitOpError("stacked output #")
             << index << " of type " << type << " must have the scan length "
             << length << " as its leading dimension";
  }
  return success();
}

LogicalResult ScanOp::verifyRegions() {
  Block &block = getBodyBlock();
  unsigned numCarries = getNumCarries();
  SmallVector<Type> expected(getInit().getTypes());
  for (Value x : getXs())
    expected.push_back(getSliceType(x.getType()));
  llvm::append_range(expected, getConsts().getTypes());
  if (block.getNumArguments() != expected.size())
    return emitOpError("body has ")
           << block.getNumArguments() << " arguments, expected "
           << expected.size() << " (" << numCarries << " carries, "
           << getXs().size() << " slices, " << getConsts().size() << " consts)";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(block.getArgumentTypes(), expected))) {
    auto [actual, want] = pair;
    if (actual != want)
      return emitOpError("body argument #")
             << index << " has type " << actual << ", expected " << want;
  }
  if (block.empty() || !isa<YieldOp>(block.back()))
    return emitOpError("body must end with adjit.yield");
  YieldOp yield = getYield();
  if (yield.getNumOperands() != getNumResults())
    return yield.emitOpError("yields ")
           << yield.getNumOperands() << " values, but the scan has "
           << numCarries << " carries and " << getStackedOutputs().size()
           << " stacked outputs";
  for (auto [index, pair] : llvm::enumerate(
           llvm::zip(yield.getValues().take_front(numCarries), getInit()))) {
    auto [yielded, init] = pair;
    if (yielded.getType() != init.getType())
      return yield.emitOpError("carry #")
             << index << " changes type: the body yields " << yielded.getType()
             << " for a carry of type " << init.getType()
             << " (a carry keeps its type through the loop)";
  }
  for (auto [index, pair] : llvm::enumerate(llvm::zip(
           yield.getValues().drop_front(numCarries), getStackedOutputs()))) {
    auto [yielded, result] = pair;
    if (getStackedType(yielded.getType(), getLength()) != result.getType())
      return yield.emitOpError("step output #")
             << index << " of type " << yielded.getType()
             << " does not stack to the result type " << result.getType();
  }
  return success();
}

namespace {
/// Replaces `op` by what it returns when it runs no step: its initial
/// carries and zero stacks (empty ones for length 0).
void replaceByInitialCarries(ScanOp op, PatternRewriter &rewriter) {
  SmallVector<Value> replacements(op.getInit());
  for (Value result : op.getStackedOutputs()) {
    auto type = cast<RankedTensorType>(result.getType());
    DenseElementsAttr zeros =
        type.getNumElements() == 0
            ? DenseElementsAttr::get(type, ArrayRef<Attribute>())
            : DenseElementsAttr::get(
                  type, rewriter.getZeroAttr(type.getElementType()));
    replacements.push_back(ConstantOp::create(rewriter, op.getLoc(), zeros));
  }
  rewriter.replaceOp(op, replacements);
}

/// A scan of length 0 returns its initial carries and empty stacks.
struct FoldEmptyScan : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getLength() != 0)
      return failure();
    replaceByInitialCarries(op, rewriter);
    return success();
  }
};

/// A trip count known at run time that is a constant: equal to the bound, it
/// is the static scan of that length; 0, it runs no step, so the scan is its
/// initial carries and zero stacks.
struct FoldConstantTripCount : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    DenseIntElementsAttr value;
    if (!op.hasDynamicTripCount() ||
        !matchPattern(op.getTripCount(), m_Constant(&value)))
      return failure();
    int64_t count = (*value.begin()).getSExtValue();
    if (count == static_cast<int64_t>(op.getLength())) {
      rewriter.modifyOpInPlace(op, [&] { op.getTripCountMutable().clear(); });
      return success();
    }
    if (count != 0)
      return failure();
    replaceByInitialCarries(op, rewriter);
    return success();
  }
};

/// A scan of length 1 is its body applied once.
struct InlineSingleStepScan : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getLength() != 1 || op.hasDynamicTripCount())
      return failure();
    Location loc = op.getLoc();
    IRMapping mapping;
    mapping.map(op.getCarryArguments(), op.getInit());
    for (auto [argument, x] : llvm::zip(op.getSliceArguments(), op.getXs()))
      mapping.map(argument,
                  ReshapeOp::create(rewriter, loc, argument.getType(), x));
    mapping.map(op.getConstArguments(), op.getConsts());
    for (Operation &nested : op.getBodyBlock().without_terminator())
      rewriter.clone(nested, mapping);
    SmallVector<Value> replacements;
    for (auto [index, yielded] : llvm::enumerate(op.getYield().getValues())) {
      Value value = mapping.lookupOrDefault(yielded);
      Type resultType = op.getResult(index).getType();
      if (value.getType() != resultType)
        value = ReshapeOp::create(rewriter, loc, resultType, value);
      replacements.push_back(value);
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

/// Drops the stacked outputs that nothing uses.
struct DropUnusedStackedOutputs : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    unsigned numCarries = op.getNumCarries();
    SmallVector<unsigned> kept;
    for (OpResult result : op.getStackedOutputs())
      if (!result.use_empty())
        kept.push_back(result.getResultNumber());
    if (kept.size() == op.getStackedOutputs().size())
      return failure();
    SmallVector<Type> types(op.getFinalCarries().getTypes());
    for (unsigned index : kept)
      types.push_back(op.getResult(index).getType());
    auto scan = ScanOp::create(rewriter, op.getLoc(), types, op.getInit(),
                               op.getXs(), op.getConsts(), op.getTripCount(),
                               op.getLength(), op.getReverse(),
                               op.getCheckpoint(), op.getCheckpointEveryAttr());
    rewriter.inlineRegionBefore(op.getBody(), scan.getBody(),
                                scan.getBody().end());
    YieldOp yield = scan.getYield();
    SmallVector<Value> yielded(yield.getValues().take_front(numCarries));
    for (unsigned index : kept)
      yielded.push_back(yield.getOperand(index));
    rewriter.setInsertionPoint(yield);
    rewriter.replaceOpWithNewOp<YieldOp>(yield, yielded);
    SmallVector<Value> replacements(scan.getFinalCarries());
    replacements.resize(op.getNumResults());
    for (auto [position, index] : llvm::enumerate(kept))
      replacements[index] = scan.getResult(numCarries + position);
    rewriter.replaceOp(op, replacements);
    return success();
  }
};
/// Drops the scanned inputs and consts that the body does not use (after
/// autodiff, the tapes of carries that the reverse sweep does not need).
struct DropUnusedInputs : OpRewritePattern<ScanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScanOp op,
                                PatternRewriter &rewriter) const override {
    Block &block = op.getBodyBlock();
    SmallVector<Value> xs, consts;
    llvm::BitVector erased(block.getNumArguments());
    for (auto [argument, x] : llvm::zip(op.getSliceArguments(), op.getXs())) {
      if (argument.use_empty())
        erased.set(argument.getArgNumber());
      else
        xs.push_back(x);
    }
    for (auto [argument, constant] :
         llvm::zip(op.getConstArguments(), op.getConsts())) {
      if (argument.use_empty())
        erased.set(argument.getArgNumber());
      else
        consts.push_back(constant);
    }
    if (erased.none())
      return failure();
    auto scan = ScanOp::create(rewriter, op.getLoc(), op.getResultTypes(),
                               op.getInit(), xs, consts, op.getTripCount(),
                               op.getLength(), op.getReverse(),
                               op.getCheckpoint(), op.getCheckpointEveryAttr());
    rewriter.inlineRegionBefore(op.getBody(), scan.getBody(),
                                scan.getBody().end());
    rewriter.modifyOpInPlace(
        scan, [&] { scan.getBodyBlock().eraseArguments(erased); });
    rewriter.replaceOp(op, scan.getResults());
    return success();
  }
};
} // namespace

void ScanOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                         MLIRContext *context) {
  patterns.add<FoldEmptyScan, FoldConstantTripCount, InlineSingleStepScan,
               DropUnusedStackedOutputs, DropUnusedInputs>(context);
}
