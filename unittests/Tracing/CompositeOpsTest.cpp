//===- CompositeOpsTest.cpp - ops built from primitives, eager and compiled
//===//
//
// clamp, var and std are compositions of primitives: their compiled
// gradients must equal their eager ones exactly, and follow PyTorch at the
// singular points (bounds, NaN, zero variance).
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace adjit;
using adjit::test::expectSameGradient;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(CompositeOps, ClampPassesTheGradientInsideInclusiveBoundsAndNotAtNaN) {
  std::vector<double> at = {-2.0, -1.0, 0.0, 1.0, 2.0, kNaN, kInf, -kInf};
  std::vector<double> g = expectSameGradient(
      at, [](const Tensor &x) { return (clamp(x, -1.0, 1.0) * 1.0).sum(); });
  EXPECT_EQ(g, (std::vector<double>{0, 1, 1, 1, 0, 0, 0, 0}));
  Tensor v = clamp(tensor({-2.0, 0.5, kNaN}, kFloat64), -1.0, 1.0);
  EXPECT_EQ(v[0].item(), -1.0);
  EXPECT_EQ(v[1].item(), 0.5);
  EXPECT_TRUE(std::isnan(v[2].item()));
  // min > max: every element is max.
  EXPECT_EQ(clamp(tensor({0.0, 5.0}), 2.0, 1.0).sum().item(), 2.0);
  expectSameGradient(at, [](const Tensor &x) {
    return x.clamp_min(0.0).sum() + x.clamp_max(0.5).sum();
  });
}

TEST(CompositeOps, ClampWithTensorBoundsSendsTheGradientToTheBoundTaken) {
  Tensor x = tensor({-3.0, 0.0, 3.0}, kFloat64).requires_grad_();
  Tensor lo = tensor({-1.0, -1.0, -1.0}, kFloat64).requires_grad_();
  Tensor hi = tensor({1.0}, kFloat64).requires_grad_();
  clamp(x, lo, hi).sum().backward();
  EXPECT_EQ(x.grad()[1].item(), 1.0);
  EXPECT_EQ(lo.grad()[0].item(), 1.0);
  EXPECT_EQ(hi.grad()[0].item(), 1.0);
  EXPECT_THROW(clamp(x, std::nullopt, std::optional<double>()), Error);
}

TEST(CompositeOps, VarianceAndStandardDeviation) {
  Tensor t = tensor({{1.0, 2.0, 4.0}, {3.0, 3.0, 3.0}}, kFloat64);
  EXPECT_NEAR(t.var().item(), 16.0 / 15.0, 1e-12);
  EXPECT_NEAR(var(t, {1}, 0)[0].item(), 14.0 / 9.0, 1e-12);
  EXPECT_EQ(var(t, {1}, 1, true).sizes(), (Shape{2, 1}));
  EXPECT_NEAR(adjit::std(t, {1})[0].item(), std::sqrt(7.0 / 3.0), 1e-12);
  EXPECT_EQ(adjit::std(t, {1})[1].item(), 0.0);
  EXPECT_THROW(var(tensor({1, 2}, kInt64)), Error);
}

TEST(CompositeOps, StandardDeviationHasAZeroGradientAtZeroVariance) {
  // PyTorch masks the infinite derivative of sqrt at 0.
  std::vector<double> g = expectSameGradient(
      {2.0, 2.0, 2.0}, [](const Tensor &x) { return x.std(); });
  EXPECT_EQ(g, (std::vector<double>{0, 0, 0}));
  expectSameGradient({1.0, -2.0, 0.5, 4.0}, [](const Tensor &x) {
    return x.std() + x.var({0}, 0) * 0.5;
  });
}

TEST(CompositeOps, AmaxAminAndMinShareTiesAndMatchCompiled) {
  std::vector<double> g =
      expectSameGradient({1.0, 3.0, 3.0, -2.0, -2.0, 0.5}, [](const Tensor &x) {
        Tensor m = x.view({2, 3});
        return (amax(m, {1}) * tensor({1.0, 10.0}, kFloat64)).sum() +
               amin(m, {0}, true).sum();
      });
  // Row maxima 3 (tied: half each) and 0.5 (weight 10); the column minima
  // -2, -2 and 0.5 all lie in the second row.
  EXPECT_EQ(g, (std::vector<double>{0, 0.5, 0.5, 1, 1, 11}));
  expectSameGradient({2.0, kNaN, 2.0},
                     [](const Tensor &x) { return x.min() + x.amax(); });
  EXPECT_EQ(tensor({{1.0, 5.0}, {7.0, 2.0}}).amax({0}, true).sizes(),
            (Shape{1, 2}));
  EXPECT_EQ(amin(tensor({{1.0, 5.0}, {7.0, 2.0}}), {-1})[1].item(), 2.0);
  EXPECT_THROW(amax(zeros({2, 0}), {1}), Error);
}

TEST(CompositeOps, LogsumexpIsStableAndItsGradientIsSoftmax) {
  Tensor big = tensor({1000.0, 1000.0}, kFloat64);
  EXPECT_NEAR(logsumexp(big, {0}).item(), 1000.0 + std::log(2.0), 1e-9);
  Tensor rows = tensor({{-kInf, -kInf}, {0.0, 0.0}}, kFloat64);
  EXPECT_EQ(logsumexp(rows, {1})[0].item(), -kInf);
  std::vector<double> g = expectSameGradient(
      {1.0, 2.0, 3.0, 1000.0, 1000.0, -kInf}, [](const Tensor &x) {
        return logsumexp(x.view({2, 3}), {1}).sum();
      });
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(g[0], std::exp(1.0) / z, 1e-15);
  EXPECT_EQ(g[3], 0.5);
  EXPECT_EQ(g[5], 0.0);
  EXPECT_EQ(logsumexp(rows, {1}, true).sizes(), (Shape{2, 1}));
}

} // namespace
