//===- MarkArgumentsReadOnly.cpp - keep bufferization off caller buffers --===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITMARKARGUMENTSREADONLY
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

struct MarkArgumentsReadOnlyPass
    : adjit::impl::AdjitMarkArgumentsReadOnlyBase<MarkArgumentsReadOnlyPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || func.isPrivate())
      return;
    auto readOnly = BoolAttr::get(&getContext(), false);
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
      if (isa<TensorType>(type))
        func.setArgAttr(index,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        readOnly);
  }
};

} // namespace
