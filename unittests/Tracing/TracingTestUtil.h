//===- TracingTestUtil.h - helpers of the jit unit tests --------*- C++ -*-===//

#ifndef ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H
#define ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

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

/// Returns the central finite differences of the one-element `fn` w.r.t.
/// input `index` of `inputs` (f64).
inline Tensor
finiteDifferences(const std::function<Tensor(std::vector<Tensor>)> &fn,
                  std::vector<Tensor> inputs, size_t index) {
  NoGradGuard noGrad;
  const double eps = 1e-6;
  Tensor x = inputs[index].clone().contiguous();
  Tensor gradient = zeros_like(x);
  for (int64_t i = 0; i < x.numel(); ++i) {
    double original = x.data_ptr<double>()[i];
    x.data_ptr<double>()[i] = original + eps;
    inputs[index] = x.clone();
    double plus = fn(inputs).item<double>();
    x.data_ptr<double>()[i] = original - eps;
    inputs[index] = x.clone();
    double minus = fn(inputs).item<double>();
    x.data_ptr<double>()[i] = original;
    gradient.data_ptr<double>()[i] = (plus - minus) / (2 * eps);
  }
  return gradient;
}

/// The number of times `needle` occurs in `text`.
inline size_t count(const std::string &text, const std::string &needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1))
    ++n;
  return n;
}

/// True if `a` and `b` are the same number (NaNs count as equal).
inline bool identical(double a, double b) {
  return std::isnan(a) ? std::isnan(b) : a == b;
}

/// Runs `loss(x)` eagerly and compiled, with `x` the 1-D tensor of `values`
/// of `dtype`; returns the eager gradient after checking that the compiled
/// loss and gradient are identical to the eager ones.
inline std::vector<double>
expectSameGradient(const std::vector<double> &values,
                   const std::function<Tensor(const Tensor &)> &loss,
                   Dtype dtype = Dtype::Float64) {
  Shape shape = {int64_t(values.size())};
  Tensor eagerX = from_vector(values, shape, dtype).requires_grad_();
  Tensor eagerLoss = loss(eagerX);
  eagerLoss.backward();
  Tensor x = from_vector(values, shape, dtype).requires_grad_();
  Tensor compiledLoss = jit::compile([&](const std::vector<Tensor> &) {
    return loss(x);
  })(std::vector<Tensor>{});
  EXPECT_TRUE(identical(compiledLoss.item(), eagerLoss.item()))
      << compiledLoss.item() << " vs " << eagerLoss.item();
  std::vector<double> gradient;
  for (int64_t i = 0; i < eagerX.numel(); ++i) {
    double eager = eagerX.grad()[i].item(), compiled = x.grad()[i].item();
    EXPECT_TRUE(identical(compiled, eager))
        << "element " << i << ": compiled " << compiled << ", eager " << eager;
    gradient.push_back(eager);
  }
  return gradient;
}

/// A small MLP's parameters (3 -> 8 -> 1), the same for equal `seed`s.
inline std::vector<Tensor> makeMlpParameters(uint64_t seed) {
  manual_seed(seed);
  return {randn({3, 8}, requires_grad()), randn({8}, requires_grad()),
          randn({8, 1}, requires_grad()), randn({1}, requires_grad())};
}

/// The MLP's mean squared error on (inputs[0], inputs[1]) with `p`.
inline jit::TensorFunction mlpLossWith(std::vector<Tensor> &p) {
  return [&p](const std::vector<Tensor> &in) {
    Tensor hidden = (in[0].matmul(p[0]) + p[1]).tanh();
    return nn::functional::mse_loss(hidden.matmul(p[2]) + p[3], in[1]);
  };
}

} // namespace adjit::test

#endif // ADJIT_UNITTESTS_TRACING_TRACINGTESTUTIL_H
