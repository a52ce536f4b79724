//===- ShapeOps.cpp - adjit broadcast, reshape, transpose, slice, concat --===//

#include "FoldUtils.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/ShapeRules.h"

using namespace mlir;
using namespace mlir::adjit;

//===----------------------------------------------------------------------===//
// BroadcastOp
//===----------------------------------------------------------------------===//

LogicalResult BroadcastOp::verify() {
  auto operandType = cast<RankedTensorType>(getOperand().getType());
  auto resultType = cast<RankedTensorType>(getType());
  ArrayRef<int64_t> dims = getBroadcastDimensions();
  if (operandType.getElementType() != resultType.getElementType())
    return emitOpError("requires operand and result of one element type, got ")
           << operandType << " and " << resultType;
  if (static_cast<int64_t>(dims.size()) != operandType.getRank())
    return emitOpError("requires one entry in dims per operand dimension, got ")
           << dims.size() << " entries for " << operandType;
  for (auto [operandDim, resultDim] : llvm::enumerate(dims)) {
    if (resultDim < 0 || resultDim >= resultType.getRank())
      return emitOpError("dims entry ")
             << resultDim << " is out of range for " << resultType
             << " (valid: 0 to " << resultType.getRank() - 1 << ")";
    if (operandDim > 0 && resultDim <= dims[operandDim - 1])
      return emitOpError("requires strictly increasing dims, got [")
             << dims << "]";
    int64_t operandSize = operandType.getDimSize(operandDim);
    int64_t resultSize = resultType.getDimSize(resultDim);
    if (operandSize != resultSize && operandSize != 1)
      return emitOpError("operand dimension ")
             << operandDim << " of size " << operandSize
             << " cannot broadcast to result dimension " << resultDim
             << " of size " << resultSize << " (" << operandType << " -> "
             << resultType << "; a broadcast dimension has size 1 or the "
             << "result's size)";
  }
  return success();
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  // Strictly increasing dims over equal ranks are the identity.
  if (getOperand().getType() == getType())
    return getOperand();
  if (Attribute splat =
          reshapeSplat(adaptor.getOperand(), cast<ShapedType>(getType())))
    return splat;
  // broadcast(broadcast(x, inner), outer) = broadcast(x, outer o inner).
  if (auto inner = getOperand().getDefiningOp<BroadcastOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t dim : inner.getBroadcastDimensions())
      composed.push_back(getBroadcastDimensions()[dim]);
    getOperandMutable().assign(inner.getOperand());
    setBroadcastDimensions(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto operandType = cast<RankedTensorType>(getOperand().getType());
  auto resultType = cast<RankedTensorType>(getType());
  if (operandType.getElementType() != resultType.getElementType())
    return emitOpError("requires operand and result of one element type, got ")
           << operandType << " and " << resultType;
  if (operandType.getNumElements() != resultType.getNumElements())
    return emitOpError("requires the same number of elements, got ")
           << operandType << " (" << operandType.getNumElements()
           << " elements) and " << resultType << " ("
           << resultType.getNumElements() << " elements)";
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  auto resultType = cast<ShapedType>(getType());
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getOperand());
      dense && isSmallConstant(dense))
    return dense.reshape(resultType);
  // reshape(reshape(x)) = reshape(x).
  if (auto inner = getOperand().getDefiningOp<ReshapeOp>()) {
    getOperandMutable().assign(inner.getOperand());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> location,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getOperand().getType());
  if (!type)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects a ranked tensor operand");
  ArrayRef<int64_t> permutation = adaptor.getPermutation();
  int64_t rank = type.getRank();
  if (!::adjit::semantics::isPermutation(permutation.vec(), rank))
    return emitOptionalError(
        location, "'", getOperationName(), "' op permutation [", permutation,
        "] is not a permutation of the ", rank, " dimensions of ", type);
  SmallVector<int64_t> shape;
  for (int64_t dim : permutation)
    shape.push_back(type.getDimSize(dim));
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  auto isIdentity = [](ArrayRef<int64_t> permutation) {
    for (auto [index, dim] : llvm::enumerate(permutation))
      if (static_cast<int64_t>(index) != dim)
        return false;
    return true;
  };
  if (isIdentity(getPermutation()))
    return getOperand();
  if (Attribute splat =
          reshapeSplat(adaptor.getOperand(), cast<ShapedType>(getType())))
    return splat;
  // transpose(transpose(x, inner), outer) = transpose(x, inner o outer).
  if (auto inner = getOperand().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> composed;
    for (int64_t dim : getPermutation())
      composed.push_back(inner.getPermutation()[dim]);
    if (isIdentity(composed))
      return inner.getOperand();
    getOperandMutable().assign(inner.getOperand());
    setPermutation(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

ParseResult SliceOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand operand;
  SmallVector<int64_t> starts, limits, strides;
  Type operandType, resultType;
  SMLoc operandLoc = parser.getCurrentLocation();
  auto parseRange = [&]() -> ParseResult {
    int64_t start, limit, stride;
    if (parser.parseInteger(start) || parser.parseColon() ||
        parser.parseInteger(limit) || parser.parseColon() ||
        parser.parseInteger(stride))
      return failure();
    starts.push_back(start);
    limits.push_back(limit);
    strides.push_back(stride);
    return success();
  };
  if (parser.parseOperand(operand) ||
      parser.parseCommaSeparatedList(OpAsmParser::Delimiter::Square, parseRange,
                                     " in slice ranges start:limit:stride") ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseColonType(operandType) || parser.parseArrow() ||
      parser.parseType(resultType) ||
      parser.resolveOperand(operand, operandType, result.operands))
    return failure();
  (void)operandLoc;
  Builder &builder = parser.getBuilder();
  result.addAttribute(getStartIndicesAttrName(result.name),
                      builder.getDenseI64ArrayAttr(starts));
  result.addAttribute(getLimitIndicesAttrName(result.name),
                      builder.getDenseI64ArrayAttr(limits));
  result.addAttribute(getStridesAttrName(result.name),
                      builder.getDenseI64ArrayAttr(strides));
  result.addTypes(resultType);
  return success();
}

void SliceOp::print(OpAsmPrinter &printer) {
  printer << ' ' << getOperand() << " [";
  llvm::interleaveComma(
      llvm::zip_equal(getStartIndices(), getLimitIndices(), getStrides()),
      printer, [&](auto range) {
        auto [start, limit, stride] = range;
        printer << start << ':' << limit << ':' << stride;
      });
  printer << ']';
  printer.printOptionalAttrDict((*this)->getAttrs(), {getStartIndicesAttrName(),
                                                      getLimitIndicesAttrName(),
                                                      getStridesAttrName()});
  printer << " : " << getOperand().getType() << " -> " << getType();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> location,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  auto type = dyn_cast<RankedTensorType>(adaptor.getOperand().getType());
  if (!type)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects a ranked tensor operand");
  ArrayRef<int64_t> starts = adaptor.getStartIndices();
  ArrayRef<int64_t> limits = adaptor.getLimitIndices();
  ArrayRef<int64_t> strides = adaptor.getStrides();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(starts.size()) != rank ||
      static_cast<int64_t>(limits.size()) != rank ||
      static_cast<int64_t>(strides.size()) != rank)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op requires one start:limit:stride range per "
                             "dimension of ",
                             type, ", got ", starts.size(), ", ", limits.size(),
                             " and ", strides.size());
  SmallVector<int64_t> shape;
  for (int64_t dim = 0; dim < rank; ++dim) {
    int64_t size = type.getDimSize(dim);
    if (strides[dim] < 1 || starts[dim] < 0 || starts[dim] > limits[dim] ||
        limits[dim] > size)
      return emitOptionalError(
          location, "'", getOperationName(), "' op range ", starts[dim], ":",
          limits[dim], ":", strides[dim], " of dimension ", dim,
          " is invalid for size ", size,
          " (valid: 0 <= start <= limit <= size and stride >= 1)");
    shape.push_back(::adjit::semantics::sliceLength(starts[dim], limits[dim],
                                                    strides[dim]));
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  // A slice keeping every element (same type, in range) is the identity.
  if (getOperand().getType() == getType())
    return getOperand();
  return reshapeSplat(adaptor.getOperand(), cast<ShapedType>(getType()));
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(location, "'", getOperationName(),
                             "' op requires at least one input");
  auto first = dyn_cast<RankedTensorType>(inputs.front().getType());
  if (!first)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects ranked tensor inputs");
  int64_t dim = adaptor.getDim();
  int64_t rank = first.getRank();
  if (dim < 0 || dim >= rank)
    return emitOptionalError(location, "'", getOperationName(), "' op dim ",
                             dim, " is out of range for ", first,
                             " (valid: 0 to ", rank - 1, ")");
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : inputs.drop_front()) {
    auto type = dyn_cast<RankedTensorType>(input.getType());
    bool compatible = type && type.getElementType() == first.getElementType() &&
                      ::adjit::semantics::sameShapeExceptDim(
                          first.getShape().vec(), type.getShape().vec(), dim);
    if (!compatible)
      return emitOptionalError(
          location, "'", getOperationName(), "' op cannot concatenate ", first,
          " and ", input.getType(), " along dim ", dim,
          " (inputs need one rank, one element type and equal sizes in all "
          "other dimensions)");
    shape[dim] += type.getDimSize(dim);
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}
