//===- AdjointRulesShape.cpp - adjoints of adjit shape ops ----------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

//===----------------------------------------------------------------------===//
// BroadcastOp
//===----------------------------------------------------------------------===//

LogicalResult
BroadcastOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // Sum over the new result dimensions and over the size-1 operand
  // dimensions that were expanded, then reshape to the operand's type (which
  // brings back the size-1 dimensions).
  auto operandType = cast<RankedTensorType>(getOperand().getType());
  auto resultType = cast<RankedTensorType>(getType());
  ArrayRef<int64_t> dims = getBroadcastDimensions();
  SmallVector<int64_t> reduced;
  for (int64_t resultDim = 0; resultDim < resultType.getRank(); ++resultDim) {
    const auto *mapped = llvm::find(dims, resultDim);
    if (mapped == dims.end() || operandType.getDimSize(mapped - dims.begin()) !=
                                    resultType.getDimSize(resultDim))
      reduced.push_back(resultDim);
  }
  Value adjoint = resultAdjoints[0];
  if (!reduced.empty())
    adjoint = ReduceSumOp::create(builder, getLoc(), adjoint, reduced);
  if (adjoint.getType() != operandType)
    adjoint = ReshapeOp::create(builder, getLoc(), operandType, adjoint);
  operandAdjoints[0] = adjoint;
  return success();
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult
ReshapeOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                         ArrayRef<bool> requested,
                         SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (requested[0])
    operandAdjoints[0] = ReshapeOp::create(
        builder, getLoc(), getOperand().getType(), resultAdjoints[0]);
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult
TransposeOp::buildAdjoints(OpBuilder &builder, ArrayRef<Value> resultAdjoints,
                           ArrayRef<bool> requested,
                           SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // Transposes back with the inverse permutation.
  ArrayRef<int64_t> permutation = getPermutation();
  SmallVector<int64_t> inverse(permutation.size());
  for (auto [index, dim] : llvm::enumerate(permutation))
    inverse[dim] = index;
  operandAdjoints[0] =
      TransposeOp::create(builder, getLoc(), resultAdjoints[0], inverse);
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

namespace {
/// Returns `value` with its dimension `dim` replaced by the sizes `sizes`.
RankedTensorType replaceDim(RankedTensorType type, int64_t dim,
                            ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> shape(type.getShape().take_front(dim));
  llvm::append_range(shape, sizes);
  llvm::append_range(shape, type.getShape().drop_front(dim + 1));
  return RankedTensorType::get(shape, type.getElementType());
}

/// Returns `value` with `before` zeros prepended and `after` zeros appended
/// along `dim`.
Value padWithZeros(OpBuilder &builder, Location loc, Value value, int64_t dim,
                   int64_t before, int64_t after) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<Value> pieces;
  if (before > 0)
    pieces.push_back(
        createZeros(builder, loc, replaceDim(type, dim, {before})));
  pieces.push_back(value);
  if (after > 0)
    pieces.push_back(createZeros(builder, loc, replaceDim(type, dim, {after})));
  if (pieces.size() == 1)
    return value;
  return ConcatOp::create(builder, loc, pieces, dim);
}

/// Scatters `value` along `dim` into a tensor whose dimension `dim` has
/// `size` elements: element `k` goes to position `start + k * stride`, every
/// other position is zero. `value` must not be empty.
Value scatterAlongDim(OpBuilder &builder, Location loc, Value value,
                      int64_t dim, int64_t start, int64_t stride,
                      int64_t size) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t count = type.getDimSize(dim);
  int64_t span = count;
  if (stride > 1 && count > 1) {
    // Interleave stride - 1 zeros after every element: reshape to
    // [count, 1], concat zeros [count, stride - 1] along the new dimension,
    // reshape to [count * stride], keep the first (count - 1) * stride + 1.
    auto column = replaceDim(type, dim, {count, 1});
    auto gap = replaceDim(type, dim, {count, stride - 1});
    auto interleaved = replaceDim(type, dim, {count * stride});
    Value reshaped = ReshapeOp::create(builder, loc, column, value);
    Value zeros = createZeros(builder, loc, gap);
    Value joined =
        ConcatOp::create(builder, loc, ValueRange{reshaped, zeros}, dim + 1);
    value = ReshapeOp::create(builder, loc, interleaved, joined);
    span = (count - 1) * stride + 1;
    if (span != count * stride) {
      SmallVector<int64_t> starts(type.getRank(), 0);
      SmallVector<int64_t> limits(interleaved.getShape());
      SmallVector<int64_t> strides(type.getRank(), 1);
      limits[dim] = span;
      value = SliceOp::create(builder, loc, value, starts, limits, strides);
    }
  }
  return padWithZeros(builder, loc, value, dim, start, size - start - span);
}
} // namespace

LogicalResult SliceOp::buildAdjoints(OpBuilder &builder,
                                     ArrayRef<Value> resultAdjoints,
                                     ArrayRef<bool> requested,
                                     SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  if (!requested[0])
    return success();
  // Pads the adjoint with zeros back to the operand's shape, one dimension at
  // a time, with the sliced elements at their positions.
  auto operandType = cast<RankedTensorType>(getOperand().getType());
  auto resultType = cast<RankedTensorType>(getType());
  if (resultType.getNumElements() == 0) {
    operandAdjoints[0] = createZeros(builder, getLoc(), operandType);
    return success();
  }
  Value adjoint = resultAdjoints[0];
  for (int64_t dim = 0; dim < operandType.getRank(); ++dim) {
    int64_t size = operandType.getDimSize(dim);
    if (resultType.getDimSize(dim) == size)
      continue; // The slice keeps this whole dimension.
    adjoint = scatterAlongDim(builder, getLoc(), adjoint, dim,
                              getStartIndices()[dim], getStrides()[dim], size);
  }
  operandAdjoints[0] = adjoint;
  return success();
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::buildAdjoints(OpBuilder &builder,
                                      ArrayRef<Value> resultAdjoints,
                                      ArrayRef<bool> requested,
                                      SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  // Operand i's adjoint is the slice of the adjoint that it filled.
  auto resultType = cast<RankedTensorType>(getType());
  int64_t dim = getDim();
  int64_t offset = 0;
  for (auto [index, input] : llvm::enumerate(getInputs())) {
    auto inputType = cast<RankedTensorType>(input.getType());
    int64_t size = inputType.getDimSize(dim);
    if (requested[index]) {
      SmallVector<int64_t> starts(resultType.getRank(), 0);
      SmallVector<int64_t> limits(resultType.getShape());
      SmallVector<int64_t> strides(resultType.getRank(), 1);
      starts[dim] = offset;
      limits[dim] = offset + size;
      operandAdjoints[index] = SliceOp::create(
          builder, getLoc(), resultAdjoints[0], starts, limits, strides);
    }
    offset += size;
  }
  return success();
}
