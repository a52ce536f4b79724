//===- Passes.h - adjit dialect transformations -----------------*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H
#define ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::adjit {

#define GEN_PASS_DECL
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"

/// Registers every adjit dialect transformation with the global registry.
#define GEN_PASS_REGISTRATION
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"

} // namespace mlir::adjit

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_PASSES_H
