//===- ConstantOps.cpp - adjit.constant and adjit.convert -----------------===//

#include "FoldUtils.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

using namespace mlir;
using namespace mlir::adjit;

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> location,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  auto value = dyn_cast_or_null<ElementsAttr>(adaptor.getValueAttr());
  if (!value)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op requires an elements attribute as value");
  types.push_back(value.getType());
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

//===----------------------------------------------------------------------===//
// ConvertOp
//===----------------------------------------------------------------------===//

LogicalResult ConvertOp::verify() {
  auto operandType = cast<ShapedType>(getOperand().getType());
  auto resultType = cast<ShapedType>(getType());
  if (operandType.getShape() != resultType.getShape())
    return emitOpError("requires operand and result of one shape, got ")
           << operandType << " and " << resultType
           << " (use adjit.reshape to change the shape)";
  return success();
}

OpFoldResult ConvertOp::fold(FoldAdaptor adaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  // A round trip through a wider type is exact: f32 -> f64 -> f32 is x.
  if (auto inner = getOperand().getDefiningOp<ConvertOp>()) {
    Value source = inner.getOperand();
    auto sourceElement =
        cast<FloatType>(cast<ShapedType>(source.getType()).getElementType());
    auto middleElement =
        cast<FloatType>(cast<ShapedType>(inner.getType()).getElementType());
    if (source.getType() == getType() &&
        middleElement.getWidth() >= sourceElement.getWidth())
      return source;
  }
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getOperand())) {
    auto resultType = cast<ShapedType>(getType());
    APFloat value = splat.getSplatValue<APFloat>();
    bool losesInfo = false;
    value.convert(
        cast<FloatType>(resultType.getElementType()).getFloatSemantics(),
        APFloat::rmNearestTiesToEven, &losesInfo);
    return SplatElementsAttr::get(resultType, value);
  }
  return {};
}
