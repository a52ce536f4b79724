//===- NNInitTest.cpp - Module buffers and nn::init -----------------------===//

#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;

namespace {

class WithStatsImpl : public nn::Module {
public:
  WithStatsImpl() : Module("WithStats") {
    fc = register_module("fc", nn::Linear(2, 2));
    count = register_buffer("count", zeros({1}));
    register_buffer("unused", Tensor());
  }
  nn::Linear fc{nullptr};
  Tensor count;
};
ADJIT_MODULE(WithStats);

class OuterImpl : public nn::Module {
public:
  OuterImpl() : Module("Outer") {
    inner = register_module("inner", WithStats());
    register_buffer("steps", full({}, 3.0));
  }
  WithStats inner{nullptr};
};
ADJIT_MODULE(Outer);

TEST(NNInitTest, BuffersAreNamedRecursivelyAndNeverTrained) {
  Outer model;
  auto named = model->named_buffers();
  ASSERT_EQ(named.size(), 2u);
  EXPECT_EQ(named[0].first, "steps");
  EXPECT_EQ(named[1].first, "inner.count");
  EXPECT_EQ(model->buffers(/*recurse=*/false).size(), 1u);
  EXPECT_EQ(model->parameters().size(), 2u); // fc.weight, fc.bias only
  for (const Tensor &b : model->buffers())
    EXPECT_FALSE(b.requires_grad());
  // The stored tensor is the module's: an in-place change is seen through
  // buffers().
  model->inner->count.fill_(5.0);
  EXPECT_EQ(model->buffers()[1].item<double>(), 5.0);
  // A buffer registered from a tensor that requires grad is detached.
  Tensor &b = model->register_buffer("w", ones({2}, kFloat32).requires_grad_());
  EXPECT_FALSE(b.requires_grad());
  EXPECT_TRUE(b.is_leaf());
}

TEST(NNInitTest, GainsAndFansFollowPyTorch) {
  namespace I = nn::init;
  EXPECT_EQ(I::calculate_gain(kLinear), 1.0);
  EXPECT_EQ(I::calculate_gain(kConv2D), 1.0);
  EXPECT_EQ(I::calculate_gain(kSigmoid), 1.0);
  EXPECT_DOUBLE_EQ(I::calculate_gain(kTanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(I::calculate_gain(kReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(I::calculate_gain(kLeakyReLU, 0.2), std::sqrt(2.0 / 1.04));
  auto [fanIn, fanOut] = I::calculate_fan_in_and_fan_out(empty({8, 3, 5, 5}));
  EXPECT_EQ(fanIn, 75);
  EXPECT_EQ(fanOut, 200);
  auto [linIn, linOut] = I::calculate_fan_in_and_fan_out(empty({4, 7}));
  EXPECT_EQ(linIn, 7);
  EXPECT_EQ(linOut, 4);
  EXPECT_ADJIT_ERROR(I::calculate_fan_in_and_fan_out(empty({5})),
                     "calculate_fan_in_and_fan_out: fan in and fan out need a "
                     "tensor of at least 2 dims, got shape [5]");
}

/// The sample standard deviation of all elements.
double sampleStd(const Tensor &t) {
  Tensor d = t.to(kFloat64).flatten();
  return std::sqrt(((d - d.mean()) * (d - d.mean())).mean().item<double>());
}

TEST(NNInitTest, KaimingAndXavierHitTheirBoundsAndSpread) {
  namespace I = nn::init;
  manual_seed(7);
  // fan_in = 64 * 9 = 576, fan_out = 32 * 9 = 288.
  Tensor w = empty({32, 64, 3, 3}, kFloat32).requires_grad_();
  double reluStd = std::sqrt(2.0) / std::sqrt(576.0);

  I::kaiming_uniform_(w, 0.0, kFanIn, kReLU);
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
  EXPECT_LE(w.abs().max().item<double>(), std::sqrt(3.0) * reluStd);
  EXPECT_NEAR(sampleStd(w), reluStd, 0.03 * reluStd);

  I::kaiming_normal_(w, 0.0, kFanOut, kReLU);
  EXPECT_NEAR(sampleStd(w), std::sqrt(2.0) / std::sqrt(288.0),
              0.03 * std::sqrt(2.0) / std::sqrt(288.0));

  double xavier = std::sqrt(2.0 / (576.0 + 288.0));
  I::xavier_uniform_(w);
  EXPECT_LE(w.abs().max().item<double>(), std::sqrt(3.0) * xavier);
  EXPECT_NEAR(sampleStd(w), xavier, 0.03 * xavier);
  I::xavier_normal_(w, 2.0);
  EXPECT_NEAR(sampleStd(w), 2.0 * xavier, 0.06 * xavier);

  I::constant_(w, 0.25);
  EXPECT_EQ(w.min().item<double>(), 0.25);
  EXPECT_EQ(w.max().item<double>(), 0.25);
  I::zeros_(w);
  EXPECT_EQ(w.abs().max().item<double>(), 0.0);
  I::ones_(w);
  EXPECT_EQ(w.sum().item<double>(), static_cast<double>(w.numel()));
  EXPECT_EQ(w.grad_fn(), nullptr);
}

} // namespace
