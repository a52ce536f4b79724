//===- OptimBindings.cpp - optim: optimizers, groups, schedules -----------===//
//
// The optimizers with PyTorch's Python API: SGD, Adam and AdamW over a list
// of tensors or a list of parameter-group dicts, `param_groups` whose
// entries read and write the C++ groups' options by PyTorch's keys,
// `add_param_group`, the learning-rate schedules of optim.lr_scheduler, and
// nn.utils.clip_grad_norm_.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "adjit/Error.h"
#include "adjit/Optim.h"
#include "adjit/Optim/LRScheduler.h"

#include <pybind11/functional.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace adjit;
using namespace adjit::python;

namespace {

/// The option keys of `options` in PyTorch's order, "params" excluded.
std::vector<std::string> optionKeys(const optim::OptimizerOptions &options) {
  if (dynamic_cast<const optim::SGDOptions *>(&options))
    return {"lr", "momentum", "dampening", "weight_decay", "nesterov"};
  return {"lr", "betas", "eps", "weight_decay"};
}

/// Reads the option `key` of Adam-style options (AdamOptions, AdamWOptions).
template <typename Options>
py::object getAdamOption(const Options &o, const std::string &key) {
  if (key == "lr")
    return py::float_(o.lr());
  if (key == "betas")
    return py::cast(o.betas());
  if (key == "eps")
    return py::float_(o.eps());
  if (key == "weight_decay")
    return py::float_(o.weight_decay());
  return py::object();
}

/// Sets the option `key` of Adam-style options; false if there is none.
template <typename Options>
bool setAdamOption(Options &o, const std::string &key, py::handle value) {
  if (key == "lr")
    o.lr(value.cast<double>());
  else if (key == "betas")
    o.betas(value.cast<std::pair<double, double>>());
  else if (key == "eps")
    o.eps(value.cast<double>());
  else if (key == "weight_decay")
    o.weight_decay(value.cast<double>());
  else
    return false;
  return true;
}

/// The option `key` of `options`, or a null object if it has none.
py::object getOption(const optim::OptimizerOptions &options,
                     const std::string &key) {
  if (auto *sgd = dynamic_cast<const optim::SGDOptions *>(&options)) {
    if (key == "lr")
      return py::float_(sgd->lr());
    if (key == "momentum")
      return py::float_(sgd->momentum());
    if (key == "dampening")
      return py::float_(sgd->dampening());
    if (key == "weight_decay")
      return py::float_(sgd->weight_decay());
    if (key == "nesterov")
      return py::bool_(sgd->nesterov());
    return py::object();
  }
  if (auto *adamw = dynamic_cast<const optim::AdamWOptions *>(&options))
    return getAdamOption(*adamw, key);
  return getAdamOption(dynamic_cast<const optim::AdamOptions &>(options), key);
}

/// Sets the option `key` of `options` to `value`; throws KeyError naming
/// `where` and the valid keys if the options have no such key.
void setOption(optim::OptimizerOptions &options, const std::string &key,
               py::handle value, const std::string &where) {
  bool known = false;
  if (auto *sgd = dynamic_cast<optim::SGDOptions *>(&options)) {
    known = true;
    if (key == "lr")
      sgd->lr(value.cast<double>());
    else if (key == "momentum")
      sgd->momentum(value.cast<double>());
    else if (key == "dampening")
      sgd->dampening(value.cast<double>());
    else if (key == "weight_decay")
      sgd->weight_decay(value.cast<double>());
    else if (key == "nesterov")
      sgd->nesterov(value.cast<bool>());
    else
      known = false;
  } else if (auto *adamw = dynamic_cast<optim::AdamWOptions *>(&options)) {
    known = setAdamOption(*adamw, key, value);
  } else {
    known =
        setAdamOption(dynamic_cast<optim::AdamOptions &>(options), key, value);
  }
  if (known)
    return;
  std::string keys;
  for (const std::string &k : optionKeys(options))
    keys += (keys.empty() ? "'" : ", '") + k + "'";
  throw py::key_error(where + ": unknown option '" + key + "' (expected " +
                      keys + " or 'params')");
}

/// The tensors of `params`: one tensor, or an iterable of tensors (a
/// module's parameters(), a list, a generator).
std::vector<Tensor> toTensors(py::handle params, const std::string &where) {
  if (py::isinstance<Tensor>(params))
    return {params.cast<Tensor>()};
  std::vector<Tensor> tensors;
  for (py::handle p : py::iter(params)) {
    if (!py::isinstance<Tensor>(p))
      throw py::type_error(where + ": expected tensors to optimize, got " +
                           py::str(py::type::of(p)).cast<std::string>());
    tensors.push_back(p.cast<Tensor>());
  }
  return tensors;
}

/// The group a dict describes: its "params" and, if it sets any other key,
/// a copy of `defaults` with those keys set.
optim::OptimizerParamGroup toParamGroup(const py::dict &group,
                                        const optim::OptimizerOptions &defaults,
                                        const std::string &where) {
  if (!group.contains("params"))
    throw py::key_error(where + ": a parameter group needs 'params'");
  std::vector<Tensor> params = toTensors(group["params"], where);
  if (group.size() == 1)
    return optim::OptimizerParamGroup(std::move(params));
  std::unique_ptr<optim::OptimizerOptions> options = defaults.clone();
  for (auto [key, value] : group) {
    std::string name = key.cast<std::string>();
    if (name != "params")
      setOption(*options, name, value, where);
  }
  return optim::OptimizerParamGroup(std::move(params), std::move(options));
}

/// Makes optimizer `Optim` over `params` with `defaults`: an iterable of
/// tensors (one group) or of dicts (one group each, PyTorch's per-group
/// options).
template <typename Optim, typename Options>
std::unique_ptr<Optim> makeOptimizer(const py::iterable &params,
                                     Options defaults, const char *name) {
  std::vector<py::object> items;
  for (py::handle p : params)
    items.push_back(py::reinterpret_borrow<py::object>(p));
  if (items.empty() || !py::isinstance<py::dict>(items.front()))
    return std::make_unique<Optim>(toTensors(py::cast(items), name),
                                   std::move(defaults));
  std::vector<optim::OptimizerParamGroup> groups;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!py::isinstance<py::dict>(items[i]))
      throw py::type_error(std::string(name) +
                           ": expected every parameter group to be a dict");
    groups.push_back(
        toParamGroup(items[i].cast<py::dict>(), defaults,
                     std::string(name) + " (group " + std::to_string(i) + ")"));
  }
  return std::make_unique<Optim>(groups, std::move(defaults));
}

/// One entry of `optimizer.param_groups`: a dict-like view of a C++ group
/// whose writes change the group's options (as a schedule writes "lr").
struct ParamGroupView {
  /// The Python optimizer, kept alive by the view.
  py::object owner;
  optim::Optimizer *optimizer;
  size_t index;

  optim::OptimizerParamGroup &group() const {
    if (index >= optimizer->param_groups().size())
      throw py::index_error("param_groups: the group no longer exists");
    return optimizer->param_groups()[index];
  }
  optim::OptimizerOptions &options() const {
    optim::OptimizerParamGroup &g = group();
    return g.has_options() ? g.options() : optimizer->defaults();
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> keys = {"params"};
    for (std::string &key : optionKeys(options()))
      keys.push_back(std::move(key));
    return keys;
  }
  py::object get(const std::string &key) const {
    if (key == "params")
      return py::cast(group().params());
    py::object value = getOption(options(), key);
    if (!value)
      throw py::key_error(key);
    return value;
  }
};

std::vector<ParamGroupView> paramGroupsOf(py::object owner) {
  auto *optimizer = owner.cast<optim::Optimizer *>();
  std::vector<ParamGroupView> views;
  for (size_t i = 0; i < optimizer->param_groups().size(); ++i)
    views.push_back({owner, optimizer, i});
  return views;
}

void bindParamGroups(py::module_ &optim) {
  py::class_<ParamGroupView>(
      optim, "ParamGroup",
      "One parameter group: a dict-like view with 'params' and the group's "
      "options by PyTorch's keys; writing an option (e.g. group['lr'] = x) "
      "sets it for the following steps.")
      .def("__getitem__", &ParamGroupView::get)
      .def("__setitem__",
           [](const ParamGroupView &view, const std::string &key,
              py::handle value) {
             if (key == "params")
               throw py::type_error("param_groups: 'params' cannot be "
                                    "replaced; use add_param_group");
             // Groups without options of their own get them now, so that
             // the write does not change the defaults.
             optim::OptimizerParamGroup &g = view.group();
             if (!g.has_options())
               g.set_options(view.optimizer->defaults().clone());
             setOption(g.options(), key, value, "param_groups");
           })
      .def("__contains__",
           [](const ParamGroupView &view, const std::string &key) {
             std::vector<std::string> keys = view.keys();
             return std::find(keys.begin(), keys.end(), key) != keys.end();
           })
      .def("__len__",
           [](const ParamGroupView &view) { return view.keys().size(); })
      .def("__iter__",
           [](const ParamGroupView &view) {
             return py::iter(py::cast(view.keys()));
           })
      .def("keys", &ParamGroupView::keys)
      .def(
          "get",
          [](const ParamGroupView &view, const std::string &key,
             py::object fallback) {
            if (key == "params")
              return view.get(key);
            py::object value = getOption(view.options(), key);
            return value ? value : fallback;
          },
          py::arg("key"), py::arg("default") = py::none())
      .def("__repr__", [](const ParamGroupView &view) {
        std::string text = "{'params': [" +
                           std::to_string(view.group().params().size()) +
                           " tensors]";
        for (const std::string &key : optionKeys(view.options()))
          text +=
              ", '" + key + "': " + py::repr(view.get(key)).cast<std::string>();
        return text + "}";
      });
}

optim::SGDOptions sgdOptions(double lr, double momentum, double dampening,
                             double weightDecay, bool nesterov) {
  return optim::SGDOptions(lr)
      .momentum(momentum)
      .dampening(dampening)
      .weight_decay(weightDecay)
      .nesterov(nesterov);
}

optim::AdamOptions adamOptions(double lr, std::pair<double, double> betas,
                               double eps, double weightDecay) {
  return optim::AdamOptions(lr).betas(betas).eps(eps).weight_decay(weightDecay);
}

void bindOptimizerOptions(py::module_ &optim) {
  py::class_<optim::SGDOptions>(optim, "SGDOptions",
                                "The options of SGD, e.g. for jit.TrainStep.")
      .def(py::init(&sgdOptions), py::arg("lr"), py::arg("momentum") = 0.0,
           py::arg("dampening") = 0.0, py::arg("weight_decay") = 0.0,
           py::arg("nesterov") = false)
      .def_property_readonly("lr",
                             [](const optim::SGDOptions &o) { return o.lr(); })
      .def_property_readonly(
          "momentum", [](const optim::SGDOptions &o) { return o.momentum(); })
      .def_property_readonly(
          "dampening", [](const optim::SGDOptions &o) { return o.dampening(); })
      .def_property_readonly(
          "weight_decay",
          [](const optim::SGDOptions &o) { return o.weight_decay(); })
      .def_property_readonly(
          "nesterov", [](const optim::SGDOptions &o) { return o.nesterov(); });
  py::class_<optim::AdamOptions>(optim, "AdamOptions",
                                 "The options of Adam, e.g. for jit.TrainStep.")
      .def(py::init(&adamOptions), py::arg("lr") = 1e-3,
           py::arg("betas") = std::make_pair(0.9, 0.999), py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 0.0)
      .def_property_readonly("lr",
                             [](const optim::AdamOptions &o) { return o.lr(); })
      .def_property_readonly(
          "betas", [](const optim::AdamOptions &o) { return o.betas(); })
      .def_property_readonly(
          "eps", [](const optim::AdamOptions &o) { return o.eps(); })
      .def_property_readonly("weight_decay", [](const optim::AdamOptions &o) {
        return o.weight_decay();
      });
  py::class_<optim::AdamWOptions>(
      optim, "AdamWOptions",
      "The options of AdamW (decoupled weight decay), e.g. for "
      "jit.TrainStep.")
      .def(py::init([](double lr, std::pair<double, double> betas, double eps,
                       double weightDecay) {
             return optim::AdamWOptions(lr).betas(betas).eps(eps).weight_decay(
                 weightDecay);
           }),
           py::arg("lr") = 1e-3, py::arg("betas") = std::make_pair(0.9, 0.999),
           py::arg("eps") = 1e-8, py::arg("weight_decay") = 1e-2)
      .def_property_readonly(
          "lr", [](const optim::AdamWOptions &o) { return o.lr(); })
      .def_property_readonly(
          "betas", [](const optim::AdamWOptions &o) { return o.betas(); })
      .def_property_readonly(
          "eps", [](const optim::AdamWOptions &o) { return o.eps(); })
      .def_property_readonly("weight_decay", [](const optim::AdamWOptions &o) {
        return o.weight_decay();
      });
}

void bindOptimizers(py::module_ &optim) {
  py::class_<optim::Optimizer>(optim, "Optimizer")
      .def("step", &optim::Optimizer::step)
      .def("zero_grad", &optim::Optimizer::zero_grad,
           py::arg("set_to_none") = true)
      .def("parameters", &optim::Optimizer::parameters)
      .def_property_readonly("param_groups", &paramGroupsOf)
      .def(
          "add_param_group",
          [](optim::Optimizer &optimizer, const py::dict &group) {
            optimizer.add_param_group(
                toParamGroup(group, optimizer.defaults(), "add_param_group"));
          },
          py::arg("param_group"));
  py::class_<optim::SGD, optim::Optimizer>(optim, "SGD")
      .def(py::init([](const py::iterable &params, double lr, double momentum,
                       double dampening, double weightDecay, bool nesterov) {
             return makeOptimizer<optim::SGD>(
                 params,
                 sgdOptions(lr, momentum, dampening, weightDecay, nesterov),
                 "SGD");
           }),
           py::arg("params"), py::arg("lr"), py::arg("momentum") = 0.0,
           py::arg("dampening") = 0.0, py::arg("weight_decay") = 0.0,
           py::arg("nesterov") = false)
      .def_property_readonly(
          "options", py::overload_cast<>(&optim::SGD::options, py::const_));
  py::class_<optim::Adam, optim::Optimizer>(optim, "Adam")
      .def(py::init([](const py::iterable &params, double lr,
                       std::pair<double, double> betas, double eps,
                       double weightDecay) {
             return makeOptimizer<optim::Adam>(
                 params, adamOptions(lr, betas, eps, weightDecay), "Adam");
           }),
           py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::make_pair(0.9, 0.999), py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 0.0)
      .def_property_readonly(
          "options", py::overload_cast<>(&optim::Adam::options, py::const_));
  py::class_<optim::AdamW, optim::Adam>(optim, "AdamW")
      .def(py::init([](const py::iterable &params, double lr,
                       std::pair<double, double> betas, double eps,
                       double weightDecay) {
             return makeOptimizer<optim::AdamW>(
                 params,
                 optim::AdamWOptions(lr).betas(betas).eps(eps).weight_decay(
                     weightDecay),
                 "AdamW");
           }),
           py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::make_pair(0.9, 0.999), py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 1e-2);
}

void bindSchedules(py::module_ &optim) {
  py::module_ schedules =
      optim.def_submodule("lr_scheduler", "Learning-rate schedules");
  py::class_<optim::LRScheduler>(schedules, "LRScheduler")
      .def("step", &optim::LRScheduler::step)
      .def("get_last_lr", &optim::LRScheduler::get_last_lr)
      .def_property_readonly("last_epoch", &optim::LRScheduler::get_last_step);
  // Each schedule keeps its optimizer alive.
  py::class_<optim::StepLR, optim::LRScheduler>(schedules, "StepLR")
      .def(py::init<optim::Optimizer &, unsigned, double>(),
           py::arg("optimizer"), py::arg("step_size"), py::arg("gamma") = 0.1,
           py::keep_alive<1, 2>());
  py::class_<optim::LambdaLR, optim::LRScheduler>(schedules, "LambdaLR")
      .def(py::init<optim::Optimizer &, std::function<double(int64_t)>>(),
           py::arg("optimizer"), py::arg("lr_lambda"), py::keep_alive<1, 2>());
  py::class_<optim::CosineAnnealingLR, optim::LRScheduler>(schedules,
                                                           "CosineAnnealingLR")
      .def(py::init<optim::Optimizer &, int64_t, double>(),
           py::arg("optimizer"), py::arg("T_max"), py::arg("eta_min") = 0.0,
           py::keep_alive<1, 2>());
  py::class_<optim::CosineWarmupLR, optim::LRScheduler>(schedules,
                                                        "CosineWarmupLR")
      .def(py::init<optim::Optimizer &, int64_t, int64_t, double>(),
           py::arg("optimizer"), py::arg("warmup_iters"),
           py::arg("lr_decay_iters"), py::arg("min_lr"),
           py::keep_alive<1, 2>());
}

} // namespace

void adjit::python::bindOptim(py::module_ &m) {
  py::module_ optim = m.def_submodule("optim", "Optimizers");
  bindOptimizerOptions(optim);
  bindOptimizers(optim);
  bindParamGroups(optim);
  bindSchedules(optim);
  m.def_submodule("_nn_utils", "nn.utils")
      .def(
          "clip_grad_norm_",
          [](const py::iterable &parameters, double maxNorm, double normType) {
            return nn::utils::clip_grad_norm_(
                toTensors(parameters, "clip_grad_norm_"), maxNorm, normType);
          },
          py::arg("parameters"), py::arg("max_norm"),
          py::arg("norm_type") = 2.0);
}
