//===- NormalizationTest.cpp - eager batch_norm ---------------------------===//

#include "PyTorchReference.h"
#include "TestUtil.h"

#include <cmath>
#include <cstdio>
#include <functional>

using namespace adjit;
using namespace adjit::test;

namespace {

/// The per-channel statistics of `x` (any layout [N, C, ...]), computed
/// with plain loops: mean, biased and unbiased variance.
struct ChannelStats {
  std::vector<double> mean, biased, unbiased;
};
ChannelStats statsOf(const Tensor &x) {
  std::vector<double> v = values(x);
  int64_t n = x.sizes()[0], c = x.sizes()[1], inner = x.numel() / (n * c);
  ChannelStats s;
  for (int64_t ch = 0; ch < c; ++ch) {
    double sum = 0, squares = 0;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i)
        sum += v[(b * c + ch) * inner + i];
    double count = static_cast<double>(n * inner), mean = sum / count;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        double d = v[(b * c + ch) * inner + i] - mean;
        squares += d * d;
      }
    s.mean.push_back(mean);
    s.biased.push_back(squares / count);
    s.unbiased.push_back(squares / (count - 1));
  }
  return s;
}

/// (x - mean) / sqrt(var + eps) * w + b with plain loops.
std::vector<double> normalized(const Tensor &x, const std::vector<double> &mean,
                               const std::vector<double> &var,
                               const std::vector<double> &w,
                               const std::vector<double> &b, double eps) {
  std::vector<double> v = values(x), out;
  int64_t c = x.sizes()[1], inner = x.numel() / (x.sizes()[0] * c);
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t ch = (i / inner) % c;
    out.push_back((v[i] - mean[ch]) / std::sqrt(var[ch] + eps) * w[ch] + b[ch]);
  }
  return out;
}

TEST(BatchNormTest, TrainingNormalizesWithBatchStatsAndUpdatesRunningStats) {
  for (Shape shape : {Shape{5, 3}, Shape{4, 3, 2}, Shape{2, 3, 2, 3}}) {
    int64_t count = 1;
    for (int64_t size : shape)
      count *= size;
    Tensor x = from_vector(pattern(count), shape, kFloat64);
    std::vector<double> w = {0.5, -1.25, 2}, b = {0.1, 0.2, -0.3};
    std::vector<double> rm0 = {0.3, -0.2, 1}, rv0 = {1.5, 0.7, 2};
    Tensor rm = from_vector(rm0, {3}, kFloat64);
    Tensor rv = from_vector(rv0, {3}, kFloat64);
    Tensor y = batch_norm(x, from_vector(w, {3}, kFloat64),
                          from_vector(b, {3}, kFloat64), rm, rv,
                          /*training=*/true, 0.2, 1e-3);
    ChannelStats s = statsOf(x);
    expectTensor(y, shape, normalized(x, s.mean, s.biased, w, b, 1e-3), 1e-12);
    std::vector<double> rmExpected, rvExpected;
    for (int ch = 0; ch < 3; ++ch) {
      rmExpected.push_back(0.8 * rm0[ch] + 0.2 * s.mean[ch]);
      rvExpected.push_back(0.8 * rv0[ch] + 0.2 * s.unbiased[ch]);
    }
    expectTensor(rm, {3}, rmExpected, 1e-12);
    expectTensor(rv, {3}, rvExpected, 1e-12);
  }
}

TEST(BatchNormTest, EvalUsesRunningStatsAndUpdatesNothing) {
  Tensor x = from_vector(pattern(12), {2, 3, 2}, kFloat64);
  std::vector<double> rm0 = {0.3, -0.2, 1}, rv0 = {1.5, 0.7, 2};
  Tensor rm = from_vector(rm0, {3}, kFloat64);
  Tensor rv = from_vector(rv0, {3}, kFloat64);
  Tensor y = batch_norm(x, {}, {}, rm, rv, /*training=*/false);
  expectTensor(y, {2, 3, 2},
               normalized(x, rm0, rv0, {1, 1, 1}, {0, 0, 0}, 1e-5), 1e-12);
  expectTensor(rm, {3}, rm0, 0);
  expectTensor(rv, {3}, rv0, 0);
}

TEST(BatchNormTest, UndefinedRunningStatsUseBatchStatsInBothModes) {
  Tensor x = from_vector(pattern(12), {4, 3}, kFloat32);
  ChannelStats s = statsOf(x);
  for (bool training : {true, false})
    expectTensor(batch_norm(x, {}, {}, {}, {}, training), {4, 3},
                 normalized(x, s.mean, s.biased, {1, 1, 1}, {0, 0, 0}, 1e-5),
                 1e-5);
  // One value per channel is fine when not training.
  Tensor one = from_vector({1.0, 2.0}, {1, 2}, kFloat64);
  expectTensor(batch_norm(one, {}, {}, {}, {}, false), {1, 2}, {0, 0}, 0);
}

TEST(BatchNormTest, RunningStatsUpdateDoesNotRecordGradients) {
  Tensor x =
      from_vector(pattern(12), {4, 3}, dtype(kFloat64).requires_grad(true));
  Tensor rm = zeros({3}, kFloat64), rv = ones({3}, kFloat64);
  Tensor y = batch_norm(x, {}, {}, rm, rv, true);
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(rm.requires_grad());
  EXPECT_FALSE(rv.requires_grad());
  EXPECT_EQ(rm.grad_fn(), nullptr);
}

TEST(BatchNormTest, GradcheckFirstAndSecondOrder) {
  manual_seed(11);
  auto leafOf = [](const Shape &shape, double shift = 0) {
    return (randn(shape, kFloat64) + shift).requires_grad_();
  };
  for (Shape shape : {Shape{4, 3}, Shape{3, 2, 2}, Shape{2, 2, 2, 2}}) {
    int64_t c = shape[1];
    Tensor x = leafOf(shape), w = leafOf({c}, 1), b = leafOf({c});
    // Training, with and without the affine transform (running stats do
    // not change the output when training).
    checkFirstAndSecondOrder(
        [](auto &v) {
          return batch_norm(v[0], v[1], v[2], {}, {}, true, 0.1, 1e-3);
        },
        {x, w, b});
    checkFirstAndSecondOrder(
        [](auto &v) { return batch_norm(v[0], {}, {}, {}, {}, true); }, {x});
    // Eval: the running statistics are differentiable inputs too.
    Tensor rm = leafOf({c}), rv = (rand({c}, kFloat64) + 0.5).requires_grad_();
    checkFirstAndSecondOrder(
        [](auto &v) {
          return batch_norm(v[0], v[1], v[2], v[3], v[4], false, 0.1, 1e-3);
        },
        {x, w, b, rm, rv});
  }
}

TEST(BatchNormTest, Errors) {
  Tensor x = zeros({4, 3, 2});
  EXPECT_ADJIT_ERROR(batch_norm(x, ones({2}), {}, {}, {}, true),
                     "batch_norm: weight should have shape [3] (one value per "
                     "channel of input [4, 3, 2]), got [2]");
  EXPECT_ADJIT_ERROR(batch_norm(x, {}, zeros({3, 1}), {}, {}, true),
                     "batch_norm: bias should have shape [3]");
  EXPECT_ADJIT_ERROR(batch_norm(x, {}, {}, zeros({4}), ones({4}), true),
                     "batch_norm: running_mean should have shape [3] (one "
                     "value per channel of input [4, 3, 2]), got [4]");
  EXPECT_ADJIT_ERROR(batch_norm(x, {}, {}, zeros({3}), {}, true),
                     "batch_norm: running_mean and running_var must both be "
                     "defined or both undefined (input shape [4, 3, 2])");
  EXPECT_ADJIT_ERROR(batch_norm(zeros({1, 3}), {}, {}, {}, {}, true),
                     "batch_norm: expected more than 1 value per channel when "
                     "training, got input of shape [1, 3]");
  EXPECT_ADJIT_ERROR(batch_norm(zeros({3}), {}, {}, {}, {}, true),
                     "batch_norm: expected an input of shape [N, C], [N, C, "
                     "L] or [N, C, H, W], got [3]");
  EXPECT_ADJIT_ERROR(batch_norm(zeros({2, 3}, kInt64), {}, {}, {}, {}, true),
                     "batch_norm: expected a floating-point input, got int64");
  Tensor trained = zeros({3}, dtype(kFloat32).requires_grad(true));
  EXPECT_ADJIT_ERROR(batch_norm(x, {}, {}, trained, ones({3}), true),
                     "batch_norm: the state tensor of shape [3] requires grad");
}

TEST(BatchNormTest, MatchesPyTorch) {
  // torch.nn.functional.batch_norm on the same values (float64), training
  // then eval with the updated running statistics.
  std::string out = runPython(
      "import math, torch\n"
      "F = torch.nn.functional\n"
      "v = lambda n, ph: torch.tensor([math.sin(0.37 * i + ph) * 2 + 0.05 * i "
      "for i in range(n)], dtype=torch.float64)\n"
      "x = v(48, 0.1).reshape(2, 3, 2, 4)\n"
      "w, b = v(3, 0.7), v(3, 1.3)\n"
      "rm, rv = v(3, 2.0), v(3, 0.3).abs() + 0.5\n"
      "y = F.batch_norm(x, rm, rv, w, b, True, 0.3, 1e-4)\n"
      "z = F.batch_norm(x * 0.5, rm, rv, w, b, False, 0.3, 1e-4)\n"
      "print(\" \".join(repr(float(t)) for t in torch.cat([y.flatten(), "
      "rm, rv, z.flatten()])))\n");
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  std::vector<double> expected = parseNumbers(out);
  ASSERT_EQ(expected.size(), 48u + 3 + 3 + 48);
  auto v = [](int64_t n, double phase) {
    return from_vector(pattern(n, phase), {n}, kFloat64);
  };
  Tensor x = v(48, 0.1).reshape({2, 3, 2, 4});
  Tensor w = v(3, 0.7), b = v(3, 1.3);
  Tensor rm = v(3, 2.0), rv = abs(v(3, 0.3)) + 0.5;
  Tensor y = batch_norm(x, w, b, rm, rv, true, 0.3, 1e-4);
  Tensor z = batch_norm(x * 0.5, w, b, rm, rv, false, 0.3, 1e-4);
  std::vector<double> got = values(cat({y.flatten(), rm, rv, z.flatten()}));
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], 1e-12 * (1 + std::abs(expected[i])))
        << "element " << i;
}

} // namespace
