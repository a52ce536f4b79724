//===- IndexingOps.cpp - verifiers of adjit.gather and adjit.scatter_add --===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include <string>

using namespace mlir;
using namespace mlir::adjit;

namespace {
std::string shapeString(RankedTensorType type) {
  std::string text = "[";
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    text += (i ? ", " : "") + std::to_string(size);
  return text + "]";
}

/// Checks an indexing op whose `indexed` tensor is read (gather) or written
/// (scatter_add) at `index`, with `other` the tensor of the index's shape
/// (the result of a gather, the source of a scatter_add).
LogicalResult verifyIndexing(Operation *op, int64_t dim,
                             RankedTensorType indexed, RankedTensorType index,
                             RankedTensorType other, StringRef indexedName,
                             StringRef otherName) {
  int64_t rank = indexed.getRank();
  if (rank == 0)
    return op->emitOpError()
           << "expects the " << indexedName << " to have rank >= 1, got rank 0";
  if (dim < 0 || dim >= rank)
    return op->emitOpError() << "dim " << dim << " is out of range for the "
                             << indexedName << " of rank " << rank;
  if (index.getRank() != rank || other.getRank() != rank)
    return op->emitOpError()
           << "expects the " << indexedName << " " << shapeString(indexed)
           << ", the index " << shapeString(index) << " and the " << otherName
           << " " << shapeString(other) << " to have one rank";
  if (index.getShape() != other.getShape())
    return op->emitOpError()
           << "expects the index " << shapeString(index) << " and the "
           << otherName << " " << shapeString(other) << " to have one shape";
  if (indexed.getElementType() != other.getElementType())
    return op->emitOpError()
           << "expects the " << indexedName << " and the " << otherName
           << " to have one element type, got " << indexed.getElementType()
           << " and " << other.getElementType();
  for (int64_t d = 0; d < rank; ++d)
    if (d != dim && index.getDimSize(d) > indexed.getDimSize(d))
      return op->emitOpError()
             << "index " << shapeString(index) << " is larger than the "
             << indexedName << " " << shapeString(indexed) << " in dim " << d
             << " (only dim " << dim << " is indexed)";
  if (indexed.getDimSize(dim) == 0 && index.getNumElements() > 0)
    return op->emitOpError()
           << "indexes dim " << dim << " of the " << indexedName << " "
           << shapeString(indexed) << ", which is empty";
  return success();
}

RankedTensorType typeOf(Value value) {
  return cast<RankedTensorType>(value.getType());
}
} // namespace

LogicalResult GatherOp::verify() {
  return verifyIndexing(*this, getDim(), typeOf(getInput()), typeOf(getIndex()),
                        typeOf(getResult()), "input", "result");
}

LogicalResult ScatterAddOp::verify() {
  return verifyIndexing(*this, getDim(), typeOf(getResult()),
                        typeOf(getIndex()), typeOf(getSource()), "result",
                        "source");
}
