//===- TraceBuilder.cpp - emit adjit IR for eager tensor ops --------------===//

#include "adjit/Frontend/TraceBuilder.h"

#include "mlir/IR/Diagnostics.h"

#include <string>

using namespace mlir;
using namespace mlir::adjit;

namespace {
RankedTensorType tensorTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

ArrayRef<int64_t> shapeOf(Value value) {
  return tensorTypeOf(value).getShape();
}

/// Formats a shape as PyTorch prints sizes: [2, 3].
std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleaveComma(shape, os);
  os << "]";
  return text;
}

/// The element type both operands are converted to: f64 if either is f64.
Type promotedElementType(Type lhs, Type rhs) {
  if (lhs == rhs)
    return lhs;
  return Float64Type::get(lhs.getContext());
}
} // namespace

std::optional<SmallVector<int64_t>>
mlir::adjit::broadcastShapes(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    size_t fromEnd = rank - 1 - i;
    int64_t l = fromEnd < lhs.size() ? lhs[lhs.size() - 1 - fromEnd] : 1;
    int64_t r = fromEnd < rhs.size() ? rhs[rhs.size() - 1 - fromEnd] : 1;
    if (l != r && l != 1 && r != 1)
      return std::nullopt;
    result[i] = l == 1 ? r : l;
  }
  return result;
}

TraceBuilder::TraceBuilder(MLIRContext *context, StringRef functionName)
    : builder(context), location(UnknownLoc::get(context)) {
  module = ModuleOp::create(location);
  builder.setInsertionPointToEnd(module->getBody());
  function = func::FuncOp::create(builder, location, functionName,
                                  builder.getFunctionType({}, {}));
  builder.setInsertionPointToEnd(function.addEntryBlock());
}

InFlightDiagnostic TraceBuilder::emitError() {
  return mlir::emitError(location);
}

Value TraceBuilder::addArgument(RankedTensorType type) {
  return function.getBody().front().addArgument(type, location);
}

Value TraceBuilder::constant(DenseElementsAttr value) {
  return ConstantOp::create(builder, location, value);
}

Value TraceBuilder::splat(RankedTensorType type, double value) {
  return constant(DenseElementsAttr::get(
      type, builder.getFloatAttr(type.getElementType(), value)));
}

FailureOr<int64_t> TraceBuilder::normalizeDim(StringRef opName, int64_t dim,
                                              int64_t rank) {
  int64_t normalized = dim < 0 ? dim + rank : dim;
  if (normalized < 0 || normalized >= rank) {
    emitError() << opName << ": dimension " << dim
                << " is out of range for a tensor of rank " << rank
                << " (valid: " << -rank << " to " << rank - 1 << ")";
    return failure();
  }
  return normalized;
}

FailureOr<Value> TraceBuilder::broadcastTo(Value value,
                                           ArrayRef<int64_t> shape) {
  ArrayRef<int64_t> source = shapeOf(value);
  if (source == shape)
    return value;
  bool valid = source.size() <= shape.size();
  int64_t offset = shape.size() - source.size();
  SmallVector<int64_t> dims;
  for (size_t i = 0; valid && i < source.size(); ++i) {
    valid = source[i] == shape[offset + i] || source[i] == 1;
    dims.push_back(offset + i);
  }
  if (!valid) {
    emitError() << "broadcast_to: shape " << formatShape(source)
                << " cannot broadcast to " << formatShape(shape);
    return failure();
  }
  auto type = tensorTypeOf(value).clone(shape);
  return Value(BroadcastOp::create(builder, location, type, value,
                                   builder.getDenseI64ArrayAttr(dims)));
}

Value TraceBuilder::convert(Value value, Type elementType) {
  RankedTensorType type = tensorTypeOf(value);
  if (type.getElementType() == elementType)
    return value;
  return ConvertOp::create(builder, location, type.clone(elementType), value);
}

FailureOr<std::pair<Value, Value>>
TraceBuilder::promoteAndBroadcast(StringRef opName, Value lhs, Value rhs) {
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(shapeOf(lhs), shapeOf(rhs));
  if (!shape) {
    emitError() << opName << ": shapes " << formatShape(shapeOf(lhs)) << " and "
                << formatShape(shapeOf(rhs)) << " are not broadcastable";
    return failure();
  }
  Type elementType = promotedElementType(tensorTypeOf(lhs).getElementType(),
                                         tensorTypeOf(rhs).getElementType());
  FailureOr<Value> newLhs = broadcastTo(convert(lhs, elementType), *shape);
  FailureOr<Value> newRhs = broadcastTo(convert(rhs, elementType), *shape);
  if (failed(newLhs) || failed(newRhs))
    return failure();
  return std::make_pair(*newLhs, *newRhs);
}

template <typename OpTy>
FailureOr<Value> TraceBuilder::binary(StringRef opName, Value lhs, Value rhs) {
  auto operands = promoteAndBroadcast(opName, lhs, rhs);
  if (failed(operands))
    return failure();
  return Value(
      OpTy::create(builder, location, operands->first, operands->second));
}

FailureOr<Value> TraceBuilder::add(Value lhs, Value rhs) {
  return binary<AddOp>("add", lhs, rhs);
}
FailureOr<Value> TraceBuilder::sub(Value lhs, Value rhs) {
  return binary<SubOp>("sub", lhs, rhs);
}
FailureOr<Value> TraceBuilder::mul(Value lhs, Value rhs) {
  return binary<MulOp>("mul", lhs, rhs);
}
FailureOr<Value> TraceBuilder::div(Value lhs, Value rhs) {
  return binary<DivOp>("div", lhs, rhs);
}
FailureOr<Value> TraceBuilder::maximum(Value lhs, Value rhs) {
  return binary<MaxOp>("maximum", lhs, rhs);
}
FailureOr<Value> TraceBuilder::minimum(Value lhs, Value rhs) {
  return binary<MinOp>("minimum", lhs, rhs);
}
FailureOr<Value> TraceBuilder::pow(Value lhs, Value rhs) {
  return binary<PowOp>("pow", lhs, rhs);
}

FailureOr<Value> TraceBuilder::compare(ComparePredicate predicate, Value lhs,
                                       Value rhs) {
  auto operands =
      promoteAndBroadcast(stringifyComparePredicate(predicate), lhs, rhs);
  if (failed(operands))
    return failure();
  return Value(CompareOp::create(builder, location, predicate, operands->first,
                                 operands->second));
}

FailureOr<Value> TraceBuilder::where(Value condition, Value onTrue,
                                     Value onFalse) {
  if (!tensorTypeOf(condition).getElementType().isInteger(1)) {
    emitError() << "where: the condition must be a bool tensor, got "
                << tensorTypeOf(condition);
    return failure();
  }
  auto values = promoteAndBroadcast("where", onTrue, onFalse);
  if (failed(values))
    return failure();
  std::optional<SmallVector<int64_t>> shape =
      broadcastShapes(shapeOf(condition), shapeOf(values->first));
  if (!shape) {
    emitError() << "where: condition shape " << formatShape(shapeOf(condition))
                << " and value shape " << formatShape(shapeOf(values->first))
                << " are not broadcastable";
    return failure();
  }
  FailureOr<Value> newCondition = broadcastTo(condition, *shape);
  FailureOr<Value> newTrue = broadcastTo(values->first, *shape);
  FailureOr<Value> newFalse = broadcastTo(values->second, *shape);
  if (failed(newCondition) || failed(newTrue) || failed(newFalse))
    return failure();
  return Value(
      SelectOp::create(builder, location, *newCondition, *newTrue, *newFalse));
}

Value TraceBuilder::add(Value lhs, double rhs) {
  return AddOp::create(builder, location, lhs, splat(tensorTypeOf(lhs), rhs));
}
Value TraceBuilder::mul(Value lhs, double rhs) {
  return MulOp::create(builder, location, lhs, splat(tensorTypeOf(lhs), rhs));
}
Value TraceBuilder::pow(Value lhs, double rhs) {
  return PowOp::create(builder, location, lhs, splat(tensorTypeOf(lhs), rhs));
}

Value TraceBuilder::neg(Value value) {
  return NegOp::create(builder, location, value);
}
Value TraceBuilder::exp(Value value) {
  return ExpOp::create(builder, location, value);
}
Value TraceBuilder::log(Value value) {
  return LogOp::create(builder, location, value);
}
Value TraceBuilder::sqrt(Value value) {
  return SqrtOp::create(builder, location, value);
}
Value TraceBuilder::rsqrt(Value value) {
  return RsqrtOp::create(builder, location, value);
}
Value TraceBuilder::tanh(Value value) {
  return TanhOp::create(builder, location, value);
}
Value TraceBuilder::sigmoid(Value value) {
  return SigmoidOp::create(builder, location, value);
}
Value TraceBuilder::relu(Value value) {
  return ReluOp::create(builder, location, value);
}
Value TraceBuilder::abs(Value value) {
  return AbsOp::create(builder, location, value);
}

template <typename OpTy>
FailureOr<Value> TraceBuilder::reduce(StringRef opName, Value value,
                                      ArrayRef<int64_t> dims, bool keepDim) {
  ArrayRef<int64_t> shape = shapeOf(value);
  int64_t rank = shape.size();
  SmallVector<int64_t> reduced;
  if (dims.empty()) {
    reduced = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  } else {
    for (int64_t dim : dims) {
      FailureOr<int64_t> normalized = normalizeDim(opName, dim, rank);
      if (failed(normalized))
        return failure();
      if (llvm::is_contained(reduced, *normalized)) {
        emitError() << opName << ": dimension " << dim
                    << " appears more than once in the list of dims";
        return failure();
      }
      reduced.push_back(*normalized);
    }
    llvm::sort(reduced);
  }
  Value result = OpTy::create(builder, location, value,
                              builder.getDenseI64ArrayAttr(reduced));
  if (!keepDim)
    return result;
  SmallVector<int64_t> keptShape(shape);
  for (int64_t dim : reduced)
    keptShape[dim] = 1;
  return reshape(result, keptShape);
}

FailureOr<Value> TraceBuilder::sum(Value value, ArrayRef<int64_t> dims,
                                   bool keepDim) {
  return reduce<ReduceSumOp>("sum", value, dims, keepDim);
}

FailureOr<Value> TraceBuilder::amax(Value value, ArrayRef<int64_t> dims,
                                    bool keepDim) {
  return reduce<ReduceMaxOp>("amax", value, dims, keepDim);
}

FailureOr<Value> TraceBuilder::mean(Value value, ArrayRef<int64_t> dims,
                                    bool keepDim) {
  FailureOr<Value> total = reduce<ReduceSumOp>("mean", value, dims, keepDim);
  if (failed(total))
    return failure();
  int64_t count = tensorTypeOf(value).getNumElements() /
                  std::max<int64_t>(tensorTypeOf(*total).getNumElements(), 1);
  Value divisor = splat(tensorTypeOf(*total), static_cast<double>(count));
  return Value(DivOp::create(builder, location, *total, divisor));
}

FailureOr<Value> TraceBuilder::reshape(Value value, ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorTypeOf(value);
  SmallVector<int64_t> newShape(shape);
  int64_t total = type.getNumElements();
  int64_t known = 1;
  std::optional<size_t> inferredDim;
  bool valid = true;
  for (auto [dim, size] : llvm::enumerate(newShape)) {
    if (size == -1 && !inferredDim)
      inferredDim = dim;
    else if (size < 0)
      valid = false;
    else
      known *= size;
  }
  if (valid && inferredDim) {
    valid = known != 0 && total % known == 0;
    if (valid)
      newShape[*inferredDim] = total / known;
  } else if (valid) {
    valid = known == total;
  }
  if (!valid) {
    emitError() << "reshape: shape " << formatShape(shape)
                << " is invalid for input of size " << total << " (shape "
                << formatShape(type.getShape())
                << "; sizes are >= 0 with at most one -1)";
    return failure();
  }
  if (type.getShape() == ArrayRef<int64_t>(newShape))
    return value;
  return Value(
      ReshapeOp::create(builder, location, type.clone(newShape), value));
}

FailureOr<Value> TraceBuilder::permute(Value value,
                                       ArrayRef<int64_t> permutation) {
  int64_t rank = shapeOf(value).size();
  if (static_cast<int64_t>(permutation.size()) != rank) {
    emitError() << "permute: " << permutation.size()
                << " dims given for a tensor of rank " << rank;
    return failure();
  }
  SmallVector<int64_t> normalized;
  for (int64_t dim : permutation) {
    FailureOr<int64_t> d = normalizeDim("permute", dim, rank);
    if (failed(d))
      return failure();
    if (llvm::is_contained(normalized, *d)) {
      emitError() << "permute: dimension " << dim << " repeats in "
                  << formatShape(permutation);
      return failure();
    }
    normalized.push_back(*d);
  }
  if (llvm::equal(normalized, llvm::seq<int64_t>(0, rank)))
    return value;
  return Value(TransposeOp::create(builder, location, value,
                                   builder.getDenseI64ArrayAttr(normalized)));
}

FailureOr<Value> TraceBuilder::transpose(Value value, int64_t dim0,
                                         int64_t dim1) {
  int64_t rank = shapeOf(value).size();
  FailureOr<int64_t> d0 = normalizeDim("transpose", dim0, rank);
  FailureOr<int64_t> d1 = normalizeDim("transpose", dim1, rank);
  if (failed(d0) || failed(d1))
    return failure();
  SmallVector<int64_t> permutation =
      llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(permutation[*d0], permutation[*d1]);
  return permute(value, permutation);
}

FailureOr<Value> TraceBuilder::slice(Value value, int64_t dim, int64_t start,
                                     int64_t end, int64_t step) {
  ArrayRef<int64_t> shape = shapeOf(value);
  FailureOr<int64_t> d = normalizeDim("slice", dim, shape.size());
  if (failed(d))
    return failure();
  if (step < 1) {
    emitError() << "slice: step must be positive, got " << step;
    return failure();
  }
  int64_t size = shape[*d];
  auto clamp = [size](int64_t index) {
    if (index < 0)
      index += size;
    return std::clamp<int64_t>(index, 0, size);
  };
  start = clamp(start);
  end = std::max(clamp(end), start);
  SmallVector<int64_t> starts(shape.size(), 0), limits(shape),
      strides(shape.size(), 1);
  starts[*d] = start;
  limits[*d] = end;
  strides[*d] = step;
  return Value(SliceOp::create(builder, location, value,
                               builder.getDenseI64ArrayAttr(starts),
                               builder.getDenseI64ArrayAttr(limits),
                               builder.getDenseI64ArrayAttr(strides)));
}

FailureOr<Value> TraceBuilder::cat(ValueRange values, int64_t dim) {
  if (values.empty()) {
    emitError() << "cat: expected a non-empty list of tensors";
    return failure();
  }
  ArrayRef<int64_t> first = shapeOf(values.front());
  FailureOr<int64_t> d = normalizeDim("cat", dim, first.size());
  if (failed(d))
    return failure();
  Type elementType = tensorTypeOf(values.front()).getElementType();
  for (Value value : values) {
    ArrayRef<int64_t> shape = shapeOf(value);
    bool compatible = shape.size() == first.size();
    for (size_t i = 0; compatible && i < shape.size(); ++i)
      compatible = static_cast<int64_t>(i) == *d || shape[i] == first[i];
    if (!compatible) {
      emitError() << "cat: sizes of tensors must match except in dimension "
                  << dim << ", got " << formatShape(first) << " and "
                  << formatShape(shape);
      return failure();
    }
    elementType =
        promotedElementType(elementType, tensorTypeOf(value).getElementType());
  }
  SmallVector<Value> converted;
  for (Value value : values)
    converted.push_back(convert(value, elementType));
  if (converted.size() == 1)
    return converted.front();
  return Value(ConcatOp::create(builder, location, converted, *d));
}

FailureOr<Value> TraceBuilder::matmul(Value lhs, Value rhs) {
  ArrayRef<int64_t> lhsShape = shapeOf(lhs), rhsShape = shapeOf(rhs);
  int64_t lhsRank = lhsShape.size(), rhsRank = rhsShape.size();
  if (lhsRank < 1 || rhsRank < 1) {
    emitError() << "matmul: both arguments need to be at least 1-D, got "
                << formatShape(lhsShape) << " and " << formatShape(rhsShape);
    return failure();
  }
  int64_t lhsK = lhsShape.back();
  int64_t rhsK = rhsRank == 1 ? rhsShape[0] : rhsShape[rhsRank - 2];
  if (lhsK != rhsK) {
    emitError() << "matmul: shapes " << formatShape(lhsShape) << " and "
                << formatShape(rhsShape) << " cannot be multiplied (" << lhsK
                << " != " << rhsK << ")";
    return failure();
  }
  Type elementType = promotedElementType(tensorTypeOf(lhs).getElementType(),
                                         tensorTypeOf(rhs).getElementType());
  lhs = convert(lhs, elementType);
  rhs = convert(rhs, elementType);

  // Vectors become matrices (1xK on the left, Kx1 on the right); their unit
  // dimension is removed from the result at the end.
  SmallVector<int64_t> lhsMatrixShape(lhsShape), rhsMatrixShape(rhsShape);
  if (lhsRank == 1)
    lhsMatrixShape.insert(lhsMatrixShape.begin(), 1);
  if (rhsRank == 1)
    rhsMatrixShape.push_back(1);
  FailureOr<Value> lhsMatrix = reshape(lhs, lhsMatrixShape);
  FailureOr<Value> rhsMatrix = reshape(rhs, rhsMatrixShape);
  if (failed(lhsMatrix) || failed(rhsMatrix))
    return failure();

  int64_t m = lhsMatrixShape[lhsMatrixShape.size() - 2];
  int64_t n = rhsMatrixShape.back();
  ArrayRef<int64_t> lhsBatch = ArrayRef(lhsMatrixShape).drop_back(2);
  ArrayRef<int64_t> rhsBatch = ArrayRef(rhsMatrixShape).drop_back(2);
  std::optional<SmallVector<int64_t>> batch =
      broadcastShapes(lhsBatch, rhsBatch);
  if (!batch) {
    emitError() << "matmul: batch dimensions of " << formatShape(lhsShape)
                << " and " << formatShape(rhsShape) << " are not broadcastable";
    return failure();
  }

  Value product;
  if (rhsBatch.empty()) {
    // (batch..., M, K) x (K, N): fold the batch into M, one 2-D product.
    int64_t rows = m;
    for (int64_t size : lhsBatch)
      rows *= size;
    FailureOr<Value> flat = reshape(*lhsMatrix, {rows, lhsK});
    if (failed(flat))
      return failure();
    auto type = RankedTensorType::get({rows, n}, elementType);
    product = MatmulOp::create(builder, location, type, *flat, *rhsMatrix);
  } else {
    SmallVector<int64_t> lhsFull(*batch), rhsFull(*batch);
    lhsFull.append({m, lhsK});
    rhsFull.append({rhsK, n});
    FailureOr<Value> lhsBroadcast = broadcastTo(*lhsMatrix, lhsFull);
    FailureOr<Value> rhsBroadcast = broadcastTo(*rhsMatrix, rhsFull);
    if (failed(lhsBroadcast) || failed(rhsBroadcast))
      return failure();
    product = MatmulOp::create(builder, location, *lhsBroadcast, *rhsBroadcast);
  }

  SmallVector<int64_t> resultShape(*batch);
  if (lhsRank > 1)
    resultShape.push_back(m);
  if (rhsRank > 1)
    resultShape.push_back(n);
  return reshape(product, resultShape);
}

OwningOpRef<ModuleOp> TraceBuilder::finish(ValueRange results) {
  func::ReturnOp::create(builder, location, results);
  function.setFunctionType(builder.getFunctionType(
      function.getBody().front().getArgumentTypes(), TypeRange(results)));
  return std::move(module);
}
