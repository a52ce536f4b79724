//===- Optim.h - Optimizers -------------------------------------*- C++ -*-===//

#ifndef ADJIT_OPTIM_H
#define ADJIT_OPTIM_H

#include "adjit/Tensor.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace adjit {
namespace optim {

/// The options of one parameter group (LibTorch's OptimizerOptions): the
/// base of SGDOptions, AdamOptions and AdamWOptions. A learning-rate schedule
/// reads and sets the rate through get_lr()/set_lr() without knowing the
/// optimizer.
class OptimizerOptions {
public:
  virtual ~OptimizerOptions();
  /// A copy of these options.
  virtual std::unique_ptr<OptimizerOptions> clone() const = 0;
  /// The learning rate.
  virtual double get_lr() const = 0;
  /// Sets the learning rate.
  virtual void set_lr(double lr) = 0;
};

/// Implements clone(), get_lr() and set_lr() of `Derived`, which has
/// `lr()` and `lr(double)` (LibTorch's OptimizerCloneableOptions).
template <typename Derived>
class OptimizerCloneableOptions : public OptimizerOptions {
public:
  std::unique_ptr<OptimizerOptions> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived &>(*this));
  }
  double get_lr() const override {
    return static_cast<const Derived &>(*this).lr();
  }
  void set_lr(double lr) override { static_cast<Derived &>(*this).lr(lr); }
};

/// Parameters that share options, as LibTorch's OptimizerParamGroup: e.g.
/// `OptimizerParamGroup(biases, std::make_unique<AdamWOptions>(
/// AdamWOptions(1e-3).weight_decay(0)))`. A group without options takes a
/// copy of the optimizer's defaults when it is added.
class OptimizerParamGroup {
public:
  OptimizerParamGroup(std::vector<Tensor> params)
      : params_(std::move(params)) {}
  OptimizerParamGroup(std::vector<Tensor> params,
                      std::unique_ptr<OptimizerOptions> options)
      : params_(std::move(params)), options_(std::move(options)) {}
  OptimizerParamGroup(const OptimizerParamGroup &other)
      : params_(other.params_),
        options_(other.options_ ? other.options_->clone() : nullptr) {}
  OptimizerParamGroup(OptimizerParamGroup &&) = default;
  OptimizerParamGroup &operator=(const OptimizerParamGroup &other) {
    params_ = other.params_;
    options_ = other.options_ ? other.options_->clone() : nullptr;
    return *this;
  }
  OptimizerParamGroup &operator=(OptimizerParamGroup &&) = default;

  /// Whether the group has its own options.
  bool has_options() const { return options_ != nullptr; }
  /// The group's options (cast to the optimizer's options type to read
  /// more than the learning rate); throws adjit::Error if it has none.
  OptimizerOptions &options();
  const OptimizerOptions &options() const;
  void set_options(std::unique_ptr<OptimizerOptions> options) {
    options_ = std::move(options);
  }
  std::vector<Tensor> &params() { return params_; }
  const std::vector<Tensor> &params() const { return params_; }

private:
  std::vector<Tensor> params_;
  std::unique_ptr<OptimizerOptions> options_;
};

/// Base class of optimizers: parameter groups, each with its own options
/// (LibTorch's and PyTorch's param_groups), and the optimizer's defaults.
class Optimizer {
public:
  Optimizer(const Optimizer &) = delete;
  Optimizer &operator=(const Optimizer &) = delete;
  virtual ~Optimizer();

  /// Adds a group: its options (the defaults if it has none) must be of this
  /// optimizer's options type and valid, and it must have parameters, none
  /// of them undefined, repeated or already in a group; else throws
  /// adjit::Error and leaves the optimizer unchanged.
  void add_param_group(const OptimizerParamGroup &group);
  /// Resets the parameters' gradients (to undefined if \p setToNone, as
  /// PyTorch 2 does by default, else to zero).
  void zero_grad(bool setToNone = true);
  /// Updates the parameters from their gradients, each with its group's
  /// options; parameters without a gradient are skipped.
  virtual void step() = 0;
  /// The parameters of all groups, in group order.
  std::vector<Tensor> parameters() const;
  /// The number of parameters of all groups.
  size_t size() const;
  /// The options groups added without options take.
  OptimizerOptions &defaults() { return *defaults_; }
  const OptimizerOptions &defaults() const { return *defaults_; }
  /// The groups; `param_groups()[i].options().set_lr(x)` sets the learning
  /// rate of group i for the following steps.
  std::vector<OptimizerParamGroup> &param_groups() { return groups_; }
  const std::vector<OptimizerParamGroup> &param_groups() const {
    return groups_;
  }

protected:
  /// `name` names the optimizer in messages ("SGD"); `defaults` must be
  /// valid (checkOptions).
  Optimizer(const char *name, std::unique_ptr<OptimizerOptions> defaults);
  /// Adds `groups` (add_param_group); called by the most derived
  /// constructor, after checkOptions can run.
  void addGroups(const std::vector<OptimizerParamGroup> &groups);
  /// Adds `params` as one group with the defaults, as the LibTorch
  /// constructors taking a vector of tensors do; it may be empty.
  void addDefaultGroup(std::vector<Tensor> params);
  /// Throws adjit::Error, with a message starting with `where`, if
  /// `options` are not valid options of this optimizer.
  virtual void checkOptions(const OptimizerOptions &options,
                            const std::string &where) const = 0;
  /// The only group's options, for options(); throws if there are several.
  OptimizerOptions &onlyGroupOptions() const;

  const char *name_;

private:
  void addGroup(const OptimizerParamGroup &group, bool allowEmpty);

  std::unique_ptr<OptimizerOptions> defaults_;
  std::vector<OptimizerParamGroup> groups_;
};

/// Options of SGD (LibTorch's setter/getter style).
class SGDOptions : public OptimizerCloneableOptions<SGDOptions> {
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
/// momentum and L2 weight decay, with PyTorch's update rule, per parameter
/// group.
class SGD : public Optimizer {
public:
  /// One group of `params` with `defaults`.
  SGD(std::vector<Tensor> params, SGDOptions defaults);
  /// The groups `groups`; a group without options takes `defaults`.
  SGD(const std::vector<OptimizerParamGroup> &groups, SGDOptions defaults);
  void step() override;
  /// The options of the only parameter group, e.g. `options().lr(x)` for the
  /// following steps; throws adjit::Error if there are several groups (use
  /// param_groups()[i].options()).
  SGDOptions &options() const {
    return static_cast<SGDOptions &>(onlyGroupOptions());
  }

protected:
  void checkOptions(const OptimizerOptions &options,
                    const std::string &where) const override;

private:
  /// Momentum buffers by parameter.
  std::unordered_map<const TensorImpl *, Tensor> momentumBuffers_;
};

/// Options of Adam.
class AdamOptions : public OptimizerCloneableOptions<AdamOptions> {
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

/// Adam with bias correction and L2 weight decay (PyTorch's Adam), per
/// parameter group; each parameter counts its own steps, as in PyTorch.
class Adam : public Optimizer {
public:
  /// One group of `params` with `defaults`.
  Adam(std::vector<Tensor> params, AdamOptions defaults = AdamOptions());
  /// The groups `groups`; a group without options takes `defaults`.
  Adam(const std::vector<OptimizerParamGroup> &groups,
       AdamOptions defaults = AdamOptions());
  void step() override;
  /// The options of the only parameter group, e.g. `options().lr(x)` for the
  /// following steps; throws adjit::Error if there are several groups (use
  /// param_groups()[i].options()).
  AdamOptions &options() const {
    return static_cast<AdamOptions &>(onlyGroupOptions());
  }

protected:
  /// How the weight decay applies: added to the gradient (L2, Adam) or
  /// subtracted from the parameter before the update (decoupled, AdamW).
  enum class WeightDecay { L2, Decoupled };
  Adam(std::unique_ptr<OptimizerOptions> defaults, WeightDecay decay,
       const char *name);
  void checkOptions(const OptimizerOptions &options,
                    const std::string &where) const override;

private:
  /// The Adam settings of `options` (AdamOptions, or AdamWOptions for
  /// decoupled decay).
  const AdamOptions &adamOptionsOf(const OptimizerOptions &options) const;

  WeightDecay decay_ = WeightDecay::L2;
  /// The state of one parameter.
  struct ParameterState {
    int64_t step = 0;
    Tensor expAvg, expAvgSq;
  };
  std::unordered_map<const TensorImpl *, ParameterState> state_;
};

/// Options of AdamW: those of Adam with LibTorch's default weight decay of
/// 1e-2.
class AdamWOptions : public OptimizerCloneableOptions<AdamWOptions> {
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
  /// One group of `params` with `defaults`.
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = AdamWOptions());
  /// The groups `groups`; a group without options takes `defaults`.
  AdamW(const std::vector<OptimizerParamGroup> &groups,
        AdamWOptions defaults = AdamWOptions());
  /// The options of the only parameter group; throws adjit::Error if there
  /// are several groups.
  AdamWOptions &options() const {
    return static_cast<AdamWOptions &>(onlyGroupOptions());
  }
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
