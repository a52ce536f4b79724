//===- ActivityAnalysis.cpp - which values need adjoints ------------------===//

#include "ActivityAnalysis.h"

using namespace mlir;
using namespace mlir::adjit;

bool mlir::adjit::isDifferentiableType(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  return tensorType && tensorType.hasStaticShape() &&
         (tensorType.getElementType().isF32() ||
          tensorType.getElementType().isF64());
}

namespace {
using ValueSet = llvm::DenseSet<Value>;

/// Calls `callback` on every value that `op` depends on: its operands and,
/// for an op with regions, the values defined above them that its regions
/// use. With `differentiableOnly`, only the differentiable operands of an op
/// with AdjointOpInterface.
void forEachDependency(Operation *op, bool differentiableOnly,
                       function_ref<void(Value)> callback) {
  auto adjointOp = dyn_cast<AdjointOpInterface>(op);
  for (OpOperand &operand : op->getOpOperands())
    if (!differentiableOnly || !adjointOp ||
        adjointOp.isDifferentiableOperand(operand.getOperandNumber()))
      callback(operand.get());
  if (op->getNumRegions() == 0)
    return;
  op->walk([&](Operation *nested) {
    for (Value value : nested->getOperands())
      if (!op->isAncestor(value.getParentRegion()->getParentOp()))
        callback(value);
  });
}

void propagateVaried(Block &block, ValueSet &varied);
void propagateUseful(Block &block, ValueSet &useful);

/// Returns which body arguments of `scan` are varied, given the varied
/// values `outer` of the enclosing block; fills `inner` with the varied
/// values of the body. Iterates until the carries are stable: a carry whose
/// yielded value is varied is varied in the next step.
SmallVector<bool> variedScanArguments(ScanOp scan, const ValueSet &outer,
                                      ValueSet &inner) {
  Block &body = scan.getBodyBlock();
  SmallVector<bool> flags;
  for (auto [argument, operand] :
       llvm::zip(body.getArguments(), scan->getOperands()))
    flags.push_back(isDifferentiableType(argument.getType()) &&
                    outer.contains(operand));
  YieldOp yield = scan.getYield();
  while (true) {
    inner.clear();
    for (auto [argument, flag] : llvm::zip(body.getArguments(), flags))
      if (flag)
        inner.insert(argument);
    propagateVaried(body, inner);
    bool changed = false;
    for (unsigned k = 0, e = scan.getNumCarries(); k < e; ++k)
      if (!flags[k] && inner.contains(yield.getOperand(k))) {
        flags[k] = true;
        changed = true;
      }
    if (!changed)
      return flags;
  }
}

/// Returns which yielded values of `scan` are useful, given the useful values
/// `outer` of the enclosing block; fills `inner` with the useful values of
/// the body. Iterates until the carries are stable: a carry argument that is
/// useful makes the carry yielded by the previous step useful.
SmallVector<bool> usefulScanYields(ScanOp scan, const ValueSet &outer,
                                   ValueSet &inner) {
  Block &body = scan.getBodyBlock();
  YieldOp yield = scan.getYield();
  SmallVector<bool> flags;
  for (auto [yielded, result] : llvm::zip(yield.getValues(), scan.getResults()))
    flags.push_back(isDifferentiableType(yielded.getType()) &&
                    outer.contains(result));
  while (true) {
    inner.clear();
    for (auto [yielded, flag] : llvm::zip(yield.getValues(), flags))
      if (flag)
        inner.insert(yielded);
    propagateUseful(body, inner);
    bool changed = false;
    for (unsigned k = 0, e = scan.getNumCarries(); k < e; ++k)
      if (!flags[k] && isDifferentiableType(yield.getOperand(k).getType()) &&
          inner.contains(body.getArgument(k))) {
        flags[k] = true;
        changed = true;
      }
    if (!changed)
      return flags;
  }
}

/// Forward: an op with a varied dependency has varied results. Ops with the
/// interface only vary differentiable (float) results; for other ops every
/// result counts, so that their misuse is reported.
void propagateVaried(Block &block, ValueSet &varied) {
  for (Operation &op : block.without_terminator()) {
    if (auto scan = dyn_cast<ScanOp>(op)) {
      ValueSet inner;
      SmallVector<bool> arguments = variedScanArguments(scan, varied, inner);
      YieldOp yield = scan.getYield();
      for (auto [index, result] : llvm::enumerate(scan.getResults())) {
        bool passesInit = index < scan.getNumCarries() && arguments[index];
        if (isDifferentiableType(result.getType()) &&
            (passesInit || inner.contains(yield.getOperand(index))))
          varied.insert(result);
      }
      continue;
    }
    bool anyVaried = false;
    forEachDependency(&op, /*differentiableOnly=*/true, [&](Value value) {
      anyVaried |= varied.contains(value);
    });
    if (!anyVaried)
      continue;
    bool hasRule = isa<AdjointOpInterface>(op);
    for (Value result : op.getResults())
      if (!hasRule || isDifferentiableType(result.getType()))
        varied.insert(result);
  }
}

/// Backward: the dependencies of useful results are useful.
void propagateUseful(Block &block, ValueSet &useful) {
  for (Operation &op : llvm::reverse(block.without_terminator())) {
    if (llvm::none_of(op.getResults(),
                      [&](Value result) { return useful.contains(result); }))
      continue;
    if (auto scan = dyn_cast<ScanOp>(op)) {
      ValueSet inner;
      SmallVector<bool> yields = usefulScanYields(scan, useful, inner);
      (void)yields;
      Block &body = scan.getBodyBlock();
      // The trip count, an integer after the operands that enter the body,
      // takes no adjoint.
      for (auto [index, operand] : llvm::enumerate(
               scan->getOperands().take_front(body.getNumArguments()))) {
        // A final carry is its initial value when the scan is empty.
        bool passesFinal = index < scan.getNumCarries() &&
                           useful.contains(scan.getResult(index));
        if (passesFinal || inner.contains(body.getArgument(index)))
          useful.insert(operand);
      }
      continue;
    }
    forEachDependency(&op, /*differentiableOnly=*/true,
                      [&](Value value) { useful.insert(value); });
  }
}
} // namespace

ActivityAnalysis::ActivityAnalysis(Block &block, ArrayRef<bool> variedArguments,
                                   ArrayRef<bool> usefulResults) {
  for (auto [argument, flag] : llvm::zip(block.getArguments(), variedArguments))
    if (flag)
      varied.insert(argument);
  propagateVaried(block, varied);
  Operation *terminator = block.getTerminator();
  for (auto [operand, flag] :
       llvm::zip(terminator->getOperands(), usefulResults))
    if (flag)
      useful.insert(operand);
  propagateUseful(block, useful);
}

static SmallVector<bool> indexFlags(unsigned size, ArrayRef<int64_t> indices) {
  SmallVector<bool> flags(size, false);
  for (int64_t index : indices)
    flags[index] = true;
  return flags;
}

ActivityAnalysis::ActivityAnalysis(func::FuncOp function, ArrayRef<int64_t> wrt,
                                   ArrayRef<int64_t> of)
    : ActivityAnalysis(
          function.getBody().front(),
          indexFlags(function.getNumArguments(), wrt),
          indexFlags(function.getFunctionType().getNumResults(), of)) {}

ActivityAnalysis ActivityAnalysis::analyzeScanBody(ScanOp scan) const {
  ValueSet inner;
  SmallVector<bool> arguments = variedScanArguments(scan, varied, inner);
  SmallVector<bool> yields = usefulScanYields(scan, useful, inner);
  return ActivityAnalysis(scan.getBodyBlock(), arguments, yields);
}

bool ActivityAnalysis::isActive(Operation *op) const {
  return llvm::any_of(op->getResults(),
                      [&](Value result) { return isActive(result); });
}
