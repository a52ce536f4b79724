//===- AdjointEmitter.cpp - primal and adjoint of one block ---------------===//

#include "AdjointEmitter.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

void AdjointEmitter::emitPrimal(Block &block, IRMapping &mapping) {
  primal = &mapping;
  for (Operation &op : block.without_terminator()) {
    auto scan = dyn_cast<ScanOp>(op);
    Operation *clone = scan && activity.isActive(&op)
                           ? cloneScanWithTape(scan, mapping)
                           : builder.clone(op, mapping);
    clones.emplace_back(&op, clone);
  }
}

void AdjointEmitter::seed(Value value, Value seed) {
  if (activity.isActive(value))
    accumulate(value, seed);
}

void AdjointEmitter::accumulate(Value value, Value contribution) {
  auto [it, inserted] = adjoints.try_emplace(value, contribution);
  if (!inserted)
    it->second =
        AddOp::create(builder, contribution.getLoc(), it->second, contribution);
}

LogicalResult AdjointEmitter::emitAdjoint() {
  for (auto [op, clone] : llvm::reverse(clones)) {
    if (!activity.isActive(op))
      continue;
    if (failed(differentiate(op, clone)))
      return failure();
  }
  return success();
}

LogicalResult AdjointEmitter::differentiate(Operation *op, Operation *clone) {
  SmallVector<Value> resultAdjoints;
  for (Value result : op->getResults())
    resultAdjoints.push_back(activity.isActive(result) ? adjoints.lookup(result)
                                                       : Value());
  if (llvm::none_of(resultAdjoints, [](Value adjoint) { return adjoint; }))
    return success();
  if (auto scan = dyn_cast<ScanOp>(op))
    return differentiateScan(scan, *primal);
  auto adjointOp = dyn_cast<AdjointOpInterface>(clone);
  if (!adjointOp)
    return op->emitError("cannot differentiate through '")
           << op->getName()
           << "': it has no adjoint rule (only adjit ops implementing "
              "AdjointOpInterface and adjit.scan are differentiable)";
  SmallVector<bool> requested;
  for (OpOperand &operand : op->getOpOperands())
    requested.push_back(
        adjointOp.isDifferentiableOperand(operand.getOperandNumber()) &&
        activity.isActive(operand.get()));
  SmallVector<Value> operandAdjoints;
  if (failed(adjointOp.buildAdjoints(builder, resultAdjoints, requested,
                                     operandAdjoints)))
    return failure();
  if (operandAdjoints.size() != op->getNumOperands())
    return op->emitError("adjoint rule of '")
           << op->getName() << "' returned " << operandAdjoints.size()
           << " adjoints for " << op->getNumOperands() << " operands";
  for (auto [index, adjoint] : llvm::enumerate(operandAdjoints)) {
    if (!adjoint || !requested[index])
      continue;
    Type expected = op->getOperand(index).getType();
    if (adjoint.getType() != expected)
      return op->emitError("adjoint rule of '")
             << op->getName() << "' returned " << adjoint.getType()
             << " for operand #" << index << " of type " << expected;
    accumulate(op->getOperand(index), adjoint);
  }
  return success();
}
