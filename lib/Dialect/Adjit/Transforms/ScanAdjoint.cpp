//===- ScanAdjoint.cpp - reverse-mode differentiation of adjit.scan -------===//
//
// The adjoint of a scan is a scan in the opposite direction. The forward
// scan stores the carry entering every step (the tape: one stacked tensor
// per carry the body uses); consts and the step index take no tape space.
// Step i of the reverse scan recomputes the body of step i from the taped
// carry, the slices of step i and the consts, and differentiates it: its
// carries are the adjoints of the carries and the sums of the adjoints of
// the consts; its stacked outputs are the adjoints of the scanned inputs.
// The reverse scan is adjit IR like any other, so it can be differentiated
// again.
//
//===----------------------------------------------------------------------===//

#include "AdjointEmitter.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

/// Returns the mapped trip count of `op` if it is known only at run time,
/// else null.
static Value lookupTripCount(ScanOp op, const IRMapping &mapping) {
  Value tripCount = op.getTripCount();
  return tripCount ? mapping.lookupOrDefault(tripCount) : Value();
}

Value AdjointEmitter::createIndexConstant(OpBuilder &builder, Location loc,
                                          int64_t value) {
  auto type = RankedTensorType::get({}, builder.getI64Type());
  return ConstantOp::create(
      builder, loc,
      DenseElementsAttr::get(type, builder.getI64IntegerAttr(value)));
}

SmallVector<Value>
AdjointEmitter::recomputeCarries(ScanOp op, Value position, Value tripCount,
                                 ValueRange init, ValueRange xs,
                                 ValueRange consts, ArrayRef<unsigned> usedXs,
                                 ArrayRef<unsigned> usedConsts) {
  Location loc = op.getLoc();
  unsigned numCarries = op.getNumCarries();
  SmallVector<Value> carryInit(init);
  carryInit.push_back(createIndexConstant(builder, loc, 0));
  SmallVector<Value> scanConsts(consts);
  scanConsts.push_back(position);
  SmallVector<Type> types(ValueRange(carryInit).getTypes());
  auto scan = ScanOp::create(builder, loc, types, carryInit, xs, scanConsts,
                             tripCount, op.getLength(), op.getReverse(),
                             CheckpointPolicy::recompute_all, IntegerAttr());
  Block *block = new Block();
  scan.getBody().push_back(block);
  IRMapping mapping;
  SmallVector<Value> carries;
  for (Value carry : op.getCarryArguments())
    carries.push_back(block->addArgument(carry.getType(), loc));
  mapping.map(op.getCarryArguments(), carries);
  Value count = block->addArgument(carryInit.back().getType(), loc);
  for (unsigned j : usedXs) {
    Value slice = op.getSliceArguments()[j];
    mapping.map(slice, block->addArgument(slice.getType(), loc));
  }
  for (unsigned l : usedConsts) {
    Value constant = op.getConstArguments()[l];
    mapping.map(constant, block->addArgument(constant.getType(), loc));
  }
  Value limit = block->addArgument(position.getType(), loc);

  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(block);
  for (Operation &nested : op.getBodyBlock().without_terminator())
    builder.clone(nested, mapping);
  // Steps at and after the position keep the carries they receive.
  Value before =
      CompareOp::create(builder, loc, ComparePredicate::lt, count, limit);
  SmallVector<Value> yielded;
  for (auto [carry, value] :
       llvm::zip(carries, op.getYield().getValues().take_front(numCarries))) {
    auto type = cast<RankedTensorType>(carry.getType());
    Value mask = before;
    if (type.getRank() != 0)
      mask = BroadcastOp::create(
          builder, loc,
          RankedTensorType::get(type.getShape(), builder.getI1Type()), before,
          ArrayRef<int64_t>{});
    yielded.push_back(SelectOp::create(builder, loc, mask,
                                       mapping.lookupOrDefault(value), carry));
  }
  yielded.push_back(
      AddOp::create(builder, loc, count, createIndexConstant(builder, loc, 1)));
  YieldOp::create(builder, loc, yielded);
  return SmallVector<Value>(scan.getResults().take_front(numCarries));
}

Operation *AdjointEmitter::cloneScanWithTape(ScanOp op, IRMapping &mapping) {
  Location loc = op.getLoc();
  unsigned numCarries = op.getNumCarries();
  SmallVector<Type> types(op.getResultTypes());
  SmallVector<unsigned> taped;
  bool recompute = op.getCheckpoint() == CheckpointPolicy::recompute_all;
  for (BlockArgument carry : op.getCarryArguments())
    if (!recompute && !carry.use_empty()) {
      taped.push_back(carry.getArgNumber());
      types.push_back(ScanOp::getStackedType(carry.getType(), op.getLength()));
    }
  auto lookup = [&](ValueRange values) {
    return llvm::map_to_vector(
        values, [&](Value value) { return mapping.lookupOrDefault(value); });
  };
  auto clone = ScanOp::create(
      builder, loc, types, lookup(op.getInit()), lookup(op.getXs()),
      lookup(op.getConsts()), lookupTripCount(op, mapping), op.getLength(),
      op.getReverse(), op.getCheckpoint(), op.getCheckpointEveryAttr());
  IRMapping bodyMapping;
  op.getBody().cloneInto(&clone.getBody(), bodyMapping);
  YieldOp yield = clone.getYield();
  SmallVector<Value> yielded(yield.getValues());
  for (unsigned k : taped)
    yielded.push_back(clone.getBodyBlock().getArgument(k));
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPoint(yield);
    YieldOp::create(builder, yield.getLoc(), yielded);
    yield.erase();
  }
  for (auto [original, copy] : llvm::zip(op.getResults(), clone.getResults()))
    mapping.map(original, copy);
  SmallVector<Value> &tape = tapes[op];
  tape.assign(numCarries, Value());
  for (auto [position, k] : llvm::enumerate(taped))
    tape[k] = clone.getResult(op.getNumResults() + position);
  return clone;
}

LogicalResult AdjointEmitter::differentiateScan(ScanOp op,
                                                const IRMapping &mapping) {
  Location loc = op.getLoc();
  unsigned numCarries = op.getNumCarries();
  auto resultAdjoint = [&](Value result) {
    return activity.isActive(result) ? adjoints.lookup(result) : Value();
  };
  // An empty scan passes its initial carries through (a trip count known at
  // run time is then 0 too).
  if (op.getLength() == 0) {
    for (auto [init, result] : llvm::zip(op.getInit(), op.getFinalCarries()))
      if (Value adjoint = resultAdjoint(result);
          adjoint && activity.isActive(init))
        accumulate(init, adjoint);
    return success();
  }

  ActivityAnalysis body = activity.analyzeScanBody(op);
  Block &block = op.getBodyBlock();
  YieldOp yield = op.getYield();
  SmallVector<Value> tape = tapes.lookup(op);

  // The reverse scan's carries: the adjoints of the tracked carries, then
  // the sums of the adjoints of the active consts.
  SmallVector<unsigned> trackedCarries, activeConsts, activeXs, seededOutputs,
      usedCarries, usedXs, usedConsts;
  for (BlockArgument carry : op.getCarryArguments()) {
    unsigned k = carry.getArgNumber();
    if (isDifferentiableType(carry.getType()) &&
        (body.isActive(carry) || body.isActive(yield.getOperand(k))))
      trackedCarries.push_back(k);
    if (!carry.use_empty())
      usedCarries.push_back(k);
  }
  for (auto [j, slice] : llvm::enumerate(op.getSliceArguments())) {
    if (body.isActive(slice))
      activeXs.push_back(j);
    if (!slice.use_empty())
      usedXs.push_back(j);
  }
  for (auto [l, constant] : llvm::enumerate(op.getConstArguments())) {
    if (body.isActive(constant))
      activeConsts.push_back(l);
    if (!constant.use_empty())
      usedConsts.push_back(l);
  }
  for (auto [j, result] : llvm::enumerate(op.getStackedOutputs()))
    if (resultAdjoint(result) &&
        body.isActive(yield.getOperand(numCarries + j)))
      seededOutputs.push_back(j);
  if (trackedCarries.empty() && seededOutputs.empty())
    return success();

  // Under recompute_all nothing is taped: the reverse scan carries the
  // position of the step it differentiates and recomputes its carry from the
  // initial carries (see recomputeCarries).
  bool recompute = op.getCheckpoint() == CheckpointPolicy::recompute_all;
  // A trip count known at run time: the reverse scan runs the same steps.
  Value tripCount = lookupTripCount(op, mapping);
  SmallVector<Value> init, xs, consts;
  SmallVector<Type> resultTypes;
  for (unsigned k : trackedCarries) {
    Value adjoint = resultAdjoint(op.getResult(k));
    Type type = op.getResult(k).getType();
    init.push_back(adjoint ? adjoint
                           : createSplatConstant(builder, loc, type, 0.0));
    resultTypes.push_back(type);
  }
  for (unsigned l : activeConsts) {
    Type type = op.getConsts()[l].getType();
    init.push_back(createSplatConstant(builder, loc, type, 0.0));
    resultTypes.push_back(type);
  }
  if (recompute) {
    Value last =
        tripCount ? Value(SubOp::create(builder, loc, tripCount,
                                        createIndexConstant(builder, loc, 1)))
                  : createIndexConstant(builder, loc, op.getLength() - 1);
    init.push_back(last);
    resultTypes.push_back(last.getType());
  } else {
    for (unsigned k : usedCarries)
      xs.push_back(tape[k]);
  }
  for (unsigned j : usedXs)
    xs.push_back(mapping.lookupOrDefault(op.getXs()[j]));
  for (unsigned j : seededOutputs)
    xs.push_back(resultAdjoint(op.getStackedOutputs()[j]));
  for (unsigned l : usedConsts)
    consts.push_back(mapping.lookupOrDefault(op.getConsts()[l]));
  if (recompute) {
    for (Value carry : op.getInit())
      consts.push_back(mapping.lookupOrDefault(carry));
    for (unsigned j : usedXs)
      consts.push_back(mapping.lookupOrDefault(op.getXs()[j]));
    if (tripCount)
      consts.push_back(tripCount);
  }
  for (unsigned j : activeXs)
    resultTypes.push_back(op.getXs()[j].getType());

  // The reverse scan keeps the policy: it has the same length, and a second
  // derivative checkpoints it in the same way.
  auto reverse = ScanOp::create(
      builder, loc, resultTypes, init, xs, consts, tripCount, op.getLength(),
      !op.getReverse(), op.getCheckpoint(), op.getCheckpointEveryAttr());
  auto *reverseBody = new Block();
  reverse.getBody().push_back(reverseBody);
  auto addArguments = [&](ValueRange values, bool sliced) {
    SmallVector<Value> arguments;
    for (Value value : values)
      arguments.push_back(reverseBody->addArgument(
          sliced ? ScanOp::getSliceType(value.getType()) : value.getType(),
          loc));
    return arguments;
  };
  SmallVector<Value> carryArguments = addArguments(init, false);
  SmallVector<Value> sliceArguments = addArguments(xs, true);
  SmallVector<Value> constArguments = addArguments(consts, false);

  // One step: recompute the body from the taped carry and differentiate it.
  {
    OpBuilder::InsertionGuard guard(builder);
    builder.setInsertionPointToStart(reverseBody);
    IRMapping stepMapping;
    unsigned next = 0;
    if (recompute) {
      unsigned numTracked = trackedCarries.size() + activeConsts.size();
      ValueRange initArguments =
          ArrayRef<Value>(constArguments).slice(usedConsts.size(), numCarries);
      ValueRange xsArguments =
          ArrayRef<Value>(constArguments)
              .slice(usedConsts.size() + numCarries, usedXs.size());
      Value count = tripCount ? constArguments.back() : Value();
      SmallVector<Value> carries = recomputeCarries(
          op, carryArguments[numTracked], count, initArguments, xsArguments,
          ArrayRef<Value>(constArguments).take_front(usedConsts.size()), usedXs,
          usedConsts);
      for (unsigned k : usedCarries)
        stepMapping.map(block.getArgument(k), carries[k]);
    } else {
      for (unsigned k : usedCarries)
        stepMapping.map(block.getArgument(k), sliceArguments[next++]);
    }
    for (unsigned j : usedXs)
      stepMapping.map(op.getSliceArguments()[j], sliceArguments[next++]);
    for (auto [position, l] : llvm::enumerate(usedConsts))
      stepMapping.map(op.getConstArguments()[l], constArguments[position]);
    AdjointEmitter step(builder, body);
    step.emitPrimal(block, stepMapping);
    for (auto [position, k] : llvm::enumerate(trackedCarries))
      step.seed(yield.getOperand(k), carryArguments[position]);
    for (unsigned j : seededOutputs)
      step.seed(yield.getOperand(numCarries + j), sliceArguments[next++]);
    if (failed(step.emitAdjoint()))
      return failure();

    SmallVector<Value> yielded;
    for (unsigned k : trackedCarries) {
      Value adjoint = step.getAdjoint(block.getArgument(k));
      yielded.push_back(
          adjoint ? adjoint
                  : createSplatConstant(builder, loc,
                                        block.getArgument(k).getType(), 0.0));
    }
    for (auto [position, l] : llvm::enumerate(activeConsts)) {
      Value sum = carryArguments[trackedCarries.size() + position];
      if (Value adjoint = step.getAdjoint(op.getConstArguments()[l]))
        sum = AddOp::create(builder, loc, sum, adjoint);
      yielded.push_back(sum);
    }
    if (recompute) {
      Value position =
          carryArguments[trackedCarries.size() + activeConsts.size()];
      yielded.push_back(SubOp::create(builder, loc, position,
                                      createIndexConstant(builder, loc, 1)));
    }
    for (unsigned j : activeXs) {
      Value slice = op.getSliceArguments()[j];
      Value adjoint = step.getAdjoint(slice);
      yielded.push_back(
          adjoint ? adjoint
                  : createSplatConstant(builder, loc, slice.getType(), 0.0));
    }
    YieldOp::create(builder, loc, yielded);
  }

  // The reverse scan's results are the adjoints of the scan's operands.
  unsigned position = 0;
  for (unsigned k : trackedCarries) {
    Value init = op.getInit()[k];
    Value adjoint = reverse.getResult(position++);
    if (activity.isActive(init))
      accumulate(init, adjoint);
  }
  for (unsigned l : activeConsts) {
    Value constant = op.getConsts()[l];
    Value adjoint = reverse.getResult(position++);
    if (activity.isActive(constant))
      accumulate(constant, adjoint);
  }
  if (recompute)
    ++position;
  for (unsigned j : activeXs) {
    Value x = op.getXs()[j];
    Value adjoint = reverse.getResult(position++);
    if (activity.isActive(x))
      accumulate(x, adjoint);
  }
  return success();
}
