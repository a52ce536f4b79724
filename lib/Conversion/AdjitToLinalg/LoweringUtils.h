//===- LoweringUtils.h - helpers shared by adjit-to-linalg patterns -*- C++
//-*-===//

#ifndef ADJIT_LIB_CONVERSION_ADJITTOLINALG_LOWERINGUTILS_H
#define ADJIT_LIB_CONVERSION_ADJITTOLINALG_LOWERINGUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir::adjit::lowering {

/// Builds the scalar body of an elementwise op from its block arguments.
using ScalarBodyBuilder =
    function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Creates a `linalg.generic` computing `resultType` elementwise from
/// `inputs` (all of the result's shape) with identity indexing maps, into a
/// fresh `tensor.empty`; `body` computes one element from one element of each
/// input.
Value buildElementwiseGeneric(OpBuilder &builder, Location loc,
                              RankedTensorType resultType, ValueRange inputs,
                              ScalarBodyBuilder body);

/// Creates a `tensor.empty` of `type` filled with `value` by `linalg.fill`.
Value buildFilledTensor(OpBuilder &builder, Location loc, RankedTensorType type,
                        TypedAttr value);

/// Returns the indexing maps of a (batch) matrix product whose loops are
/// `(batch, m, n, k)` (`(m, n, k)` without `batched`): the lhs is read as
/// `[batch,] m, k`, or as `[batch,] k, m` if `transposeLhs` (it is then
/// stored transposed); the rhs as `[batch,] k, n` or `[batch,] n, k`; the
/// result is `[batch,] m, n`.
SmallVector<AffineMap> getProductMaps(MLIRContext *context, bool batched,
                                      bool transposeLhs, bool transposeRhs);

} // namespace mlir::adjit::lowering

#endif // ADJIT_LIB_CONVERSION_ADJITTOLINALG_LOWERINGUTILS_H
