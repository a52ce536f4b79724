//===- ContractionOps.cpp - adjit.matmul ----------------------------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

using namespace mlir;
using namespace mlir::adjit;

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto lhs = dyn_cast<RankedTensorType>(adaptor.getLhs().getType());
  auto rhs = dyn_cast<RankedTensorType>(adaptor.getRhs().getType());
  if (!lhs || !rhs)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects ranked tensor operands");
  auto fail = [&](StringRef reason) {
    return emitOptionalError(location, "'", getOperationName(), "' op ", reason,
                             ", got ", lhs, " and ", rhs);
  };
  if (lhs.getElementType() != rhs.getElementType())
    return fail("requires operands of one element type");
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return fail("requires operands of rank >= 2 (MxK and KxN, with equal "
                "leading batch dimensions when batched)");
  if (lhs.getRank() != rhs.getRank())
    return fail("requires operands of equal rank");
  int64_t rank = lhs.getRank();
  ArrayRef<int64_t> lhsShape = lhs.getShape(), rhsShape = rhs.getShape();
  if (lhsShape.drop_back(2) != rhsShape.drop_back(2))
    return fail("requires equal batch dimensions");
  if (lhsShape[rank - 1] != rhsShape[rank - 2])
    return fail("requires the contracted dimensions (last of lhs, second to "
                "last of rhs) to agree");
  SmallVector<int64_t> shape(lhsShape.drop_back(1));
  shape.push_back(rhsShape[rank - 1]);
  types.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}
