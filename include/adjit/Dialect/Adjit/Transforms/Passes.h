//===- Passes.h - adjit dialect transformations -----------------*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H
#define ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <string>

namespace mlir::adjit {

#define GEN_PASS_DECL
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"

/// Registers every adjit dialect transformation with the global registry.
#define GEN_PASS_REGISTRATION
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"

/// Returns `value` as a textual pass option value: as it is when it is made
/// of letters, digits and `_.$-`, else quoted (`function="a b"`), so that
/// symbol names with spaces or commas parse as one value. A value with a
/// double quote cannot be quoted; callers reject such names.
inline std::string quotePassOptionValue(llvm::StringRef value) {
  bool plain = !value.empty() && llvm::all_of(value, [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$' || c == '-';
  });
  return plain ? value.str() : "\"" + value.str() + "\"";
}

} // namespace mlir::adjit

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H
