//===- CharData.h - A character-level text corpus ----------*- C++ -*-===//
//
// The text of examples/char_gpt.cpp and bench/gpt as token indices: the
// vocabulary is the sorted set of its characters, the first 90% of the text
// trains and the last 10% validates, and batches are windows at random
// offsets drawn from a seeded host generator (so that two runs, eager and
// compiled, see the same batches).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_CHARDATA_H
#define ADJIT_EXAMPLES_CHARDATA_H

#include "adjit/adjit.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace adjit::examples {

/// A text encoded as indices into its sorted character set.
class CharCorpus {
public:
  /// Reads `path`; returns false if it cannot be read or is empty.
  bool read(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
      return false;
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    if (s.empty())
      return false;
    std::vector<bool> seen(256, false);
    for (unsigned char c : s)
      seen[c] = true;
    std::vector<int64_t> indexOf(256, -1);
    for (int c = 0; c < 256; ++c)
      if (seen[c]) {
        indexOf[c] = static_cast<int64_t>(chars.size());
        chars.push_back(static_cast<char>(c));
      }
    tokens.reserve(s.size());
    for (unsigned char c : s)
      tokens.push_back(indexOf[c]);
    trainEnd = static_cast<int64_t>(tokens.size()) * 9 / 10;
    return true;
  }

  int64_t vocabSize() const { return static_cast<int64_t>(chars.size()); }
  int64_t size() const { return static_cast<int64_t>(tokens.size()); }

  /// A batch of `batch` windows of `context` tokens from the training part
  /// (or the validation part) at offsets drawn from `rng`: the inputs
  /// [batch, context] and the next-token targets flattened to
  /// [batch * context], both int64.
  std::pair<Tensor, Tensor> sample(bool validation, int64_t batch,
                                   int64_t context,
                                   std::mt19937_64 &rng) const {
    int64_t begin = validation ? trainEnd : 0;
    int64_t end = validation ? size() : trainEnd;
    std::uniform_int_distribution<int64_t> offset(begin, end - context - 1);
    std::vector<int64_t> x, y;
    x.reserve(batch * context);
    y.reserve(batch * context);
    for (int64_t b = 0; b < batch; ++b) {
      int64_t o = offset(rng);
      x.insert(x.end(), tokens.begin() + o, tokens.begin() + o + context);
      y.insert(y.end(), tokens.begin() + o + 1,
               tokens.begin() + o + context + 1);
    }
    return {from_vector(x, {batch, context}, kInt64),
            from_vector(y, {batch * context}, kInt64)};
  }

  /// The characters, sorted; token i is chars[i].
  std::vector<char> chars;
  /// The text as token indices.
  std::vector<int64_t> tokens;
  /// Tokens [0, trainEnd) train, [trainEnd, size()) validate.
  int64_t trainEnd = 0;
};

} // namespace adjit::examples

#endif // ADJIT_EXAMPLES_CHARDATA_H
