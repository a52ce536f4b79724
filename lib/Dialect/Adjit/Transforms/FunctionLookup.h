//===- FunctionLookup.h - find the function a transformation works on -*- C++
//-*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_FUNCTIONLOOKUP_H
#define ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_FUNCTIONLOOKUP_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::adjit::detail {

/// Returns the function @`name` of `module`, or emits "no function named
/// @name to <purpose> (functions in the module: @f, @g)" and returns null.
inline func::FuncOp lookupFunctionOrEmitError(ModuleOp module, StringRef name,
                                              StringRef purpose) {
  if (auto function = module.lookupSymbol<func::FuncOp>(name))
    return function;
  SmallVector<StringRef> names;
  for (auto candidate : module.getOps<func::FuncOp>())
    names.push_back(candidate.getSymName());
  module.emitError("no function named @")
      << name << " to " << purpose << " (functions in the module: "
      << (names.empty() ? std::string("none") : "@" + llvm::join(names, ", @"))
      << ")";
  return nullptr;
}

} // namespace mlir::adjit::detail

#endif // ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_FUNCTIONLOOKUP_H
