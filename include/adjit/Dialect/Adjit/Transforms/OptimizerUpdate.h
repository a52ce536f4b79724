//===- OptimizerUpdate.h - fused optimizer updates of gradients -*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_TRANSFORMS_OPTIMIZERUPDATE_H
#define ADJIT_DIALECT_ADJIT_TRANSFORMS_OPTIMIZERUPDATE_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::adjit {

/// The update rule that `appendOptimizerUpdate` appends.
enum class OptimizerKind {
  /// Stochastic gradient descent with optional momentum, dampening, Nesterov
  /// momentum and weight decay (optim::SGD's rule).
  SGD,
  /// Adam with bias correction and L2 weight decay (optim::Adam's rule).
  Adam,
  /// Adam with decoupled weight decay (optim::AdamW's rule): the parameter
  /// is first scaled by 1 - lr * weightDecay, then takes Adam's step
  /// without decay.
  AdamW,
};

/// The options of one parameter group that may differ between groups
/// (optim::OptimizerParamGroup); the learning rate is an argument instead.
struct OptimizerGroupOptions {
  /// All optimizers.
  double weightDecay = 0;
  /// Adam and AdamW only.
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;

  bool operator==(const OptimizerGroupOptions &other) const {
    return weightDecay == other.weightDecay && beta1 == other.beta1 &&
           beta2 == other.beta2 && eps == other.eps;
  }
};

/// What `appendOptimizerUpdate` appends to a gradient function. The fields
/// have the meaning of the eager optim::SGDOptions / optim::AdamOptions
/// fields of the same name; the learning rates and the step count are not
/// options but arguments of the updated function.
struct OptimizerUpdateOptions {
  /// The arguments whose gradients the gradient function returns, in the
  /// order of its results after the loss; each is updated in place of its
  /// gradient. Default: every f32/f64 tensor argument, which is what
  /// adjit-autodiff differentiates by default.
  std::optional<SmallVector<int64_t>> wrt;
  OptimizerKind kind = OptimizerKind::SGD;
  /// SGD only, the same for all groups.
  double momentum = 0;
  double dampening = 0;
  bool nesterov = false;
  /// The options of each parameter group (at least one); each group has its
  /// own learning-rate argument.
  SmallVector<OptimizerGroupOptions, 1> groups =
      SmallVector<OptimizerGroupOptions, 1>(1);
  /// The group of each `wrt` entry, in `wrt` order; empty puts every
  /// argument in group 0.
  SmallVector<int64_t> groupOf;
  /// If positive, the gradients are first scaled together so that their
  /// total 2-norm is at most this (nn::utils::clip_grad_norm_'s rule), and
  /// the norm before clipping is returned last.
  double maxGradNorm = 0;
  /// How many results after the loss are state the function writes rather
  /// than gradients; they are returned unchanged right after the loss.
  unsigned stateResults = 0;

  /// Returns whether the rule is Adam's, with L2 or decoupled weight decay.
  bool isAdam() const {
    return kind == OptimizerKind::Adam || kind == OptimizerKind::AdamW;
  }

  /// Checks the options as the eager optimizers' constructors do (and
  /// rejects NaN and infinite coefficients, a negative or non-finite
  /// maxGradNorm, an empty group list and a group index out of range):
  /// reports the first violation through `emitError` and returns failure.
  LogicalResult verify(function_ref<InFlightDiagnostic()> emitError) const;

  /// Returns how many state tensors each updated argument has: none for
  /// plain SGD; the momentum buffer for SGD with momentum, plus a flag if
  /// dampening is set; the first and second moments for Adam.
  unsigned getNumStateTensors() const;

  /// Returns whether state tensor `index` of an argument is SGD's rank-0 i1
  /// flag saying whether the momentum buffer holds a value (false before
  /// the first step); every other state tensor has the argument's type and
  /// starts as zeros.
  bool isStateFlag(unsigned index) const;

  /// Returns the options in the syntax of the
  /// `adjit-append-optimizer-update` pass, e.g.
  /// `function=f wrt=0,1 optimizer=sgd momentum=0.9`, naming every option
  /// that applies to the optimizer, with values that parse back exactly.
  std::string getPassOptions(StringRef function) const;

  /// Returns whether every field is equal (then getPassOptions is too).
  bool operator==(const OptimizerUpdateOptions &other) const {
    return wrt == other.wrt && kind == other.kind &&
           momentum == other.momentum && dampening == other.dampening &&
           nesterov == other.nesterov && groups == other.groups &&
           groupOf == other.groupOf && maxGradNorm == other.maxGradNorm &&
           stateResults == other.stateResults;
  }
};

/// Turns `gradient` (a function `@f_grad(args...) -> (loss, gradients...)`
/// whose result 1 + stateResults + i is the gradient of argument `wrt[i]`;
/// results 1 to stateResults are passed through after the loss) into a training
/// step. It gains further arguments: the state of each argument in `wrt`
/// (getNumStateTensors() tensors each, in `wrt` order; see isStateFlag), then
/// the learning rate of each group and the 1-based step count, all
/// `tensor<f64>`. It returns the loss, the updated values of the arguments in
/// `wrt`, then their updated state, then (with maxGradNorm) the gradients'
/// total 2-norm before clipping as a `tensor<f64>`. The updates follow
/// optim::SGD::step and optim::Adam::step formula by formula; scalar
/// coefficients (the learning rate, Adam's bias corrections) are computed in
/// f64 and rounded to each argument's type, as the eager optimizers do.
///
/// On invalid options or a function of another shape (no body, several
/// blocks, an out-of-range or repeated `wrt` index, a result count other
/// than 1 + wrt.size(), a loss that is not a one-element float tensor, a
/// gradient whose type differs from its argument's, an argument that is not
/// a statically shaped f32/f64 tensor) emits a diagnostic, leaves the
/// function unchanged and returns failure.
LogicalResult appendOptimizerUpdate(func::FuncOp gradient,
                                    const OptimizerUpdateOptions &options);

/// Looks up the function `functionName` in `module` and extends it as above;
/// emits a diagnostic on `module` if there is no such function.
LogicalResult appendOptimizerUpdate(ModuleOp module, StringRef functionName,
                                    const OptimizerUpdateOptions &options);

} // namespace mlir::adjit

#endif // ADJIT_DIALECT_ADJIT_TRANSFORMS_OPTIMIZERUPDATE_H
