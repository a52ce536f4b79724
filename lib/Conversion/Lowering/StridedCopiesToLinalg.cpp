//===- StridedCopiesToLinalg.cpp - strided memref.copy as linalg.copy -----===//
//
// The LLVM lowering of memref.copy calls the runtime's `memrefCopy` for any
// copy with an operand that is not contiguous, and `memrefCopy` copies such
// memrefs one element per memcpy call. This pass rewrites those copies as
// linalg.copy, which the later passes lower to loops (parallel ones when
// large) that LLVM vectorizes. Contiguous copies stay memref.copy: they
// become one memcpy.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITSTRIDEDCOPIESTOLINALG
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// True if the LLVM lowering copies a memref of \p type with one memcpy:
/// the same test as memref.copy's lowering in MemRefToLLVM.
bool isCopiedAsOneBlock(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && (memref.getLayout().isIdentity() ||
                    (memref.hasStaticShape() && memref.getNumElements() > 0 &&
                     memref::isStaticShapeAndContiguousRowMajor(memref)));
}

struct StridedCopiesToLinalgPass
    : adjit::impl::AdjitStridedCopiesToLinalgBase<StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      Type source = copy.getSource().getType(),
           target = copy.getTarget().getType();
      // Ranked memrefs only: linalg.copy needs the rank.
      if (isa<MemRefType>(source) && isa<MemRefType>(target) &&
          (!isCopiedAsOneBlock(source) || !isCopiedAsOneBlock(target)))
        copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }
  }
};

} // namespace
