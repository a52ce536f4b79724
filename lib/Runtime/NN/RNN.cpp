//===- RNN.cpp - LSTM and GRU layers and cells ----------------------------===//

#include "adjit/NN/RNN.h"

#include "adjit/JIT/Scan.h"

#include <cmath>
#include <optional>

using namespace adjit;
using namespace adjit::nn;

namespace {

constexpr int64_t kLstmGates = 4, kGruGates = 3;

[[noreturn]] void fail(const char *module, const std::string &message) {
  throw Error(std::string(module) + ": " + message);
}

void checkSizes(const char *module, int64_t inputSize, int64_t hiddenSize,
                int64_t numLayers = 1) {
  if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
    fail(module, "input_size, hidden_size and num_layers must be positive, "
                 "got " +
                     std::to_string(inputSize) + ", " +
                     std::to_string(hiddenSize) + " and " +
                     std::to_string(numLayers));
}

/// Registers the parameters of a layer of `gates` gates with output size
/// `outputSize` (projected from hiddenSize by weight_hr if they differ)
/// under the names weight_ih<suffix>, ..., as LibTorch orders them.
RNNWeights registerWeights(Module &module, int64_t gates, int64_t inputSize,
                           int64_t hiddenSize, int64_t outputSize, bool bias,
                           const std::string &suffix) {
  RNNWeights w;
  w.weight_ih = module.register_parameter(
      "weight_ih" + suffix, empty({gates * hiddenSize, inputSize}));
  w.weight_hh = module.register_parameter(
      "weight_hh" + suffix, empty({gates * hiddenSize, outputSize}));
  if (bias) {
    w.bias_ih = module.register_parameter("bias_ih" + suffix,
                                          empty({gates * hiddenSize}));
    w.bias_hh = module.register_parameter("bias_hh" + suffix,
                                          empty({gates * hiddenSize}));
  }
  if (outputSize != hiddenSize)
    w.weight_hr = module.register_parameter("weight_hr" + suffix,
                                            empty({outputSize, hiddenSize}));
  return w;
}

/// LibTorch's initialization: every parameter from U(-1/sqrt(H), 1/sqrt(H)).
void resetWeights(RNNWeights &w, int64_t hiddenSize) {
  double bound = 1.0 / std::sqrt(static_cast<double>(hiddenSize));
  for (Tensor *t :
       {&w.weight_ih, &w.weight_hh, &w.bias_ih, &w.bias_hh, &w.weight_hr})
    if (t->defined())
      init::uniform_(*t, -bound, bound);
}

/// x W^T + b (b undefined: none), for x of any leading dims.
Tensor affine(const Tensor &x, const Tensor &weight, const Tensor &bias) {
  Tensor y = matmul(x, weight.t());
  return bias.defined() ? y + bias : y;
}

/// One LSTM step from the input's gate pre-activations `gatesX` (x W_ih^T +
/// b_ih): returns (h', c').
std::pair<Tensor, Tensor> lstmStep(const RNNWeights &w, const Tensor &gatesX,
                                   const Tensor &h, const Tensor &c) {
  Tensor gates = gatesX + affine(h, w.weight_hh, w.bias_hh);
  std::vector<Tensor> g = gates.chunk(kLstmGates, -1);
  Tensor next = sigmoid(g[1]) * c + sigmoid(g[0]) * tanh(g[2]);
  Tensor out = sigmoid(g[3]) * tanh(next);
  return {w.weight_hr.defined() ? matmul(out, w.weight_hr.t()) : out, next};
}

/// One GRU step from the input's gate pre-activations `gatesX`: returns h'.
Tensor gruStep(const RNNWeights &w, const Tensor &gatesX, const Tensor &h) {
  std::vector<Tensor> gx = gatesX.chunk(kGruGates, -1);
  std::vector<Tensor> gh =
      affine(h, w.weight_hh, w.bias_hh).chunk(kGruGates, -1);
  Tensor r = sigmoid(gx[0] + gh[0]);
  Tensor z = sigmoid(gx[1] + gh[1]);
  Tensor n = tanh(gx[2] + r * gh[2]);
  return (1.0 - z) * n + z * h;
}

/// Checks a cell's input [B, in] or [in] and state [B, H] or [H]; returns
/// the state's shape.
Shape cellStateShape(const char *module, const Tensor &input, int64_t inputSize,
                     int64_t hiddenSize) {
  if ((input.dim() != 1 && input.dim() != 2) || input.size(-1) != inputSize)
    fail(module, "expected an input of shape [batch, " +
                     std::to_string(inputSize) + "] or [" +
                     std::to_string(inputSize) + "], got " +
                     shapeToString(input.sizes()));
  return input.dim() == 2 ? Shape{input.size(0), hiddenSize}
                          : Shape{hiddenSize};
}

void checkState(const char *module, const char *name, const Tensor &state,
                const Shape &expected) {
  if (state.sizes() != expected)
    fail(module, std::string("expected ") + name + " of shape " +
                     shapeToString(expected) + ", got " +
                     shapeToString(state.sizes()));
}

/// Checks the options of a sequence layer beyond its sizes.
void checkLayerOptions(const char *module, const RNNOptions &options,
                       bool projectable) {
  checkSizes(module, options.input_size(), options.hidden_size(),
             options.num_layers());
  if (!(options.dropout() >= 0 && options.dropout() <= 1))
    fail(module, "dropout must be a probability in [0, 1], got " +
                     std::to_string(options.dropout()));
  if (options.proj_size() != 0 && !projectable)
    fail(module, "proj_size is supported only by LSTM, got " +
                     std::to_string(options.proj_size()));
  if (options.proj_size() < 0 || options.proj_size() >= options.hidden_size())
    fail(module, "proj_size must be in [0, hidden_size), got " +
                     std::to_string(options.proj_size()) +
                     " with hidden_size " +
                     std::to_string(options.hidden_size()));
}

/// The size of a layer's h: proj_size if given, else hidden_size.
int64_t outputSizeOf(const RNNOptions &options) {
  return options.proj_size() > 0 ? options.proj_size() : options.hidden_size();
}

/// A sequence layer's input as [time, batch..., features], and the shape of
/// its states of `size` features: [directions * layers, batch..., size].
struct Sequence {
  Tensor input;
  int64_t stateRows;
  std::optional<int64_t> batch;

  Shape stateShape(int64_t size) const {
    return batch ? Shape{stateRows, *batch, size} : Shape{stateRows, size};
  }
};

Sequence sequenceOf(const char *module, const Tensor &input,
                    const RNNOptions &options) {
  if ((input.dim() != 2 && input.dim() != 3) ||
      input.size(-1) != options.input_size())
    fail(module, "expected an input of shape " +
                     std::string(options.batch_first() ? "[batch, time, "
                                                       : "[time, batch, ") +
                     std::to_string(options.input_size()) + "] or [time, " +
                     std::to_string(options.input_size()) + "], got " +
                     shapeToString(input.sizes()));
  bool batched = input.dim() == 3;
  Sequence sequence;
  sequence.input =
      batched && options.batch_first() ? input.transpose(0, 1) : input;
  sequence.stateRows = options.num_layers() * (options.bidirectional() ? 2 : 1);
  if (batched)
    sequence.batch = sequence.input.size(1);
  return sequence;
}

/// `t` reversed along its leading (time) dimension.
Tensor reverseTime(const Tensor &t) {
  int64_t steps = t.size(0);
  if (steps == 0)
    return t;
  return index_select(t, 0,
                      arange(static_cast<double>(steps - 1), -1.0, -1.0,
                             TensorOptions().dtype(kInt64)));
}

/// Runs the stacked layers over `x` [time, batch..., features]:
/// `direction(i, xs)` runs the weights of layers[i] over `xs` in time order
/// and returns its outputs [time, batch..., size]. The reverse direction of
/// a bidirectional layer gets `xs` and gives its outputs reversed in time;
/// the directions' outputs are concatenated along the features. Between
/// layers, in training, dropout with the options' probability. Returns the
/// last layer's outputs.
template <typename Direction>
Tensor runLayers(const RNNOptions &options, bool training, Tensor x,
                 Direction direction) {
  int64_t directions = options.bidirectional() ? 2 : 1;
  for (int64_t k = 0; k < options.num_layers(); ++k) {
    std::vector<Tensor> outputs;
    for (int64_t d = 0; d < directions; ++d) {
      size_t index = static_cast<size_t>(k * directions + d);
      outputs.push_back(d == 0 ? direction(index, x)
                               : reverseTime(direction(index, reverseTime(x))));
    }
    x = directions == 1 ? outputs[0] : cat(outputs, -1);
    if (training && options.dropout() > 0 && k + 1 < options.num_layers())
      x = dropout(x, options.dropout(), /*train=*/true);
  }
  return x;
}

/// The output [time, batch..., H] in the caller's layout.
Tensor outputOf(const Tensor &output, const RNNOptions &options) {
  return output.dim() == 3 && options.batch_first() ? output.transpose(0, 1)
                                                    : output;
}

} // namespace

//===----------------------------------------------------------------------===//
// Cells
//===----------------------------------------------------------------------===//

RNNCellImplBase::RNNCellImplBase(const char *name, int64_t gates,
                                 const RNNCellOptions &opts)
    : Module(name), options(opts) {
  checkSizes(name, opts.input_size(), opts.hidden_size());
  RNNWeights w =
      registerWeights(*this, gates, opts.input_size(), opts.hidden_size(),
                      opts.hidden_size(), opts.bias(), "");
  weight_ih = w.weight_ih, weight_hh = w.weight_hh, bias_ih = w.bias_ih,
  bias_hh = w.bias_hh;
  reset_parameters();
}

void RNNCellImplBase::reset_parameters() {
  RNNWeights w = weights();
  resetWeights(w, options.hidden_size());
}

LSTMCellImpl::LSTMCellImpl(const LSTMCellOptions &opts)
    : RNNCellImplBase("LSTMCell", kLstmGates, opts) {}

std::tuple<Tensor, Tensor>
LSTMCellImpl::forward(const Tensor &input,
                      const std::optional<std::tuple<Tensor, Tensor>> &hx) {
  Shape shape = cellStateShape("LSTMCell", input, options.input_size(),
                               options.hidden_size());
  Tensor h = hx ? std::get<0>(*hx) : zeros(shape, input.dtype());
  Tensor c = hx ? std::get<1>(*hx) : zeros(shape, input.dtype());
  checkState("LSTMCell", "h", h, shape);
  checkState("LSTMCell", "c", c, shape);
  auto [next, cell] =
      lstmStep(weights(), affine(input, weight_ih, bias_ih), h, c);
  return {next, cell};
}

GRUCellImpl::GRUCellImpl(const GRUCellOptions &opts)
    : RNNCellImplBase("GRUCell", kGruGates, opts) {}

Tensor GRUCellImpl::forward(const Tensor &input, const Tensor &hx) {
  Shape shape = cellStateShape("GRUCell", input, options.input_size(),
                               options.hidden_size());
  Tensor h = hx.defined() ? hx : zeros(shape, input.dtype());
  checkState("GRUCell", "hx", h, shape);
  return gruStep(weights(), affine(input, weight_ih, bias_ih), h);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

RNNImplBase::RNNImplBase(const char *name, int64_t gates,
                         const RNNOptions &opts)
    : Module(name), options(opts) {
  checkLayerOptions(name, opts, /*projectable=*/gates == kLstmGates);
  int64_t outputSize = outputSizeOf(opts);
  for (int64_t k = 0; k < opts.num_layers(); ++k)
    for (int64_t d = 0; d < num_directions(); ++d)
      layers_.push_back(registerWeights(
          *this, gates,
          k == 0 ? opts.input_size() : outputSize * num_directions(),
          opts.hidden_size(), outputSize, opts.bias(),
          "_l" + std::to_string(k) + (d ? "_reverse" : "")));
  reset_parameters();
}

void RNNImplBase::reset_parameters() {
  for (RNNWeights &w : layers_)
    resetWeights(w, options.hidden_size());
}

LSTMImpl::LSTMImpl(const LSTMOptions &opts)
    : RNNImplBase("LSTM", kLstmGates, opts) {}

std::tuple<Tensor, std::tuple<Tensor, Tensor>>
LSTMImpl::forward(const Tensor &input,
                  const std::optional<std::tuple<Tensor, Tensor>> &hx) {
  Sequence sequence = sequenceOf("LSTM", input, options);
  Shape hShape = sequence.stateShape(outputSizeOf(options));
  Shape cShape = sequence.stateShape(options.hidden_size());
  Tensor h0 = hx ? std::get<0>(*hx) : zeros(hShape, input.dtype());
  Tensor c0 = hx ? std::get<1>(*hx) : zeros(cShape, input.dtype());
  checkState("LSTM", "h_0", h0, hShape);
  checkState("LSTM", "c_0", c0, cShape);
  std::vector<Tensor> hn, cn;
  Tensor output = runLayers(
      options, is_training(), sequence.input, [&](size_t i, const Tensor &x) {
        const RNNWeights &w = layers_[i];
        // The input's share of the gates, for all steps in one product.
        Tensor gatesX = affine(x, w.weight_ih, w.bias_ih);
        auto [state, outputs] = jit::scan(
            [&w](const std::vector<Tensor> &carry,
                 const std::vector<Tensor> &slice) -> runtime::ScanResult {
              auto [h, c] = lstmStep(w, slice[0], carry[0], carry[1]);
              return {{h, c}, {h}};
            },
            {h0.select(0, i), c0.select(0, i)}, {gatesX});
        hn.push_back(state[0]);
        cn.push_back(state[1]);
        return outputs[0];
      });
  return {outputOf(output, options), {stack(hn, 0), stack(cn, 0)}};
}

GRUImpl::GRUImpl(const GRUOptions &opts)
    : RNNImplBase("GRU", kGruGates, opts) {}

std::tuple<Tensor, Tensor> GRUImpl::forward(const Tensor &input,
                                            const Tensor &hx) {
  Sequence sequence = sequenceOf("GRU", input, options);
  Shape shape = sequence.stateShape(options.hidden_size());
  Tensor h0 = hx.defined() ? hx : zeros(shape, input.dtype());
  checkState("GRU", "h_0", h0, shape);
  std::vector<Tensor> hn;
  Tensor output = runLayers(options, is_training(), sequence.input,
                            [&](size_t i, const Tensor &x) {
                              const RNNWeights &w = layers_[i];
                              Tensor gatesX = affine(x, w.weight_ih, w.bias_ih);
                              auto [state, outputs] = jit::scan(
                                  [&w](const Tensor &h, const Tensor &slice) {
                                    Tensor next = gruStep(w, slice, h);
                                    return std::make_pair(next, next);
                                  },
                                  h0.select(0, i), gatesX);
                              hn.push_back(state);
                              return outputs;
                            });
  return {outputOf(output, options), stack(hn, 0)};
}
