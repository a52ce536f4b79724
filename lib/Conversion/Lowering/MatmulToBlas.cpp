//===- MatmulToBlas.cpp - large matrix products as BLAS runtime calls -----===//

#include "adjit/Conversion/Passes.h"

#include "mlir/IR/SymbolTable.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITMATMULTOBLAS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// A memref type of `rank` with dynamic sizes, strides and offset: the
/// argument type of the BLAS runtime functions, so one declaration serves
/// every shape and layout.
MemRefType getFullyDynamicType(Type elementType, int64_t rank) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(elementType.getContext(),
                                       ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, elementType, layout);
}

/// Returns the declaration of the runtime function `name`, creating it at the
/// start of `module` if needed.
func::FuncOp getOrDeclareRuntimeFunction(ModuleOp module, StringRef name,
                                         MemRefType argumentType) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto type =
      builder.getFunctionType({argumentType, argumentType, argumentType}, {});
  auto func = func::FuncOp::create(builder, module.getLoc(), name, type);
  func.setPrivate();
  func->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  return func;
}

struct MatmulToBlasPass : adjit::impl::AdjitMatmulToBlasBase<MatmulToBlasPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minFlops <= 0)
      return;
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> matmuls;
    module.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics())
        return;
      if (auto matmul = dyn_cast<linalg::MatmulOp>(op.getOperation());
          matmul && !matmul.hasUserDefinedMaps())
        matmuls.push_back(op);
      if (auto batch = dyn_cast<linalg::BatchMatmulOp>(op.getOperation());
          batch && !batch.hasUserDefinedMaps())
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls)
      rewriteAsCall(module, op);
  }

  void rewriteAsCall(ModuleOp module, linalg::LinalgOp op) {
    auto lhsType = cast<MemRefType>(op.getDpsInputs()[0].getType());
    auto resultType = cast<MemRefType>(op.getDpsInits()[0].getType());
    Type elementType = resultType.getElementType();
    if (!elementType.isF32() && !elementType.isF64())
      return;
    if (!resultType.hasStaticShape() || !lhsType.hasStaticShape())
      return;
    int64_t rank = resultType.getRank();
    int64_t m = resultType.getDimSize(rank - 2);
    int64_t n = resultType.getDimSize(rank - 1);
    int64_t k = lhsType.getDimSize(rank - 1);
    if (m * n * k < minFlops)
      return;

    std::string name = rank == 2 ? "adjit_blas_" : "adjit_blas_batch_";
    name += elementType.isF32() ? "sgemm" : "dgemm";
    MemRefType argumentType = getFullyDynamicType(elementType, rank);
    func::FuncOp callee =
        getOrDeclareRuntimeFunction(module, name, argumentType);

    OpBuilder builder(op);
    SmallVector<Value> arguments;
    for (Value operand : op->getOperands())
      arguments.push_back(
          memref::CastOp::create(builder, op.getLoc(), argumentType, operand));
    func::CallOp::create(builder, op.getLoc(), callee, arguments);
    op->erase();
  }
};

} // namespace
