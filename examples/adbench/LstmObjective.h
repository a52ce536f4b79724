//===- LstmObjective.h - The ADBench LSTM objective, eagerly ---*- C++ -*-===//
//
// ADBench's LSTM loss written with the eager tensor API, so that backward()
// gives its gradient: per character, each layer's cell runs elementwise
// gates (no matrix products), the last hidden state becomes a prediction,
// and the loss is the mean log-likelihood of the next character.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_ADBENCH_LSTMOBJECTIVE_H
#define ADJIT_EXAMPLES_ADBENCH_LSTMOBJECTIVE_H

#include "LstmData.h"

#include "adjit/adjit.h"

namespace adjit::adbench {

/// The tensors of an instance, f64.
struct LstmTensors {
  /// [2 * layers, 4 * bits]; requires grad.
  Tensor mainParams;
  /// [3, bits]; requires grad.
  Tensor extraParams;
  /// [2 * layers, bits].
  Tensor state;
  /// [chars, bits].
  Tensor sequence;
};

/// The f64 tensors of \p lstm; the parameters require grad.
LstmTensors lstmTensors(const LstmInstance &lstm);

/// ADBench's LSTM loss, a 0-d tensor:
///   x = sequence[t] * extra[0]; per layer i with state (h, c):
///     g = cat(x, h, x, h) * main[2i] + main[2i + 1]
///     c = c * sigmoid(g_forget) + sigmoid(g_input) * tanh(g_change)
///     h = sigmoid(g_output) * tanh(c);  x = h
///   y = x * extra[1] + extra[2]
///   loss = -sum_t sum(sequence[t + 1] * (y - log(sum(exp(y)) + 2)))
///          / ((chars - 1) * bits)
/// (the "+ 2" is ADBench's). Throws adjit::Error naming the shapes if they
/// do not fit one another.
Tensor lstmObjective(const Tensor &mainParams, const Tensor &extraParams,
                     const Tensor &state, const Tensor &sequence);

/// lstmObjective with the characters looped by jit::scan (the layers'
/// states are its carries, each character and the next its slices): eagerly
/// the same loop, traced (jit::compile) one `adjit.scan` whatever the
/// sequence's length. The terms are summed after the loop, so the result
/// may differ from lstmObjective's in the last bits.
Tensor lstmObjectiveScan(const Tensor &mainParams, const Tensor &extraParams,
                         const Tensor &state, const Tensor &sequence);

} // namespace adjit::adbench

#endif // ADJIT_EXAMPLES_ADBENCH_LSTMOBJECTIVE_H
