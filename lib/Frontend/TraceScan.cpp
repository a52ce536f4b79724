//===- TraceScan.cpp - emit adjit.scan for a traced jit::scan -------------===//

#include "adjit/Frontend/TraceBuilder.h"

#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::adjit;

Block::BlockArgListType TraceBuilder::beginScanBody(TypeRange argumentTypes) {
  auto block = std::make_unique<Block>();
  for (Type type : argumentTypes)
    block->addArgument(type, location);
  OpBuilder::InsertPoint outer = builder.saveInsertionPoint();
  builder.setInsertionPointToEnd(block.get());
  openScanBodies.push_back({std::move(block), outer});
  return openScanBodies.back().block->getArguments();
}

Value TraceBuilder::addScanBodyArgument(Type type, size_t body) {
  return openScanBodies[body].block->addArgument(type, location);
}

FailureOr<SmallVector<Value>>
TraceBuilder::finishScan(ValueRange init, ValueRange xs, ValueRange consts,
                         int64_t length, ValueRange yielded, Value tripCount,
                         bool reverse, CheckpointPolicy checkpoint,
                         std::optional<int64_t> every) {
  OpenScanBody body = std::move(openScanBodies.back());
  openScanBodies.pop_back();
  YieldOp::create(builder, location, yielded);
  builder.restoreInsertionPoint(body.outer);
  SmallVector<Type> resultTypes;
  for (auto [index, value] : llvm::enumerate(yielded)) {
    Type type = value.getType();
    resultTypes.push_back(index < init.size()
                              ? type
                              : Type(ScanOp::getStackedType(type, length)));
  }
  IntegerAttr everyAttr;
  if (every)
    everyAttr = builder.getI64IntegerAttr(*every);
  auto scan = ScanOp::create(
      builder, location, resultTypes, init, xs, consts, tripCount,
      builder.getI64IntegerAttr(length),
      reverse ? builder.getUnitAttr() : UnitAttr(),
      CheckpointPolicyAttr::get(builder.getContext(), checkpoint), everyAttr);
  scan.getBody().push_back(body.block.release());
  if (failed(mlir::verify(scan.getOperation()))) {
    scan.erase();
    return failure();
  }
  return SmallVector<Value>(scan.getResults());
}
