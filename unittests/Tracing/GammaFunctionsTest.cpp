//===- GammaFunctionsTest.cpp - lgamma and digamma, eager and compiled ----===//
//
// Values against PyTorch 1.13 (float64) at ordinary and singular points,
// eager and compiled values and gradients identical in f32 and f64, and the
// clear error for the gradient of digamma (eager, compiled, and lgamma's
// second derivative).
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace adjit;
using adjit::test::errorOf;
using adjit::test::expectSameGradient;
using adjit::test::identical;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::vector<double> kPoints = {0.0,  -0.0, -1.0,   -2.0, -2.5,
                                     0.5,  1.0,  1e-300, kInf, -kInf,
                                     kNaN, 40.0, 10.0,   3.3};

/// torch.lgamma and torch.digamma at kPoints (float64).
const std::vector<double> kLgamma = {kInf,
                                     kInf,
                                     kInf,
                                     kInf,
                                     -0.05624371649767405,
                                     0.5723649429247001,
                                     0.0,
                                     690.7755278982137,
                                     kInf,
                                     kInf,
                                     kNaN,
                                     106.63176026064346,
                                     12.801827480081469,
                                     0.9870985778947344};
const std::vector<double> kDigamma = {-kInf,
                                      kInf,
                                      kNaN,
                                      kNaN,
                                      1.1031566406452433,
                                      -1.9635100260214229,
                                      -0.5772156649015328,
                                      -9.999999999999999e+299,
                                      kInf,
                                      kNaN,
                                      kNaN,
                                      3.6763273740348428,
                                      2.251752589066721,
                                      1.0348224890596216};

std::vector<double> valuesOf(const Tensor &t) {
  Tensor c = t.detach().to(kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(),
                             c.data_ptr<double>() + c.numel());
}

void expectNear(const std::vector<double> &actual,
                const std::vector<double> &expected, double rtol) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::isnan(expected[i]) || std::isinf(expected[i]) ||
        expected[i] == 0) {
      EXPECT_TRUE(identical(actual[i], expected[i]))
          << "at x = " << kPoints[i] << ": " << actual[i] << ", PyTorch "
          << expected[i];
      if (std::isinf(expected[i])) {
        EXPECT_EQ(std::signbit(actual[i]), std::signbit(expected[i]))
            << "at x = " << kPoints[i];
      }
    } else {
      EXPECT_NEAR(actual[i], expected[i], rtol * std::abs(expected[i]))
          << "at x = " << kPoints[i];
    }
  }
}

TEST(GammaFunctions, ValuesFollowPyTorch) {
  Tensor x = from_vector(kPoints, {int64_t(kPoints.size())}, kFloat64);
  expectNear(valuesOf(lgamma(x)), kLgamma, 1e-15);
  expectNear(valuesOf(digamma(x)), kDigamma, 4e-15);
  // Integers are computed in float32, as PyTorch.
  EXPECT_EQ(lgamma(tensor({3.0}, kInt64)).dtype(), kFloat32);
  EXPECT_NEAR(lgamma(tensor({3.0}, kInt64)).item(), std::log(2.0), 1e-7);
  EXPECT_EQ(digamma(tensor({1.0}, kInt64)).dtype(), kFloat32);
  EXPECT_NEAR(Tensor(x).lgamma()[5].item(), kLgamma[5], 1e-15);
}

TEST(GammaFunctions, Float32ValuesAreCloseToFloat64) {
  std::vector<double> points = {-2.5, -0.7, 0.3, 1.0, 4.2, 9.9, 10.0, 30.0};
  Tensor x64 = from_vector(points, {int64_t(points.size())}, kFloat64);
  Tensor x32 = x64.to(kFloat32);
  std::vector<double> l64 = valuesOf(lgamma(x64)), l32 = valuesOf(lgamma(x32));
  std::vector<double> d64 = valuesOf(digamma(x64)),
                      d32 = valuesOf(digamma(x32));
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_NEAR(l32[i], l64[i], 2e-6 * std::max(1.0, std::abs(l64[i])));
    EXPECT_NEAR(d32[i], d64[i], 2e-6 * std::max(1.0, std::abs(d64[i])));
  }
  // Digamma's recurrence and series meet at 10.
  EXPECT_NEAR(digamma(scalar_tensor(9.999999, kFloat64)).item(),
              digamma(scalar_tensor(10.0, kFloat64)).item(), 1e-6);
}

TEST(GammaFunctions, LgammaGradientIsDigammaEagerAndCompiled) {
  for (Dtype dtype : {kFloat64, kFloat32}) {
    SCOPED_TRACE(dtypeName(dtype));
    std::vector<double> g = expectSameGradient(
        kPoints, [](const Tensor &x) { return lgamma(x).sum(); }, dtype);
    if (dtype == kFloat64)
      expectNear(g, kDigamma, 4e-15);
    // Compiled digamma (no gradient) gives the eager values too.
    NoGradGuard noGrad;
    Tensor x = from_vector(kPoints, {int64_t(kPoints.size())}, dtype);
    Tensor compiled = jit::compile(
        [](const std::vector<Tensor> &in) { return digamma(in[0]); })(x);
    std::vector<double> eager = valuesOf(digamma(x)), jit = valuesOf(compiled);
    for (size_t i = 0; i < eager.size(); ++i)
      EXPECT_TRUE(identical(jit[i], eager[i]))
          << "at x = " << kPoints[i] << ": compiled " << jit[i] << ", eager "
          << eager[i];
  }
}

TEST(GammaFunctions, TheGradientOfDigammaIsAClearError) {
  const char *message = "not supported: gradient of digamma (it needs "
                        "polygamma(1, x), which adjit does not have)";
  Tensor x = tensor({0.5, 2.0}, dtype(kFloat64).requires_grad(true));
  EXPECT_EQ(errorOf([&] { digamma(x).sum().backward(); }), message);
  // lgamma's second derivative goes through digamma's.
  Tensor g = autograd::grad({lgamma(x).sum()}, {x}, {}, true, true)[0];
  EXPECT_EQ(errorOf([&] { g.sum().backward(); }), message);
  // Compiled: the autodiff pass reports it.
  std::string compiled = errorOf([&] {
    jit::compile([&](const std::vector<Tensor> &) { return digamma(x).sum(); })(
        std::vector<Tensor>{});
  });
  EXPECT_NE(compiled.find(message), std::string::npos) << compiled;
  // Without a gradient, digamma is fine in either mode.
  NoGradGuard noGrad;
  EXPECT_NEAR(digamma(x)[1].item(), 1.0 - 0.5772156649015329, 1e-15);
}

} // namespace
