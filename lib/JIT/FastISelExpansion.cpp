//===- FastISelExpansion.cpp - intrinsics FastISel selects ----------------===//

#include "FastISelExpansion.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Intrinsics.h"

using namespace adjit::jit;

namespace {

/// `value` (IEEE floating point, scalar or vector) with its sign bits clear.
llvm::Value *clearSignBit(llvm::IRBuilder<> &builder, llvm::Value *value) {
  llvm::Type *type = value->getType();
  unsigned bits = type->getScalarSizeInBits();
  llvm::Type *integerType =
      type->getWithNewType(llvm::IntegerType::get(type->getContext(), bits));
  llvm::Value *integer = builder.CreateBitCast(value, integerType);
  llvm::Value *mask =
      llvm::ConstantInt::get(integerType, llvm::APInt::getSignedMaxValue(bits));
  return builder.CreateBitCast(builder.CreateAnd(integer, mask), type);
}

} // namespace

unsigned detail::expandForFastISel(llvm::Module &module) {
  unsigned replaced = 0;
  llvm::IRBuilder<> builder(module.getContext());
  for (llvm::Function &function : module) {
    llvm::Intrinsic::ID id = function.getIntrinsicID();
    if (id != llvm::Intrinsic::fabs)
      continue;
    if (!function.getReturnType()->getScalarType()->isIEEELikeFPTy())
      continue;
    for (llvm::User *user : llvm::make_early_inc_range(function.users())) {
      auto *call = llvm::dyn_cast<llvm::CallInst>(user);
      if (!call || call->getCalledFunction() != &function)
        continue;
      builder.SetInsertPoint(call);
      llvm::Value *result = clearSignBit(builder, call->getArgOperand(0));
      result->takeName(call);
      call->replaceAllUsesWith(result);
      call->eraseFromParent();
      ++replaced;
    }
  }
  return replaced;
}
