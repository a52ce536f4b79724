//===- LRScheduler.h - Learning-rate schedules ------------------*- C++ -*-===//

#ifndef ADJIT_OPTIM_LRSCHEDULER_H
#define ADJIT_OPTIM_LRSCHEDULER_H

#include "adjit/Optim.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace adjit {
namespace optim {

/// Base of learning-rate schedules: a schedule sets the learning rate of
/// every parameter group of an optimizer from the group's rate when the
/// schedule was made (its base rate) and a step count. As in PyTorch, making
/// the schedule applies step 0, and each step() advances by one:
///
///   for (int64_t it = 0; it < iters; ++it) {
///     ... optimizer.step();   // with the rate of step `it`
///     schedule.step();
///   }
///
/// Only the learning rate changes, so a jit::TrainStep whose optimizer() the
/// schedule drives never recompiles. The optimizer must outlive the
/// schedule.
class LRScheduler {
public:
  virtual ~LRScheduler();
  /// Advances to the next step and sets each group's learning rate; throws
  /// adjit::Error if the optimizer's groups changed in number.
  void step();
  /// The learning rates set last, one per group (PyTorch's get_last_lr).
  const std::vector<double> &get_last_lr() const { return lastLr_; }
  /// The steps taken since the schedule was made (PyTorch's last_epoch).
  int64_t get_last_step() const { return step_; }

protected:
  explicit LRScheduler(Optimizer &optimizer);
  /// Sets the rates of step 0; the derived constructor calls it once it
  /// has checked its arguments.
  void start();
  /// The learning rate at `step` of a group whose base rate is `base`.
  virtual double lrAt(int64_t step, double base) const = 0;

private:
  void apply();

  Optimizer &optimizer_;
  std::vector<double> baseLr_;
  std::vector<double> lastLr_;
  int64_t step_ = 0;
};

/// Multiplies the learning rate by `gamma` every `step_size` steps: at step
/// t it is base * gamma^floor(t / step_size), as PyTorch's StepLR. (LibTorch
/// 1.13's StepLR takes the same arguments but decays one step later, since
/// it applies no step 0.) Throws adjit::Error for a step_size of 0 or a
/// negative gamma.
class StepLR : public LRScheduler {
public:
  StepLR(Optimizer &optimizer, unsigned step_size, double gamma = 0.1);

protected:
  double lrAt(int64_t step, double base) const override;

private:
  unsigned stepSize_;
  double gamma_;
};

/// Linear warmup, then cosine decay to a floor, as nanoGPT's get_lr: at
/// step t < warmup_iters the rate is base * (t + 1) / (warmup_iters + 1);
/// from warmup_iters to lr_decay_iters it falls along half a cosine from
/// base to min_lr, min_lr + (1 + cos(pi * r)) / 2 * (base - min_lr) with
/// r = (t - warmup_iters) / (lr_decay_iters - warmup_iters); after
/// lr_decay_iters it stays at min_lr. Throws adjit::Error unless
/// 0 <= warmup_iters < lr_decay_iters and min_lr >= 0.
class CosineWarmupLR : public LRScheduler {
public:
  CosineWarmupLR(Optimizer &optimizer, int64_t warmup_iters,
                 int64_t lr_decay_iters, double min_lr);

protected:
  double lrAt(int64_t step, double base) const override;

private:
  int64_t warmupIters_, decayIters_;
  double minLr_;
};

/// Sets the learning rate to base * lr_lambda(t) at step t, as PyTorch's
/// LambdaLR with one function for all groups. Throws adjit::Error if
/// lr_lambda is empty; an exception lr_lambda throws propagates.
class LambdaLR : public LRScheduler {
public:
  LambdaLR(Optimizer &optimizer, std::function<double(int64_t)> lr_lambda);

protected:
  double lrAt(int64_t step, double base) const override;

private:
  std::function<double(int64_t)> lambda_;
};

/// Cosine annealing without restarts, as PyTorch's CosineAnnealingLR in its
/// closed form: eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2
/// at step t (PyTorch computes the same values recursively, equal up to
/// rounding). Beyond T_max the cosine goes on, rising again, as PyTorch's
/// does. Throws adjit::Error unless T_max > 0 and eta_min >= 0.
class CosineAnnealingLR : public LRScheduler {
public:
  CosineAnnealingLR(Optimizer &optimizer, int64_t T_max, double eta_min = 0);

protected:
  double lrAt(int64_t step, double base) const override;

private:
  int64_t tMax_;
  double etaMin_;
};

} // namespace optim
} // namespace adjit

#endif // ADJIT_OPTIM_LRSCHEDULER_H
