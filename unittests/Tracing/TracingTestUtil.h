//===- TracingTestUtil.h - helpers of the jit unit tests --------*- C++ -*-===//

#ifndef ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H
#define ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H

#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace adjit::test {

/// Expects every element of `actual` within a relative 1e-5 of `expected`
/// (plus 1e-7, for elements that are 0).
inline void expectClose(const Tensor &actual, const Tensor &expected) {
  ASSERT_TRUE(actual.defined());
  ASSERT_TRUE(expected.defined());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.detach().to(Dtype::Float64).contiguous();
  Tensor e = expected.detach().to(Dtype::Float64).contiguous();
  const double *pa = a.data_ptr<double>(), *pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i)
    EXPECT_NEAR(pa[i], pe[i], 1e-5 * std::abs(pe[i]) + 1e-7) << "element " << i;
}

/// Returns the message of the adjit::Error `body` throws, or "no error".
inline std::string errorOf(const std::function<void()> &body) {
  try {
    body();
  } catch (const Error &error) {
    return error.what();
  }
  return "no error";
}

} // namespace adjit::test

#endif // ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H
