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
