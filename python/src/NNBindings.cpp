//===- NNBindings.cpp - nn.functional, layers, nn.init and optim ----------===//

#include "Bindings.h"

#include "adjit/Error.h"
#include "adjit/NN.h"
#include "adjit/NN/CrossEntropy.h"
#include "adjit/Optim.h"

#include <optional>

using namespace adjit;
using namespace adjit::python;
namespace F = adjit::nn::functional;

namespace {

F::Reduction toReduction(const std::string &name) {
  if (name == "mean")
    return F::Reduction::Mean;
  if (name == "sum")
    return F::Reduction::Sum;
  if (name == "none")
    return F::Reduction::None;
  throw Error("reduction: expected 'mean', 'sum' or 'none', got '" + name +
              "'");
}

/// The tensors of `params` (a module's parameters(), a list, a generator).
std::vector<Tensor> toParameters(const py::iterable &params) {
  std::vector<Tensor> tensors;
  for (py::handle p : params) {
    if (!py::isinstance<Tensor>(p))
      throw py::type_error("optimizer: expected tensors to optimize, got " +
                           py::str(py::type::of(p)).cast<std::string>());
    tensors.push_back(p.cast<Tensor>());
  }
  return tensors;
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

} // namespace

void adjit::python::bindNN(py::module_ &m) {
  py::module_ nn = m.def_submodule("_nn", "Layers and losses of the C++ API");

#define ADJIT_LOSS(name)                                                       \
  nn.def(                                                                      \
      #name,                                                                   \
      [](const Tensor &input, const Tensor &target,                            \
         const std::string &reduction) {                                       \
        return F::name(input, target, toReduction(reduction));                 \
      },                                                                       \
      py::arg("input"), py::arg("target"), py::arg("reduction") = "mean");
  ADJIT_LOSS(mse_loss)
  ADJIT_LOSS(binary_cross_entropy_with_logits)
#undef ADJIT_LOSS
  nn.def(
      "cross_entropy",
      [](const Tensor &input, const Tensor &target,
         std::optional<Tensor> weight, int64_t ignoreIndex,
         const std::string &reduction, double labelSmoothing) {
        F::CrossEntropyFuncOptions options;
        options.ignore_index(ignoreIndex)
            .reduction(toReduction(reduction))
            .label_smoothing(labelSmoothing);
        if (weight)
          options.weight(*weight);
        return F::cross_entropy(input, target, options);
      },
      py::arg("input"), py::arg("target"), py::arg("weight") = py::none(),
      py::arg("ignore_index") = -100, py::arg("reduction") = "mean",
      py::arg("label_smoothing") = 0.0);
  bindCNN(nn);
  nn.def("softmax", &F::softmax, py::arg("input"), py::arg("dim"));
  nn.def("log_softmax", &F::log_softmax, py::arg("input"), py::arg("dim"));
  nn.def(
      "uniform_",
      [](Tensor t, double a, double b) { return nn::init::uniform_(t, a, b); },
      py::arg("tensor"), py::arg("a") = 0.0, py::arg("b") = 1.0);
  nn.def(
      "normal_",
      [](Tensor t, double mean, double std) {
        return nn::init::normal_(t, mean, std);
      },
      py::arg("tensor"), py::arg("mean") = 0.0, py::arg("std") = 1.0);

  // The C++ Linear layer: it draws the parameters (as PyTorch does) and
  // runs the forward pass of the Python nn.Linear.
  py::class_<nn::LinearImpl, std::shared_ptr<nn::LinearImpl>>(nn, "Linear")
      .def(py::init([](int64_t in, int64_t out, bool bias) {
             return std::make_shared<nn::LinearImpl>(
                 nn::LinearOptions(in, out).bias(bias));
           }),
           py::arg("in_features"), py::arg("out_features"),
           py::arg("bias") = true)
      .def_readwrite("weight", &nn::LinearImpl::weight)
      .def_property(
          "bias",
          [](const nn::LinearImpl &l) -> std::optional<Tensor> {
            if (!l.bias.defined())
              return std::nullopt;
            return l.bias;
          },
          [](nn::LinearImpl &l, std::optional<Tensor> b) {
            l.bias = b ? *b : Tensor();
          })
      .def("forward", &nn::LinearImpl::forward);

  // Optimizers.
  py::module_ optim = m.def_submodule("optim", "Optimizers");
  py::class_<optim::Optimizer>(optim, "Optimizer")
      .def("step", &optim::Optimizer::step)
      .def("zero_grad", &optim::Optimizer::zero_grad,
           py::arg("set_to_none") = true)
      .def("parameters", &optim::Optimizer::parameters);
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
  py::class_<optim::SGD, optim::Optimizer>(optim, "SGD")
      .def(py::init([](const py::iterable &params, double lr, double momentum,
                       double dampening, double weightDecay, bool nesterov) {
             return std::make_unique<optim::SGD>(
                 toParameters(params),
                 sgdOptions(lr, momentum, dampening, weightDecay, nesterov));
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
             return std::make_unique<optim::Adam>(
                 toParameters(params),
                 adamOptions(lr, betas, eps, weightDecay));
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
             return std::make_unique<optim::AdamW>(
                 toParameters(params),
                 optim::AdamWOptions(lr).betas(betas).eps(eps).weight_decay(
                     weightDecay));
           }),
           py::arg("params"), py::arg("lr") = 1e-3,
           py::arg("betas") = std::make_pair(0.9, 0.999), py::arg("eps") = 1e-8,
           py::arg("weight_decay") = 1e-2);
}
