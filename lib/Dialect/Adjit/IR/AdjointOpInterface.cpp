//===- AdjointOpInterface.cpp - the adjit reverse-mode op interface -------===//

#include "adjit/Dialect/Adjit/IR/AdjointOpInterface.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

using namespace mlir;

#include "adjit/Dialect/Adjit/IR/AdjitInterfaces.cpp.inc"

Value adjit::createSplatConstant(OpBuilder &builder, Location loc, Type type,
                                 double value) {
  auto tensorType = cast<RankedTensorType>(type);
  Attribute element = FloatAttr::get(tensorType.getElementType(), value);
  return ConstantOp::create(builder, loc,
                            DenseElementsAttr::get(tensorType, {element}));
}
