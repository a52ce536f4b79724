//===- RNNBindings.cpp - the C++ LSTM, GRU and their cells ----------------===//
//
// The recurrent layers that adjit.nn.LSTM, GRU, LSTMCell and GRUCell wrap:
// the C++ modules draw the parameters (as LibTorch does) and run the forward
// pass, on the parameters the Python module holds (set before each call, as
// they may have been replaced since construction).
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "adjit/NN/RNN.h"

#include <memory>
#include <optional>
#include <tuple>

using namespace adjit;
using namespace adjit::python;

namespace {

using OptionalTensor = std::optional<Tensor>;
/// A layer's parameters as Python sees them: (weight_ih, weight_hh,
/// bias_ih, bias_hh), the biases None without bias.
using PyWeights = std::tuple<Tensor, Tensor, OptionalTensor, OptionalTensor>;

OptionalTensor orNone(const Tensor &t) {
  return t.defined() ? OptionalTensor(t) : std::nullopt;
}

PyWeights toPy(const nn::RNNWeights &w) {
  return {w.weight_ih, w.weight_hh, orNone(w.bias_ih), orNone(w.bias_hh)};
}

nn::RNNWeights fromPy(const PyWeights &w) {
  return {std::get<0>(w), std::get<1>(w), std::get<2>(w).value_or(Tensor()),
          std::get<3>(w).value_or(Tensor())};
}

/// A sequence layer whose parameters Python sets.
template <typename Impl> struct Layers : Impl {
  using Impl::Impl;
  std::vector<PyWeights> getLayers() const {
    std::vector<PyWeights> layers;
    for (const nn::RNNWeights &w : this->layers_)
      layers.push_back(toPy(w));
    return layers;
  }
  void setLayers(const std::vector<PyWeights> &layers) {
    if (layers.size() != this->layers_.size())
      throw Error(this->name() + ": expected parameters of " +
                  std::to_string(this->layers_.size()) + " layers, got " +
                  std::to_string(layers.size()));
    for (size_t k = 0; k < layers.size(); ++k)
      this->layers_[k] = fromPy(layers[k]);
  }
};

/// A cell (one layer) whose parameters Python sets.
template <typename Impl> struct Cell : Impl {
  using Impl::Impl;
  std::vector<PyWeights> getLayers() const { return {toPy(this->weights())}; }
  void setLayers(const std::vector<PyWeights> &layers) {
    if (layers.size() != 1)
      throw Error(this->name() + ": expected the parameters of one layer");
    nn::RNNWeights w = fromPy(layers[0]);
    this->weight_ih = w.weight_ih, this->weight_hh = w.weight_hh;
    this->bias_ih = w.bias_ih, this->bias_hh = w.bias_hh;
  }
};

/// Binds `T` as `name`, made by `make(input_size, hidden_size, ...)`, with
/// the parameter access Python uses.
template <typename T, typename Make, typename... Args>
py::class_<T, std::shared_ptr<T>>
bindRecurrent(py::module_ &nn, const char *name, Make make, Args &&...args) {
  return py::class_<T, std::shared_ptr<T>>(nn, name)
      .def(py::init(make), std::forward<Args>(args)...)
      .def("layers", &T::getLayers)
      .def("set_layers", &T::setLayers, py::arg("layers"));
}

template <typename T>
std::shared_ptr<T> makeSequence(int64_t inputSize, int64_t hiddenSize,
                                int64_t numLayers, bool bias, bool batchFirst) {
  return std::make_shared<T>(nn::RNNOptions(inputSize, hiddenSize)
                                 .num_layers(numLayers)
                                 .bias(bias)
                                 .batch_first(batchFirst));
}

template <typename T>
std::shared_ptr<T> makeCell(int64_t inputSize, int64_t hiddenSize, bool bias) {
  return std::make_shared<T>(
      nn::RNNCellOptions(inputSize, hiddenSize).bias(bias));
}

using LSTM = Layers<nn::LSTMImpl>;
using GRU = Layers<nn::GRUImpl>;
using LSTMCell = Cell<nn::LSTMCellImpl>;
using GRUCell = Cell<nn::GRUCellImpl>;
using LSTMState = std::optional<std::tuple<Tensor, Tensor>>;

} // namespace

void adjit::python::bindRNN(py::module_ &nn) {
  bindRecurrent<LSTM>(nn, "LSTM", &makeSequence<LSTM>, py::arg("input_size"),
                      py::arg("hidden_size"), py::arg("num_layers"),
                      py::arg("bias"), py::arg("batch_first"))
      .def(
          "forward",
          [](LSTM &m, const Tensor &input, const LSTMState &hx) {
            return m.forward(input, hx);
          },
          py::arg("input"), py::arg("hx") = py::none());
  bindRecurrent<GRU>(nn, "GRU", &makeSequence<GRU>, py::arg("input_size"),
                     py::arg("hidden_size"), py::arg("num_layers"),
                     py::arg("bias"), py::arg("batch_first"))
      .def(
          "forward",
          [](GRU &m, const Tensor &input, const OptionalTensor &hx) {
            return m.forward(input, hx.value_or(Tensor()));
          },
          py::arg("input"), py::arg("hx") = py::none());
  bindRecurrent<LSTMCell>(nn, "LSTMCell", &makeCell<LSTMCell>,
                          py::arg("input_size"), py::arg("hidden_size"),
                          py::arg("bias"))
      .def(
          "forward",
          [](LSTMCell &m, const Tensor &input, const LSTMState &hx) {
            return m.forward(input, hx);
          },
          py::arg("input"), py::arg("hx") = py::none());
  bindRecurrent<GRUCell>(nn, "GRUCell", &makeCell<GRUCell>,
                         py::arg("input_size"), py::arg("hidden_size"),
                         py::arg("bias"))
      .def(
          "forward",
          [](GRUCell &m, const Tensor &input, const OptionalTensor &hx) {
            return m.forward(input, hx.value_or(Tensor()));
          },
          py::arg("input"), py::arg("hx") = py::none());
}
