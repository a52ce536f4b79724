//===- AdjointRulesContraction.cpp - adjoint of adjit.matmul --------------===//

#include "AdjointUtils.h"

using namespace mlir;
using namespace mlir::adjit;
using namespace mlir::adjit::detail;

namespace {
/// Returns `value` with its last two dimensions swapped (batch dimensions
/// stay in place).
Value transposeMatrices(OpBuilder &builder, Location loc, Value value) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  auto permutation = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(permutation[rank - 1], permutation[rank - 2]);
  return TransposeOp::create(builder, loc, value, permutation);
}
} // namespace

LogicalResult MatmulOp::buildAdjoints(OpBuilder &builder,
                                      ArrayRef<Value> resultAdjoints,
                                      ArrayRef<bool> requested,
                                      SmallVectorImpl<Value> &operandAdjoints) {
  initOperandAdjoints(*this, operandAdjoints);
  // C = A B: dA = dC B^T, dB = A^T dC, batch by batch.
  Value g = resultAdjoints[0];
  if (requested[0])
    operandAdjoints[0] =
        MatmulOp::create(builder, getLoc(), getLhs().getType(), g,
                         transposeMatrices(builder, getLoc(), getRhs()));
  if (requested[1])
    operandAdjoints[1] =
        MatmulOp::create(builder, getLoc(), getRhs().getType(),
                         transposeMatrices(builder, getLoc(), getLhs()), g);
  return success();
}
