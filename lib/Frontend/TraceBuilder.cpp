//===- TraceBuilder.cpp - emit adjit IR for eager tensor ops --------------===//

#include "adjit/Frontend/TraceBuilder.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"

#include <string>

using namespace mlir;
using namespace mlir::adjit;
namespace semantics = ::adjit::semantics;

namespace {
RankedTensorType tensorTypeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}

ArrayRef<int64_t> shapeOf(Value value) {
  return tensorTypeOf(value).getShape();
}

/// The shape of a tensor value as the shape rules take it.
semantics::Shape shapeVector(Value value) {
  ArrayRef<int64_t> shape = shapeOf(value);
  return semantics::Shape(shape.begin(), shape.end());
}

std::string formatShape(ArrayRef<int64_t> shape) {
  return semantics::formatShape(semantics::Shape(shape.begin(), shape.end()));
}

/// The element type both operands are converted to, as PyTorch promotes
/// dtypes: the later of i1, i64, f32 and f64.
Type promotedElementType(Type lhs, Type rhs) {
  auto rank = [](Type type) {
    if (type.isF64())
      return 3;
    if (type.isF32())
      return 2;
    return type.isInteger(1) ? 0 : 1;
  };
  return rank(lhs) >= rank(rhs) ? lhs : rhs;
}
} // namespace

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
  Type elementType = type.getElementType();
  if (isa<IntegerType>(elementType))
    return constant(DenseElementsAttr::get(
        type,
        builder.getIntegerAttr(elementType, static_cast<int64_t>(value))));
  return constant(
      DenseElementsAttr::get(type, builder.getFloatAttr(elementType, value)));
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
  FailureOr<semantics::Shape> shape = checkShape(
      semantics::broadcastShapes(opName, shapeVector(lhs), shapeVector(rhs)));
  if (failed(shape))
    return failure();
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
  FailureOr<semantics::Shape> shape = checkShape(semantics::broadcastShapes(
      "where", shapeVector(condition), shapeVector(values->first)));
  if (failed(shape))
    return failure();
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

template <typename OpTy>
FailureOr<Value> TraceBuilder::reduce(Value value,
                                      const semantics::Reduction &reduction,
                                      bool keepDim) {
  Value result = OpTy::create(builder, location, value,
                              builder.getDenseI64ArrayAttr(reduction.dims));
  if (!keepDim)
    return result;
  return reshape(result, reduction.keptShape);
}

FailureOr<Value> TraceBuilder::sum(Value value, ArrayRef<int64_t> dims,
                                   bool keepDim) {
  FailureOr<semantics::Reduction> reduction = checkShape(
      semantics::reducedShape("sum", shapeVector(value), dims.vec(), keepDim));
  if (failed(reduction))
    return failure();
  return reduce<ReduceSumOp>(value, *reduction, keepDim);
}

FailureOr<Value> TraceBuilder::prod(Value value, ArrayRef<int64_t> dims,
                                    bool keepDim) {
  FailureOr<semantics::Reduction> reduction = checkShape(
      semantics::reducedShape("prod", shapeVector(value), dims.vec(), keepDim));
  if (failed(reduction))
    return failure();
  return reduce<ReduceProdOp>(value, *reduction, keepDim);
}

FailureOr<Value> TraceBuilder::amax(Value value, ArrayRef<int64_t> dims,
                                    bool keepDim) {
  FailureOr<semantics::Reduction> reduction = checkShape(
      semantics::reducedShape("amax", shapeVector(value), dims.vec(), keepDim));
  if (failed(reduction))
    return failure();
  return reduce<ReduceMaxOp>(value, *reduction, keepDim);
}

template <typename OpTy>
FailureOr<std::pair<Value, Value>>
TraceBuilder::extremumAlongDim(StringRef opName, Value value, int64_t dim,
                               bool keepDim) {
  FailureOr<semantics::Reduction> reduction =
      checkShape(semantics::reducedShape(opName.str(), shapeVector(value),
                                         {dim}, keepDim));
  if (failed(reduction))
    return failure();
  if (reduction->dims.empty()) {
    // A 0-d tensor is its own extremum, at index 0.
    auto indexType = RankedTensorType::get({}, builder.getI64Type());
    return std::make_pair(value, splat(indexType, 0));
  }
  int64_t reduced = reduction->dims.front();
  if (reduction->count == 0) {
    emitError() << opName << ": cannot reduce over dimension " << reduced
                << " of size 0 (shape " << formatShape(shapeOf(value)) << ")";
    return failure();
  }
  auto op = OpTy::create(builder, location, value, reduced);
  if (!keepDim)
    return std::make_pair(Value(op.getValues()), Value(op.getIndices()));
  FailureOr<Value> values = reshape(op.getValues(), reduction->keptShape);
  FailureOr<Value> indices = reshape(op.getIndices(), reduction->keptShape);
  if (failed(values) || failed(indices))
    return failure();
  return std::make_pair(*values, *indices);
}

FailureOr<std::pair<Value, Value>>
TraceBuilder::maxAlongDim(Value value, int64_t dim, bool keepDim) {
  return extremumAlongDim<ArgMaxOp>("max", value, dim, keepDim);
}

FailureOr<std::pair<Value, Value>>
TraceBuilder::minAlongDim(Value value, int64_t dim, bool keepDim) {
  return extremumAlongDim<ArgMinOp>("min", value, dim, keepDim);
}

FailureOr<Value> TraceBuilder::mean(Value value, ArrayRef<int64_t> dims,
                                    bool keepDim) {
  FailureOr<semantics::Reduction> reduction = checkShape(
      semantics::reducedShape("mean", shapeVector(value), dims.vec(), keepDim));
  if (failed(reduction))
    return failure();
  FailureOr<Value> total = reduce<ReduceSumOp>(value, *reduction, keepDim);
  if (failed(total))
    return failure();
  Value divisor =
      splat(tensorTypeOf(*total), static_cast<double>(reduction->count));
  return Value(DivOp::create(builder, location, *total, divisor));
}

FailureOr<Value> TraceBuilder::reshape(Value value, ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorTypeOf(value);
  FailureOr<semantics::Shape> newShape = checkShape(
      semantics::inferReshape("reshape", shapeVector(value), shape.vec()));
  if (failed(newShape))
    return failure();
  if (type.getShape() == ArrayRef<int64_t>(*newShape))
    return value;
  return Value(
      ReshapeOp::create(builder, location, type.clone(*newShape), value));
}

FailureOr<Value> TraceBuilder::permute(Value value,
                                       ArrayRef<int64_t> permutation) {
  FailureOr<semantics::Shape> normalized = checkShape(
      semantics::permutation("permute", permutation.vec(), shapeVector(value)));
  if (failed(normalized))
    return failure();
  int64_t rank = normalized->size();
  if (llvm::equal(*normalized, llvm::seq<int64_t>(0, rank)))
    return value;
  return Value(TransposeOp::create(builder, location, value,
                                   builder.getDenseI64ArrayAttr(*normalized)));
}

FailureOr<Value> TraceBuilder::transpose(Value value, int64_t dim0,
                                         int64_t dim1) {
  int64_t rank = shapeOf(value).size();
  if (rank == 0)
    return value;
  FailureOr<int64_t> d0 =
      checkShape(semantics::normalizeDim("transpose", dim0, rank));
  FailureOr<int64_t> d1 =
      checkShape(semantics::normalizeDim("transpose", dim1, rank));
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
  FailureOr<semantics::SliceBounds> bounds = checkShape(
      semantics::sliceDim("slice", shapeVector(value), dim, start, end, step));
  if (failed(bounds))
    return failure();
  SmallVector<int64_t> starts(shape.size(), 0), limits(shape),
      strides(shape.size(), 1);
  starts[bounds->dim] = bounds->start;
  limits[bounds->dim] = bounds->end;
  strides[bounds->dim] = step;
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
  std::vector<semantics::Shape> shapes;
  for (Value value : values)
    shapes.push_back(shapeVector(value));
  FailureOr<semantics::Concatenation> concatenation =
      checkShape(semantics::catShape("cat", shapes, dim));
  if (failed(concatenation))
    return failure();
  Type elementType = tensorTypeOf(values.front()).getElementType();
  for (Value value : values)
    elementType =
        promotedElementType(elementType, tensorTypeOf(value).getElementType());
  SmallVector<Value> converted;
  for (Value value : values)
    converted.push_back(convert(value, elementType));
  if (converted.size() == 1)
    return converted.front();
  return Value(
      ConcatOp::create(builder, location, converted, concatenation->dim));
}

FailureOr<Value> TraceBuilder::matmul(Value lhs, Value rhs) {
  FailureOr<semantics::MatmulPlan> plan =
      checkShape(semantics::matmulPlan(shapeVector(lhs), shapeVector(rhs)));
  if (failed(plan))
    return failure();
  Type elementType = promotedElementType(tensorTypeOf(lhs).getElementType(),
                                         tensorTypeOf(rhs).getElementType());
  // Vectors become matrices (1xK on the left, Kx1 on the right); their unit
  // dimension is removed from the result at the end.
  FailureOr<Value> lhsMatrix =
      reshape(convert(lhs, elementType), plan->lhsMatrix);
  FailureOr<Value> rhsMatrix =
      reshape(convert(rhs, elementType), plan->rhsMatrix);
  if (failed(lhsMatrix) || failed(rhsMatrix))
    return failure();

  Value product;
  if (plan->rhsMatrix.size() == 2) {
    // (batch..., M, K) x (K, N): fold the batch into M, one 2-D product.
    int64_t rows = plan->m;
    for (int64_t size : plan->batch)
      rows *= size;
    FailureOr<Value> flat = reshape(*lhsMatrix, {rows, plan->k});
    if (failed(flat))
      return failure();
    auto type = RankedTensorType::get({rows, plan->n}, elementType);
    product = MatmulOp::create(builder, location, type, *flat, *rhsMatrix);
  } else {
    FailureOr<Value> lhsBroadcast = broadcastTo(*lhsMatrix, plan->lhsBroadcast);
    FailureOr<Value> rhsBroadcast = broadcastTo(*rhsMatrix, plan->rhsBroadcast);
    if (failed(lhsBroadcast) || failed(rhsBroadcast))
      return failure();
    product = MatmulOp::create(builder, location, *lhsBroadcast, *rhsBroadcast);
  }
  return reshape(product, plan->resultShape);
}

Value TraceBuilder::dropoutMask(Value state, double p, RankedTensorType type) {
  // The seed and the offset as 0-d tensors.
  auto word = [&](int64_t index) {
    return *reshape(*slice(state, 0, index, index + 1, 1), {});
  };
  return DropoutMaskOp::create(builder, location, type, word(0), word(1),
                               builder.getF64FloatAttr(p));
}

SmallVector<Value> TraceBuilder::inlineFunction(func::FuncOp callee,
                                                ValueRange arguments) {
  Block &body = callee.getBody().front();
  IRMapping mapping;
  mapping.map(body.getArguments(), arguments);
  for (Operation &op : body.without_terminator())
    builder.clone(op, mapping);
  SmallVector<Value> results;
  for (Value result : body.getTerminator()->getOperands())
    results.push_back(mapping.lookup(result));
  return results;
}

OwningOpRef<ModuleOp> TraceBuilder::finish(ValueRange results) {
  func::ReturnOp::create(builder, location, results);
  function.setFunctionType(builder.getFunctionType(
      function.getBody().front().getArgumentTypes(), TypeRange(results)));
  return std::move(module);
}

// Convolution

FailureOr<Value>
TraceBuilder::convolution(StringRef opName, Value input, Value weight,
                          Value bias, ArrayRef<int64_t> stride,
                          ArrayRef<int64_t> padding, ArrayRef<int64_t> dilation,
                          int64_t groups, int64_t spatialDims) {
  semantics::Shape inputShape = shapeVector(input);
  semantics::Shape weightShape = shapeVector(weight);
  bool batched = static_cast<int64_t>(inputShape.size()) == spatialDims + 2;
  // The 4-D operands: a unit batch for an unbatched input, a unit height for
  // conv1d.
  if (!batched)
    inputShape.insert(inputShape.begin(), 1);
  if (spatialDims == 1) {
    inputShape.insert(inputShape.begin() + 2, 1);
    weightShape.insert(weightShape.begin() + 2, 1);
  }
  semantics::ConvolutionAttrs attrs{{stride[0], stride[1]},
                                    {padding[0], padding[1]},
                                    {padding[2], padding[3]},
                                    {dilation[0], dilation[1]},
                                    groups};
  FailureOr<semantics::Shape> shape = checkShape(semantics::convolutionShape(
      opName.str(), inputShape, weightShape, attrs));
  if (failed(shape))
    return failure();
  FailureOr<Value> x = reshape(input, inputShape);
  FailureOr<Value> w = reshape(weight, weightShape);
  if (failed(x) || failed(w))
    return failure();
  auto type =
      RankedTensorType::get(*shape, tensorTypeOf(input).getElementType());
  Value result = Conv2DOp::create(builder, location, type, *x, *w, stride,
                                  padding, dilation, groups);
  if (bias) {
    int64_t channels = (*shape)[1];
    FailureOr<Value> column = reshape(bias, {1, channels, 1, 1});
    if (failed(column))
      return failure();
    FailureOr<Value> sum = add(result, *column);
    if (failed(sum))
      return failure();
    result = *sum;
  }
  // Back to the op's rank: no unit height for conv1d, no unit batch for an
  // unbatched input.
  semantics::Shape resultShape(*shape);
  if (spatialDims == 1)
    resultShape.erase(resultShape.begin() + 2);
  if (!batched)
    resultShape.erase(resultShape.begin());
  return reshape(result, resultShape);
}
