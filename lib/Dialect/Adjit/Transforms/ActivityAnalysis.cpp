//===- ActivityAnalysis.cpp - which values need adjoints ------------------===//

#include "ActivityAnalysis.h"

#include "adjit/Dialect/Adjit/IR/Adjit.h"

using namespace mlir;
using namespace mlir::adjit;

bool mlir::adjit::isDifferentiableType(Type type) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  return tensorType && tensorType.hasStaticShape() &&
         (tensorType.getElementType().isF32() ||
          tensorType.getElementType().isF64());
}

namespace {
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
} // namespace

ActivityAnalysis::ActivityAnalysis(func::FuncOp function, ArrayRef<int64_t> wrt,
                                   ArrayRef<int64_t> of) {
  Block &body = function.getBody().front();
  for (int64_t index : wrt)
    varied.insert(body.getArgument(index));
  // Forward: an op with a varied dependency has varied results. Ops with the
  // interface only vary differentiable (float) results; for other ops every
  // result counts, so that their misuse is reported.
  for (Operation &op : body.without_terminator()) {
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
  // Backward: the dependencies of useful results are useful.
  Operation *terminator = body.getTerminator();
  for (int64_t index : of)
    useful.insert(terminator->getOperand(index));
  for (Operation &op : llvm::reverse(
           llvm::make_range(body.begin(), terminator->getIterator()))) {
    if (llvm::none_of(op.getResults(),
                      [&](Value result) { return useful.contains(result); }))
      continue;
    forEachDependency(&op, /*differentiableOnly=*/true,
                      [&](Value value) { useful.insert(value); });
  }
}

bool ActivityAnalysis::isActive(Operation *op) const {
  return llvm::any_of(op->getResults(),
                      [&](Value result) { return isActive(result); });
}
