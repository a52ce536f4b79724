//===- DropUnusedArguments.cpp - trim private LLVM function signatures ----===//
//
// After the conversion to the LLVM dialect, every memref argument of an
// outlined loop is a memref descriptor spread over five or more scalars, and
// a loop over a buffer of static shape reads only its aligned pointer. The
// extra arguments send the function from FastISel to SelectionDAG at -O0;
// this pass removes them, and the operands that pass them, in one walk.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITDROPUNUSEDARGUMENTS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Erases the ops defining `values` that are now trivially dead, and then
/// those defining their operands, and so on.
void eraseDeadDefinitions(ArrayRef<Value> values) {
  // A set: one op may define several of the values or operands, and must be
  // looked at (and erased) once. An op is erased only once it has no users,
  // so none can add it again afterwards.
  llvm::SetVector<Operation *> worklist;
  for (Value value : values)
    if (Operation *definition = value.getDefiningOp())
      worklist.insert(definition);
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (!isOpTriviallyDead(op))
      continue;
    for (Value operand : op->getOperands())
      if (Operation *definition = operand.getDefiningOp())
        worklist.insert(definition);
    op->erase();
  }
}

/// The elements of `attributes` (one per argument) not at `unused` positions.
ArrayAttr withoutUnused(ArrayAttr attributes, const llvm::BitVector &unused) {
  SmallVector<Attribute> kept;
  for (auto [index, attribute] : llvm::enumerate(attributes))
    if (!unused.test(index))
      kept.push_back(attribute);
  return ArrayAttr::get(attributes.getContext(), kept);
}

/// Removes the operands of `call` at the `unused` positions, with their
/// argument attributes, and erases their definitions left dead.
void dropOperands(LLVM::CallOp call, const llvm::BitVector &unused) {
  SmallVector<Value> dropped;
  MutableOperandRange operands = call.getCalleeOperandsMutable();
  for (int index = unused.find_last(); index >= 0;
       index = unused.find_prev(index)) {
    dropped.push_back(operands[index].get());
    operands.erase(index);
  }
  if (ArrayAttr attributes = call.getArgAttrsAttr())
    call.setArgAttrsAttr(withoutUnused(attributes, unused));
  eraseDeadDefinitions(dropped);
}

/// Removes the arguments of `function` at the `unused` positions, which have
/// no uses, from its type, its entry block and its argument attributes.
void eraseArguments(LLVM::LLVMFuncOp function, const llvm::BitVector &unused) {
  LLVM::LLVMFunctionType type = function.getFunctionType();
  SmallVector<Type> parameters;
  for (auto [index, parameter] : llvm::enumerate(type.getParams()))
    if (!unused.test(index))
      parameters.push_back(parameter);
  function.setFunctionType(LLVM::LLVMFunctionType::get(
      type.getReturnType(), parameters, type.isVarArg()));
  if (ArrayAttr attributes = function.getArgAttrsAttr())
    function.setArgAttrsAttr(withoutUnused(attributes, unused));
  function.getBody().front().eraseArguments(unused);
}

struct DropUnusedArgumentsPass
    : adjit::impl::AdjitDropUnusedArgumentsBase<DropUnusedArgumentsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The private definitions, and the direct calls of each.
    llvm::DenseMap<StringAttr, LLVM::LLVMFuncOp> functions;
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (!function.isExternal() && function.isPrivate() &&
          !function.isVarArg())
        functions[function.getSymNameAttr()] = function;
    if (functions.empty())
      return;
    llvm::DenseMap<StringAttr, SmallVector<LLVM::CallOp>> calls;
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(&module.getBodyRegion());
    if (!uses)
      return; // Uses the walk cannot see: leave every function as it is.
    for (const SymbolTable::SymbolUse &use : *uses) {
      SymbolRefAttr symbol = use.getSymbolRef();
      StringAttr name = symbol.getRootReference();
      if (!functions.count(name))
        continue;
      auto call = dyn_cast<LLVM::CallOp>(use.getUser());
      if (call && call.getCalleeAttr() == symbol &&
          call.getOpBundleOperands().empty())
        calls[name].push_back(call);
      else
        functions.erase(name); // Its address is taken, or it is called
                               // with operand bundles.
    }

    for (auto [name, function] : functions) {
      function.setLinkage(LLVM::Linkage::Internal);
      llvm::BitVector unused(function.getNumArguments());
      for (BlockArgument argument : function.getArguments())
        if (argument.use_empty())
          unused.set(argument.getArgNumber());
      if (unused.none())
        continue;
      eraseArguments(function, unused);
      for (LLVM::CallOp call : calls.lookup(name))
        dropOperands(call, unused);
    }
  }
};

} // namespace
