//===- WidenI1MemoryAccesses.cpp - i1 loads and stores as i8 --------------===//
//
// LLVM's loop vectorizer scalarizes loads and stores of i1, whose vector
// form in memory is packed into bits, but widens those of i8. An i1 in
// memory takes one byte holding 0 or 1, so this pass accesses it as that
// byte: loads of i8 truncated to i1, stores of i1 zero-extended to i8, and
// address arithmetic over i8 elements.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITWIDENI1MEMORYACCESSES
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct WidenI1MemoryAccesses
    : public adjit::impl::AdjitWidenI1MemoryAccessesBase<
          WidenI1MemoryAccesses> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Type i1 = IntegerType::get(context, 1);
    Type i8 = IntegerType::get(context, 8);
    OpBuilder builder(context);
    getOperation().walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op)) {
        // (The LLVM dialect has no atomic access of an i1.)
        if (load.getType() != i1)
          return;
        Value loaded = load.getResult();
        loaded.setType(i8);
        builder.setInsertionPointAfter(load);
        auto bit = LLVM::TruncOp::create(builder, load.getLoc(), i1, loaded);
        loaded.replaceAllUsesExcept(bit.getResult(), bit);
        return;
      }
      if (auto store = dyn_cast<LLVM::StoreOp>(op)) {
        if (store.getValue().getType() != i1)
          return;
        builder.setInsertionPoint(store);
        auto byte =
            LLVM::ZExtOp::create(builder, store.getLoc(), i8, store.getValue());
        store.getValueMutable().assign(byte.getResult());
        return;
      }
      if (auto gep = dyn_cast<LLVM::GEPOp>(op))
        if (gep.getElemType() == i1)
          gep.setElemType(i8);
    });
  }
};

} // namespace
