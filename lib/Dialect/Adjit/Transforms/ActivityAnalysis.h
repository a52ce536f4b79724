//===- ActivityAnalysis.h - which values need adjoints ----------*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ACTIVITYANALYSIS_H
#define ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ACTIVITYANALYSIS_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::adjit {

/// Finds the values of a block (a function body or the body of an
/// `adjit.scan`) that need adjoints: those that are *varied* (depend
/// differentiably on a differentiated argument) and *useful* (a
/// differentiated result depends differentiably on them).
///
/// Dependence follows `AdjointOpInterface::isDifferentiableOperand` through
/// ops with the interface. Through an `adjit.scan` it follows the body, with
/// loop-carried values iterated to a fixed point: a carry is varied if its
/// initial value is or if the body makes the yielded carry varied; it is
/// useful if its final value is or if the body uses it for a useful yield.
/// Through any other op every operand, including values used inside its
/// regions, counts, so that such an op on an active path is found and
/// reported rather than skipped.
class ActivityAnalysis {
public:
  /// Analyzes `function` for the argument indices `wrt` and the result
  /// indices `of`, which must be valid.
  ActivityAnalysis(func::FuncOp function, ArrayRef<int64_t> wrt,
                   ArrayRef<int64_t> of);

  /// Analyzes `block`, whose arguments flagged in `variedArguments` are
  /// varied and whose terminator operands flagged in `usefulResults` are
  /// useful.
  ActivityAnalysis(Block &block, ArrayRef<bool> variedArguments,
                   ArrayRef<bool> usefulResults);

  /// Returns the analysis of the body of `scan`, an op of the analyzed block,
  /// with the body's arguments and yields seeded from this analysis.
  ActivityAnalysis analyzeScanBody(ScanOp scan) const;

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
