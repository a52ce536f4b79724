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
#include <type_traits>

using namespace adjit;
using namespace adjit::python;

namespace {

using OptionalTensor = std::optional<Tensor>;
/// A layer's parameters as Python sees them: (weight_ih, weight_hh,
/// bias_ih, bias_hh, weight_hr), the biases None without bias and weight_hr
/// None without projection.
using PyWeights =
    std::tuple<Tensor, Tensor, OptionalTensor, OptionalTensor, OptionalTensor>;

OptionalTensor orNone(const Tensor &t) {
  return t.defined() ? OptionalTensor(t) : std::nullopt;
}

PyWeights toPy(const nn::RNNWeights &w) {
  return {w.weight_ih, w.weight_hh, orNone(w.bias_ih), orNone(w.bias_hh),
          orNone(w.weight_hr)};
}

nn::RNNWeights fromPy(const PyWeights &w) {
  return {std::get<0>(w), std::get<1>(w), std::get<2>(w).value_or(Tensor()),
          std::get<3>(w).value_or(Tensor()), std::get<4>(w).value_or(Tensor())};
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

using LSTMState = std::optional<std::tuple<Tensor, Tensor>>;

/// `m.forward(input, hx)` with the state as Python passes it: None for
/// zeros, (h, c) for the LSTMs, h for the GRUs.
template <typename T>
auto forward(T &m, const Tensor &input, const py::object &hx) {
  if constexpr (std::is_base_of_v<nn::LSTMImpl, T> ||
                std::is_base_of_v<nn::LSTMCellImpl, T>)
    return m.forward(input, hx.is_none()
                                ? LSTMState()
                                : hx.cast<std::tuple<Tensor, Tensor>>());
  else
    return m.forward(input, hx.is_none() ? Tensor() : hx.cast<Tensor>());
}

/// Binds `T` as `name`, made by `make`, with its forward pass and the
/// parameter access Python uses.
template <typename T, typename Make, typename... Args>
void bindRecurrent(py::module_ &nn, const char *name, Make make,
                   Args &&...args) {
  py::class_<T, std::shared_ptr<T>>(nn, name)
      .def(py::init(make), std::forward<Args>(args)...)
      .def("layers", &T::getLayers)
      .def("set_layers", &T::setLayers, py::arg("layers"))
      .def(
          "set_training", [](T &m, bool on) { m.train(on); }, py::arg("on"))
      .def("forward", &forward<T>, py::arg("input"),
           py::arg("hx") = py::none());
}

/// Binds the sequence layer `T`: (input_size, hidden_size, num_layers,
/// bias, batch_first, dropout, bidirectional, proj_size).
template <typename T> void bindSequence(py::module_ &nn, const char *name) {
  bindRecurrent<T>(
      nn, name,
      [](int64_t inputSize, int64_t hiddenSize, int64_t numLayers, bool bias,
         bool batchFirst, double dropout, bool bidirectional,
         int64_t projSize) {
        return std::make_shared<T>(nn::RNNOptions(inputSize, hiddenSize)
                                       .num_layers(numLayers)
                                       .bias(bias)
                                       .batch_first(batchFirst)
                                       .dropout(dropout)
                                       .bidirectional(bidirectional)
                                       .proj_size(projSize));
      },
      py::arg("input_size"), py::arg("hidden_size"), py::arg("num_layers"),
      py::arg("bias"), py::arg("batch_first"), py::arg("dropout"),
      py::arg("bidirectional"), py::arg("proj_size"));
}

/// Binds the cell `T`: (input_size, hidden_size, bias).
template <typename T> void bindCell(py::module_ &nn, const char *name) {
  bindRecurrent<T>(
      nn, name,
      [](int64_t inputSize, int64_t hiddenSize, bool bias) {
        return std::make_shared<T>(
            nn::RNNCellOptions(inputSize, hiddenSize).bias(bias));
      },
      py::arg("input_size"), py::arg("hidden_size"), py::arg("bias"));
}

} // namespace

void adjit::python::bindRNN(py::module_ &nn) {
  bindSequence<Layers<nn::LSTMImpl>>(nn, "LSTM");
  bindSequence<Layers<nn::GRUImpl>>(nn, "GRU");
  bindCell<Cell<nn::LSTMCellImpl>>(nn, "LSTMCell");
  bindCell<Cell<nn::GRUCellImpl>>(nn, "GRUCell");
}
