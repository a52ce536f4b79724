//===- TraceIndexing.cpp - emit adjit indexing ops for eager indexing -----===//

#include "adjit/Frontend/TraceBuilder.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// Returns the result of `op`, or failure (with the verifier's diagnostic,
/// and `op` erased) if it is invalid.
template <typename OpTy> FailureOr<Value> verified(OpTy op) {
  if (succeeded(mlir::verify(op.getOperation())))
    return op.getResult();
  op.erase();
  return failure();
}
} // namespace

FailureOr<Value> TraceBuilder::gather(Value input, Value index, int64_t dim) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto indexType = cast<RankedTensorType>(index.getType());
  return verified(GatherOp::create(builder, location,
                                   indexType.clone(inputType.getElementType()),
                                   input, index, dim));
}

FailureOr<Value> TraceBuilder::scatterAdd(Value source, Value index,
                                          int64_t dim,
                                          ArrayRef<int64_t> shape) {
  auto sourceType = cast<RankedTensorType>(source.getType());
  return verified(ScatterAddOp::create(
      builder, location, sourceType.clone(shape), source, index, dim));
}
