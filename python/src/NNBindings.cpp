//===- NNBindings.cpp - nn.functional, layers and nn.init -----------------===//

#include "Bindings.h"

#include "adjit/Error.h"
#include "adjit/NN.h"
#include "adjit/NN/CrossEntropy.h"

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
}
