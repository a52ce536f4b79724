//===- TrainStepTest.cpp - tests of jit::TrainStep against eager optim ----===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;

/// A small MLP's parameters, the same on every call.
std::vector<Tensor> makeParameters() { return test::makeMlpParameters(9); }

using test::mlpLossWith;
/// The MLP's loss with `p`.
jit::TensorFunction lossWith(std::vector<Tensor> &p) { return mlpLossWith(p); }

/// One eager training step of `optimizer` on the MLP with `p` on (x, y);
/// returns the loss before the update.
Tensor eagerStep(optim::Optimizer &optimizer, std::vector<Tensor> &p,
                 const Tensor &x, const Tensor &y) {
  optimizer.zero_grad();
  Tensor loss = lossWith(p)({x, y});
  loss.backward();
  optimizer.step();
  return loss;
}

/// Trains the MLP for `steps` steps with the eager optimizer `Optimizer` and
/// with a TrainStep, both from `options`, on batches of `batchSizes` rows in
/// turn, and expects equal losses at every step and equal parameters at the
/// end. Returns the TrainStep's statistics.
template <typename Optimizer, typename Options>
jit::CompileStats
expectTrainStepMatchesEager(const Options &options, int steps,
                            const std::vector<int64_t> &batchSizes = {16}) {
  manual_seed(5);
  Tensor x = randn({16, 3}), y = randn({16, 1});
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  Optimizer optimizer(eager, options);
  jit::TrainStep step(lossWith(fused), options);
  for (int i = 0; i < steps; ++i) {
    int64_t rows = batchSizes[i % batchSizes.size()];
    Tensor xb = x.slice(0, 0, rows), yb = y.slice(0, 0, rows);
    Tensor eagerLoss = eagerStep(optimizer, eager, xb, yb);
    SCOPED_TRACE("step " + std::to_string(i));
    expectClose(step(xb, yb), eagerLoss);
  }
  for (size_t i = 0; i < eager.size(); ++i) {
    SCOPED_TRACE("parameter " + std::to_string(i));
    expectClose(fused[i], eager[i]);
    // The parameters moved, so the comparison is not of initial values.
    EXPECT_FALSE(allclose(fused[i], makeParameters()[i]));
  }
  EXPECT_EQ(step.getStepCount(), steps);
  EXPECT_FALSE(fused[0].grad().defined());
  return step.getStats();
}

TEST(JitTrainStep, PlainSgdWithWeightDecayMatchesEager) {
  jit::CompileStats stats = expectTrainStepMatchesEager<optim::SGD>(
      optim::SGDOptions(0.05).weight_decay(0.01), 12);
  EXPECT_EQ(stats.compilations, 1);
  EXPECT_EQ(stats.cacheHits, 11);
}

TEST(JitTrainStep, ViewsOfParametersSeeTheUpdates) {
  // The updated parameters and momentum buffers come back without a copy
  // where nothing else shares their storage, and are copied into it where
  // something does: here a view of the first weight, kept across steps.
  manual_seed(5);
  Tensor x = randn({16, 3}), y = randn({16, 1});
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  Tensor view = fused[0].view({-1});
  auto options = optim::SGDOptions(0.05).momentum(0.9);
  optim::SGD optimizer(eager, options);
  jit::TrainStep step(lossWith(fused), options);
  for (int i = 0; i < 3; ++i) {
    eagerStep(optimizer, eager, x, y);
    step(x, y);
  }
  for (size_t i = 0; i < eager.size(); ++i) {
    SCOPED_TRACE("parameter " + std::to_string(i));
    expectClose(fused[i], eager[i]);
  }
  EXPECT_TRUE(equal(view, fused[0].view({-1})));
  EXPECT_FALSE(allclose(view, makeParameters()[0].view({-1})));
}

TEST(JitTrainStep, SgdMomentumMatchesEager) {
  expectTrainStepMatchesEager<optim::SGD>(
      optim::SGDOptions(0.05).momentum(0.9).weight_decay(0.01), 12);
}

TEST(JitTrainStep, SgdNesterovMatchesEager) {
  expectTrainStepMatchesEager<optim::SGD>(
      optim::SGDOptions(0.03).momentum(0.8).nesterov(true).weight_decay(1e-3),
      12);
}

TEST(JitTrainStep, SgdMomentumWithDampeningMatchesEager) {
  // Dampening applies from the second step on: the first step's buffer is
  // the undamped gradient.
  expectTrainStepMatchesEager<optim::SGD>(
      optim::SGDOptions(0.05).momentum(0.9).dampening(0.3), 12);
}

TEST(JitTrainStep, AdamMatchesEager) {
  expectTrainStepMatchesEager<optim::Adam>(optim::AdamOptions(0.01), 12);
}

TEST(JitTrainStep, AdamWithWeightDecayBetasAndEpsMatchesEager) {
  expectTrainStepMatchesEager<optim::Adam>(
      optim::AdamOptions(0.02).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.05),
      12);
}

TEST(JitTrainStep, AdamWMatchesEager) {
  // Decoupled decay scales the parameters before Adam's step; a large decay
  // makes a wrong order or an L2 penalty show.
  jit::CompileStats stats = expectTrainStepMatchesEager<optim::AdamW>(
      optim::AdamWOptions(0.02).betas({0.85, 0.99}).weight_decay(0.5), 12);
  EXPECT_EQ(stats.compilations, 1);
  expectTrainStepMatchesEager<optim::AdamW>(optim::AdamWOptions(0.01), 6);
}

TEST(JitTrainStep, AdamWLearningRateChangesWithoutRecompiling) {
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  optim::AdamWOptions options = optim::AdamWOptions(0.05).weight_decay(0.1);
  optim::AdamW optimizer(eager, options);
  jit::TrainStep step(lossWith(fused), options);
  manual_seed(2);
  Tensor x = randn({8, 3}), y = randn({8, 1});
  for (int i = 0; i < 6; ++i) {
    // A schedule: the rate halves every step, in both.
    double lr = 0.05 / (1 << i);
    optimizer.options().lr(lr);
    step.setLearningRate(lr);
    Tensor eagerLoss = eagerStep(optimizer, eager, x, y);
    expectClose(step(x, y), eagerLoss);
  }
  for (size_t i = 0; i < eager.size(); ++i)
    expectClose(fused[i], eager[i]);
  EXPECT_EQ(step.getStats().compilations, 1);
  EXPECT_NEAR(std::get<optim::AdamWOptions>(step.getOptions()).lr(), 0.05 / 32,
              1e-15);
}

TEST(JitTrainStep, OptimizerStateSurvivesRecompilation) {
  // Two batch sizes, two compilations; the moments and the step count
  // belong to the parameters and the TrainStep, not to a compilation.
  jit::CompileStats stats = expectTrainStepMatchesEager<optim::Adam>(
      optim::AdamOptions(0.01).weight_decay(0.01), 12, {16, 8});
  EXPECT_EQ(stats.compilations, 2);
  EXPECT_EQ(stats.cacheHits, 10);
  EXPECT_EQ(stats.lastReason, "input 0 changed shape from [16, 3] to [8, 3]");
}

TEST(JitTrainStep, PlainSgdFollowsLearningRateChangesWithoutRecompiling) {
  manual_seed(5);
  Tensor x = randn({32, 3}), y = randn({32, 1});
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  jit::TrainStep step(lossWith(fused),
                      optim::SGDOptions(0.05).weight_decay(0.01));
  double learningRate = 0.05;
  for (int i = 0; i < 10; ++i) {
    if (i == 5) {
      learningRate = 0.02;
      step.setLearningRate(learningRate);
    }
    // Plain SGD keeps no state, so a fresh optimizer per step is the same.
    optim::SGD optimizer(eager,
                         optim::SGDOptions(learningRate).weight_decay(0.01));
    Tensor eagerLoss = eagerStep(optimizer, eager, x, y);
    expectClose(step(x, y), eagerLoss);
  }
  for (size_t i = 0; i < eager.size(); ++i)
    expectClose(fused[i], eager[i]);
  EXPECT_EQ(step.getStats().compilations, 1);
  EXPECT_DOUBLE_EQ(step.getLearningRate(), 0.02);
}

TEST(JitTrainStep, AdamLearningRateIsARuntimeInput) {
  manual_seed(5);
  Tensor x = randn({16, 3}), y = randn({16, 1});
  std::vector<Tensor> p = makeParameters();
  jit::TrainStep step(lossWith(p), optim::AdamOptions(0.01));
  for (int i = 0; i < 3; ++i)
    step(x, y);
  // With a learning rate of 0 a step updates the moments but not the
  // parameters.
  step.setLearningRate(0.0);
  std::vector<Tensor> before;
  for (const Tensor &parameter : p)
    before.push_back(parameter.detach().clone());
  step(x, y);
  for (size_t i = 0; i < p.size(); ++i)
    EXPECT_TRUE(equal(p[i].detach(), before[i])) << "parameter " << i;
  step.setLearningRate(0.01);
  step(x, y);
  EXPECT_FALSE(allclose(p[0].detach(), before[0]));
  EXPECT_EQ(step.getStepCount(), 5);
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.compilations, 1);
  EXPECT_EQ(stats.cacheHits, 4);
  EXPECT_NEAR(std::get<optim::AdamOptions>(step.getOptions()).lr(), 0.01,
              1e-12);
}

TEST(JitTrainStep, InvalidOptionsAndMisuseAreErrors) {
  std::vector<Tensor> p = makeParameters();
  EXPECT_EQ(errorOf([&] {
              jit::TrainStep(lossWith(p),
                             optim::SGDOptions(0.1).nesterov(true));
            }),
            "SGD: Nesterov momentum requires a momentum and zero dampening");
  EXPECT_EQ(
      errorOf([&] {
        jit::TrainStep(lossWith(p), optim::AdamOptions(0.1).betas({0.9, 1.0}));
      }),
      "Adam: invalid betas (0.900000, 1.000000); each must be in [0, 1)");
  EXPECT_EQ(errorOf([&] {
              jit::TrainStep(lossWith(p), optim::AdamWOptions(0.1).eps(-1));
            }),
            "AdamW: invalid eps -1.000000");
  jit::TrainStep step(lossWith(p), optim::AdamOptions(0.1));
  EXPECT_EQ(errorOf([&] { step.setLearningRate(-1); }),
            "jit::TrainStep::setLearningRate: invalid learning rate "
            "-1.000000");
  std::vector<Tensor> frozen = makeParameters();
  for (Tensor &parameter : frozen)
    parameter.requires_grad_(false);
  jit::TrainStep nothingToTrain(lossWith(frozen), optim::SGDOptions(0.1));
  EXPECT_EQ(errorOf([&] {
              nothingToTrain(randn({4, 3}), randn({4, 1}));
            }),
            "jit::TrainStep: 'train_step' has nothing to train (the loss must "
            "have one element, grad mode must be on, and a tensor it uses "
            "must require grad)");
}

} // namespace
