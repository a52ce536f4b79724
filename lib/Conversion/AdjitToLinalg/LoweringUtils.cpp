//===- LoweringUtils.cpp - helpers shared by adjit-to-linalg patterns -----===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

Value adjit::lowering::buildElementwiseGeneric(OpBuilder &builder, Location loc,
                                               RankedTensorType resultType,
                                               ValueRange inputs,
                                               ScalarBodyBuilder body) {
  Value init = tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                                       resultType.getElementType());
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              builder.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      builder, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value element = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, element);
      });
  return generic.getResult(0);
}

Value adjit::lowering::buildFilledTensor(OpBuilder &builder, Location loc,
                                         RankedTensorType type,
                                         TypedAttr value) {
  Value empty = tensor::EmptyOp::create(builder, loc, type.getShape(),
                                        type.getElementType());
  Value scalar = arith::ConstantOp::create(builder, loc, value);
  return linalg::FillOp::create(builder, loc, ValueRange{scalar},
                                ValueRange{empty})
      .getResult(0);
}

SmallVector<AffineMap> adjit::lowering::getProductMaps(MLIRContext *context,
                                                       bool batched,
                                                       bool transposeLhs,
                                                       bool transposeRhs) {
  unsigned first = batched ? 1 : 0;
  AffineExpr m = getAffineDimExpr(first, context);
  AffineExpr n = getAffineDimExpr(first + 1, context);
  AffineExpr k = getAffineDimExpr(first + 2, context);
  auto map = [&](AffineExpr row, AffineExpr column) {
    SmallVector<AffineExpr> results;
    if (batched)
      results.push_back(getAffineDimExpr(0, context));
    results.push_back(row);
    results.push_back(column);
    return AffineMap::get(first + 3, 0, results, context);
  };
  return {transposeLhs ? map(k, m) : map(m, k),
          transposeRhs ? map(n, k) : map(k, n), map(m, n)};
}
