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
  populateRandomToLinalgPatterns(patterns);
  // Pooling
  populatePoolingToLinalgPatterns(patterns);
  populateConvolutionToLinalgPatterns(patterns);
  // Indexing
  populateIndexingToLinalgPatterns(patterns);
  // Loops
  populateScanToSCFPatterns(patterns);
}

void adjit::configureAdjitToLinalgTarget(ConversionTarget &target,
                                         RewritePatternSet &patterns) {
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, scf::SCFDialect,
                         tensor::TensorDialect>();
  // Calls of the JIT runtime's scalar functions (lgamma, digamma).
  target.addLegalOp<func::CallOp>();
  // Only the ops with a pattern are illegal: any other adjit op is left for
  // adjit-check-lowered to report by name.
  for (std::unique_ptr<RewritePattern> &pattern : patterns.getNativePatterns())
    if (std::optional<OperationName> root = pattern->getRootKind())
      target.addIllegalOp(*root);
}

namespace {

struct ConvertAdjitToLinalgPass
    : adjit::impl::ConvertAdjitToLinalgBase<ConvertAdjitToLinalgPass> {
  void runOnOperation() override {
    if (failed(declareRuntimeScalarFunctions(getOperation())) ||
        failed(lowerCollectives(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateAdjitToLinalgPatterns(patterns);
    ConversionTarget target(getContext());
    configureAdjitToLinalgTarget(target, patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
