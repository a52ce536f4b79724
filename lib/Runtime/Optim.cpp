//===- Optim.cpp - Parameter groups, SGD and Adam -------------------------===//

#include "adjit/Optim.h"
#include "adjit/Autograd.h"

#include "ResetGrad.h"

#include <cmath>
#include <unordered_set>

using namespace adjit;
using namespace adjit::optim;

OptimizerOptions::~OptimizerOptions() = default;

OptimizerOptions &OptimizerParamGroup::options() {
  if (!options_)
    throw Error("OptimizerParamGroup::options: the group has no options");
  return *options_;
}

const OptimizerOptions &OptimizerParamGroup::options() const {
  return const_cast<OptimizerParamGroup *>(this)->options();
}

Optimizer::Optimizer(const char *name,
                     std::unique_ptr<OptimizerOptions> defaults)
    : name_(name), defaults_(std::move(defaults)) {}

Optimizer::~Optimizer() = default;

void Optimizer::addGroups(const std::vector<OptimizerParamGroup> &groups) {
  if (groups.empty())
    throw Error(std::string(name_) + ": no parameter groups");
  for (const OptimizerParamGroup &group : groups)
    addGroup(group, /*allowEmpty=*/false);
}

void Optimizer::addDefaultGroup(std::vector<Tensor> params) {
  addGroup(OptimizerParamGroup(std::move(params)), /*allowEmpty=*/true);
}

void Optimizer::add_param_group(const OptimizerParamGroup &group) {
  addGroup(group, /*allowEmpty=*/false);
}

void Optimizer::addGroup(const OptimizerParamGroup &group, bool allowEmpty) {
  std::string where = std::string(name_) + ": parameter group " +
                      std::to_string(groups_.size());
  if (group.params().empty() && !allowEmpty)
    throw Error(where + " has no parameters");
  // Where each parameter of the groups so far is, to report a repeat.
  std::unordered_map<const TensorImpl *, std::pair<size_t, size_t>> seen;
  for (size_t g = 0; g < groups_.size(); ++g)
    for (size_t i = 0; i < groups_[g].params().size(); ++i)
      seen.emplace(groups_[g].params()[i].unsafeGetImpl(),
                   std::make_pair(g, i));
  const std::vector<Tensor> &params = group.params();
  for (size_t i = 0; i < params.size(); ++i) {
    if (!params[i].defined())
      throw Error(groups_.empty() && allowEmpty
                      ? std::string(name_) + ": parameter " +
                            std::to_string(i) + " is undefined"
                      : where + ": parameter " + std::to_string(i) +
                            " is undefined");
    auto [it, inserted] = seen.emplace(params[i].unsafeGetImpl(),
                                       std::make_pair(groups_.size(), i));
    if (!inserted)
      throw Error(where + ": parameter " + std::to_string(i) + " (shape " +
                  shapeToString(params[i].sizes()) + ") is already parameter " +
                  std::to_string(it->second.second) + " of group " +
                  std::to_string(it->second.first) +
                  "; a parameter belongs to one group once");
  }
  OptimizerParamGroup added(params, group.has_options()
                                        ? group.options().clone()
                                        : defaults_->clone());
  if (group.has_options())
    checkOptions(added.options(), where + ": ");
  groups_.push_back(std::move(added));
}

OptimizerOptions &Optimizer::onlyGroupOptions() const {
  if (groups_.size() != 1)
    throw Error(std::string(name_) + "::options: the optimizer has " +
                std::to_string(groups_.size()) +
                " parameter groups; use param_groups()[i].options()");
  return const_cast<OptimizerParamGroup &>(groups_.front()).options();
}

std::vector<Tensor> Optimizer::parameters() const {
  std::vector<Tensor> all;
  for (const OptimizerParamGroup &group : groups_)
    all.insert(all.end(), group.params().begin(), group.params().end());
  return all;
}

size_t Optimizer::size() const {
  size_t count = 0;
  for (const OptimizerParamGroup &group : groups_)
    count += group.params().size();
  return count;
}

void Optimizer::zero_grad(bool setToNone) {
  for (const OptimizerParamGroup &group : groups_)
    for (const Tensor &p : group.params())
      resetGrad(p, setToNone);
}

namespace {
/// The options of `optimizer`'s type in `options`; throws naming `where`.
template <typename T>
const T &optionsAs(const OptimizerOptions &options, const char *optimizer,
                   const std::string &where) {
  if (const auto *typed = dynamic_cast<const T *>(&options))
    return *typed;
  throw Error(where + "options of another optimizer (expected " + optimizer +
              "Options)");
}

void checkAdamOptions(const AdamOptions &options, const std::string &prefix) {
  auto [b1, b2] = options.betas();
  if (!(options.lr() >= 0))
    throw Error(prefix + "invalid learning rate " +
                std::to_string(options.lr()));
  if (!(options.eps() >= 0))
    throw Error(prefix + "invalid eps " + std::to_string(options.eps()));
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    throw Error(prefix + "invalid betas (" + std::to_string(b1) + ", " +
                std::to_string(b2) + "); each must be in [0, 1)");
  if (!(options.weight_decay() >= 0))
    throw Error(prefix + "invalid weight_decay " +
                std::to_string(options.weight_decay()));
}
} // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions defaults)
    : Optimizer("SGD", defaults.clone()) {
  checkOptions(defaults, "SGD: ");
  addDefaultGroup(std::move(params));
}

SGD::SGD(const std::vector<OptimizerParamGroup> &groups, SGDOptions defaults)
    : Optimizer("SGD", defaults.clone()) {
  checkOptions(defaults, "SGD: ");
  addGroups(groups);
}

void SGD::checkOptions(const OptimizerOptions &options,
                       const std::string &where) const {
  const SGDOptions &o = optionsAs<SGDOptions>(options, "SGD", where);
  if (!(o.lr() >= 0))
    throw Error(where + "invalid learning rate " + std::to_string(o.lr()));
  if (!(o.momentum() >= 0))
    throw Error(where + "invalid momentum " + std::to_string(o.momentum()));
  if (!(o.weight_decay() >= 0))
    throw Error(where + "invalid weight_decay " +
                std::to_string(o.weight_decay()));
  if (o.nesterov() && (o.momentum() <= 0 || o.dampening() != 0))
    throw Error(where + "Nesterov momentum requires a momentum and zero "
                        "dampening");
}

void SGD::step() {
  NoGradGuard guard;
  for (OptimizerParamGroup &group : param_groups()) {
    const auto &o = static_cast<const SGDOptions &>(group.options());
    for (Tensor &p : group.params()) {
      if (!p.grad().defined())
        continue;
      Tensor d = p.grad();
      if (o.weight_decay() != 0)
        d = d + p * o.weight_decay();
      if (o.momentum() != 0) {
        Tensor &buf = momentumBuffers_[p.unsafeGetImpl()];
        if (!buf.defined())
          buf = d.clone();
        else
          buf.mul_(o.momentum()).add_(d, 1 - o.dampening());
        d = o.nesterov() ? d + buf * o.momentum() : buf;
      }
      p.sub_(d, o.lr());
    }
  }
}

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults)
    : Adam(defaults.clone(), WeightDecay::L2, "Adam") {
  addDefaultGroup(std::move(params));
}

Adam::Adam(const std::vector<OptimizerParamGroup> &groups, AdamOptions defaults)
    : Adam(defaults.clone(), WeightDecay::L2, "Adam") {
  addGroups(groups);
}

Adam::Adam(std::unique_ptr<OptimizerOptions> defaults, WeightDecay decay,
           const char *name)
    : Optimizer(name, std::move(defaults)), decay_(decay) {
  checkOptions(this->defaults(), std::string(name) + ": ");
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults)
    : Adam(defaults.clone(), WeightDecay::Decoupled, "AdamW") {
  addDefaultGroup(std::move(params));
}

AdamW::AdamW(const std::vector<OptimizerParamGroup> &groups,
             AdamWOptions defaults)
    : Adam(defaults.clone(), WeightDecay::Decoupled, "AdamW") {
  addGroups(groups);
}

const AdamOptions &Adam::adamOptionsOf(const OptimizerOptions &options) const {
  if (decay_ == WeightDecay::Decoupled)
    return static_cast<const AdamWOptions &>(options).asAdamOptions();
  return static_cast<const AdamOptions &>(options);
}

void Adam::checkOptions(const OptimizerOptions &options,
                        const std::string &where) const {
  checkAdamOptions(
      decay_ == WeightDecay::Decoupled
          ? optionsAs<AdamWOptions>(options, name_, where).asAdamOptions()
          : optionsAs<AdamOptions>(options, name_, where),
      where);
}

void Adam::step() {
  NoGradGuard guard;
  for (OptimizerParamGroup &group : param_groups()) {
    const AdamOptions &o = adamOptionsOf(group.options());
    auto [b1, b2] = o.betas();
    for (Tensor &p : group.params()) {
      if (!p.grad().defined())
        continue;
      Tensor g = p.grad();
      if (o.weight_decay() != 0) {
        if (decay_ == WeightDecay::L2)
          g = g + p * o.weight_decay();
        else
          p.mul_(1 - o.lr() * o.weight_decay());
      }
      ParameterState &state = state_[p.unsafeGetImpl()];
      if (!state.expAvg.defined()) {
        state.expAvg = zeros_like(p);
        state.expAvgSq = zeros_like(p);
      }
      ++state.step;
      double bc1 = 1 - std::pow(b1, static_cast<double>(state.step));
      double bc2 = 1 - std::pow(b2, static_cast<double>(state.step));
      state.expAvg.mul_(b1).add_(g, 1 - b1);
      state.expAvgSq.mul_(b2).add_(g * g, 1 - b2);
      Tensor denom = sqrt(state.expAvgSq) / std::sqrt(bc2) + o.eps();
      p.sub_(state.expAvg / denom, o.lr() / bc1);
    }
  }
}

double nn::utils::clip_grad_norm_(const std::vector<Tensor> &parameters,
                                  double maxNorm, double normType) {
  if (!(maxNorm > 0))
    throw Error("clip_grad_norm_: max_norm must be positive, got " +
                std::to_string(maxNorm));
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
