//===- ActivityAnalysis.h - which values need adjoints ----------*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ACTIVITYANALYSIS_H
#define ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ACTIVITYANALYSIS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::adjit {

/// Finds the values of a single-block function that need adjoints: those
/// that are *varied* (depend differentiably on a differentiated argument) and
/// *useful* (a differentiated result depends differentiably on them).
///
/// Dependence follows `AdjointOpInterface::isDifferentiableOperand` through
/// ops with the interface; through any other op every operand, including
/// values used inside its regions, counts, so that such an op on an active
/// path is found and reported rather than skipped.
class ActivityAnalysis {
public:
  /// Analyzes `function` for the argument indices `wrt` and the result
  /// indices `of`, which must be valid.
  ActivityAnalysis(func::FuncOp function, ArrayRef<int64_t> wrt,
                   ArrayRef<int64_t> of);

  /// Returns true if `value` needs an adjoint.
  bool isActive(Value value) const {
    return varied.contains(value) && useful.contains(value);
  }

  /// Returns true if some result of `op` needs an adjoint.
  bool isActive(Operation *op) const;

private:
  llvm::DenseSet<Value> varied;
  llvm::DenseSet<Value> useful;
};

/// Returns true if `type` is a statically shaped tensor of f32 or f64, the
/// values that adjit differentiates.
bool isDifferentiableType(Type type);

} // namespace mlir::adjit

#endif // ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ACTIVITYANALYSIS_H
