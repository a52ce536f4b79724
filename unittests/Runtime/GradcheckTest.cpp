//===- GradcheckTest.cpp - Finite-difference checks of every gradient -----===//

#include "TestUtil.h"

using namespace adjit;
using namespace adjit::test;

namespace {

Tensor positive(const Shape &shape) {
  return (rand(shape, kFloat64) + 0.5).requires_grad_();
}
Tensor any(const Shape &shape) {
  return randn(shape, kFloat64).requires_grad_();
}

class GradcheckTest : public ::testing::Test {
protected:
  void SetUp() override { manual_seed(2024); }
};

TEST_F(GradcheckTest, BinaryOpsWithBroadcasting) {
  std::vector<Tensor> same = {any({2, 3}), positive({2, 3})};
  std::vector<Tensor> bcast = {any({2, 1, 3}), positive({4, 1})};
  for (const auto &in : {same, bcast}) {
    checkFirstAndSecondOrder([](auto &x) { return x[0] + x[1]; }, in);
    checkFirstAndSecondOrder([](auto &x) { return x[0] - x[1]; }, in);
    checkFirstAndSecondOrder([](auto &x) { return x[0] * x[1]; }, in);
    checkFirstAndSecondOrder([](auto &x) { return x[0] / x[1]; }, in);
    checkFirstAndSecondOrder([](auto &x) { return pow(x[1], x[0]); }, in);
  }
}

TEST_F(GradcheckTest, ScalarOperandsAndMixedRequiresGrad) {
  Tensor x = any({3});
  Tensor c = randn({3}, kFloat64); // does not require grad
  checkFirstAndSecondOrder(
      [&](auto &v) { return (2.0 - v[0]) * 3.0 / (v[0] * v[0] + 1.0) + c; },
      {x});
  checkFirstAndSecondOrder([&](auto &v) { return v[0] * c - c / 2.0; }, {x});
}

TEST_F(GradcheckTest, UnaryOps) {
  Tensor x = any({2, 3});
  Tensor p = positive({2, 3});
  checkFirstAndSecondOrder([](auto &v) { return -v[0]; }, {x});
  checkFirstAndSecondOrder([](auto &v) { return exp(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return log(v[0]); }, {p});
  checkFirstAndSecondOrder([](auto &v) { return sqrt(v[0]); }, {p});
  checkFirstAndSecondOrder([](auto &v) { return tanh(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return sigmoid(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return pow(v[0], 3.0); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return pow(v[0], -1.5); }, {p});
  checkFirstAndSecondOrder([](auto &v) { return pow(v[0], 0.0); }, {p});
  // relu and abs away from their kink.
  Tensor away =
      tensor({-1.5, -0.3, 0.4, 2.0}, dtype(kFloat64).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck([](auto &v) { return relu(v[0]); }, {away}));
  EXPECT_TRUE(autograd::gradcheck([](auto &v) { return abs(v[0]); }, {away}));
  EXPECT_TRUE(autograd::gradcheck([](auto &v) { return sign(v[0]); }, {away}));
  // Piecewise constant away from their steps (integers for floor and
  // ceil, half-integers for round): zero gradients.
  Tensor offSteps =
      tensor({-1.3, -0.3, 0.4, 2.2}, dtype(kFloat64).requires_grad(true));
  for (Tensor (*step)(const Tensor &) : {&floor, &ceil, &round})
    EXPECT_TRUE(autograd::gradcheck([step](auto &v) { return step(v[0]); },
                                    {offSteps}));
}

TEST_F(GradcheckTest, TrigonometricAndSpecialFunctions) {
  Tensor x = any({2, 3});
  Tensor p = positive({2, 3});
  checkFirstAndSecondOrder([](auto &v) { return sin(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return cos(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return log1p(v[0]); }, {p});
  checkFirstAndSecondOrder([](auto &v) { return expm1(v[0]); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return erf(v[0]); }, {x});
  // lgamma's derivative is digamma, whose own derivative adjit does not
  // have: first order only, away from the poles (negative non-integers
  // too); the second order is an error.
  Tensor off = tensor({-2.5, -0.7, 0.3, 1.0, 4.2, 30.0},
                      dtype(kFloat64).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck([](auto &v) { return lgamma(v[0]); }, {p}));
  EXPECT_TRUE(autograd::gradcheck([](auto &v) { return lgamma(v[0]); }, {off}));
  Tensor g = autograd::grad({lgamma(off).sum()}, {off}, {}, true,
                            /*createGraph=*/true)[0];
  EXPECT_THROW(g.sum().backward(), Error);
}

TEST_F(GradcheckTest, ClampVarianceAndStandardDeviation) {
  Tensor x = tensor({-1.5, 0.3, 0.4, 2.0}, dtype(kFloat64).requires_grad(true));
  Tensor lo =
      tensor({-1.0, 0.5, -1.0, 0.0}, dtype(kFloat64).requires_grad(true));
  checkFirstAndSecondOrder([](auto &v) { return clamp(v[0], -1.0, 1.0); }, {x});
  checkFirstAndSecondOrder(
      [](auto &v) { return clamp(v[0], v[1], std::nullopt); }, {x, lo});
  Tensor m = any({3, 4});
  checkFirstAndSecondOrder([](auto &v) { return var(v[0], {1}, 1); }, {m});
  checkFirstAndSecondOrder(
      [](auto &v) { return adjit::std(v[0], {0}, 0, true); }, {m});
  checkFirstAndSecondOrder([](auto &v) { return v[0].std(); }, {m});
}

TEST_F(GradcheckTest, ExtremaAndLogsumexp) {
  Tensor m = any({3, 4});
  checkFirstAndSecondOrder([](auto &v) { return amax(v[0], {1}); }, {m});
  checkFirstAndSecondOrder([](auto &v) { return amin(v[0], {0}, true); }, {m});
  checkFirstAndSecondOrder([](auto &v) { return v[0].min(); }, {m});
  checkFirstAndSecondOrder([](auto &v) { return logsumexp(v[0], {1}); }, {m});
  checkFirstAndSecondOrder([](auto &v) { return logsumexp(v[0], {}, true); },
                           {m});
}

TEST_F(GradcheckTest, MaximumAndMinimumAwayFromTies) {
  Tensor a = tensor({-1.5, 0.3, 0.4, 2.0}, dtype(kFloat64).requires_grad(true));
  Tensor b = tensor({{0.5}, {-0.7}}, dtype(kFloat64).requires_grad(true));
  checkFirstAndSecondOrder([](auto &v) { return maximum(v[0], v[1]); }, {a, b});
  checkFirstAndSecondOrder([](auto &v) { return minimum(v[0], v[1]); }, {a, b});
}

TEST_F(GradcheckTest, Matmul) {
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({3, 4}), any({4, 2})});
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({4}), any({4})});
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({4}), any({4, 2})});
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({3, 4}), any({4})});
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({2, 3, 4}), any({4, 2})});
  checkFirstAndSecondOrder([](auto &v) { return matmul(v[0], v[1]); },
                           {any({2, 1, 3, 4}), any({3, 4, 2})});
  checkFirstAndSecondOrder(
      [](auto &v) { return matmul(v[0].t(), v[1].transpose(0, 1)); },
      {any({4, 3}), any({2, 4})});
}

// Convolution
TEST_F(GradcheckTest, Convolution) {
  // Input, weight and bias, first and second order, at several attributes.
  auto conv = [](Shape stride, Shape padding, Shape dilation, int64_t groups) {
    return [=](auto &v) {
      return conv2d(v[0], v[1], v[2], stride, padding, dilation, groups);
    };
  };
  checkFirstAndSecondOrder(conv({1}, {0}, {1}, 1),
                           {any({2, 3, 5, 4}), any({2, 3, 3, 2}), any({2})});
  checkFirstAndSecondOrder(conv({2}, {1}, {1}, 1),
                           {any({1, 2, 5, 6}), any({3, 2, 3, 3}), any({3})});
  checkFirstAndSecondOrder(conv({1, 2}, {2, 1}, {2, 1}, 1),
                           {any({1, 2, 6, 5}), any({2, 2, 3, 2}), any({2})});
  checkFirstAndSecondOrder(conv({1}, {0, 1}, {1}, 2),
                           {any({2, 4, 4, 4}), any({6, 2, 2, 2}), any({6})});
  // Depthwise and 1x1.
  checkFirstAndSecondOrder(conv({2}, {1}, {1}, 3),
                           {any({1, 3, 5, 5}), any({3, 1, 3, 3}), any({3})});
  checkFirstAndSecondOrder(conv({1}, {0}, {1}, 1),
                           {any({2, 3, 3, 2}), any({4, 3, 1, 1}), any({4})});
  // "same" with an even kernel (the extra zero on the right and bottom), an
  // unbatched input, no bias.
  checkFirstAndSecondOrder(
      [](auto &v) { return conv2d(v[0], v[1], Tensor(), {1}, "same"); },
      {any({2, 4, 5}), any({3, 2, 2, 4})});
  checkFirstAndSecondOrder(
      [](auto &v) {
        return conv2d(v[0], v[1], Tensor(), {1}, "same", {2, 1});
      },
      {any({1, 2, 5, 5}), any({2, 2, 2, 3})});
  // conv1d: stride, padding, dilation, groups, "same".
  checkFirstAndSecondOrder(
      [](auto &v) { return conv1d(v[0], v[1], v[2], {2}, Shape{1}, {2}, 2); },
      {any({2, 4, 9}), any({4, 2, 3}), any({4})});
  checkFirstAndSecondOrder(
      [](auto &v) { return conv1d(v[0], v[1], Tensor(), {1}, "same"); },
      {any({3, 6}), any({2, 3, 4})});
}

TEST_F(GradcheckTest, Reductions) {
  Tensor x = any({2, 3, 4});
  checkFirstAndSecondOrder([](auto &v) { return v[0].sum(); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].sum({1}); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].sum({0, 2}, true); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].mean(); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].mean({-1}); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].mean({1}, true); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].max() * v[0].sum(); },
                           {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].max(1).first; }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].max(2, true).first; },
                           {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].min(0).first; }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].min(-1, true).first; },
                           {x});
}

TEST_F(GradcheckTest, ShapeOps) {
  Tensor x = any({2, 3, 4});
  checkFirstAndSecondOrder([](auto &v) { return v[0].reshape({4, 6}); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].view({-1}); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].transpose(0, 2); }, {x});
  checkFirstAndSecondOrder(
      [](auto &v) {
        return v[0].permute({1, 2, 0});
      },
      {x});
  checkFirstAndSecondOrder(
      [](auto &v) {
        return v[0].permute({2, 0, 1}).reshape({4, 6});
      },
      {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].slice(2, 1, 4, 2); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].select(1, -1); }, {x});
  // Many slices and selects of one tensor: their gradients accumulate into
  // one buffer (first order) or as dense tensors (create_graph).
  checkFirstAndSecondOrder(
      [](auto &v) {
        Tensor a = v[0];
        return a.select(1, 0) * a.select(1, 2) + a.slice(1, 1, 3).sum({1}) +
               (a.slice(2, 0, 4, 3).sum({1, 2}) * a.narrow(1, 0, 1).sum({1, 2}))
                   .unsqueeze(1);
      },
      {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0][1]; }, {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].unsqueeze(1); }, {x});
  checkFirstAndSecondOrder(
      [](auto &v) { return v[0].slice(1, 0, 1).squeeze(1); }, {x});
  checkFirstAndSecondOrder(
      [](auto &v) {
        return v[0].slice(1, 0, 1).expand({2, 5, 4});
      },
      {x});
  checkFirstAndSecondOrder([](auto &v) { return v[0].contiguous() * 1.0; },
                           {x.transpose(0, 1).detach().requires_grad_()});
  checkFirstAndSecondOrder([](auto &v) { return v[0].clone(); }, {x});
  checkFirstAndSecondOrder([](auto &v) { return sum_to(v[0], {3, 1}); }, {x});
  checkFirstAndSecondOrder(
      [](auto &v) {
        return cat({v[0], v[1] * 2.0, v[0]}, 1);
      },
      {any({2, 3}), any({2, 1})});
}

TEST_F(GradcheckTest, WhereAndConversions) {
  Tensor cond = tensor({{1, 0, 1}, {0, 0, 1}}, kBool);
  checkFirstAndSecondOrder([&](auto &v) { return where(cond, v[0], v[1]); },
                           {any({2, 3}), any({3})});
  // Through a float32 round trip (values are exact in float32).
  Tensor exact = tensor({0.5, -1.25, 2.0}, dtype(kFloat64).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(
      [](auto &v) { return v[0].to(kFloat32).to(kFloat64) * v[0]; }, {exact},
      {1e-2, 1e-3, 1e-3, true}));
}

TEST_F(GradcheckTest, Losses) {
  namespace F = nn::functional;
  Tensor target = randn({4, 3}, kFloat64);
  checkFirstAndSecondOrder([&](auto &v) { return F::mse_loss(v[0], target); },
                           {any({4, 3})});
  Tensor classes = tensor({2, 0, 1, 2}, kInt64);
  checkFirstAndSecondOrder(
      [&](auto &v) { return F::cross_entropy(v[0], classes); }, {any({4, 3})});
  checkFirstAndSecondOrder([&](auto &v) { return F::log_softmax(v[0], 1); },
                           {any({2, 3})});
  checkFirstAndSecondOrder(
      [&](auto &v) { return F::log_softmax(v[0], 0) * v[0]; },
      {any({3, 2, 2})});
  checkFirstAndSecondOrder([&](auto &v) { return F::softmax(v[0], -1); },
                           {any({2, 4})});
  Tensor labels = tensor({{0, 1, 1}, {1, 0, 0.5}}, kFloat64);
  checkFirstAndSecondOrder(
      [&](auto &v) { return F::binary_cross_entropy_with_logits(v[0], v[1]); },
      {any({2, 3}), labels.clone().requires_grad_()});
}

TEST_F(GradcheckTest, InPlaceOnNonLeafRebasesHistory) {
  checkFirstAndSecondOrder(
      [](auto &v) {
        Tensor y = v[0] * 2.0;
        y.mul_(v[1]);
        y.add_(v[1], 3.0);
        y.div_(v[0] * v[0] + 1.0);
        y.sub_(v[0]);
        return y;
      },
      {any({3}), any({3})});
}

// Pooling
TEST_F(GradcheckTest, Pooling) {
  // Squared, so that the second order runs through the gradients'
  // gradients (max pooling: scatter, then gather at the indices). Random
  // inputs have no ties.
  auto squared = [](std::function<Tensor(const Tensor &)> pool) {
    return [pool](auto &v) {
      Tensor y = pool(v[0]);
      return y * y;
    };
  };
  Tensor x = any({2, 2, 5, 5});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return max_pool2d(t, {3}, {1}); }), {x});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return max_pool2d(t, {3}, {2}, {1}); }),
      {x});
  checkFirstAndSecondOrder(squared([](const Tensor &t) {
                             return max_pool2d(t, {2, 3}, {1, 2}, {1}, {2, 1});
                           }),
                           {x});
  checkFirstAndSecondOrder(squared([](const Tensor &t) {
                             return max_pool2d(t, {2}, {2}, {0}, {1}, true);
                           }),
                           {any({2, 5, 5})});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return avg_pool2d(t, {3}, {1}); }), {x});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return avg_pool2d(t, {3}, {2}, {1}); }),
      {x});
  checkFirstAndSecondOrder(squared([](const Tensor &t) {
                             return avg_pool2d(t, {3}, {2}, {1}, true, false);
                           }),
                           {x});
  checkFirstAndSecondOrder(squared([](const Tensor &t) {
                             return avg_pool2d(t, {2, 3}, {2}, {1}, true);
                           }),
                           {any({2, 5, 5})});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return adaptive_avg_pool2d(t, {3}); }),
      {any({1, 2, 7, 7})});
  checkFirstAndSecondOrder(squared([](const Tensor &t) {
                             return adaptive_avg_pool2d(t, {3, 4});
                           }),
                           {any({2, 5, 3})});
  checkFirstAndSecondOrder(
      squared([](const Tensor &t) { return flatten(t, 1, 2) * 1.5; }),
      {any({2, 3, 2, 2})});
}

// Indexing
TEST_F(GradcheckTest, IndexingOps) {
  auto ints = [](const std::vector<double> &v, const Shape &shape) {
    return from_vector(v, shape, kInt64);
  };
  Tensor i = ints({2, 0, 1, 1, 0, 2, 2, 0}, {2, 4});
  checkFirstAndSecondOrder(
      [&](auto &x) { return gather(x[0], 0, i) * gather(x[0], 0, i); },
      {any({3, 4})});
  checkFirstAndSecondOrder(
      [&](auto &x) {
        Tensor s = scatter_add(x[0], 0, i, x[1] * x[1]);
        return s * s;
      },
      {any({3, 4}), any({2, 4})});
  Tensor rows = ints({2, 0, 2, 1, 2}, {5});
  checkFirstAndSecondOrder(
      [&](auto &x) { return index_select(x[0], 0, rows).pow(3.0); },
      {any({3, 2})});
  // (With a padding_idx the gradient differs from the finite differences on
  // purpose: IndexingTest.cpp checks it.)
  checkFirstAndSecondOrder(
      [&](auto &x) {
        return embedding(x[0], ints({1, 1, 0, 2}, {2, 2})).pow(3.0);
      },
      {any({3, 2})});
  checkFirstAndSecondOrder(
      [&](auto &x) {
        return index(x[0], {ints({1, 0, 1}, {3}), ints({2, 2, 2}, {3})})
            .pow(3.0);
      },
      {any({2, 3, 2})});
  checkFirstAndSecondOrder(
      [&](auto &x) {
        return index_put(x[0], {ints({0, 2, 0}, {3})}, x[1] * x[1],
                         /*accumulate=*/true)
            .pow(2.0);
      },
      {any({3, 2}), any({3, 2})});
  checkFirstAndSecondOrder(
      [&](auto &x) {
        return index_put(x[0], {ints({0, 2}, {2}), ints({1, 0}, {2})},
                         x[1] * x[1])
            .pow(2.0);
      },
      {any({3, 2}), any({2})});
}

} // namespace
