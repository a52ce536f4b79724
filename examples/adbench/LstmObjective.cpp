//===- LstmObjective.cpp - The ADBench LSTM objective, eagerly ------------===//

#include "LstmObjective.h"

using namespace adjit;
using namespace adjit::adbench;

namespace {

/// The sizes of an instance: L layers, C characters of B bits.
struct LstmSizes {
  int64_t layers, chars, bits;

  /// The objective from the sum of the per-character log-likelihoods.
  Tensor objective(const Tensor &total) const {
    return -total / static_cast<double>((chars - 1) * bits);
  }
};

/// Checks that the four tensors have the shapes lstmObjective needs, and
/// returns the sizes.
LstmSizes checkShapes(const Tensor &mainParams, const Tensor &extraParams,
                      const Tensor &state, const Tensor &sequence) {
  bool ok = mainParams.dim() == 2 && extraParams.dim() == 2 &&
            state.dim() == 2 && sequence.dim() == 2;
  if (ok) {
    int64_t bits = extraParams.size(1), layers = mainParams.size(0) / 2;
    ok = bits > 0 && layers > 0 && mainParams.size(0) == 2 * layers &&
         mainParams.size(1) == 4 * bits && extraParams.size(0) == 3 &&
         state.size(0) == 2 * layers && state.size(1) == bits &&
         sequence.size(0) >= 2 && sequence.size(1) == bits;
  }
  if (!ok)
    throw Error("lstmObjective: expected main parameters [2L, 4B], extra "
                "parameters [3, B], state [2L, B] and a sequence [C >= 2, B], "
                "got " +
                shapeToString(mainParams.sizes()) + ", " +
                shapeToString(extraParams.sizes()) + ", " +
                shapeToString(state.sizes()) + " and " +
                shapeToString(sequence.sizes()));
  return {mainParams.size(0) / 2, sequence.size(0), sequence.size(1)};
}

/// One layer's cell: updates \p hidden and \p cell from \p input.
void lstmCell(const Tensor &weight, const Tensor &bias, Tensor &hidden,
              Tensor &cell, const Tensor &input) {
  int64_t b = hidden.size(0);
  Tensor gates = cat({input, hidden, input, hidden}) * weight + bias;
  Tensor forget = gates.slice(0, 0, b).sigmoid();
  Tensor ingate = gates.slice(0, b, 2 * b).sigmoid();
  Tensor outgate = gates.slice(0, 2 * b, 3 * b).sigmoid();
  Tensor change = gates.slice(0, 3 * b, 4 * b).tanh();
  cell = cell * forget + ingate * change;
  hidden = outgate * cell.tanh();
}

} // namespace

LstmTensors adjit::adbench::lstmTensors(const LstmInstance &lstm) {
  TensorOptions f64 = kFloat64;
  LstmTensors t;
  t.mainParams =
      from_vector(lstm.mainParams, {2 * lstm.layers, 4 * lstm.bits}, f64)
          .requires_grad_();
  t.extraParams =
      from_vector(lstm.extraParams, {3, lstm.bits}, f64).requires_grad_();
  t.state = from_vector(lstm.state, {2 * lstm.layers, lstm.bits}, f64);
  t.sequence = from_vector(lstm.sequence, {lstm.chars, lstm.bits}, f64);
  return t;
}

namespace {

/// One character: runs the layers on \p current, updating \p hidden and
/// \p cell, and returns the log-likelihood term sum(next * ynorm).
Tensor characterTerm(const Tensor &mainParams, const Tensor &extraParams,
                     std::vector<Tensor> &hidden, std::vector<Tensor> &cell,
                     const Tensor &current, const Tensor &next) {
  Tensor x = current * extraParams[0];
  for (size_t i = 0; i < hidden.size(); ++i) {
    lstmCell(mainParams[2 * i], mainParams[2 * i + 1], hidden[i], cell[i], x);
    x = hidden[i];
  }
  Tensor ypred = x * extraParams[1] + extraParams[2];
  Tensor ynorm = ypred - (ypred.exp().sum() + 2.0).log();
  return (next * ynorm).sum();
}

} // namespace

Tensor adjit::adbench::lstmObjective(const Tensor &mainParams,
                                     const Tensor &extraParams,
                                     const Tensor &state,
                                     const Tensor &sequence) {
  LstmSizes sizes = checkShapes(mainParams, extraParams, state, sequence);
  std::vector<Tensor> hidden, cell;
  for (int64_t i = 0; i < sizes.layers; ++i) {
    hidden.push_back(state[2 * i]);
    cell.push_back(state[2 * i + 1]);
  }
  Tensor total;
  for (int64_t t = 0; t + 1 < sizes.chars; ++t) {
    Tensor step = characterTerm(mainParams, extraParams, hidden, cell,
                                sequence[t], sequence[t + 1]);
    total = total.defined() ? total + step : step;
  }
  return sizes.objective(total);
}

Tensor adjit::adbench::lstmObjectiveScan(const Tensor &mainParams,
                                         const Tensor &extraParams,
                                         const Tensor &state,
                                         const Tensor &sequence) {
  LstmSizes sizes = checkShapes(mainParams, extraParams, state, sequence);
  int64_t layers = sizes.layers, chars = sizes.chars;
  // The carries: every layer's hidden state, then every layer's cell state.
  std::vector<Tensor> init;
  for (int64_t part = 0; part < 2; ++part)
    for (int64_t i = 0; i < layers; ++i)
      init.push_back(state[2 * i + part]);
  auto [carry, terms] = jit::scan(
      [&](const std::vector<Tensor> &c,
          const std::vector<Tensor> &x) -> runtime::ScanResult {
        std::vector<Tensor> hidden(c.begin(), c.begin() + layers);
        std::vector<Tensor> cell(c.begin() + layers, c.end());
        Tensor term =
            characterTerm(mainParams, extraParams, hidden, cell, x[0], x[1]);
        hidden.insert(hidden.end(), cell.begin(), cell.end());
        return {hidden, {term}};
      },
      init, {sequence.slice(0, 0, chars - 1), sequence.slice(0, 1, chars)});
  return sizes.objective(terms[0].sum());
}
