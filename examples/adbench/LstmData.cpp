//===- LstmData.cpp - Reading ADBench LSTM instances ----------------------===//

#include "LstmData.h"

#include "adjit/Error.h"

#include <fstream>

using namespace adjit;
using namespace adjit::adbench;

namespace {

/// Reads \p count numbers of the section \p what into \p values.
void readSection(std::istream &in, const std::string &path, const char *what,
                 int64_t count, std::vector<double> &values) {
  values.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i)
    if (!(in >> values[static_cast<size_t>(i)]))
      throw Error("readLstmInstance: " + path + ": the " + what + " has " +
                  std::to_string(i) + " numbers, expected " +
                  std::to_string(count));
}

} // namespace

LstmInstance adjit::adbench::readLstmInstance(const std::string &path) {
  std::ifstream in(path);
  if (!in)
    throw Error("readLstmInstance: cannot open " + path);
  LstmInstance lstm;
  if (!(in >> lstm.layers >> lstm.chars >> lstm.bits) || lstm.layers < 1 ||
      lstm.chars < 2 || lstm.bits < 1)
    throw Error("readLstmInstance: " + path +
                ": expected a header \"layers chars bits\" with at least 1 "
                "layer, 2 characters and 1 bit");
  readSection(in, path, "main parameters", 2 * lstm.layers * 4 * lstm.bits,
              lstm.mainParams);
  readSection(in, path, "extra parameters", 3 * lstm.bits, lstm.extraParams);
  readSection(in, path, "state", 2 * lstm.layers * lstm.bits, lstm.state);
  readSection(in, path, "sequence", lstm.chars * lstm.bits, lstm.sequence);
  return lstm;
}
