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

private:
  AdamOptions options_;
  std::vector<Tensor> expAvg_, expAvgSq_;
  int64_t stepCount_ = 0;
};

} // namespace optim
} // namespace adjit

#endif // ADJIT_OPTIM_H
