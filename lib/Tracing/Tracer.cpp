//===- Tracer.cpp - record eager ops as an adjit function -----------------===//

#include "Tracer.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

using namespace adjit;
using namespace adjit::tracing;
using mlir::Value;
using runtime::OpKind;

namespace {
mlir::RankedTensorType tensorTypeOf(Value value) {
  return mlir::cast<mlir::RankedTensorType>(value.getType());
}
} // namespace

mlir::Type adjit::tracing::getElementType(mlir::MLIRContext *context,
                                          Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return mlir::Float32Type::get(context);
  case Dtype::Float64:
    return mlir::Float64Type::get(context);
  case Dtype::Int64:
    return mlir::IntegerType::get(context, 64);
  case Dtype::Bool:
    return mlir::IntegerType::get(context, 1);
  }
  return {};
}

Dtype adjit::tracing::getDtype(mlir::Type type) {
  if (type.isF32())
    return Dtype::Float32;
  if (type.isF64())
    return Dtype::Float64;
  return type.isInteger(1) ? Dtype::Bool : Dtype::Int64;
}

Tracer::Tracer(mlir::MLIRContext *context, llvm::StringRef functionName)
    : context(context), tracingWithGrad(GradMode::is_enabled()),
      builder(context, functionName),
      diagnosticHandler(context,
                        [this](mlir::Diagnostic &diagnostic) {
                          if (!diagnostics.empty())
                            diagnostics += "\n";
                          diagnostics += diagnostic.str();
                          return mlir::success();
                        }),
      // The random generator's state is made before the trace begins, so
      // that a traced dropout captures it as an argument.
      firstSerial(
          (runtime::getRandomState(), runtime::getNextCreationSerial())) {}

void Tracer::fail(const std::string &message) {
  std::string text = message;
  if (!diagnostics.empty())
    text += ": " + diagnostics;
  throw Error(text);
}

void Tracer::addInput(const Tensor &input) {
  // Every input is an argument; one passed twice is the value of its first.
  auto type = mlir::RankedTensorType::get(
      input.sizes(), getElementType(context, input.dtype()));
  Value argument = builder.addArgument(type);
  values.try_emplace(input.unsafeGetImpl(), argument);
  traced.push_back(input);
  arguments.push_back(input);
  guard.addArgument(input);
}

Value Tracer::emitConstant(const Tensor &tensor) {
  // Reading the values is the tracer's own business, not a host read of the
  // traced program.
  runtime::ObserverScope notObserved(nullptr);
  NoGradGuard noGrad;
  auto type = mlir::RankedTensorType::get(
      tensor.sizes(), getElementType(context, tensor.dtype()));
  Tensor values =
      tensor.to(tensor.is_floating_point() ? Dtype::Float64 : tensor.dtype())
          .contiguous();
  int64_t count = values.numel();
  mlir::DenseElementsAttr attr;
  if (tensor.dtype() == Dtype::Bool) {
    const bool *data = values.data_ptr<bool>();
    attr =
        mlir::DenseElementsAttr::get(type, llvm::ArrayRef<bool>(data, count));
  } else if (tensor.dtype() == Dtype::Int64) {
    const int64_t *data = values.data_ptr<int64_t>();
    attr = mlir::DenseElementsAttr::get(type,
                                        llvm::ArrayRef<int64_t>(data, count));
  } else if (type.getElementType().isF32()) {
    const double *data = values.data_ptr<double>();
    std::vector<float> narrowed(data, data + count);
    attr = mlir::DenseElementsAttr::get(type, llvm::ArrayRef<float>(narrowed));
  } else {
    const double *data = values.data_ptr<double>();
    attr =
        mlir::DenseElementsAttr::get(type, llvm::ArrayRef<double>(data, count));
  }
  return builder.constant(attr);
}

Value Tracer::valueOf(const Tensor &tensor, const char *op) {
  return valueAtDepth(tensor, op, scanScopes.size());
}

llvm::DenseMap<const void *, Value> &Tracer::currentValues() {
  return scanScopes.empty() ? values : scanScopes.back().values;
}

Value Tracer::valueAtDepth(const Tensor &tensor, const char *op, size_t depth) {
  if (depth > 0) {
    ScanScope &scope = scanScopes[depth - 1];
    auto found = scope.values.find(tensor.unsafeGetImpl());
    if (found != scope.values.end())
      return found->second;
    // Made outside the body: an invariant of the loop (and, if made outside
    // the enclosing bodies too, of theirs), an argument of this body.
    Value outer = valueAtDepth(tensor, op, depth - 1);
    Value argument = builder.addScanBodyArgument(outer.getType(), depth - 1);
    scope.consts.push_back(outer);
    scope.constTensors.push_back(tensor);
    scope.values[tensor.unsafeGetImpl()] = argument;
    return argument;
  }
  auto found = values.find(tensor.unsafeGetImpl());
  if (found != values.end())
    return found->second;
  if (scanBodyTensors.contains(tensor.unsafeGetImpl()))
    fail(std::string(op) + ": an input of shape " +
         shapeToString(tensor.sizes()) +
         " was made inside the step of a jit::scan; only the scan's results "
         "leave the loop");
  if (runtime::getCreationSerial(tensor) >= firstSerial)
    fail(std::string(op) + ": an input of shape " +
         shapeToString(tensor.sizes()) +
         " was made inside the traced function by an op the tracer does not "
         "record");
  // Made before the trace began: a captured parameter or data tensor. It is
  // passed as an argument, with its current value, on every call.
  auto type = mlir::RankedTensorType::get(
      tensor.sizes(), getElementType(context, tensor.dtype()));
  Value argument = builder.addArgument(type);
  values[tensor.unsafeGetImpl()] = argument;
  traced.push_back(tensor);
  arguments.push_back(tensor);
  guard.addArgument(tensor);
  return argument;
}

Value Tracer::emitConversion(Value value, Dtype from, Dtype to) {
  mlir::Type target = getElementType(context, to);
  mlir::RankedTensorType type = tensorTypeOf(value);
  if (type.getElementType() == target)
    return value;
  if (from == Dtype::Bool) {
    // true -> 1, false -> 0.
    Value one = builder.splat(type.clone(target), 1.0);
    Value zero = builder.splat(type.clone(target), 0.0);
    return *builder.where(value, one, zero);
  }
  if (to == Dtype::Bool) {
    Value zero = builder.splat(type, 0.0);
    return *builder.compare(mlir::adjit::ComparePredicate::ne, value, zero);
  }
  return builder.convert(value, target);
}

template <typename OpTy> Value Tracer::emitUnary(Value operand) {
  // The eager kernels of the ops that keep an integer dtype but are not
  // defined on i64 in the IR (floor, ceil, round) compute through double.
  if (!OpTy::acceptsIntegers() &&
      mlir::isa<mlir::IntegerType>(tensorTypeOf(operand).getElementType()))
    operand = builder.convert(operand, mlir::Float64Type::get(context));
  return builder.unary<OpTy>(operand);
}

mlir::FailureOr<Value> Tracer::emit(const runtime::OpRecord &record) {
  const Shape &outShape = record.output.sizes();
  Dtype outDtype = record.output.dtype();
  bool extremumAlongDim =
      record.kind == OpKind::MaxDim || record.kind == OpKind::MinDim;
  // Arithmetic runs in the output's dtype, as the eager op promotes to it
  // (bool operands of integer arithmetic count as int64).
  bool computesInOutputType =
      record.kind != OpKind::Compare && record.kind != OpKind::Convert &&
      record.kind != OpKind::Constant && record.kind != OpKind::DropoutMask &&
      !extremumAlongDim && outDtype != Dtype::Bool;
  std::vector<Value> in;
  for (const Tensor &input : record.inputs) {
    Value value = valueOf(input, record.name);
    bool isCondition = record.kind == OpKind::Where && in.empty();
    // Indexing: the index operand keeps its i64 type.
    bool isIndex =
        (record.kind == OpKind::Gather || record.kind == OpKind::ScatterAdd) &&
        in.size() == 1;
    if (computesInOutputType && !isCondition && !isIndex)
      value = emitConversion(value, input.dtype(), outDtype);
    else if (record.kind == OpKind::Compare && input.dtype() == Dtype::Bool)
      // Bools compare as the integers 0 and 1 (the IR compares no i1).
      value = emitConversion(value, Dtype::Bool, Dtype::Int64);
    in.push_back(value);
  }
  switch (record.kind) {
  case OpKind::Constant:
    return emitConstant(record.output);
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  case OpKind::Kind:                                                           \
    return builder.name(in[0], in[1]);
#include "adjit/Semantics/Ops.def"
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  case OpKind::Kind:                                                           \
    return emitUnary<mlir::adjit::Kind##Op>(in[0]);
#include "adjit/Semantics/Ops.def"
  case OpKind::StopGradient:
    return builder.stopGradient(in[0]);
  // Convolution
  case OpKind::Convolution: {
    llvm::ArrayRef<int64_t> ints = record.ints;
    return builder.convolution(
        record.name, in[0], in[1], in.size() > 2 ? in[2] : Value(),
        ints.slice(0, 2), ints.slice(2, 4), ints.slice(6, 2), ints[8], ints[9]);
  }
  case OpKind::Matmul:
    return builder.matmul(in[0], in[1]);
  case OpKind::Sum:
    return builder.sum(in[0], record.ints, record.keepDim);
  case OpKind::Mean:
    return builder.mean(in[0], record.ints, record.keepDim);
  case OpKind::Prod:
    return builder.prod(in[0], record.ints, record.keepDim);
  case OpKind::Amax:
    return builder.amax(in[0], record.ints, record.keepDim);
  case OpKind::MaxDim:
  case OpKind::MinDim: {
    auto results =
        record.kind == OpKind::MaxDim
            ? builder.maxAlongDim(in[0], record.ints[0], record.keepDim)
            : builder.minAlongDim(in[0], record.ints[0], record.keepDim);
    if (mlir::failed(results))
      return mlir::failure();
    return record.ints[1] == 0 ? results->first : results->second;
  }
  case OpKind::Reshape:
    return builder.reshape(in[0], outShape);
  case OpKind::Permute:
    return builder.permute(in[0], record.ints);
  case OpKind::Slice:
    return builder.slice(in[0], record.ints[0], record.ints[1], record.ints[2],
                         record.ints[3]);
  case OpKind::Expand:
    return builder.broadcastTo(in[0], outShape);
  case OpKind::Convert:
    return emitConversion(in[0], record.inputs[0].dtype(),
                          record.output.dtype());
  case OpKind::Compare:
    return builder.compare(
        static_cast<mlir::adjit::ComparePredicate>(record.predicate), in[0],
        in[1]);
  case OpKind::Where:
    return builder.where(in[0], in[1], in[2]);
  case OpKind::Cat:
    return builder.cat(in, record.ints[0]);
  case OpKind::Identity:
    return in[0];
  case OpKind::Select: {
    // The eager op reports the dim and index normalized.
    int64_t dim = record.ints[0], index = record.ints[1];
    mlir::FailureOr<Value> row = builder.slice(in[0], dim, index, index + 1, 1);
    if (mlir::failed(row))
      return mlir::failure();
    return builder.reshape(*row, outShape);
  }
  case OpKind::PowScalar:
    return builder.pow(in[0], record.scalar);
  case OpKind::DropoutMask:
    return builder.dropoutMask(
        in[0], record.scalar,
        mlir::RankedTensorType::get(outShape,
                                    getElementType(context, outDtype)));
  case OpKind::StateWrite:
    // Recorded by recordStateWrite, never emitted as an op.
    return mlir::failure();
  case OpKind::LogSoftmax: {
    // x - max - log(sum(exp(x - max))), with the max kept for stability.
    // The result does not depend on the max, so no gradient flows through
    // it (stop_gradient, as the eager kernel's backward and PyTorch's): its
    // adjoint would be the rounding error of 1 - sum(softmax), spread over
    // the row's maxima, at the cost of a tie mask and two more reductions.
    // A 0-d input (dim 0 or -1) is computed as a row of one element.
    Value input = in[0];
    int64_t dim = record.ints[0];
    bool zeroDim = tensorTypeOf(input).getRank() == 0;
    if (zeroDim) {
      mlir::FailureOr<Value> row = builder.reshape(input, {1});
      if (mlir::failed(row))
        return mlir::failure();
      input = *row;
      dim = 0;
    }
    mlir::FailureOr<Value> max = builder.amax(input, {dim}, true);
    if (mlir::failed(max))
      return mlir::failure();
    mlir::FailureOr<Value> shifted =
        builder.sub(input, builder.stopGradient(*max));
    if (mlir::failed(shifted))
      return mlir::failure();
    mlir::FailureOr<Value> total =
        builder.sum(builder.unary<mlir::adjit::ExpOp>(*shifted), {dim}, true);
    if (mlir::failed(total))
      return mlir::failure();
    mlir::FailureOr<Value> result =
        builder.sub(*shifted, builder.unary<mlir::adjit::LogOp>(*total));
    if (mlir::failed(result) || !zeroDim)
      return result;
    return builder.reshape(*result, {});
  }
  // Pooling
  case OpKind::MaxPool2d:
    return builder.maxPool2d(in[0], record.ints);
  case OpKind::AvgPool2d:
    return builder.avgPool2d(in[0], record.ints);
  case OpKind::AdaptiveAvgPool2d:
    return builder.adaptiveAvgPool2d(in[0], record.ints);
  // Indexing
  case OpKind::Gather:
    return builder.gather(in[0], in[1], record.ints[0]);
  case OpKind::ScatterAdd:
    return builder.scatterAdd(in[0], in[1], record.ints[0], outShape);
  }
  return mlir::failure();
}

void Tracer::recordStateWrite(const runtime::OpRecord &record) {
  const Tensor &target = record.inputs[0];
  Value targetValue = valueOf(target, record.name);
  auto argument = mlir::dyn_cast<mlir::BlockArgument>(targetValue);
  auto existing = llvm::find_if(stateWrites, [&](const StateWrite &write) {
    return write.target.unsafeGetImpl() == target.unsafeGetImpl();
  });
  if (!scanScopes.empty())
    fail(std::string(record.name) +
         ": it writes state into a tensor of "
         "shape " +
         shapeToString(target.sizes()) +
         " inside the step of a jit::scan, which a compiled loop cannot do");
  if (!argument && existing == stateWrites.end())
    fail(std::string(record.name) +
         ": it writes state into a tensor of shape " +
         shapeToString(target.sizes()) +
         " that was made inside the traced function; state must be made "
         "outside it (e.g. a module's buffer)");
  Value value = valueOf(record.inputs[1], record.name);
  value = emitConversion(value, record.inputs[1].dtype(), target.dtype());
  // Later ops of the trace read the new value.
  values[target.unsafeGetImpl()] = value;
  if (existing != stateWrites.end()) {
    existing->value = value;
  } else {
    // The value before the trace, restored once it ends.
    runtime::ObserverScope notObserved(nullptr);
    NoGradGuard noGrad;
    stateWrites.push_back(
        {argument.getArgNumber(), target, target.clone(), value});
  }
  guard.recordOp(record);
}

std::vector<size_t> Tracer::getStateWrites() const {
  std::vector<size_t> written;
  for (const StateWrite &write : stateWrites)
    written.push_back(write.argument);
  return written;
}

void Tracer::restoreState() {
  runtime::ObserverScope notObserved(nullptr);
  NoGradGuard noGrad;
  for (StateWrite &write : stateWrites)
    write.target.copy_(write.before);
}

void Tracer::observe(const runtime::OpRecord &record) {
  if (record.kind == OpKind::StateWrite)
    return recordStateWrite(record);
  mlir::FailureOr<Value> result = emit(record);
  if (mlir::failed(result))
    fail(std::string("tracing ") + record.name + " failed");
  // The IR result has the eager output's shape and type.
  Value value = *result;
  // An op that recorded no gradient eagerly although an input requires one
  // (it ran under NoGradGuard) must not pass one in compiled code either.
  if (tracingWithGrad && record.kind != OpKind::StopGradient &&
      isFloatingPoint(record.output.dtype()) &&
      !record.output.requires_grad() &&
      llvm::any_of(record.inputs,
                   [](const Tensor &input) { return input.requires_grad(); }))
    value = builder.stopGradient(value);
  mlir::RankedTensorType type = tensorTypeOf(value);
  if (type.getShape() != llvm::ArrayRef<int64_t>(record.output.sizes()))
    fail(std::string("tracing ") + record.name + " gave shape " +
         shapeToString(Shape(type.getShape())) + " but the eager op gave " +
         shapeToString(record.output.sizes()));
  mlir::Type expected = getElementType(context, record.output.dtype());
  if (type.getElementType() != expected)
    value = emitConversion(value, getDtype(type.getElementType()),
                           record.output.dtype());
  currentValues()[record.output.unsafeGetImpl()] = value;
  traced.push_back(record.output);
  guard.recordOp(record);
}

void Tracer::observeUnsupported(const char *op, const char *what) {
  throw Error(std::string(op) + ": not supported inside a traced function (" +
              what + ")");
}

void Tracer::observeIndexCheck(const runtime::IndexRangeCheck &check,
                               const Tensor &indices) {
  int64_t argument = indexSource(check, indices, scanScopes.size());
  if (argument >= 0)
    argumentChecks.push_back({static_cast<size_t>(argument), check});
}

int64_t Tracer::indexSource(const runtime::IndexRangeCheck &check,
                            const Tensor &tensor, size_t depth) {
  if (depth > 0) {
    // In a scan body: the slices of a scanned tensor are checked as all of
    // it, a const as its tensor outside the body.
    ScanScope &scope = scanScopes[depth - 1];
    auto slice = scope.sliceSources.find(tensor.unsafeGetImpl());
    if (slice != scope.sliceSources.end())
      return indexSource(check, slice->second, depth - 1);
    auto found = scope.values.find(tensor.unsafeGetImpl());
    if (found == scope.values.end())
      return indexSource(check, tensor, depth - 1);
    for (const Tensor &outer : scope.constTensors)
      if (outer.unsafeGetImpl() == tensor.unsafeGetImpl())
        return indexSource(check, outer, depth - 1);
    if (found->second.getDefiningOp<mlir::adjit::ConstantOp>())
      return -1;
  } else {
    Value value = valueOf(tensor, check.op);
    if (auto argument = mlir::dyn_cast<mlir::BlockArgument>(value))
      return argument.getArgNumber();
    if (value.getDefiningOp<mlir::adjit::ConstantOp>())
      return -1;
  }
  fail(std::string(check.op) + ": the " + check.what + " indices (shape " +
       shapeToString(tensor.sizes()) +
       ") are computed inside the traced function, so a later call could "
       "not check that they lie in [0, " +
       std::to_string(check.bound) + (check.inclusive ? "]" : ")") +
       "; pass them as an input instead");
}

void Tracer::emitTransform(
    mlir::func::FuncOp callee, const std::vector<Tensor> &operands,
    size_t firstResult, const std::vector<Tensor> &results,
    std::shared_ptr<const TraceGuard::NestedTransform> transform,
    const std::vector<Tensor> &guardOperands) {
  llvm::SmallVector<Value> arguments;
  for (const Tensor &operand : operands)
    arguments.push_back(valueOf(operand, transform->description.c_str()));
  llvm::SmallVector<Value> returned = builder.inlineFunction(callee, arguments);
  bool operandRequiresGrad = llvm::any_of(
      operands, [](const Tensor &operand) { return operand.requires_grad(); });
  for (size_t i = 0; i < results.size(); ++i) {
    Value value = returned[firstResult + i];
    // As for an op: no gradient flows back through a result that eagerly
    // has none (the transform ran under NoGradGuard).
    if (tracingWithGrad && results[i].is_floating_point() &&
        !results[i].requires_grad() && operandRequiresGrad)
      value = builder.stopGradient(value);
    // Inside a scan's step, a value of the body.
    currentValues()[results[i].unsafeGetImpl()] = value;
    traced.push_back(results[i]);
  }
  guard.recordTransform(std::move(transform), guardOperands, results);
}

mlir::OwningOpRef<mlir::ModuleOp>
Tracer::finish(const std::vector<Tensor> &outputs) {
  llvm::SmallVector<Value> results;
  for (const Tensor &output : outputs)
    results.push_back(valueOf(output, "the traced function's result"));
  for (const StateWrite &write : stateWrites)
    results.push_back(write.value);
  guard.recordResults(outputs);
  return builder.finish(results);
}
