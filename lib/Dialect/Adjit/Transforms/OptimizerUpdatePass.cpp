//===- OptimizerUpdatePass.cpp - the adjit-append-optimizer-update pass ---===//

#include "adjit/Dialect/Adjit/Transforms/OptimizerUpdate.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"

#include <algorithm>

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
  OptimizerGroupOptions groupDefaults;
  auto differs = [](ArrayRef<double> list, double value) {
    return llvm::any_of(list, [&](double v) { return v != value; });
  };
  StringRef misplaced;
  if (options.kind == OptimizerKind::SGD) {
    if (differs(beta1, groupDefaults.beta1))
      misplaced = "beta1";
    else if (differs(beta2, groupDefaults.beta2))
      misplaced = "beta2";
    else if (differs(eps, groupDefaults.eps))
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
  options.stateResults = stateResults;
  options.maxGradNorm = clipGradNorm;

  // The number of groups: the largest group index + 1, or the length of a
  // per-group list.
  size_t numGroups = 1;
  for (int64_t group : groups) {
    if (group < 0)
      return module.emitError(pass)
             << "group index " << group << " is negative";
    numGroups = std::max(numGroups, static_cast<size_t>(group) + 1);
  }
  for (size_t size :
       {weightDecay.size(), beta1.size(), beta2.size(), eps.size()})
    numGroups = std::max(numGroups, size);
  options.groupOf.assign(groups.begin(), groups.end());
  options.groups.assign(numGroups, OptimizerGroupOptions());
  // Each per-group list has one value for all groups or one per group.
  auto spread = [&](StringRef option, ArrayRef<double> list,
                    double OptimizerGroupOptions::*field) -> LogicalResult {
    if (list.empty())
      return success();
    if (list.size() != 1 && list.size() != numGroups)
      return module.emitError(pass)
             << "option '" << option << "' has " << list.size()
             << " values for " << numGroups
             << " groups (give one, or one per group)";
    for (size_t g = 0; g < numGroups; ++g)
      options.groups[g].*field = list[list.size() == 1 ? 0 : g];
    return success();
  };
  if (failed(spread("weight-decay", weightDecay,
                    &OptimizerGroupOptions::weightDecay)) ||
      failed(spread("beta1", beta1, &OptimizerGroupOptions::beta1)) ||
      failed(spread("beta2", beta2, &OptimizerGroupOptions::beta2)) ||
      failed(spread("eps", eps, &OptimizerGroupOptions::eps)))
    return failure();
  return options.verify([&] { return module.emitError(pass); });
}

void AdjitAppendOptimizerUpdatePass::runOnOperation() {
  ModuleOp module = getOperation();
  OptimizerUpdateOptions options;
  if (failed(readOptions(module, options)) ||
      failed(appendOptimizerUpdate(module, function, options)))
    return signalPassFailure();
}
