//===- PackedEntryPoints.cpp - the JIT's calling convention ---------------===//

#include "PackedEntryPoints.h"

#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/Transforms/Utils/Local.h"

using namespace adjit::jit;

namespace {

/// Stores `value`, of the type `aggregateType` has at `path`, to `pointer`
/// (which points at an `aggregateType`), at `path`. An aggregate built by a
/// chain of `insertvalue`s is stored field by field, recursively.
void storeDecomposed(llvm::IRBuilder<> &builder, llvm::Value *value,
                     llvm::Type *aggregateType, llvm::Value *pointer,
                     llvm::SmallVectorImpl<llvm::Value *> &path) {
  auto *insert = llvm::dyn_cast<llvm::InsertValueInst>(value);
  if (!insert) {
    if (llvm::isa<llvm::UndefValue>(value))
      return; // Undefined contents (poison included) need no store.
    llvm::Value *address =
        path.size() == 1
            ? pointer
            : builder.CreateInBoundsGEP(aggregateType, pointer, path);
    builder.CreateStore(value, address);
    return;
  }
  // The chain's writes, from the first to the last, so that a later one
  // overrides an earlier one at the same or an enclosing position.
  llvm::SmallVector<llvm::InsertValueInst *> chain;
  llvm::Value *base = value;
  while (auto *link = llvm::dyn_cast<llvm::InsertValueInst>(base)) {
    chain.push_back(link);
    base = link->getAggregateOperand();
  }
  storeDecomposed(builder, base, aggregateType, pointer, path);
  for (llvm::InsertValueInst *link : llvm::reverse(chain)) {
    size_t depth = path.size();
    for (unsigned index : link->getIndices())
      path.push_back(builder.getInt32(index));
    storeDecomposed(builder, link->getInsertedValueOperand(), aggregateType,
                    pointer, path);
    path.resize(depth);
  }
}

/// Rewrites `function`, which returns a struct and has no uses, into one that
/// returns nothing and stores its result through a new last argument.
/// Returns the new function, which takes the old one's name.
llvm::Function *returnThroughPointer(llvm::Function &function) {
  llvm::LLVMContext &context = function.getContext();
  llvm::Type *resultType = function.getReturnType();
  llvm::SmallVector<llvm::Type *> parameterTypes(
      function.getFunctionType()->params());
  parameterTypes.push_back(llvm::PointerType::getUnqual(context));
  auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                       parameterTypes, /*isVarArg=*/false);
  auto *rewritten = llvm::Function::Create(type, function.getLinkage(),
                                           function.getAddressSpace(), "",
                                           function.getParent());
  llvm::AttributeList attributes = function.getAttributes();
  llvm::SmallVector<llvm::AttributeSet> parameterAttributes;
  for (unsigned i = 0, e = function.arg_size(); i < e; ++i)
    parameterAttributes.push_back(attributes.getParamAttrs(i));
  parameterAttributes.emplace_back();
  rewritten->setAttributes(
      llvm::AttributeList::get(context, attributes.getFnAttrs(),
                               llvm::AttributeSet(), parameterAttributes));
  rewritten->setCallingConv(function.getCallingConv());
  rewritten->setSubprogram(function.getSubprogram());
  rewritten->splice(rewritten->end(), &function);
  for (auto [from, to] : llvm::zip(function.args(), rewritten->args())) {
    to.takeName(&from);
    from.replaceAllUsesWith(&to);
  }
  llvm::Argument *resultPointer = rewritten->getArg(function.arg_size());
  resultPointer->setName("result");

  llvm::IRBuilder<> builder(context);
  llvm::SmallVector<llvm::ReturnInst *> returns;
  for (llvm::BasicBlock &block : *rewritten)
    if (auto *ret = llvm::dyn_cast<llvm::ReturnInst>(block.getTerminator()))
      returns.push_back(ret);
  for (llvm::ReturnInst *ret : returns) {
    builder.SetInsertPoint(ret);
    llvm::SmallVector<llvm::Value *> path{builder.getInt32(0)};
    llvm::Value *result = ret->getReturnValue();
    storeDecomposed(builder, result, resultType, resultPointer, path);
    builder.CreateRetVoid();
    ret->eraseFromParent();
    // Instruction selection would still build the chains it decomposed.
    llvm::RecursivelyDeleteTriviallyDeadInstructions(result);
  }
  rewritten->takeName(&function);
  function.eraseFromParent();
  return rewritten;
}

/// True if `function`'s parameters carry no attributes, which a packed
/// entry point holding its body would not keep.
bool hasPlainParameters(const llvm::Function &function) {
  llvm::AttributeList attributes = function.getAttributes();
  for (unsigned i = 0, e = function.arg_size(); i < e; ++i)
    if (attributes.getParamAttrs(i).hasAttributes())
      return false;
  return true;
}

/// Moves the body of `function`, which nothing calls, into the empty
/// `packed` entry point, which reads the arguments from its list at its
/// entry and stores a result through the list's next pointer; erases
/// `function`. If `resultByPointer`, `function` was rewritten by
/// returnThroughPointer and its last argument is that pointer. A wrapper
/// that loads the arguments and calls `function` computes the same, but the
/// many scalar arguments of a program's function (memref descriptors,
/// spread out) send the function to SelectionDAG at -O0, and a program's
/// function is its largest one.
void moveBodyIntoPacked(llvm::Function &function, bool resultByPointer,
                        llvm::Function &packed) {
  llvm::LLVMContext &context = function.getContext();
  packed.setAttributes(
      llvm::AttributeList::get(context, function.getAttributes().getFnAttrs(),
                               llvm::AttributeSet(), {}));
  packed.setCallingConv(function.getCallingConv());
  packed.setSubprogram(function.getSubprogram());
  packed.splice(packed.end(), &function);
  // The loads go first in the old entry block, which stays the entry block
  // so that its allocas stay static.
  llvm::BasicBlock &entry = packed.getEntryBlock();
  llvm::IRBuilder<> builder(&entry, entry.begin());
  llvm::Value *list = packed.arg_begin();
  auto loadPointer = [&](size_t index) -> llvm::Value * {
    llvm::Value *slot =
        builder.CreateGEP(builder.getPtrTy(), list, builder.getInt64(index));
    return builder.CreateLoad(builder.getPtrTy(), slot);
  };
  size_t arity = function.arg_size();
  for (size_t i = 0; i < arity; ++i) {
    llvm::Argument *argument = function.getArg(i);
    llvm::Value *value =
        resultByPointer && i + 1 == arity
            ? loadPointer(i)
            : builder.CreateLoad(argument->getType(), loadPointer(i));
    value->takeName(argument);
    argument->replaceAllUsesWith(value);
  }
  if (!function.getReturnType()->isVoidTy()) {
    llvm::SmallVector<llvm::ReturnInst *> returns;
    for (llvm::BasicBlock &block : packed)
      if (auto *ret = llvm::dyn_cast<llvm::ReturnInst>(block.getTerminator()))
        returns.push_back(ret);
    for (llvm::ReturnInst *ret : returns) {
      builder.SetInsertPoint(ret);
      builder.CreateStore(ret->getReturnValue(), loadPointer(arity));
      builder.CreateRetVoid();
      ret->eraseFromParent();
    }
  }
  function.eraseFromParent();
}

} // namespace

void detail::addPackedEntryPoints(llvm::Module &module) {
  llvm::LLVMContext &context = module.getContext();
  llvm::IRBuilder<> builder(context);
  llvm::SmallVector<llvm::Function *> entries;
  for (llvm::Function &function : module.functions())
    if (!function.isDeclaration() && !function.hasLocalLinkage())
      entries.push_back(&function);
  auto *packedType = llvm::FunctionType::get(
      builder.getVoidTy(), builder.getPtrTy(), /*isVarArg=*/false);
  for (llvm::Function *function : entries) {
    // The packed entry point's name is taken before a rewrite can rename.
    std::string name = ("_mlir_" + function->getName()).str();
    size_t arity = function->arg_size();
    llvm::Type *resultType = function->getReturnType();
    bool resultByPointer = resultType->isStructTy() && function->use_empty();
    if (resultByPointer)
      function = returnThroughPointer(*function);
    auto *packed = llvm::cast<llvm::Function>(
        module.getOrInsertFunction(name, packedType).getCallee());
    if (function->use_empty() && hasPlainParameters(*function)) {
      moveBodyIntoPacked(*function, resultByPointer, *packed);
      continue;
    }
    builder.SetInsertPoint(llvm::BasicBlock::Create(context, "", packed));
    llvm::Value *list = packed->arg_begin();
    auto loadPointer = [&](size_t index) -> llvm::Value * {
      llvm::Value *slot =
          builder.CreateGEP(builder.getPtrTy(), list, builder.getInt64(index));
      return builder.CreateLoad(builder.getPtrTy(), slot);
    };
    llvm::SmallVector<llvm::Value *, 8> arguments;
    for (size_t i = 0; i < arity; ++i)
      arguments.push_back(builder.CreateLoad(
          function->getFunctionType()->getParamType(i), loadPointer(i)));
    if (resultByPointer) {
      arguments.push_back(loadPointer(arity));
      builder.CreateCall(function, arguments);
    } else {
      llvm::Value *result = builder.CreateCall(function, arguments);
      if (!resultType->isVoidTy())
        builder.CreateStore(result, loadPointer(arity));
    }
    builder.CreateRetVoid();
  }
}
