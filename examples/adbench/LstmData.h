//===- LstmData.h - ADBench LSTM instances --------------------*- C++ -*-===//
//
// The input of the ADBench LSTM benchmark: a stacked "diagonal" LSTM of l
// layers over a sequence of c characters of b bits each.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_ADBENCH_LSTMDATA_H
#define ADJIT_EXAMPLES_ADBENCH_LSTMDATA_H

#include <cstdint>
#include <string>
#include <vector>

namespace adjit::adbench {

/// One ADBench LSTM instance, every array row-major as in the file.
struct LstmInstance {
  /// Layers.
  int64_t layers = 0;
  /// Characters in the sequence.
  int64_t chars = 0;
  /// Bits per character (the hidden size).
  int64_t bits = 0;
  /// [2 * layers, 4 * bits]: per layer, a row of weights then a row of
  /// biases, each in gate order forget, input, output, change.
  std::vector<double> mainParams;
  /// [3, bits]: input weight, output weight, output bias.
  std::vector<double> extraParams;
  /// [2 * layers, bits]: per layer, the hidden state then the cell state.
  std::vector<double> state;
  /// [chars, bits]: the sequence.
  std::vector<double> sequence;
};

/// Reads an ADBench LSTM file: "l c b", then the main parameters, the extra
/// parameters, the state and the sequence, as whitespace-separated numbers.
/// Throws adjit::Error naming the file and what is missing or malformed.
LstmInstance readLstmInstance(const std::string &path);

} // namespace adjit::adbench

#endif // ADJIT_EXAMPLES_ADBENCH_LSTMDATA_H
