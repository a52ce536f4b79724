//===- AdjitDialect.cpp - adjit dialect registration ----------------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::adjit;

#include "adjit/Dialect/Adjit/IR/AdjitEnums.cpp.inc"
#include "adjit/Dialect/Adjit/IR/AdjitOpsDialect.cpp.inc"

void AdjitDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "adjit/Dialect/Adjit/IR/AdjitOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "adjit/Dialect/Adjit/IR/AdjitOpsTypes.cpp.inc"
      >();
}

Operation *AdjitDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

LogicalResult adjit::detail::verifyByTypeInference(Operation *op) {
  SmallVector<Type> inferred;
  if (failed(cast<InferTypeOpInterface>(op).inferReturnTypes(
          op->getContext(), op->getLoc(), op->getOperands(),
          op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
          op->getRegions(), inferred)))
    return failure();
  if (TypeRange(inferred) != op->getResultTypes())
    return op->emitOpError("result type ")
           << op->getResultTypes() << " does not match the type " << inferred
           << " that follows from the operands and attributes";
  return success();
}

#define GET_TYPEDEF_CLASSES
#include "adjit/Dialect/Adjit/IR/AdjitOpsTypes.cpp.inc"

#define GET_OP_CLASSES
#include "adjit/Dialect/Adjit/IR/AdjitOps.cpp.inc"
