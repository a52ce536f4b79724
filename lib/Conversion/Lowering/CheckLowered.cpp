//===- CheckLowered.cpp - fail when an adjit op survived lowering ---------===//

#include "adjit/Conversion/Passes.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITCHECKLOWERED
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct AdjitCheckLoweredPass
    : adjit::impl::AdjitCheckLoweredBase<AdjitCheckLoweredPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    WalkResult result = module->walk([&](Operation *op) {
      if (isa_and_nonnull<adjit::AdjitDialect>(op->getDialect())) {
        op->emitError() << "adjit op '" << op->getName()
                        << "' survived lowering: convert-adjit-to-linalg has "
                           "no pattern for it";
        return WalkResult::interrupt();
      }
      if (toLLVM && op != module.getOperation() &&
          !isa_and_nonnull<LLVM::LLVMDialect, omp::OpenMPDialect>(
              op->getDialect())) {
        op->emitError() << "op '" << op->getName()
                        << "' survived lowering to the LLVM dialect: the "
                           "adjit-to-llvm pipeline has no lowering for it";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
