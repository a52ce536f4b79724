//===- Optim.h - Optimizers -------------------------------------*- C++ -*-===//

#ifndef ADJIT_OPTIM_H
#define ADJIT_OPTIM_H

#include "adjit/Tensor.h"

#include <utility>
#include <vector>

namespace adjit {
namespace optim {

/// Base class of optimizers over one group of parameters.
class Optimizer {
public:
  explicit Optimizer(std::vector<Tensor> params);
  virtual ~Optimizer();
  /// Resets the parameters' gradients (to undefined if \p setToNone, as
  /// PyTorch 2 does by default, else to zero).
  void zero_grad(bool setToNone = true);
  /// Updates the parameters from their gradients; parameters without a
  /// gradient are skipped.
  virtual void step() = 0;
  const std::vector<Tensor> &parameters() const { return params_; }

protected:
  std::vector<Tensor> params_;
};

/// Options of SGD (LibTorch's setter/getter style).
class SGDOptions {
public:
  SGDOptions(double lr) : lr_(lr) {}
  SGDOptions &lr(double v) { return lr_ = v, *this; }
  SGDOptions &momentum(double v) { return momentum_ = v, *this; }
  SGDOptions &dampening(double v) { return dampening_ = v, *this; }
  SGDOptions &weight_decay(double v) { return weightDecay_ = v, *this; }
  SGDOptions &nesterov(bool v) { return nesterov_ = v, *this; }
  double lr() const { return lr_; }
  double momentum() const { return momentum_; }
  double dampening() const { return dampening_; }
  double weight_decay() const { return weightDecay_; }
  bool nesterov() const { return nesterov_; }

private:
  double lr_, momentum_ = 0, dampening_ = 0, weightDecay_ = 0;
  bool nesterov_ = false;
};

/// Stochastic gradient descent with optional momentum, dampening, Nesterov
/// momentum and L2 weight decay, with PyTorch's update rule.
class SGD : public Optimizer {
public:
  SGD(std::vector<Tensor> params, SGDOptions options);
  void step() override;
  const SGDOptions &options() const { return options_; }
  /// The options of the following steps: `options().lr(x)` sets the
  /// learning rate, as a learning-rate schedule does.
  SGDOptions &options() { return options_; }

private:
  SGDOptions options_;
  std::vector<Tensor> momentumBuffers_;
};

/// Options of Adam.
class AdamOptions {
public:
  AdamOptions(double lr = 1e-3) : lr_(lr) {}
  AdamOptions &lr(double v) { return lr_ = v, *this; }
  AdamOptions &betas(std::pair<double, double> v) { return betas_ = v, *this; }
  AdamOptions &eps(double v) { return eps_ = v, *this; }
  AdamOptions &weight_decay(double v) { return weightDecay_ = v, *this; }
  double lr() const { return lr_; }
  std::pair<double, double> betas() const { return betas_; }
  double eps() const { return eps_; }
  double weight_decay() const { return weightDecay_; }

private:
  double lr_;
  std::pair<double, double> betas_ = {0.9, 0.999};
  double eps_ = 1e-8, weightDecay_ = 0;
};

/// Adam with bias correction and L2 weight decay (PyTorch's Adam).
class Adam : public Optimizer {
public:
  Adam(std::vector<Tensor> params, AdamOptions options = AdamOptions());
  void step() override;
  const AdamOptions &options() const { return options_; }
  /// The options of the following steps: `options().lr(x)` sets the
  /// learning rate, as a learning-rate schedule does.
  AdamOptions &options() { return options_; }

protected:
  /// How the weight decay applies: added to the gradient (L2, Adam) or
  /// subtracted from the parameter before the update (decoupled, AdamW).
  enum class WeightDecay { L2, Decoupled };
  Adam(std::vector<Tensor> params, AdamOptions options, WeightDecay decay,
       const char *name);

private:
  AdamOptions options_;
  WeightDecay decay_ = WeightDecay::L2;
  std::vector<Tensor> expAvg_, expAvgSq_;
  int64_t stepCount_ = 0;
};

/// Options of AdamW: those of Adam with LibTorch's default weight decay of
/// 1e-2.
class AdamWOptions {
public:
  AdamWOptions(double lr = 1e-3)
      : options_(AdamOptions(lr).weight_decay(1e-2)) {}
  AdamWOptions &lr(double v) { return options_.lr(v), *this; }
  AdamWOptions &betas(std::pair<double, double> v) {
    return options_.betas(v), *this;
  }
  AdamWOptions &eps(double v) { return options_.eps(v), *this; }
  AdamWOptions &weight_decay(double v) {
    return options_.weight_decay(v), *this;
  }
  double lr() const { return options_.lr(); }
  std::pair<double, double> betas() const { return options_.betas(); }
  double eps() const { return options_.eps(); }
  double weight_decay() const { return options_.weight_decay(); }
  /// The same settings as AdamOptions.
  const AdamOptions &asAdamOptions() const { return options_; }

private:
  AdamOptions options_;
};

/// Adam with decoupled weight decay (Loshchilov & Hutter; PyTorch's AdamW):
/// each step first scales the parameter by 1 - lr * weight_decay, then
/// applies Adam's update without weight decay.
class AdamW : public Adam {
public:
  AdamW(std::vector<Tensor> params, AdamWOptions options = AdamWOptions());
};

} // namespace optim

namespace nn::utils {
/// Scales the gradients of `parameters` in place so that their total
/// `normType`-norm (over all gradients as one vector; inf for the largest
/// magnitude) is at most `maxNorm`, and returns the norm before scaling, as
/// PyTorch's clip_grad_norm_: the scale is maxNorm / (norm + 1e-6), applied
/// only when it is below 1. Parameters without a gradient are skipped.
double clip_grad_norm_(const std::vector<Tensor> &parameters, double maxNorm,
                       double normType = 2.0);
} // namespace nn::utils
} // namespace adjit

#endif // ADJIT_OPTIM_H
