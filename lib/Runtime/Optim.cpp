//===- Optim.cpp - SGD and Adam -------------------------------------------===//

#include "adjit/Optim.h"
#include "adjit/Autograd.h"

#include <cmath>

using namespace adjit;
using namespace adjit::optim;

Optimizer::Optimizer(std::vector<Tensor> params) : params_(std::move(params)) {
  for (size_t i = 0; i < params_.size(); ++i)
    if (!params_[i].defined())
      throw Error("Optimizer: parameter " + std::to_string(i) +
                  " is undefined");
}

Optimizer::~Optimizer() = default;

void Optimizer::zero_grad(bool setToNone) {
  for (Tensor &p : params_) {
    Tensor &g = p.mutable_grad();
    if (!g.defined())
      continue;
    if (setToNone) {
      g = Tensor();
    } else {
      g = g.detach();
      g.zero_();
    }
  }
}

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params)), options_(options),
      momentumBuffers_(params_.size()) {
  if (options.lr() < 0)
    throw Error("SGD: invalid learning rate " + std::to_string(options.lr()));
  if (options.momentum() < 0)
    throw Error("SGD: invalid momentum " + std::to_string(options.momentum()));
  if (options.weight_decay() < 0)
    throw Error("SGD: invalid weight_decay " +
                std::to_string(options.weight_decay()));
  if (options.nesterov() &&
      (options.momentum() <= 0 || options.dampening() != 0))
    throw Error("SGD: Nesterov momentum requires a momentum and zero "
                "dampening");
}

void SGD::step() {
  NoGradGuard guard;
  const SGDOptions &o = options_;
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor &p = params_[i];
    if (!p.grad().defined())
      continue;
    Tensor d = p.grad();
    if (o.weight_decay() != 0)
      d = d + p * o.weight_decay();
    if (o.momentum() != 0) {
      Tensor &buf = momentumBuffers_[i];
      if (!buf.defined())
        buf = d.clone();
      else
        buf.mul_(o.momentum()).add_(d, 1 - o.dampening());
      d = o.nesterov() ? d + buf * o.momentum() : buf;
    }
    p.sub_(d, o.lr());
  }
}

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(std::move(params), options, WeightDecay::L2, "Adam") {}

Adam::Adam(std::vector<Tensor> params, AdamOptions options, WeightDecay decay,
           const char *name)
    : Optimizer(std::move(params)), options_(options), decay_(decay),
      expAvg_(params_.size()), expAvgSq_(params_.size()) {
  auto [b1, b2] = options.betas();
  std::string prefix = std::string(name) + ": ";
  if (options.lr() < 0)
    throw Error(prefix + "invalid learning rate " +
                std::to_string(options.lr()));
  if (options.eps() < 0)
    throw Error(prefix + "invalid eps " + std::to_string(options.eps()));
  if (b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1)
    throw Error(prefix + "invalid betas (" + std::to_string(b1) + ", " +
                std::to_string(b2) + "); each must be in [0, 1)");
  if (options.weight_decay() < 0)
    throw Error(prefix + "invalid weight_decay " +
                std::to_string(options.weight_decay()));
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : Adam(std::move(params), options.asAdamOptions(), WeightDecay::Decoupled,
           "AdamW") {}

void Adam::step() {
  NoGradGuard guard;
  const AdamOptions &o = options_;
  auto [b1, b2] = o.betas();
  ++stepCount_;
  double bc1 = 1 - std::pow(b1, static_cast<double>(stepCount_));
  double bc2 = 1 - std::pow(b2, static_cast<double>(stepCount_));
  for (size_t i = 0; i < params_.size(); ++i) {
    Tensor &p = params_[i];
    if (!p.grad().defined())
      continue;
    Tensor g = p.grad();
    if (o.weight_decay() != 0) {
      if (decay_ == WeightDecay::L2)
        g = g + p * o.weight_decay();
      else
        p.mul_(1 - o.lr() * o.weight_decay());
    }
    if (!expAvg_[i].defined()) {
      expAvg_[i] = zeros_like(p);
      expAvgSq_[i] = zeros_like(p);
    }
    expAvg_[i].mul_(b1).add_(g, 1 - b1);
    expAvgSq_[i].mul_(b2).add_(g * g, 1 - b2);
    Tensor denom = sqrt(expAvgSq_[i]) / std::sqrt(bc2) + o.eps();
    p.sub_(expAvg_[i] / denom, o.lr() / bc1);
  }
}

double nn::utils::clip_grad_norm_(const std::vector<Tensor> &parameters,
                                  double maxNorm, double normType) {
  if (!(normType > 0))
    throw Error("clip_grad_norm_: norm_type must be positive (or inf), got " +
                std::to_string(normType));
  NoGradGuard guard;
  double total = 0;
  bool any = false;
  for (const Tensor &p : parameters) {
    const Tensor &g = p.grad();
    if (!g.defined())
      continue;
    any = true;
    Tensor magnitude = g.detach().to(Dtype::Float64).abs();
    if (std::isinf(normType))
      total = std::max(total, magnitude.max().item<double>());
    else
      total += magnitude.pow(normType).sum().item<double>();
  }
  if (!any)
    return 0.0;
  if (!std::isinf(normType))
    total = std::pow(total, 1.0 / normType);
  double scale = maxNorm / (total + 1e-6);
  if (scale < 1)
    for (const Tensor &p : parameters)
      if (p.grad().defined())
        p.grad().mul_(scale);
  return total;
}
