//===- AdjitToLinalgPass.cpp - the convert-adjit-to-linalg pass -----------===//

#include "adjit/Conversion/Passes.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_CONVERTADJITTOLINALG
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;
using namespace mlir::adjit;

void adjit::populateAdjitToLinalgPatterns(RewritePatternSet &patterns) {
  populateElementwiseToLinalgPatterns(patterns);
  populateReductionToLinalgPatterns(patterns);
  populateShapeToLinalgPatterns(patterns);
  populateContractionToLinalgPatterns(patterns);
}

void adjit::configureAdjitToLinalgTarget(ConversionTarget &target) {
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, tensor::TensorDialect>();
  // Only the ops with a pattern are illegal: any other adjit op is left for
  // adjit-check-lowered to report by name.
  target.addIllegalOp<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, PowOp, NegOp,
                      ExpOp, LogOp, SqrtOp, RsqrtOp, TanhOp, SigmoidOp, ReluOp,
                      AbsOp, CompareOp, SelectOp, ConstantOp, ConvertOp,
                      BroadcastOp, ReshapeOp, TransposeOp, SliceOp, ConcatOp,
                      MatmulOp, ReduceSumOp, ReduceMaxOp>();
}

namespace {

struct ConvertAdjitToLinalgPass
    : adjit::impl::ConvertAdjitToLinalgBase<ConvertAdjitToLinalgPass> {
  void runOnOperation() override {
    ConversionTarget target(getContext());
    configureAdjitToLinalgTarget(target);
    RewritePatternSet patterns(&getContext());
    populateAdjitToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
