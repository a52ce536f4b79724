//===- ConvolutionOps.cpp - adjit.conv2d and its adjoint ops --------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/ShapeRules.h"

using namespace mlir;
using namespace mlir::adjit;
namespace semantics = ::adjit::semantics;

namespace {

/// The roles of a convolution op's operands and result: which of them is the
/// forward convolution's input, weight and output.
struct ConvolutionRoles {
  Value input, weight, output;
};

/// Verifies a convolution op (`adjit.conv2d` or one of its adjoints) whose
/// values play `roles`: the attribute sizes and values, one element type,
/// 4-D input and the shape rule (adjit/Semantics/ShapeRules.h) of the
/// forward convolution.
template <typename OpTy>
LogicalResult verifyConvolution(OpTy op, ConvolutionRoles roles) {
  ArrayRef<int64_t> stride = op.getStride(), padding = op.getPadding(),
                    dilation = op.getDilation();
  if (stride.size() != 2 || padding.size() != 4 || dilation.size() != 2)
    return op.emitOpError("expects 2 strides, 4 paddings (top, left, bottom, "
                          "right) and 2 dilations, got ")
           << stride.size() << ", " << padding.size() << " and "
           << dilation.size();
  auto input = cast<RankedTensorType>(roles.input.getType());
  auto weight = cast<RankedTensorType>(roles.weight.getType());
  auto output = cast<RankedTensorType>(roles.output.getType());
  auto describe = [&](InFlightDiagnostic diagnostic) {
    return std::move(diagnostic) << " (input " << input << ", weight " << weight
                                 << ", output " << output << ")";
  };
  if (input.getElementType() != weight.getElementType() ||
      input.getElementType() != output.getElementType())
    return describe(op.emitOpError("requires one element type"));
  if (input.getRank() != 4)
    return describe(op.emitOpError("requires a 4-D (NCHW) input"));
  semantics::ConvolutionAttrs attrs{{stride[0], stride[1]},
                                    {padding[0], padding[1]},
                                    {padding[2], padding[3]},
                                    {dilation[0], dilation[1]},
                                    op.getGroupsAttr().getInt()};
  semantics::ShapeResult<semantics::Shape> shape = semantics::convolutionShape(
      op->getName().getStringRef().str(), semantics::Shape(input.getShape()),
      semantics::Shape(weight.getShape()), attrs);
  if (!shape.ok())
    return op.emitError(shape.error);
  if (ArrayRef<int64_t>(shape.value) != output.getShape())
    return describe(op.emitOpError("expects an output of shape ")
                    << semantics::formatShape(shape.value));
  return success();
}

} // namespace

LogicalResult Conv2DOp::verify() {
  return verifyConvolution(*this, {getLhs(), getRhs(), getResult()});
}

LogicalResult Conv2DBackwardInputOp::verify() {
  return verifyConvolution(*this, {getResult(), getRhs(), getLhs()});
}

LogicalResult Conv2DBackwardWeightOp::verify() {
  return verifyConvolution(*this, {getRhs(), getResult(), getLhs()});
}
