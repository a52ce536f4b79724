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
  // A round trip through a wider float type is exact: f32 -> f64 -> f32 is
  // x. Round trips through or from i64 are not.
  auto resultType = cast<ShapedType>(getType());
  auto resultElement = dyn_cast<FloatType>(resultType.getElementType());
  if (auto inner = getOperand().getDefiningOp<ConvertOp>()) {
    Value source = inner.getOperand();
    auto middleElement =
        dyn_cast<FloatType>(cast<ShapedType>(inner.getType()).getElementType());
    if (source.getType() == getType() && resultElement && middleElement &&
        middleElement.getWidth() >= resultElement.getWidth())
      return source;
  }
  auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getOperand());
  if (splat && resultElement && isa<FloatType>(splat.getElementType())) {
    APFloat value = splat.getSplatValue<APFloat>();
    bool losesInfo = false;
    value.convert(resultElement.getFloatSemantics(),
                  APFloat::rmNearestTiesToEven, &losesInfo);
    return SplatElementsAttr::get(resultType, value);
  }
  return {};
}
