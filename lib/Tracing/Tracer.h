//===- Tracer.h - record eager ops as an adjit function ---------*- C++ -*-===//

#ifndef ADJIT_LIB_TRACING_TRACER_H
#define ADJIT_LIB_TRACING_TRACER_H

#include "TraceGuard.h"

#include "adjit/Frontend/TraceBuilder.h"
#include "adjit/Runtime/OpObserver.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <string>
#include <vector>

namespace adjit::tracing {

/// Records the eager ops of the thread it observes as one adjit function.
/// Inputs become the first arguments; tensors the traced code uses without
/// having made them (captured parameters and data) become further arguments.
/// Tensors made inside the trace by a factory become constants. Reading a
/// tensor value to the host, or an op that cannot be represented, throws
/// adjit::Error.
class Tracer final : public runtime::OpObserver {
public:
  Tracer(mlir::MLIRContext *context, llvm::StringRef functionName);

  /// Adds a function argument for an input tensor.
  void addInput(const Tensor &input);

  void observe(const runtime::OpRecord &record) override;
  void observeUnsupported(const char *op, const char *what) override;
  /// Records a check of indices passed as an argument, to be repeated on
  /// every call; indices that are constants keep the values checked now.
  /// Throws adjit::Error for indices computed inside the function.
  void observeIndexCheck(const runtime::IndexRangeCheck &check,
                         const Tensor &indices) override;
  /// Records the scan as one `adjit.scan` whose body is the step traced
  /// once, on the first step's slices; tensors the step uses that were made
  /// before the scan become the scan's consts. The results are zeros of the
  /// results' shapes, dtypes and requires_grad flags: traced values are
  /// never returned, and the compiled code computes the real ones. Defined
  /// in TracerScan.cpp.
  runtime::ScanResult scan(const runtime::ScanCall &call) override;

  /// Returns `outputs` from the function, followed by the final value of
  /// each argument the function wrote (getStateWrites()), and hands out the
  /// module.
  mlir::OwningOpRef<mlir::ModuleOp> finish(const std::vector<Tensor> &outputs);

  /// The arguments the traced ops wrote state into (runtime::writeState:
  /// batch_norm's running statistics, the random generator's offset), in
  /// the order of the function's results after the outputs: result
  /// outputs.size() + i is the new value of argument getStateWrites()[i].
  std::vector<size_t> getStateWrites() const;
  /// Writes back the values the written tensors had before the trace:
  /// tracing runs the function eagerly, and each later call of the compiled
  /// code makes the writes itself.
  void restoreState();

  /// The tensors passed as the function's arguments: the inputs, then the
  /// captured tensors, in argument order.
  const std::vector<Tensor> &getArgumentTensors() const { return arguments; }

  /// The context the function is recorded in.
  mlir::MLIRContext *getContext() const { return context; }

  /// Emits `callee`, a single-block function of another module in this
  /// context, inline as a transform the traced function called: its
  /// arguments are the values of `operands`, and its results from
  /// `firstResult` on become the values of `results` (tensors made by the
  /// transform). The guard records the call as one op, `transform`.
  void
  emitTransform(mlir::func::FuncOp callee, const std::vector<Tensor> &operands,
                size_t firstResult, const std::vector<Tensor> &results,
                std::shared_ptr<const TraceGuard::NestedTransform> transform,
                const std::vector<Tensor> &guardOperands);

  /// Keeps `object` alive as long as the tracer (e.g. the module of a
  /// transform whose pullback emits it later).
  void keepAlive(std::shared_ptr<void> object) {
    keptAlive.push_back(std::move(object));
  }

  /// Hands out the recorded op sequence, which guards reuse of the compiled
  /// trace; call after finish().
  TraceGuard takeGuard() { return std::move(guard); }

  /// A check of the values of an argument tensor that the traced ops made.
  struct ArgumentCheck {
    size_t argument;
    runtime::IndexRangeCheck check;
  };
  /// The checks a compiled version must repeat on each call's arguments.
  const std::vector<ArgumentCheck> &getArgumentChecks() const {
    return argumentChecks;
  }

private:
  /// Returns the IR value of `tensor`, capturing it as an argument if it was
  /// made before the trace began.
  mlir::Value valueOf(const Tensor &tensor, const char *op);
  /// valueOf() in the function (depth 0) or in the body of the `depth`-th
  /// open scan, where a tensor made outside the body becomes a const.
  mlir::Value valueAtDepth(const Tensor &tensor, const char *op, size_t depth);
  /// The values of the tensors of the innermost open scan body, or of the
  /// function.
  llvm::DenseMap<const void *, mlir::Value> &currentValues();
  /// Returns the function argument whose values decide those of `tensor`
  /// at `depth` (a slice of a scanned argument is decided by it), -1 for a
  /// constant, or fails naming `check` if the values are computed.
  int64_t indexSource(const runtime::IndexRangeCheck &check,
                      const Tensor &tensor, size_t depth);
  /// The requires_grad flags of the carries inside a traced scan: those of
  /// the initial carries, and of every carry a step makes require grad.
  std::vector<bool> carryGradFlags(const runtime::ScanCall &call);
  /// Returns the IR value of the result of `record`.
  mlir::FailureOr<mlir::Value> emit(const runtime::OpRecord &record);
  mlir::Value emitConstant(const Tensor &tensor);
  mlir::Value emitConversion(mlir::Value value, Dtype from, Dtype to);
  /// Emits the unary elementwise op `OpTy` of the eager op's operand.
  template <typename OpTy> mlir::Value emitUnary(mlir::Value operand);
  /// Records a state write: the target must be an argument; later reads of
  /// it in the trace see the new value.
  void recordStateWrite(const runtime::OpRecord &record);
  /// Throws adjit::Error with the collected diagnostics.
  [[noreturn]] void fail(const std::string &message);

  mlir::MLIRContext *context;
  /// Whether grad mode was on when the trace began: then an op run under
  /// NoGradGuard on tensors that require grad cannot be traced, since the IR
  /// would differentiate through it.
  bool tracingWithGrad;
  mlir::adjit::TraceBuilder builder;
  mlir::ScopedDiagnosticHandler diagnosticHandler;
  std::string diagnostics;
  uint64_t firstSerial;
  llvm::DenseMap<const void *, mlir::Value> values;
  /// Keeps every traced tensor alive, so that no address is reused.
  std::vector<Tensor> traced;
  std::vector<Tensor> arguments;
  std::vector<ArgumentCheck> argumentChecks;
  /// One tensor the traced ops wrote state into.
  struct StateWrite {
    size_t argument;
    Tensor target;
    /// Its value before the trace.
    Tensor before;
    /// Its last value written.
    mlir::Value value;
  };
  std::vector<StateWrite> stateWrites;
  /// The body of a scan being traced.
  struct ScanScope {
    /// The values of the tensors the body made or received.
    llvm::DenseMap<const void *, mlir::Value> values;
    /// The scanned tensor of each slice the body received.
    llvm::DenseMap<const void *, Tensor> sliceSources;
    /// The values outside the body of the scan's consts, and their tensors.
    llvm::SmallVector<mlir::Value> consts;
    std::vector<Tensor> constTensors;
  };
  /// The scan bodies being traced, innermost last.
  std::vector<ScanScope> scanScopes;
  /// The tensors made inside a scan body that has been traced, which the
  /// code after the scan must not use.
  llvm::DenseSet<const void *> scanBodyTensors;
  TraceGuard guard;
  std::vector<std::shared_ptr<void>> keptAlive;
};

/// Returns the IR element type of `dtype`: f32, f64, i64 or i1.
mlir::Type getElementType(mlir::MLIRContext *context, Dtype dtype);

/// Returns the dtype of the IR element type `type` (f32, f64, i64 or i1).
Dtype getDtype(mlir::Type type);

} // namespace adjit::tracing

#endif // ADJIT_LIB_TRACING_TRACER_H
