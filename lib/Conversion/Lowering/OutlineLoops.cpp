//===- OutlineLoops.cpp - one function per top-level loop nest ------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITOUTLINELOOPS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The values `op` (and the ops nested in it) use that are defined outside
/// it, in order of first use.
llvm::SetVector<Value> getCapturedValues(Operation *op) {
  llvm::SetVector<Value> captured;
  op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands()) {
      if (!op->isAncestor(operand.getParentRegion()->getParentOp()))
        captured.insert(operand);
    }
  });
  return captured;
}

/// True for a value `op` can recompute inside the outlined function: the
/// result of a constant with no operands.
bool isClonableConstant(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 0 && def->getNumRegions() == 0 &&
         def->hasTrait<OpTrait::ConstantLike>();
}

/// Moves `loop` into a new private function inserted after `func` and calls
/// it in its place.
void outline(Operation *loop, func::FuncOp func, StringRef name,
             SymbolTable &symbols) {
  llvm::SetVector<Value> captured = getCapturedValues(loop);
  SmallVector<Value> arguments;
  for (Value value : captured)
    if (!isClonableConstant(value))
      arguments.push_back(value);

  OpBuilder builder(func);
  builder.setInsertionPointAfter(func);
  auto type = builder.getFunctionType(ValueRange(arguments).getTypes(),
                                      loop->getResultTypes());
  auto callee = func::FuncOp::create(builder, loop->getLoc(), name, type);
  callee.setPrivate();
  // LLVM's inliner would put a single-use function back; func-to-llvm
  // carries `passthrough` over to the LLVM function.
  callee->setAttr("passthrough",
                  builder.getArrayAttr(builder.getStringAttr("noinline")));
  symbols.insert(callee);

  Block *body = callee.addEntryBlock();
  builder.setInsertionPointToStart(body);
  IRMapping mapping;
  for (auto [value, argument] : llvm::zip(arguments, body->getArguments()))
    mapping.map(value, argument);
  for (Value value : captured)
    if (isClonableConstant(value))
      mapping.map(value,
                  builder.clone(*value.getDefiningOp())
                      ->getResult(cast<OpResult>(value).getResultNumber()));
  Operation *clone = builder.clone(*loop, mapping);
  func::ReturnOp::create(builder, loop->getLoc(), clone->getResults());

  builder.setInsertionPoint(loop);
  auto call = func::CallOp::create(builder, loop->getLoc(), callee, arguments);
  loop->replaceAllUsesWith(call.getResults());
  loop->erase();
}

struct OutlineLoopsPass : adjit::impl::AdjitOutlineLoopsBase<OutlineLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      if (func.isExternal())
        continue;
      SmallVector<Operation *> loops;
      for (Operation &op : func.getBody().getOps())
        if (isa<scf::ForOp, scf::ParallelOp>(op))
          loops.push_back(&op);
      int64_t index = 0;
      for (Operation *loop : loops) {
        std::string name;
        do
          name = (func.getName() + "_loop" + Twine(index++)).str();
        while (symbols.lookup(name));
        outline(loop, func, name, symbols);
      }
    }
  }
};

} // namespace
