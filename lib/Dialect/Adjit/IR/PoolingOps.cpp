//===- PoolingOps.cpp - verifiers and windows of the adjit pooling ops ----===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/IR/PoolingWindows.h"

using namespace mlir;
using namespace mlir::adjit;
namespace semantics = ::adjit::semantics;

namespace {
/// What a pooling op computes, and which of its types are the pooling's
/// input (NCHW) and its pooled output.
struct PoolSignature {
  enum Kind { Max, Average, Adaptive } kind;
  RankedTensorType input;
  RankedTensorType pooled;
};

PoolSignature getSignature(Operation *op) {
  auto type = [](Value value) {
    return cast<RankedTensorType>(value.getType());
  };
  Value operand = op->getOperand(0), result = op->getResult(0);
  if (isa<MaxPool2dIndicesOp, MaxPool2dGatherOp>(op))
    return {PoolSignature::Max, type(operand), type(result)};
  if (isa<MaxPool2dScatterOp>(op))
    return {PoolSignature::Max, type(result), type(operand)};
  if (isa<AvgPool2dOp>(op))
    return {PoolSignature::Average, type(operand), type(result)};
  if (isa<AvgPool2dBackwardOp>(op))
    return {PoolSignature::Average, type(result), type(operand)};
  if (isa<AdaptiveAvgPool2dOp>(op))
    return {PoolSignature::Adaptive, type(operand), type(result)};
  return {PoolSignature::Adaptive, type(result), type(operand)};
}

/// The attribute `name` of `op` as a list (empty if absent).
ArrayRef<int64_t> getList(Operation *op, StringRef name) {
  if (auto list = op->getAttrOfType<DenseI64ArrayAttr>(name))
    return list.asArrayRef();
  return {};
}

/// The windows of `op` by the rules of adjit/Semantics/Pooling.h, or the
/// message saying why its attributes or shapes are invalid.
semantics::ShapeResult<semantics::Pool2d> computeWindows(Operation *op) {
  using Result = semantics::ShapeResult<semantics::Pool2d>;
  PoolSignature signature = getSignature(op);
  std::string name = op->getName().getStringRef().str();
  semantics::Shape inputShape(signature.input.getShape());
  if (signature.kind == PoolSignature::Adaptive) {
    if (signature.pooled.getRank() != 4)
      return Result::failure(name + ": the pooled tensor must be 4-D (NCHW)");
    return semantics::adaptiveAvgPool2d(
        name, inputShape,
        {signature.pooled.getDimSize(2), signature.pooled.getDimSize(3)});
  }
  bool max = signature.kind == PoolSignature::Max;
  SmallVector<StringRef> names = {"kernel_size", "stride", "padding"};
  if (max)
    names.push_back("dilation");
  for (StringRef attribute : names)
    if (getList(op, attribute).size() != 2)
      return Result::failure(name + ": " + attribute.str() +
                             " must have two values (height, width), got " +
                             std::to_string(getList(op, attribute).size()));
  auto list = [&](StringRef attribute) {
    ArrayRef<int64_t> values = getList(op, attribute);
    return semantics::Shape(values.begin(), values.end());
  };
  semantics::ShapeResult<semantics::PoolParams> params = semantics::poolParams(
      name, list("kernel_size"), list("stride"), list("padding"),
      max ? list("dilation") : semantics::Shape{1}, op->hasAttr("ceil_mode"),
      op->hasAttr("count_include_pad"));
  if (!params.ok())
    return Result::failure(params.error);
  return max ? semantics::maxPool2d(name, inputShape, params.value)
             : semantics::avgPool2d(name, inputShape, params.value);
}
} // namespace

LogicalResult mlir::adjit::detail::verifyPoolOp(Operation *op) {
  PoolSignature signature = getSignature(op);
  Type elementType = signature.input.getElementType();
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    Type type = cast<RankedTensorType>(value.getType()).getElementType();
    if (!isa<IntegerType>(type) && type != elementType)
      return op->emitOpError("requires one float element type, got ")
             << signature.input << " and " << value.getType();
  }
  semantics::ShapeResult<semantics::Pool2d> windows = computeWindows(op);
  if (!windows.ok())
    return op->emitError() << windows.error;
  ArrayRef<int64_t> expected = windows.value.outputShape;
  if (signature.pooled.getShape() != expected)
    return op->emitOpError("pooling ")
           << signature.input << " gives shape "
           << semantics::formatShape(windows.value.outputShape)
           << ", but the pooled tensor is " << signature.pooled;
  for (Value value : op->getOperands())
    if (isa<IntegerType>(
            cast<RankedTensorType>(value.getType()).getElementType()) &&
        cast<RankedTensorType>(value.getType()).getShape() != expected)
      return op->emitOpError("requires indices of the pooled shape ")
             << semantics::formatShape(windows.value.outputShape) << ", got "
             << value.getType();
  return success();
}

semantics::Pool2d mlir::adjit::detail::getPoolWindows(Operation *op) {
  return computeWindows(op).value;
}
