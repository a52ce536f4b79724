//===- TraceBuilder.h - emit adjit IR for eager tensor ops ------*- C++ -*-===//
//
// The IR side of the tracing frontend: every eager tensor op, with PyTorch's
// semantics (numpy broadcasting, type promotion, negative dims, matmul of
// vectors and batches), becomes one or more adjit ops with every broadcast,
// reshape and conversion made explicit.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_FRONTEND_TRACEBUILDER_H
#define ADJIT_FRONTEND_TRACEBUILDER_H

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/ShapeRules.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>

namespace mlir::adjit {

/// Builds one `func.func` in a fresh module from a sequence of eager tensor
/// ops. Each method takes and returns tensor values of the function being
/// built. Shapes follow the rules of adjit/Semantics/ShapeRules.h, which the
/// eager runtime uses too; an invalid request (shapes that do not broadcast,
/// dims out of range, ...) emits the rule's message, the eager op's error
/// text, as an error diagnostic at the current location and returns failure.
class TraceBuilder {
public:
  /// Starts a module holding a function named `functionName`. The context
  /// must have the adjit and func dialects loaded.
  TraceBuilder(MLIRContext *context, StringRef functionName);

  /// Sets the location given to the ops emitted from now on.
  void setLocation(Location location) { this->location = location; }

  /// Appends an argument of the given type to the function.
  Value addArgument(RankedTensorType type);

  /// Emits a constant tensor.
  Value constant(DenseElementsAttr value);
  /// Emits a tensor of `type` whose elements are all `value` (converted to
  /// the integer element type of `type` by truncation, if it has one).
  Value splat(RankedTensorType type, double value);

  /// Broadcasts `value` to `shape` with numpy's rules.
  FailureOr<Value> broadcastTo(Value value, ArrayRef<int64_t> shape);
  /// Converts `value` to `elementType` (f32, f64 or i64); no-op if equal.
  Value convert(Value value, Type elementType);

  /// Binary elementwise ops with numpy broadcasting and type promotion.
  FailureOr<Value> add(Value lhs, Value rhs);
  FailureOr<Value> sub(Value lhs, Value rhs);
  FailureOr<Value> mul(Value lhs, Value rhs);
  FailureOr<Value> div(Value lhs, Value rhs);
  FailureOr<Value> maximum(Value lhs, Value rhs);
  FailureOr<Value> minimum(Value lhs, Value rhs);
  FailureOr<Value> pow(Value lhs, Value rhs);
  /// Elementwise comparison with broadcasting; the result has i1 elements.
  FailureOr<Value> compare(ComparePredicate predicate, Value lhs, Value rhs);
  /// `condition ? onTrue : onFalse` elementwise, with broadcasting.
  FailureOr<Value> where(Value condition, Value onTrue, Value onFalse);

  /// Binary ops with a scalar right operand of the tensor's element type.
  Value add(Value lhs, double rhs);
  Value mul(Value lhs, double rhs);
  Value pow(Value lhs, double rhs);

  /// Emits the unary elementwise op `OpTy` (e.g. a primitive of
  /// adjit/Semantics/Ops.def) on `value`.
  template <typename OpTy> Value unary(Value value) {
    return OpTy::create(builder, location, value);
  }
  /// Emits `adjit.stop_gradient`: the value, with no gradient flowing back.
  Value stopGradient(Value value) {
    return StopGradientOp::create(builder, location, value);
  }

  /// Emits `adjit.dropout_mask` of `type` (f32 or f64) drawn from the
  /// random generator state `state` (a tensor<2xi64> holding [seed, offset])
  /// with the drop probability `p`.
  Value dropoutMask(Value state, double p, RankedTensorType type);

  /// Sum, mean, product and maximum over `dims` (negative dims count from
  /// the end; an empty list reduces over all dimensions), keeping the reduced
  /// dimensions with size 1 if `keepDim`.
  FailureOr<Value> sum(Value value, ArrayRef<int64_t> dims, bool keepDim);
  FailureOr<Value> mean(Value value, ArrayRef<int64_t> dims, bool keepDim);
  FailureOr<Value> prod(Value value, ArrayRef<int64_t> dims, bool keepDim);
  FailureOr<Value> amax(Value value, ArrayRef<int64_t> dims, bool keepDim);
  /// PyTorch's max(dim) and min(dim): the extremum along `dim` (negative
  /// counts from the end) and its index (i64; the first of ties, the first
  /// NaN), with `dim` kept with size 1 if `keepDim`. A 0-d tensor is its own
  /// extremum, at index 0.
  FailureOr<std::pair<Value, Value>> maxAlongDim(Value value, int64_t dim,
                                                 bool keepDim);
  FailureOr<std::pair<Value, Value>> minAlongDim(Value value, int64_t dim,
                                                 bool keepDim);

  /// Reshapes to `shape`, in which one entry may be -1 (inferred).
  FailureOr<Value> reshape(Value value, ArrayRef<int64_t> shape);
  /// Swaps two dimensions.
  FailureOr<Value> transpose(Value value, int64_t dim0, int64_t dim1);
  /// Permutes dimensions: result dimension i is operand dimension perm[i].
  FailureOr<Value> permute(Value value, ArrayRef<int64_t> permutation);
  /// Takes elements start, start + step, ... below end along `dim`; start
  /// and end may be negative and are clamped as in Python slicing.
  FailureOr<Value> slice(Value value, int64_t dim, int64_t start, int64_t end,
                         int64_t step);
  /// Concatenates along `dim`, promoting element types.
  FailureOr<Value> cat(ValueRange values, int64_t dim);
  /// PyTorch's matmul: dot product of vectors, matrix-vector, matrix-matrix,
  /// and batched products with broadcast batch dimensions.
  FailureOr<Value> matmul(Value lhs, Value rhs);
  // Convolution
  /// conv1d (`spatialDims` 1) or conv2d (2) of `input` (batched or not) by
  /// `weight` plus `bias` (or none if null), all of one element type, as one
  /// `adjit.conv2d` on NCHW (a conv1d has height 1) and a broadcast add.
  /// `stride`, `dilation` (h, w) and `padding` (top, left, bottom, right)
  /// are in 2-D form; `opName` names the op in diagnostics.
  FailureOr<Value> convolution(StringRef opName, Value input, Value weight,
                               Value bias, ArrayRef<int64_t> stride,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> dilation, int64_t groups,
                               int64_t spatialDims);

  // Pooling
  /// max_pool2d and avg_pool2d of an NCHW value; `params` is {kernel (2),
  /// stride (2), padding (2), dilation (2), ceil_mode, count_include_pad},
  /// as the eager op reports them. Max pooling is the gather of the value at
  /// the indices of its maxima, so that its adjoint is a scatter to them.
  FailureOr<Value> maxPool2d(Value value, ArrayRef<int64_t> params);
  FailureOr<Value> avgPool2d(Value value, ArrayRef<int64_t> params);
  /// adaptive_avg_pool2d of an NCHW value to `outputSize` ({OH, OW}).
  FailureOr<Value> adaptiveAvgPool2d(Value value, ArrayRef<int64_t> outputSize);

  // Indexing
  /// `adjit.gather` of `input` at the i64 `index` along `dim` (normalized):
  /// the result has the index's shape and the input's element type.
  FailureOr<Value> gather(Value input, Value index, int64_t dim);
  /// `adjit.scatter_add` of `source` at the i64 `index` (of the source's
  /// shape) along `dim` (normalized) into zeros of `shape`.
  FailureOr<Value> scatterAdd(Value source, Value index, int64_t dim,
                              ArrayRef<int64_t> shape);

  // Loops
  /// Starts the body of an `adjit.scan`: the ops emitted from now on go into
  /// a new block with arguments of `argumentTypes` (the carries, then the
  /// slices), which are returned, until finishScan(). Bodies nest.
  Block::BlockArgListType beginScanBody(TypeRange argumentTypes);
  /// Adds an argument of `type` to the open body `body` (0 for the
  /// outermost, in the order begun): an invariant the body reads (a const of
  /// its scan). A body nested in it that reads a value from outside both
  /// makes it an argument of each, outermost first.
  Value addScanBodyArgument(Type type, size_t body);
  /// Ends the innermost body begun with `adjit.yield` of `yielded` (the
  /// next carries, then the step's outputs) and emits, where the ops went
  /// before beginScanBody(), the `adjit.scan` of `length` steps with that
  /// body: of `tripCount` steps, if given, with `length` their bound;
  /// backwards if `reverse`; with the checkpoint policy `checkpoint` (and
  /// `every`, the K of `every K`). Returns its results (final carries,
  /// stacked outputs), or emits the verifier's error and returns failure.
  FailureOr<SmallVector<Value>>
  finishScan(ValueRange init, ValueRange xs, ValueRange consts, int64_t length,
             ValueRange yielded, Value tripCount = {}, bool reverse = false,
             CheckpointPolicy checkpoint = CheckpointPolicy::store_all,
             std::optional<int64_t> every = std::nullopt);
  /// Emits the body of `callee`, a single-block function of another module
  /// in this context, with `arguments` for its arguments, and returns the
  /// values it returns.
  SmallVector<Value> inlineFunction(func::FuncOp callee, ValueRange arguments);

  /// Returns the values as the function's results and hands out the module.
  OwningOpRef<ModuleOp> finish(ValueRange results);

private:
  /// Emits an error at the current location.
  InFlightDiagnostic emitError();
  /// The value of a shape rule's result; emits the rule's message as an
  /// error and returns failure if it failed.
  template <typename T>
  FailureOr<T> checkShape(::adjit::semantics::ShapeResult<T> result) {
    if (!result.ok()) {
      emitError() << result.error;
      return failure();
    }
    return std::move(result.value);
  }
  /// Converts both values to their promoted element type and broadcasts them
  /// to their common shape.
  FailureOr<std::pair<Value, Value>> promoteAndBroadcast(StringRef opName,
                                                         Value lhs, Value rhs);
  template <typename OpTy>
  FailureOr<Value> binary(StringRef opName, Value lhs, Value rhs);
  /// Emits `adjit.argmax` or `adjit.argmin` (`OpTy`) for maxAlongDim and
  /// minAlongDim; `opName` names the eager op in messages.
  template <typename OpTy>
  FailureOr<std::pair<Value, Value>>
  extremumAlongDim(StringRef opName, Value value, int64_t dim, bool keepDim);
  /// Emits the reduction of `value` described by `reduction`.
  template <typename OpTy>
  FailureOr<Value> reduce(Value value,
                          const ::adjit::semantics::Reduction &reduction,
                          bool keepDim);

  /// A scan body being built, and where the ops went before it began.
  struct OpenScanBody {
    std::unique_ptr<Block> block;
    OpBuilder::InsertPoint outer;
  };

  OwningOpRef<ModuleOp> module;
  func::FuncOp function;
  SmallVector<OpenScanBody> openScanBodies;
  OpBuilder builder;
  Location location;
};

} // namespace mlir::adjit

#endif // ADJIT_FRONTEND_TRACEBUILDER_H
