//===- PyTorchReference.h - PyTorch 1.13 reference values -------*- C++ -*-===//
//
// Tests that compare with PyTorch run a script with python3 and torch, and
// skip when either is missing: torch is optional on the build machine.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_UNITTESTS_RUNTIME_PYTORCHREFERENCE_H
#define ADJIT_UNITTESTS_RUNTIME_PYTORCHREFERENCE_H

#include "adjit/Tensor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace adjit::test {

/// Deterministic, irregular values: sin(0.37 i + phase) * 2 + 0.05 i. The
/// Python expression `kPatternPython` defines the same `v(n, phase)`.
inline std::vector<double> pattern(int64_t count, double phase = 0.1) {
  std::vector<double> v;
  for (int64_t i = 0; i < count; ++i)
    v.push_back(std::sin(0.37 * i + phase) * 2 + 0.05 * i);
  return v;
}

/// Python that defines `v(n, phase)`, the float64 torch tensor of pattern().
inline const char *kPatternPython =
    "v = lambda n, ph: torch.tensor([math.sin(0.37 * i + ph) * 2 + 0.05 * i "
    "for i in range(n)], dtype=torch.float64)\n";

/// The float64 tensor of `shape` holding pattern(n, phase), n = its number
/// of elements: Python's `v(n, phase).reshape(shape)`.
inline Tensor patternTensor(int64_t n, double phase, const Shape &shape) {
  return from_vector(pattern(n, phase), shape, kFloat64);
}

/// Expects each of `actual` within a relative `tolerance` of the reference
/// `expected` (the numbers a script printed).
inline void expectMatchesReference(const std::vector<double> &actual,
                                   const std::vector<double> &expected,
                                   double tolerance = 1e-12) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], tolerance * (1 + std::abs(expected[i])))
        << "element " << i;
}

/// Runs `script` with Debian's python3 (where python3-torch installs torch),
/// else the python3 on the PATH, and returns its standard output, or "" if
/// python3 or torch is missing.
inline std::string runPython(const std::string &script) {
  std::string python =
      access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  std::string command = python + " -c '" + script + "' 2>/dev/null";
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    return "";
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe))
    output.append(buffer, n);
  return pclose(pipe) == 0 ? output : "";
}

/// The numbers of `output`, separated by white space.
inline std::vector<double> parseNumbers(const std::string &output) {
  std::vector<double> numbers;
  for (const char *p = output.c_str(); *p;) {
    char *end;
    double value = std::strtod(p, &end);
    if (end == p)
      break;
    numbers.push_back(value);
    p = end;
  }
  return numbers;
}

} // namespace adjit::test

#endif // ADJIT_UNITTESTS_RUNTIME_PYTORCHREFERENCE_H
