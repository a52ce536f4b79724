//===- IntegerOpsTest.cpp - int64 tensors, argmax and max(dim) compiled ---===//
//
// int64 tensors are traced as i64 and passed to and from compiled code as
// they are. Integer arithmetic, comparisons, argmax/argmin and
// max(dim)/min(dim) (values, indices and the gradient of the values) must
// agree bit for bit with the eager ops, at ties, signed zeros, infinities and
// NaN.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace adjit;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt = std::numeric_limits<int64_t>::min();

/// Expects the same dtype, shape and bits (any NaN matching any NaN).
void expectIdentical(const Tensor &actual, const Tensor &expected) {
  ASSERT_TRUE(actual.defined());
  ASSERT_TRUE(expected.defined());
  ASSERT_EQ(actual.dtype(), expected.dtype());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  NoGradGuard noGrad;
  Tensor a = actual.detach().contiguous();
  Tensor e = expected.detach().contiguous();
  for (int64_t i = 0; i < a.numel(); ++i) {
    switch (a.dtype()) {
    case Dtype::Int64:
      EXPECT_EQ(a.data_ptr<int64_t>()[i], e.data_ptr<int64_t>()[i])
          << "element " << i;
      break;
    case Dtype::Bool:
      EXPECT_EQ(a.data_ptr<bool>()[i], e.data_ptr<bool>()[i])
          << "element " << i;
      break;
    default: {
      double x = a.to(kFloat64).data_ptr<double>()[i];
      double y = e.to(kFloat64).data_ptr<double>()[i];
      if (std::isnan(x) || std::isnan(y))
        EXPECT_TRUE(std::isnan(x) && std::isnan(y)) << "element " << i;
      else
        EXPECT_TRUE(std::memcmp(&x, &y, sizeof(double)) == 0)
            << "element " << i << ": compiled " << x << ", eager " << y;
    }
    }
  }
}

/// An int64 tensor holding exactly `values` (from_vector goes through
/// double).
Tensor int64Tensor(const std::vector<int64_t> &values, const Shape &shape) {
  Tensor tensor = empty(shape, kInt64);
  std::copy(values.begin(), values.end(), tensor.data_ptr<int64_t>());
  return tensor;
}

/// Integers around the edges of int64, whose f64 round trip is not exact.
Tensor bigIntegers() {
  return int64Tensor({kMaxInt, -5, 7, 0, kMinInt, (int64_t(1) << 53) + 1},
                     {2, 3});
}

/// Runs `function` eagerly and compiled on `inputs`; expects identical
/// results and an IR with no f64 when `noFloat`.
void expectAgrees(const jit::TensorFunction &function,
                  const std::vector<Tensor> &inputs, bool noFloat = false) {
  Tensor eager = function(inputs);
  jit::CompiledFunction compiled = jit::compile(function);
  expectIdentical(compiled(inputs), eager);
  if (noFloat) {
    EXPECT_EQ(compiled.getLastIR().find("f64"), std::string::npos)
        << compiled.getLastIR();
  }
}

TEST(IntegerOps, ArgumentsAndResultsPassUnchanged) {
  Tensor a = bigIntegers();
  jit::CompiledFunction identity = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].reshape({6}); });
  Tensor result = identity({a});
  EXPECT_EQ(result.dtype(), kInt64);
  expectIdentical(result, a.reshape({6}));
  EXPECT_NE(identity.getLastIR().find("tensor<2x3xi64>"), std::string::npos)
      << identity.getLastIR();
}

TEST(IntegerOps, ArithmeticAgreesExactly) {
  Tensor a = bigIntegers();
  Tensor b = int64Tensor({1, 3, -7, kMinInt, -1, 2}, {2, 3});
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        Tensor x = in[0], y = in[1];
        return ((x + y) * x - y).maximum(y).minimum(x + 1.0);
      },
      {a, b}, /*noFloat=*/true);
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return (-in[0]).abs() + in[0].sign() * 3.0 + relu(in[1]);
      },
      {a, b}, /*noFloat=*/true);
  // Sums, amax, broadcasting, cat and where stay integer.
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        Tensor rows = in[0].sum({1}, true) + in[1].amax({0});
        return cat({where(in[0] > in[1], rows, in[1]), in[0]}, 0);
      },
      {a, b}, /*noFloat=*/true);
  // Bools in integer arithmetic count as 0 and 1.
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return in[0] + (in[0] < in[1]) + (in[1] == in[1]).sum();
      },
      {a, b}, /*noFloat=*/true);
}

TEST(IntegerOps, MixedAndFloatOpsFollowEagerPromotion) {
  Tensor a = bigIntegers();
  Tensor x = from_vector({0.5, -1.5, 7.0, -0.0, kNaN, 1e300}, {2, 3}, kFloat64);
  Tensor f = from_vector({0.5, -1.5, 7.0, -0.0, kNaN, 3e38}, {2, 3});
  // int64 with a float operand computes in the float dtype.
  expectAgrees([](const std::vector<Tensor> &in) { return in[0] * in[1]; },
               {a, x});
  expectAgrees([](const std::vector<Tensor> &in) { return in[0] + in[1]; },
               {a, f});
  // exp, division and pow of integers compute in float32.
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return exp(in[0].minimum(in[0] * 0.0 + 3.0)) + in[0] / in[0] +
               in[0].pow(2.0);
      },
      {a});
  // floor, ceil and round of integers go through double, as eagerly.
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return floor(in[0]) + ceil(in[0]) + round(in[0]);
      },
      {a});
  // Comparisons of int64 with float, and conversions both ways.
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return (in[0] < in[1]).to(kInt64) + in[1].to(kInt64) * 0.0 +
               (in[0].to(kFloat64) == in[1]);
      },
      {a, from_vector({0.5, -1.5, 7.0, -0.0, -1e18, 3e8}, {2, 3})});
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return in[0].to(kFloat32) + in[0].to(kBool).to(kFloat32);
      },
      {a});
}

/// Rows with ties, NaNs, signed zeros and infinities.
std::vector<double> specialRows() {
  return {1.0,   3.0,   3.0,  2.0,   // a tie of maxima
          kNaN,  5.0,   kNaN, -9.0,  // NaNs
          -0.0,  0.0,   -1.0, 0.0,   // signed zeros
          -kInf, -kInf, kInf, kInf,  // infinities
          2.0,   -2.0,  2.0,  -2.0}; // ties of minima and maxima
}

TEST(IntegerOps, ArgmaxAndArgminAgreeAtTiesAndNaN) {
  for (Dtype dtype : {kFloat32, kFloat64}) {
    Tensor x = from_vector(specialRows(), {5, 4}, dtype);
    for (int64_t dim : {0, 1, -1})
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE("dim " + std::to_string(dim) +
                     (keepdim ? " keepdim" : ""));
        expectAgrees(
            [=](const std::vector<Tensor> &in) {
              return in[0].argmax(dim, keepdim);
            },
            {x});
        expectAgrees(
            [=](const std::vector<Tensor> &in) {
              return in[0].argmin(dim, keepdim);
            },
            {x});
        expectAgrees(
            [=](const std::vector<Tensor> &in) {
              return in[0].max(dim, keepdim).first;
            },
            {x});
        expectAgrees(
            [=](const std::vector<Tensor> &in) {
              return in[0].min(dim, keepdim).first;
            },
            {x});
      }
  }
  Tensor a = int64Tensor(
      {4, kMinInt, 4, kMinInt, kMinInt, -1, kMaxInt, 2, kMaxInt}, {3, 3});
  for (int64_t dim : {0, 1}) {
    expectAgrees(
        [=](const std::vector<Tensor> &in) {
          auto [values, indices] = in[0].max(dim);
          return values * 0.0 + indices + in[0].argmin(dim);
        },
        {a}, /*noFloat=*/true);
    expectAgrees(
        [=](const std::vector<Tensor> &in) { return in[0].min(dim).first; },
        {a}, /*noFloat=*/true);
  }
  // A 0-d tensor is its own extremum, at index 0.
  Tensor scalar = full({}, 2.5);
  expectAgrees(
      [](const std::vector<Tensor> &in) {
        return in[0].argmax(0) + in[0].argmin(-1, true);
      },
      {scalar});
}

/// Compares the gradient of sum(op(x) * w) eagerly and compiled, bit for bit.
void expectGradientAgrees(const std::function<Tensor(const Tensor &)> &op,
                          const Tensor &values) {
  Tensor eagerX = values.clone().requires_grad_();
  Tensor eagerValue = op(eagerX);
  Tensor weights = linspace(0.5, 2.0, eagerValue.numel(), values.dtype())
                       .reshape(eagerValue.sizes());
  (eagerValue * weights).sum().backward();

  Tensor x = values.clone().requires_grad_();
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (op(x) * in[0]).sum(); });
  loss({weights});
  expectIdentical(x.grad(), eagerX.grad());
  EXPECT_NE(loss.getLastIR().find("adjit.arg"), std::string::npos);
}

TEST(IntegerOps, MaxAndMinAlongDimGradientsAgree) {
  for (Dtype dtype : {kFloat32, kFloat64}) {
    Tensor x = from_vector(specialRows(), {5, 4}, dtype);
    for (int64_t dim : {0, 1})
      for (bool keepdim : {false, true}) {
        SCOPED_TRACE("dim " + std::to_string(dim));
        expectGradientAgrees(
            [=](const Tensor &t) { return t.max(dim, keepdim).first; }, x);
        expectGradientAgrees(
            [=](const Tensor &t) { return t.min(dim, keepdim).first; }, x);
      }
  }
  // The gradient goes to the first of tied maxima only (not shared).
  Tensor x = from_vector({1.0, 3.0, 3.0}, {3}, kFloat64).requires_grad_();
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &) { return x.max(0).first * 2.0; });
  loss({});
  expectIdentical(x.grad(), from_vector({0.0, 2.0, 0.0}, {3}, kFloat64));
}

TEST(IntegerOps, IndicesCarryNoGradient) {
  Tensor x = from_vector({1.0, 3.0, 2.0}, {3}, kFloat64).requires_grad_();
  jit::CompiledFunction loss = jit::compile([&](const std::vector<Tensor> &) {
    return x.argmax(0).to(kFloat64) * x.sum();
  });
  loss({});
  expectIdentical(x.grad(), from_vector({1.0, 1.0, 1.0}, {3}, kFloat64));
}

} // namespace
