//===- TracePooling.cpp - emit adjit pooling ops for eager pooling --------===//

#include "adjit/Frontend/TraceBuilder.h"
#include "adjit/Semantics/Pooling.h"

using namespace mlir;
using namespace mlir::adjit;
namespace semantics = ::adjit::semantics;

namespace {
/// The reported parameters of a pooling, checked by the shape rules.
semantics::ShapeResult<semantics::PoolParams>
decodeParams(StringRef op, ArrayRef<int64_t> params) {
  if (params.size() != 10)
    return semantics::ShapeResult<semantics::PoolParams>::failure(
        op.str() + ": expected 10 pooling parameters");
  auto pair = [&](size_t at) {
    return semantics::Shape{params[at], params[at + 1]};
  };
  return semantics::poolParams(op.str(), pair(0), pair(2), pair(4), pair(6),
                               params[8] != 0, params[9] != 0);
}

/// The pooled type of `value` (f32 or f64 NCHW) for `pool`.
RankedTensorType pooledType(Value value, const semantics::Pool2d &pool) {
  return RankedTensorType::get(
      pool.outputShape,
      cast<RankedTensorType>(value.getType()).getElementType());
}

semantics::Shape shapeOf(Value value) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(value.getType()).getShape();
  return semantics::Shape(shape.begin(), shape.end());
}
} // namespace

FailureOr<Value> TraceBuilder::maxPool2d(Value value,
                                         ArrayRef<int64_t> params) {
  FailureOr<semantics::PoolParams> p =
      checkShape(decodeParams("max_pool2d", params));
  if (failed(p))
    return failure();
  FailureOr<semantics::Pool2d> pool =
      checkShape(semantics::maxPool2d("max_pool2d", shapeOf(value), *p));
  if (failed(pool))
    return failure();
  RankedTensorType type = pooledType(value, *pool);
  Value indices = MaxPool2dIndicesOp::create(
      builder, location, type.clone(builder.getI64Type()), value, p->kernel,
      p->stride, p->padding, p->dilation, p->ceilMode);
  return MaxPool2dGatherOp::create(builder, location, type, value, indices,
                                   p->kernel, p->stride, p->padding,
                                   p->dilation, p->ceilMode)
      .getResult();
}

FailureOr<Value> TraceBuilder::avgPool2d(Value value,
                                         ArrayRef<int64_t> params) {
  FailureOr<semantics::PoolParams> p =
      checkShape(decodeParams("avg_pool2d", params));
  if (failed(p))
    return failure();
  FailureOr<semantics::Pool2d> pool =
      checkShape(semantics::avgPool2d("avg_pool2d", shapeOf(value), *p));
  if (failed(pool))
    return failure();
  return AvgPool2dOp::create(builder, location, pooledType(value, *pool), value,
                             p->kernel, p->stride, p->padding, p->ceilMode,
                             p->countIncludePad)
      .getResult();
}

FailureOr<Value> TraceBuilder::adaptiveAvgPool2d(Value value,
                                                 ArrayRef<int64_t> outputSize) {
  FailureOr<semantics::Pool2d> pool = checkShape(semantics::adaptiveAvgPool2d(
      "adaptive_avg_pool2d", shapeOf(value), outputSize.vec()));
  if (failed(pool))
    return failure();
  return AdaptiveAvgPool2dOp::create(builder, location,
                                     pooledType(value, *pool), value)
      .getResult();
}
