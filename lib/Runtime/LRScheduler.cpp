//===- LRScheduler.cpp - Learning-rate schedules --------------------------===//

#include "adjit/Optim/LRScheduler.h"

#include <cmath>
#include <utility>

using namespace adjit;
using namespace adjit::optim;

LRScheduler::LRScheduler(Optimizer &optimizer) : optimizer_(optimizer) {
  for (const OptimizerParamGroup &group : optimizer.param_groups())
    baseLr_.push_back(group.options().get_lr());
}

LRScheduler::~LRScheduler() = default;

void LRScheduler::start() { apply(); }

void LRScheduler::step() {
  ++step_;
  apply();
}

void LRScheduler::apply() {
  std::vector<OptimizerParamGroup> &groups = optimizer_.param_groups();
  if (groups.size() != baseLr_.size()) {
    --step_;
    throw Error("LRScheduler: the optimizer has " +
                std::to_string(groups.size()) + " parameter groups, but had " +
                std::to_string(baseLr_.size()) + " when the schedule was made");
  }
  lastLr_.clear();
  for (size_t i = 0; i < groups.size(); ++i) {
    double lr = lrAt(step_, baseLr_[i]);
    groups[i].options().set_lr(lr);
    lastLr_.push_back(lr);
  }
}

StepLR::StepLR(Optimizer &optimizer, unsigned step_size, double gamma)
    : LRScheduler(optimizer), stepSize_(step_size), gamma_(gamma) {
  if (step_size == 0)
    throw Error("StepLR: step_size must be positive, got 0");
  if (!(gamma >= 0))
    throw Error("StepLR: gamma must be non-negative, got " +
                std::to_string(gamma));
  start();
}

double StepLR::lrAt(int64_t step, double base) const {
  return base * std::pow(gamma_, static_cast<double>(step / stepSize_));
}

CosineWarmupLR::CosineWarmupLR(Optimizer &optimizer, int64_t warmup_iters,
                               int64_t lr_decay_iters, double min_lr)
    : LRScheduler(optimizer), warmupIters_(warmup_iters),
      decayIters_(lr_decay_iters), minLr_(min_lr) {
  if (!(warmup_iters >= 0 && warmup_iters < lr_decay_iters))
    throw Error("CosineWarmupLR: expected 0 <= warmup_iters < "
                "lr_decay_iters, got warmup_iters " +
                std::to_string(warmup_iters) + " and lr_decay_iters " +
                std::to_string(lr_decay_iters));
  if (!(min_lr >= 0))
    throw Error("CosineWarmupLR: min_lr must be non-negative, got " +
                std::to_string(min_lr));
  start();
}

double CosineWarmupLR::lrAt(int64_t step, double base) const {
  if (step < warmupIters_)
    return base * static_cast<double>(step + 1) /
           static_cast<double>(warmupIters_ + 1);
  if (step > decayIters_)
    return minLr_;
  double ratio = static_cast<double>(step - warmupIters_) /
                 static_cast<double>(decayIters_ - warmupIters_);
  double coefficient = 0.5 * (1.0 + std::cos(M_PI * ratio));
  return minLr_ + coefficient * (base - minLr_);
}

LambdaLR::LambdaLR(Optimizer &optimizer,
                   std::function<double(int64_t)> lr_lambda)
    : LRScheduler(optimizer), lambda_(std::move(lr_lambda)) {
  if (!lambda_)
    throw Error("LambdaLR: lr_lambda is empty");
  start();
}

double LambdaLR::lrAt(int64_t step, double base) const {
  return base * lambda_(step);
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer &optimizer, int64_t T_max,
                                     double eta_min)
    : LRScheduler(optimizer), tMax_(T_max), etaMin_(eta_min) {
  if (T_max <= 0)
    throw Error("CosineAnnealingLR: T_max must be positive, got " +
                std::to_string(T_max));
  if (!(eta_min >= 0))
    throw Error("CosineAnnealingLR: eta_min must be non-negative, got " +
                std::to_string(eta_min));
  start();
}

double CosineAnnealingLR::lrAt(int64_t step, double base) const {
  double ratio = static_cast<double>(step) / static_cast<double>(tMax_);
  return etaMin_ + (base - etaMin_) * 0.5 * (1.0 + std::cos(M_PI * ratio));
}
