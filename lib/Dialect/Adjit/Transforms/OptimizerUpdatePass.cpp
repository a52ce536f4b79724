//===- OptimizerUpdatePass.cpp - the adjit-append-optimizer-update pass ---===//

#include "adjit/Dialect/Adjit/Transforms/OptimizerUpdate.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITAPPENDOPTIMIZERUPDATE
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;
using namespace mlir::adjit;

namespace {
struct AdjitAppendOptimizerUpdatePass
    : public adjit::impl::AdjitAppendOptimizerUpdateBase<
          AdjitAppendOptimizerUpdatePass> {
  using AdjitAppendOptimizerUpdateBase::AdjitAppendOptimizerUpdateBase;

  void runOnOperation() override;

private:
  /// Translates the pass options into `options`, or emits a diagnostic on
  /// `module` and returns failure.
  LogicalResult readOptions(ModuleOp module, OptimizerUpdateOptions &options);
};
} // namespace

LogicalResult
AdjitAppendOptimizerUpdatePass::readOptions(ModuleOp module,
                                            OptimizerUpdateOptions &options) {
  constexpr StringLiteral pass = "adjit-append-optimizer-update: ";
  if (function.empty())
    return module.emitError(pass)
           << "needs function=<name>, the gradient function to extend";
  if (optimizer == "sgd")
    options.kind = OptimizerKind::SGD;
  else if (optimizer == "adam")
    options.kind = OptimizerKind::Adam;
  else if (optimizer == "adamw")
    options.kind = OptimizerKind::AdamW;
  else
    return module.emitError(pass) << "unknown optimizer '" << optimizer
                                  << "' (valid: sgd, adam, adamw)";

  // An option of the other optimizer is a mistake, not something to ignore.
  // Options are told apart from their defaults by value, so that passes made
  // from an options struct (which sets every option) are not rejected.
  OptimizerUpdateOptions defaults;
  StringRef misplaced;
  if (options.kind == OptimizerKind::SGD) {
    if (beta1 != defaults.beta1)
      misplaced = "beta1";
    else if (beta2 != defaults.beta2)
      misplaced = "beta2";
    else if (eps != defaults.eps)
      misplaced = "eps";
  } else {
    if (momentum != defaults.momentum)
      misplaced = "momentum";
    else if (dampening != defaults.dampening)
      misplaced = "dampening";
    else if (nesterov != defaults.nesterov)
      misplaced = "nesterov";
  }
  if (!misplaced.empty())
    return module.emitError(pass)
           << "option '" << misplaced
           << "' does not apply to optimizer=" << optimizer
           << " (it is an option of optimizer="
           << (options.kind == OptimizerKind::SGD ? "adam or adamw" : "sgd")
           << ")";

  if (!wrt.empty())
    options.wrt = SmallVector<int64_t>(wrt.begin(), wrt.end());
  options.momentum = momentum;
  options.dampening = dampening;
  options.nesterov = nesterov;
  options.weightDecay = weightDecay;
  options.beta1 = beta1;
  options.beta2 = beta2;
  options.eps = eps;
  options.stateResults = stateResults;
  return options.verify([&] { return module.emitError(pass); });
}

void AdjitAppendOptimizerUpdatePass::runOnOperation() {
  ModuleOp module = getOperation();
  OptimizerUpdateOptions options;
  if (failed(readOptions(module, options)) ||
      failed(appendOptimizerUpdate(module, function, options)))
    return signalPassFailure();
}
