//===- NNLayersTest.cpp - Conv, pooling, norm, dropout and loss modules ---===//

#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;
namespace F = adjit::nn::functional;

namespace {

/// Expects `a` and `b` to have the same shape and bitwise equal values.
void expectSame(const Tensor &a, const Tensor &b) {
  ASSERT_EQ(a.sizes(), b.sizes());
  std::vector<double> va = values(a), vb = values(b);
  for (size_t i = 0; i < va.size(); ++i)
    EXPECT_EQ(va[i], vb[i]) << "element " << i;
}

/// Expects `a` and `b` to have the same shape and values within `tolerance`.
void expectClose(const Tensor &a, const Tensor &b, double tolerance) {
  ASSERT_EQ(a.sizes(), b.sizes());
  std::vector<double> va = values(a), vb = values(b);
  for (size_t i = 0; i < va.size(); ++i)
    EXPECT_NEAR(va[i], vb[i], tolerance) << "element " << i;
}

TEST(NNLayersTest, Conv2dShapesInitAndFunctionalForm) {
  manual_seed(1);
  nn::Conv2d conv(
      nn::Conv2dOptions(4, 6, {3, 2}).stride(2).padding(1).groups(2));
  EXPECT_EQ(conv->weight.sizes(), (Shape{6, 2, 3, 2}));
  EXPECT_EQ(conv->bias.sizes(), (Shape{6}));
  double bound = 1.0 / std::sqrt(2.0 * 3 * 2);
  EXPECT_LE(conv->weight.abs().max().item<double>(), bound);
  EXPECT_LE(conv->bias.abs().max().item<double>(), bound);
  EXPECT_EQ(conv->named_parameters()[0].first, "weight");

  Tensor x = randn({2, 4, 7, 5});
  Tensor y = conv(x);
  EXPECT_EQ(y.sizes(), (Shape{2, 6, 4, 3}));
  expectSame(y, conv2d(x, conv->weight, conv->bias, {2}, Shape{1}, {1}, 2));
  expectSame(y, F::conv2d(x, conv->weight,
                          F::Conv2dFuncOptions()
                              .bias(conv->bias)
                              .stride(2)
                              .padding(1)
                              .groups(2)));

  nn::Conv2d same(nn::Conv2dOptions(4, 3, 4).padding(kSame).bias(false));
  EXPECT_FALSE(same->bias.defined());
  EXPECT_EQ(same->parameters().size(), 1u);
  EXPECT_EQ(same(x).sizes(), (Shape{2, 3, 7, 5}));
  nn::Conv2d valid(nn::Conv2dOptions(4, 3, 3).padding(kValid));
  EXPECT_EQ(valid(x).sizes(), (Shape{2, 3, 5, 3}));

  nn::Conv1d conv1(3, 5, 3);
  EXPECT_EQ(conv1->weight.sizes(), (Shape{5, 3, 3}));
  EXPECT_EQ(conv1(randn({2, 3, 10})).sizes(), (Shape{2, 5, 8}));

  EXPECT_ADJIT_ERROR(nn::Conv2d(nn::Conv2dOptions(3, 4, 3).groups(2)),
                     "Conv2d: groups=2 must divide in_channels=3 and "
                     "out_channels=4");
  EXPECT_ADJIT_ERROR(nn::Conv2d(nn::Conv2dOptions(3, 4, {3, 0})),
                     "Conv2d: kernel sizes must be positive, got [3, 0]");
  EXPECT_ADJIT_ERROR(nn::Conv2d(nn::Conv2dOptions(3, 4, {3, 3, 3})),
                     "ExpandingArray: expected 2 values (one per spatial dim), "
                     "got [3, 3, 3]");
}

TEST(NNLayersTest, PoolingAndFlattenModulesAreTheirFunctions) {
  Tensor x = randn({2, 3, 7, 6});
  nn::MaxPool2d maxPool(nn::MaxPool2dOptions(3).stride(2).padding(1));
  expectSame(maxPool(x), max_pool2d(x, {3}, {2}, {1}));
  EXPECT_EQ(maxPool(x).sizes(), (Shape{2, 3, 4, 3}));
  nn::MaxPool2d defaultStride(nn::MaxPool2dOptions(2));
  EXPECT_EQ(defaultStride->options.stride().shape(), (Shape{2, 2}));
  EXPECT_EQ(defaultStride(x).sizes(), (Shape{2, 3, 3, 3}));
  nn::AvgPool2d avgPool(
      nn::AvgPool2dOptions({2, 3}).ceil_mode(true).count_include_pad(false));
  expectSame(avgPool(x), avg_pool2d(x, {2, 3}, {}, {0}, true, false));
  nn::AdaptiveAvgPool2d adaptive(nn::AdaptiveAvgPool2dOptions({3, 2}));
  expectSame(adaptive(x), adaptive_avg_pool2d(x, {3, 2}));
  EXPECT_EQ(adaptive(x).sizes(), (Shape{2, 3, 3, 2}));
  nn::Flatten flatten;
  EXPECT_EQ(flatten(x).sizes(), (Shape{2, 126}));
  nn::Flatten inner(nn::FlattenOptions().start_dim(1).end_dim(2));
  EXPECT_EQ(inner(x).sizes(), (Shape{2, 21, 6}));
}

TEST(NNLayersTest, LossModulesAreTheirFunctions) {
  manual_seed(3);
  Tensor x = randn({4, 3}), y = randn({4, 3});
  nn::MSELoss mse;
  expectSame(mse(x, y), F::mse_loss(x, y));
  nn::MSELoss mseSum(nn::MSELossOptions(F::Reduction::Sum));
  expectSame(mseSum(x, y), F::mse_loss(x, y, F::Reduction::Sum));
  nn::BCEWithLogitsLoss bce(
      nn::BCEWithLogitsLossOptions().reduction(F::Reduction::None));
  Tensor probabilities = sigmoid(y);
  expectSame(bce(x, probabilities), F::binary_cross_entropy_with_logits(
                                        x, probabilities, F::Reduction::None));

  Tensor target = tensor({0, 2, 1, 2}, kInt64);
  Tensor weight = tensor({0.5, 1.0, 2.0});
  nn::CrossEntropyLoss plain;
  expectSame(plain(x, target),
             F::cross_entropy(x, target, F::CrossEntropyFuncOptions()));
  EXPECT_TRUE(plain->buffers().empty());
  nn::CrossEntropyLoss weighted(nn::CrossEntropyLossOptions()
                                    .weight(weight)
                                    .ignore_index(1)
                                    .label_smoothing(0.1));
  expectSame(weighted(x, target), F::cross_entropy(x, target,
                                                   F::CrossEntropyFuncOptions()
                                                       .weight(weight)
                                                       .ignore_index(1)
                                                       .label_smoothing(0.1)));
  // The weights are the buffer "weight", converted with the module.
  ASSERT_EQ(weighted->named_buffers().size(), 1u);
  EXPECT_EQ(weighted->named_buffers()[0].first, "weight");
  weighted->to(kFloat64);
  EXPECT_EQ(weighted->weight.dtype(), kFloat64);
  Tensor x64 = x.to(kFloat64);
  expectClose(weighted(x64, target),
              F::cross_entropy(x64, target,
                               F::CrossEntropyFuncOptions()
                                   .weight(weight.to(kFloat64))
                                   .ignore_index(1)
                                   .label_smoothing(0.1)),
              1e-15);
}

TEST(NNLayersTest, BatchNormUpdatesRunningStatsInTrainingOnly) {
  nn::BatchNorm2d bn(nn::BatchNormOptions(3).momentum(0.5));
  EXPECT_EQ(bn->parameters().size(), 2u);
  auto buffers = bn->named_buffers();
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_EQ(buffers[0].first, "running_mean");
  EXPECT_EQ(buffers[1].first, "running_var");

  // Buffers are float32 like the parameters, so the input is too.
  Tensor x = randn({4, 3, 2, 2}) * 2.0 + 1.0;
  Tensor y = bn(x);
  // Normalized per channel with the biased batch variance.
  Tensor mean = x.mean({0, 2, 3}, true);
  Tensor biasedVar = ((x - mean) * (x - mean)).mean({0, 2, 3}, true);
  expectClose(y, (x - mean) / sqrt(biasedVar + 1e-5), 1e-5);
  // Running stats moved halfway to the batch mean and unbiased variance.
  Tensor unbiasedVar = biasedVar * (16.0 / 15.0);
  expectClose(bn->running_mean, mean.flatten() * 0.5, 1e-6);
  expectClose(bn->running_var, unbiasedVar.flatten() * 0.5 + 0.5, 1e-5);

  bn->eval();
  Tensor stats = bn->running_mean.clone();
  Tensor z = bn(x);
  expectSame(bn->running_mean, stats);
  expectClose(z,
              (x - bn->running_mean.view({1, 3, 1, 1})) /
                  sqrt(bn->running_var.view({1, 3, 1, 1}) + 1e-5),
              1e-5);

  nn::BatchNorm2d untracked(
      nn::BatchNormOptions(3).track_running_stats(false).affine(false));
  EXPECT_TRUE(untracked->buffers().empty());
  EXPECT_TRUE(untracked->parameters().empty());
  untracked->eval(); // still batch statistics
  expectClose(untracked(x), (x - mean) / sqrt(biasedVar + 1e-5), 1e-5);

  EXPECT_ADJIT_ERROR(bn(randn({4, 3})),
                     "BatchNorm2d: expected 4D input, got 2D input of shape "
                     "[4, 3]");
  nn::BatchNorm1d bn1(5);
  EXPECT_EQ(bn1(randn({4, 5})).sizes(), (Shape{4, 5}));
  EXPECT_EQ(bn1(randn({4, 5, 3})).sizes(), (Shape{4, 5, 3}));
  EXPECT_ADJIT_ERROR(bn1(randn({4, 5, 3, 2})),
                     "BatchNorm1d: expected 2D or 3D input, got 4D input");
}

TEST(NNLayersTest, DropoutFollowsTheModuleMode) {
  manual_seed(3);
  nn::Dropout dropout(0.25);
  Tensor x = ones({1000});
  Tensor y = dropout(x);
  double kept = (y != 0.0).to(kFloat64).mean().item<double>();
  EXPECT_NEAR(kept, 0.75, 0.05);
  // Survivors are scaled by 1 / (1 - p) exactly.
  EXPECT_NEAR(y.max().item<double>(), 1.0 / 0.75, 1e-6);
  dropout->eval();
  expectSame(dropout(x), x);
  expectSame(F::dropout(x, F::DropoutFuncOptions().p(0.5).training(false)), x);
  EXPECT_ADJIT_ERROR(nn::Dropout(1.5), "Dropout: dropout probability has to "
                                       "be between 0 and 1, but got 1.5");
}

} // namespace
