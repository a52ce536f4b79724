//===- AdjointEmitter.h - primal and adjoint of one block -------*- C++ -*-===//

#ifndef ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ADJOINTEMITTER_H
#define ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ADJOINTEMITTER_H

#include "ActivityAnalysis.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::adjit::detail {

/// Emits the reverse-mode derivative of one block: a function body, or the
/// body of an `adjit.scan` inside the reverse loop that differentiates it.
///
/// `emitPrimal` clones the block's ops; the caller seeds the adjoints of
/// values of the original block (usually its terminator's operands);
/// `emitAdjoint` then emits the adjoint of every active op, last to first,
/// after the primal; `getAdjoint` reads off the adjoints of the original
/// block's arguments. An active `adjit.scan` is cloned with a tape (its
/// per-step input carries, stacked; none under the recompute_all
/// checkpoint policy), and its adjoint is a scan in the opposite direction
/// that recomputes each step from the tape (or, under recompute_all, from
/// the initial carries) and differentiates it with a nested emitter.
class AdjointEmitter {
public:
  AdjointEmitter(OpBuilder &builder, const ActivityAnalysis &activity)
      : builder(builder), activity(activity) {}

  /// Clones the ops of `block` but its terminator at the builder's insertion
  /// point; `mapping` maps the block's arguments and receives the clones.
  void emitPrimal(Block &block, IRMapping &mapping);

  /// Adds `seed` to the adjoint of the original value `value` if it is
  /// active.
  void seed(Value value, Value seed);

  /// Emits the adjoints of the cloned ops, last first, at the builder's
  /// insertion point. Fails after emitting a diagnostic.
  LogicalResult emitAdjoint();

  /// Returns the adjoint of the original value `value`, or null if it is
  /// zero.
  Value getAdjoint(Value value) const { return adjoints.lookup(value); }

private:
  /// Adds `contribution` to the adjoint of the original value `value`.
  void accumulate(Value value, Value contribution);

  /// Emits the adjoint of `op`, the original of the clone `clone`.
  LogicalResult differentiate(Operation *op, Operation *clone);

  /// Clones `op` with its per-step input carries as extra stacked outputs
  /// (the tape); records the tape of each carry (null for a carry the body
  /// does not use).
  Operation *cloneScanWithTape(ScanOp op, IRMapping &mapping);

  /// Emits the reverse loop of the active scan `op`.
  LogicalResult differentiateScan(ScanOp op, const IRMapping &mapping);

  /// Returns the carries entering the step of the recompute_all scan `op`
  /// that runs at `position` (a 0-d i64: the number of steps before it), as
  /// a recompute_all scan of the whole length from the initial carries
  /// `init` whose steps at and after `position` keep their carries. `xs` are
  /// the scanned inputs `usedXs` of `op` and `consts` its consts
  /// `usedConsts`; `tripCount` is the trip count of `op` if it is known only
  /// at run time, else null.
  SmallVector<Value> recomputeCarries(ScanOp op, Value position,
                                      Value tripCount, ValueRange init,
                                      ValueRange xs, ValueRange consts,
                                      ArrayRef<unsigned> usedXs,
                                      ArrayRef<unsigned> usedConsts);

  /// Returns a constant 0-d i64 tensor holding `value`.
  static Value createIndexConstant(OpBuilder &builder, Location loc,
                                   int64_t value);

  OpBuilder &builder;
  const ActivityAnalysis &activity;
  /// The primal mapping, from original values to clones.
  IRMapping *primal = nullptr;
  /// The original ops and their clones, in order.
  SmallVector<std::pair<Operation *, Operation *>> clones;
  /// The adjoints so far, keyed by the original values.
  DenseMap<Value, Value> adjoints;
  /// The tapes of the active scans: per carry, the stacked input carries.
  DenseMap<Operation *, SmallVector<Value>> tapes;
};

} // namespace mlir::adjit::detail

#endif // ADJIT_LIB_DIALECT_ADJIT_TRANSFORMS_ADJOINTEMITTER_H
