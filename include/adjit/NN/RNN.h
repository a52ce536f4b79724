//===- RNN.h - LSTM and GRU layers and cells --------------------*- C++ -*-===//
//
// LibTorch's recurrent modules: LSTMCell and GRUCell (one step) and LSTM and
// GRU (a sequence, one or more stacked layers), with LibTorch's options,
// parameter names, gate layouts and initialization. The layers loop with
// jit::scan: eagerly a loop with autograd, traced one `adjit.scan` per
// layer, so a compiled LSTM does not grow with the sequence length.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_NN_RNN_H
#define ADJIT_NN_RNN_H

#include "adjit/NN.h"

#include <optional>
#include <tuple>

namespace adjit {
namespace nn {

/// Options of LSTMCell and GRUCell (LibTorch's LSTMCellOptions and
/// GRUCellOptions).
class RNNCellOptions {
public:
  RNNCellOptions(int64_t inputSize, int64_t hiddenSize)
      : inputSize_(inputSize), hiddenSize_(hiddenSize) {}
  RNNCellOptions &bias(bool v) { return bias_ = v, *this; }
  int64_t input_size() const { return inputSize_; }
  int64_t hidden_size() const { return hiddenSize_; }
  bool bias() const { return bias_; }

private:
  int64_t inputSize_, hiddenSize_;
  bool bias_ = true;
};
using LSTMCellOptions = RNNCellOptions;
using GRUCellOptions = RNNCellOptions;

/// Options of LSTM and GRU (LibTorch's LSTMOptions and GRUOptions).
class RNNOptions {
public:
  RNNOptions(int64_t inputSize, int64_t hiddenSize)
      : inputSize_(inputSize), hiddenSize_(hiddenSize) {}
  RNNOptions &num_layers(int64_t v) { return numLayers_ = v, *this; }
  RNNOptions &bias(bool v) { return bias_ = v, *this; }
  /// Set: the input and output are [batch, time, features] instead of
  /// [time, batch, features] (the states keep [layers, batch, hidden]).
  RNNOptions &batch_first(bool v) { return batchFirst_ = v, *this; }
  /// The probability of dropout on the outputs of every layer but the last,
  /// in training mode.
  RNNOptions &dropout(double v) { return dropout_ = v, *this; }
  /// Set: each layer also runs over the sequence from its end, and its
  /// output is the two directions' outputs side by side.
  RNNOptions &bidirectional(bool v) { return bidirectional_ = v, *this; }
  /// LSTM only: if positive, h is projected to this size by weight_hr.
  RNNOptions &proj_size(int64_t v) { return projSize_ = v, *this; }
  int64_t input_size() const { return inputSize_; }
  int64_t hidden_size() const { return hiddenSize_; }
  int64_t num_layers() const { return numLayers_; }
  bool bias() const { return bias_; }
  bool batch_first() const { return batchFirst_; }
  double dropout() const { return dropout_; }
  bool bidirectional() const { return bidirectional_; }
  int64_t proj_size() const { return projSize_; }

private:
  int64_t inputSize_, hiddenSize_, numLayers_ = 1, projSize_ = 0;
  bool bias_ = true, batchFirst_ = false, bidirectional_ = false;
  double dropout_ = 0.0;
};
using LSTMOptions = RNNOptions;
using GRUOptions = RNNOptions;

/// The parameters of one recurrent layer (one direction) or cell with G
/// gates of hidden size H and output size P (H without projection):
/// weight_ih [G * H, input], weight_hh [G * H, P], bias_ih and bias_hh
/// [G * H] (undefined without bias), weight_hr [P, H] (undefined without
/// projection), each initialized U(-1/sqrt(H), 1/sqrt(H)) as in LibTorch.
struct RNNWeights {
  Tensor weight_ih, weight_hh, bias_ih, bias_hh, weight_hr;
};

/// What LSTMCell and GRUCell share (LibTorch's RNNCellImplBase): the options
/// and the parameters of one layer of G gates (see RNNWeights).
class RNNCellImplBase : public Module {
public:
  /// Draws every parameter from U(-1/sqrt(H), 1/sqrt(H)).
  void reset_parameters();
  RNNCellOptions options;
  Tensor weight_ih, weight_hh, bias_ih, bias_hh;

protected:
  /// Registers the parameters of `gates` gates; `name` names the module in
  /// messages.
  RNNCellImplBase(const char *name, int64_t gates,
                  const RNNCellOptions &options);
  RNNWeights weights() const {
    return {weight_ih, weight_hh, bias_ih, bias_hh};
  }
};

/// What LSTM and GRU share (LibTorch's RNNImplBase): the options and the
/// parameters of each layer, weight_ih_l<k>, weight_hh_l<k>, bias_ih_l<k>,
/// bias_hh_l<k> and weight_hr_l<k> (with proj_size), then the same with the
/// suffix `_reverse` for the reverse direction of a bidirectional layer.
class RNNImplBase : public Module {
public:
  /// Draws every parameter from U(-1/sqrt(H), 1/sqrt(H)).
  void reset_parameters();
  /// The parameters of each layer and direction, in the order above (layer
  /// k's reverse direction at 2k + 1 when bidirectional).
  const std::vector<RNNWeights> &layers() const { return layers_; }
  /// 2 if bidirectional, else 1.
  int64_t num_directions() const { return options.bidirectional() ? 2 : 1; }
  RNNOptions options;

protected:
  RNNImplBase(const char *name, int64_t gates, const RNNOptions &options);
  std::vector<RNNWeights> layers_;
};

/// One LSTM step, LibTorch's LSTMCell: with gates i, f, g, o (in this order
/// in the weights' rows) = x W_ih^T + b_ih + h W_hh^T + b_hh,
///   c' = sigmoid(f) * c + sigmoid(i) * tanh(g),  h' = sigmoid(o) * tanh(c').
class LSTMCellImpl : public RNNCellImplBase {
public:
  LSTMCellImpl(int64_t inputSize, int64_t hiddenSize)
      : LSTMCellImpl(LSTMCellOptions(inputSize, hiddenSize)) {}
  explicit LSTMCellImpl(const LSTMCellOptions &options);
  /// Returns (h', c') for `input` [batch, input_size] (or [input_size],
  /// unbatched) and the state (h, c), each [batch, hidden_size] (or
  /// [hidden_size]); zeros if not given. Throws adjit::Error naming the
  /// shapes if they do not fit.
  std::tuple<Tensor, Tensor>
  forward(const Tensor &input,
          const std::optional<std::tuple<Tensor, Tensor>> &hx = std::nullopt);
};
ADJIT_MODULE(LSTMCell);

/// One GRU step, LibTorch's GRUCell: with gates r, z, n (in this order in
/// the weights' rows),
///   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)
///   z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
///   n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
///   h' = (1 - z) * n + z * h.
class GRUCellImpl : public RNNCellImplBase {
public:
  GRUCellImpl(int64_t inputSize, int64_t hiddenSize)
      : GRUCellImpl(GRUCellOptions(inputSize, hiddenSize)) {}
  explicit GRUCellImpl(const GRUCellOptions &options);
  /// Returns h' for `input` [batch, input_size] (or [input_size]) and `hx`
  /// [batch, hidden_size] (or [hidden_size]); zeros if undefined.
  Tensor forward(const Tensor &input, const Tensor &hx = {});
};
ADJIT_MODULE(GRUCell);

/// A stack of num_layers LSTM layers over a sequence (LibTorch's LSTM).
/// With proj_size P > 0, each step's h is o * tanh(c) projected by
/// weight_hr: h' = (sigmoid(o) * tanh(c')) W_hr^T.
class LSTMImpl : public RNNImplBase {
public:
  LSTMImpl(int64_t inputSize, int64_t hiddenSize)
      : LSTMImpl(LSTMOptions(inputSize, hiddenSize)) {}
  explicit LSTMImpl(const LSTMOptions &options);
  /// Returns (output, (h_n, c_n)) for `input` [time, batch, input_size]
  /// ([batch, time, input_size] with batch_first, [time, input_size]
  /// unbatched) and (h_0, c_0), h_0 [D * num_layers, batch, P] and c_0
  /// [D * num_layers, batch, hidden_size] (D directions, P = proj_size or
  /// hidden_size; without the batch dim unbatched; zeros if not given):
  /// output holds the last layer's h at every step, [time, batch, D * P]
  /// (batch first with batch_first; the reverse direction's in the second
  /// half), h_n and c_n every layer's and direction's last state (index
  /// layer * D + direction). Throws adjit::Error naming the shapes if they
  /// do not fit.
  std::tuple<Tensor, std::tuple<Tensor, Tensor>>
  forward(const Tensor &input,
          const std::optional<std::tuple<Tensor, Tensor>> &hx = std::nullopt);
};
ADJIT_MODULE(LSTM);

/// A stack of num_layers GRU layers over a sequence (LibTorch's GRU).
class GRUImpl : public RNNImplBase {
public:
  GRUImpl(int64_t inputSize, int64_t hiddenSize)
      : GRUImpl(GRUOptions(inputSize, hiddenSize)) {}
  explicit GRUImpl(const GRUOptions &options);
  /// Returns (output, h_n) for `input` as LSTM's and h_0 [D * num_layers,
  /// batch, hidden_size] ([D * num_layers, hidden_size] unbatched; zeros if
  /// undefined). proj_size must be 0.
  std::tuple<Tensor, Tensor> forward(const Tensor &input,
                                     const Tensor &hx = {});
};
ADJIT_MODULE(GRU);

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_RNN_H
