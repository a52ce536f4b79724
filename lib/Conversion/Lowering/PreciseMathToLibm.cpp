//===- PreciseMathToLibm.cpp - expm1 and log1p as C library calls ---------===//
//
// Upstream's math-to-llvm lowering computes `math.expm1` as exp(x) - 1 and
// `math.log1p` as log(1 + x), which lose every digit for |x| near 0 (expm1 of
// 1e-300 becomes 0). This pass calls the C library's expm1/log1p (and their
// f32 forms) instead, as the eager runtime does, so compiled and eager values
// agree.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITPRECISEMATHTOLIBM
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The C library function computing `op` on its scalar type, or "".
StringRef libmName(Operation *op) {
  if (!isa<math::ExpM1Op, math::Log1pOp>(op))
    return "";
  Type type = op->getResult(0).getType();
  bool isF32 = type.isF32();
  if (!isF32 && !type.isF64())
    return "";
  if (isa<math::ExpM1Op>(op))
    return isF32 ? "expm1f" : "expm1";
  if (isa<math::Log1pOp>(op))
    return isF32 ? "log1pf" : "log1p";
  return "";
}

struct PreciseMathToLibmPass
    : adjit::impl::AdjitPreciseMathToLibmBase<PreciseMathToLibmPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<Operation *> ops;
    module.walk([&](Operation *op) {
      if (!libmName(op).empty())
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      StringRef name = libmName(op);
      Type type = op->getResult(0).getType();
      auto signature = FunctionType::get(&getContext(), type, type);
      auto callee = symbols.lookup<func::FuncOp>(name);
      if (!callee) {
        if (symbols.lookup(name)) {
          op->emitOpError("cannot call the C library's '")
              << name << "': the module defines another symbol of that name";
          return signalPassFailure();
        }
        OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
        callee = func::FuncOp::create(builder, op->getLoc(), name, signature);
        callee.setPrivate();
        symbols.insert(callee);
      } else if (callee.getFunctionType() != signature ||
                 !callee.isDeclaration()) {
        op->emitOpError("cannot call the C library's '")
            << name << "': the module defines @" << name
            << " with another type or a body";
        return signalPassFailure();
      }
      OpBuilder builder(op);
      auto call = func::CallOp::create(builder, op->getLoc(), callee,
                                       op->getOperands());
      op->replaceAllUsesWith(call.getResults());
      op->erase();
    }
  }
};

} // namespace
