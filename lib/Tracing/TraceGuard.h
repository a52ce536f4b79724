//===- TraceGuard.h - check that a traced function still traces the same -===//
//
// Compiled code is valid for the ops the function ran when it was traced. The
// function may also depend on host state: a captured double, a C++ branch on
// a host variable, a NoGradGuard in some calls only. A TraceGuard keeps the
// traced op sequence and, before compiled code is reused, replays the
// function in shape-only mode: no kernel runs, each op is compared with the
// recorded one (kind, attributes, scalar operands, constants, operands, grad
// mode) and answered with a shape-only tensor of the recorded result.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_TRACING_TRACEGUARD_H
#define ADJIT_LIB_TRACING_TRACEGUARD_H

#include "adjit/Error.h"
#include "adjit/JIT.h"
#include "adjit/Runtime/OpObserver.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace adjit::tracing {

/// The op sequence of one trace, and its replay.
class TraceGuard {
public:
  //===--------------------------------------------------------------------===//
  // Recording, while the function is traced
  //===--------------------------------------------------------------------===//

  /// Adds the next argument of the traced function: the inputs in order,
  /// then captured tensors as the function first uses them. An input passed
  /// twice is the value of its first argument.
  void addArgument(const Tensor &tensor);
  /// Appends the op `record` ran as, under the current grad mode.
  void recordOp(const runtime::OpRecord &record);
  /// Appends the start of the scan `call`; the traced step received
  /// `bodyArguments` (its carries, then its slices).
  void recordScanBegin(const runtime::ScanCall &call,
                       const std::vector<Tensor> &bodyArguments);
  /// What the start of the scan `call` is recorded and compared with: its
  /// ints (see Op::ints) and its operands (the initial carries, the scanned
  /// tensors, then the run-time length if any).
  static std::vector<int64_t> scanInts(const runtime::ScanCall &call);
  static std::vector<Tensor> scanOperands(const runtime::ScanCall &call);
  /// Appends the end of the innermost scan begun: its step returned
  /// `yielded` (the next carries, then the outputs) and the scan `results`.
  void recordScanEnd(const std::vector<Tensor> &yielded,
                     const std::vector<Tensor> &results);
  /// Sets the function's results.
  void recordResults(const std::vector<Tensor> &results);

  /// A functional transform (jit::grad, jit::vjp, a pullback) called inside
  /// the traced function: one recorded op with several results.
  struct NestedTransform {
    /// What it is, e.g. "jit::grad of 'f' w.r.t. inputs [0]"; a replay must
    /// call the same.
    std::string description;
    /// The trace of the transformed function, replayed to check it; null
    /// for a pullback, whose function the forward call checked.
    std::shared_ptr<const TraceGuard> body;
    /// The first numInputs operands are the transform's inputs, the others
    /// the tensors its body captured (its further arguments).
    size_t numInputs = 0;
  };
  /// Appends the call of `transform` on `operands`, which returned
  /// `results`.
  void recordTransform(std::shared_ptr<const NestedTransform> transform,
                       const std::vector<Tensor> &operands,
                       const std::vector<Tensor> &results);

  //===--------------------------------------------------------------------===//
  // Replaying, before compiled code is reused
  //===--------------------------------------------------------------------===//

  /// Lists a replay fills and empties again. A caller that replays often
  /// keeps one and passes it to each replay, whose lists then keep their
  /// capacity from one replay to the next and allocate nothing.
  struct ReplayScratch {
    /// The tensor each value is in the replay.
    std::vector<const void *> tensorOfValue;
    /// The constants the replay made.
    std::vector<Tensor> constants;
  };

  /// Runs `function` on `inputs` in shape-only mode, with `captured` the
  /// current captured tensors in argument order, and returns "" if it ran
  /// the recorded ops, or why not, e.g. "scalar operand 1 of mul changed
  /// from 0.5 to 0.25". Exceptions the function throws propagate. The replay
  /// uses `scratch` if given, else lists of its own.
  std::string replay(const jit::MultiTensorFunction &function,
                     const std::vector<Tensor> &inputs,
                     llvm::ArrayRef<Tensor> captured,
                     ReplayScratch *scratch = nullptr) const;
  /// The same for a function of one result.
  std::string replay(const jit::TensorFunction &function,
                     const std::vector<Tensor> &inputs,
                     llvm::ArrayRef<Tensor> captured,
                     ReplayScratch *scratch = nullptr) const;

  /// The number of recorded ops.
  size_t getNumOps() const { return ops.size(); }

  /// The body of a transform replayed inside a replay: given the tensors its
  /// body now captures, replays the body and returns "" or why it differs.
  using BodyCheck = std::function<std::string(
      const TraceGuard &body, const std::vector<Tensor> &captured)>;

private:
  friend class ShapeOnlyReplay;

  /// Replays `run`, which calls the function in shape-only mode and returns
  /// its results as a pointer and a count.
  template <typename Run>
  std::string replayWith(Run run, const std::vector<Tensor> &inputs,
                         llvm::ArrayRef<Tensor> captured,
                         ReplayScratch *scratch) const;

  /// One recorded op.
  struct Op {
    runtime::OpKind kind;
    const char *name;
    runtime::OpInts ints;
    bool keepDim;
    int predicate;
    double scalar;
    bool gradMode;
    /// The values of the operands.
    llvm::SmallVector<int32_t, 3> operands;
    /// The value of the result.
    int32_t value;
    /// The operand the op returned itself (e.g. `to` of the same dtype), or
    /// -1.
    int32_t returnedOperand;
    /// What the replay returns otherwise: a shape-only tensor like the
    /// traced result.
    Tensor result;
    /// A constant's value.
    Tensor constant;
    /// Set for the start and the end of a scan. These define several
    /// values, from `value` on: the start the step's carries and slices,
    /// the end the scan's results, of which `values` holds shape-only
    /// tensors for the replay; `ints` is {length, carries, scanned tensors,
    /// reverse, checkpoint policy, its K, run-time length} at the start.
    enum class Scan : uint8_t { None, Begin, End } scan = Scan::None;
    std::vector<Tensor> values = {};
    /// A transform: what it is, its results' values and shape-only tensors.
    std::shared_ptr<const NestedTransform> transform = nullptr;
    std::vector<int32_t> transformValues = {};
    std::vector<Tensor> transformResults = {};
  };

  /// Appends a scan marker of kind `scan` with `operands`, defining a value
  /// for each of `defined`.
  void recordScanMarker(Op::Scan scan, std::vector<int64_t> ints,
                        const std::vector<Tensor> &operands,
                        const std::vector<Tensor> &defined);

  /// Returns the value of `tensor` while recording, or -1.
  int32_t lookUp(const Tensor &tensor) const;
  /// Describes the value `id` for messages ("argument 2", "the result of
  /// mul (op 4)").
  std::string describeValue(int32_t id) const;
  /// Describes where the value `id` is used first ("operand 1 of mul").
  std::string describeFirstUse(int32_t id) const;

  /// A value is an argument or an op's result: `valueSources[id]` is the
  /// argument index, or -1 - the op's index.
  std::vector<int64_t> valueSources;
  /// The value of each argument.
  std::vector<int32_t> argumentValues;
  std::vector<Op> ops;
  std::vector<int32_t> resultValues;
  /// Tensor identity to value while recording (the tracer keeps the
  /// tensors alive, so no address is reused); cleared by recordResults.
  llvm::DenseMap<const void *, int32_t> recordedValues;
};

/// Returns the error of a transform (`description`) called while an
/// observer that neither traces nor replays watches the thread's ops.
Error unknownObserverError(const std::string &description);

/// Replays a transform called inside a function that `observer`, a
/// TraceGuard's replay, replays: the next recorded op must be a transform
/// of `description` on `inputs`, and `check` must find its body unchanged.
/// Returns the shape-only results recorded; a difference ends the replay,
/// which then reports it.
std::vector<Tensor> replayTransform(runtime::OpObserver &observer,
                                    const std::string &description,
                                    const std::vector<Tensor> &inputs,
                                    const TraceGuard::BodyCheck &check);

} // namespace adjit::tracing

#endif // ADJIT_LIB_TRACING_TRACEGUARD_H
