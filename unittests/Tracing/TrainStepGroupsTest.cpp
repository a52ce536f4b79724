//===- TrainStepGroupsTest.cpp - TrainStep with groups, clipping, schedules =//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;

/// A small MLP's parameters, the same on every call.
std::vector<Tensor> makeParameters() { return test::makeMlpParameters(11); }

using test::mlpLossWith;
/// The MLP's loss with `p`.
jit::TensorFunction lossWith(std::vector<Tensor> &p) { return mlpLossWith(p); }

/// Two groups as a transformer has them: weights with weight decay, biases
/// without, at another learning rate.
template <typename Options>
std::vector<optim::OptimizerParamGroup> groupsOf(std::vector<Tensor> &p,
                                                 const Options &biases) {
  return {optim::OptimizerParamGroup({p[0], p[2]}),
          optim::OptimizerParamGroup({p[1], p[3]},
                                     std::make_unique<Options>(biases))};
}

/// Trains the MLP with `Optimizer` made from groups (weights with
/// `defaults`, biases with `biases`), clip_grad_norm_ at `maxNorm` and a
/// warmup-cosine schedule, eagerly and as one TrainStep, and expects equal
/// losses, gradient norms and learning rates at every step and equal
/// parameters at the end. The schedule changes the rates every step
/// without recompiling.
template <typename Optimizer, typename Options>
void expectGroupsClipAndScheduleMatchEager(const Options &defaults,
                                           const Options &biases,
                                           double maxNorm, int steps) {
  manual_seed(4);
  Tensor x = randn({16, 3}), y = randn({16, 1}) * 4;
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  Optimizer optimizer(groupsOf(eager, biases), defaults);
  optim::CosineWarmupLR eagerSchedule(optimizer, 3, steps - 2, 1e-3);
  jit::TrainStep step(lossWith(fused), groupsOf(fused, biases), defaults);
  step.clip_grad_norm(maxNorm);
  optim::CosineWarmupLR schedule(step.optimizer(), 3, steps - 2, 1e-3);
  int clipped = 0;
  for (int i = 0; i < steps; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    optimizer.zero_grad();
    Tensor eagerLoss = lossWith(eager)({x, y});
    eagerLoss.backward();
    double norm = nn::utils::clip_grad_norm_(eager, maxNorm);
    optimizer.step();
    eagerSchedule.step();
    expectClose(step(x, y), eagerLoss);
    EXPECT_NEAR(step.getLastGradNorm(), norm, 1e-5 * norm);
    clipped += norm > maxNorm;
    schedule.step();
    EXPECT_EQ(schedule.get_last_lr(), eagerSchedule.get_last_lr());
  }
  // Clipping made a difference in some steps and not in others.
  EXPECT_GT(clipped, 0);
  EXPECT_LT(clipped, steps);
  for (size_t i = 0; i < eager.size(); ++i) {
    SCOPED_TRACE("parameter " + std::to_string(i));
    expectClose(fused[i], eager[i]);
  }
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.compilations, 1);
  EXPECT_EQ(stats.cacheHits, steps - 1);
}

TEST(JitTrainStepGroups, AdamWGroupsClipAndScheduleMatchEager) {
  expectGroupsClipAndScheduleMatchEager<optim::AdamW>(
      optim::AdamWOptions(0.05).betas({0.9, 0.99}).weight_decay(0.1),
      optim::AdamWOptions(0.02).betas({0.8, 0.95}).weight_decay(0), 5.0, 12);
}

TEST(JitTrainStepGroups, AdamGroupsClipAndScheduleMatchEager) {
  expectGroupsClipAndScheduleMatchEager<optim::Adam>(
      optim::AdamOptions(0.05).weight_decay(0.01),
      optim::AdamOptions(0.1).eps(1e-6), 2.0, 10);
}

TEST(JitTrainStepGroups, SgdGroupsClipAndScheduleMatchEager) {
  expectGroupsClipAndScheduleMatchEager<optim::SGD>(
      optim::SGDOptions(0.05).momentum(0.9).weight_decay(0.05),
      optim::SGDOptions(0.1).momentum(0.9), 2.0, 10);
}

TEST(JitTrainStepGroups, ChangedGroupOptionsRecompileAndKeepState) {
  manual_seed(4);
  Tensor x = randn({16, 3}), y = randn({16, 1});
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  optim::AdamWOptions biases = optim::AdamWOptions(0.02).weight_decay(0);
  optim::AdamW optimizer(groupsOf(eager, biases),
                         optim::AdamWOptions(0.05).weight_decay(0.1));
  jit::TrainStep step(lossWith(fused), groupsOf(fused, biases),
                      optim::AdamWOptions(0.05).weight_decay(0.1));
  for (int i = 0; i < 6; ++i) {
    if (i == 3)
      for (optim::Optimizer *o :
           {static_cast<optim::Optimizer *>(&optimizer), &step.optimizer()})
        static_cast<optim::AdamWOptions &>(o->param_groups()[1].options())
            .weight_decay(0.5);
    optimizer.zero_grad();
    Tensor eagerLoss = lossWith(eager)({x, y});
    eagerLoss.backward();
    optimizer.step();
    expectClose(step(x, y), eagerLoss);
  }
  for (size_t i = 0; i < eager.size(); ++i)
    expectClose(fused[i], eager[i]);
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.compilations, 2);
  EXPECT_NE(stats.lastReason.find("the optimizer update changed from"),
            std::string::npos)
      << stats.lastReason;
  EXPECT_NE(stats.lastReason.find("weight-decay=0.1,0.5"), std::string::npos)
      << stats.lastReason;
  EXPECT_TRUE(std::isnan(step.getLastGradNorm()));
}

TEST(JitTrainStepGroups, Errors) {
  std::vector<Tensor> p = makeParameters();
  Tensor x = randn({4, 3}), y = randn({4, 1});
  // A trained tensor in no group.
  jit::TrainStep partial(lossWith(p),
                         {optim::OptimizerParamGroup({p[0], p[1], p[2]})},
                         optim::AdamWOptions(0.1));
  EXPECT_EQ(errorOf([&] { partial(x, y); }),
            "jit::TrainStep: argument 5 of 'train_step' (shape [1]) requires "
            "grad but is in no parameter group; add it to a group or make it "
            "not require grad");
  // The eager optimizer's checks of the groups.
  EXPECT_EQ(errorOf([&] {
              jit::TrainStep(lossWith(p),
                             {optim::OptimizerParamGroup({p[0], p[1]}),
                              optim::OptimizerParamGroup({p[1]})},
                             optim::AdamWOptions(0.1));
            }),
            "AdamW: parameter group 1: parameter 0 (shape [8]) is already "
            "parameter 1 of group 0; a parameter belongs to one group once");
  EXPECT_EQ(errorOf([&] {
              jit::TrainStep(lossWith(p),
                             {optim::OptimizerParamGroup(p),
                              optim::OptimizerParamGroup({})},
                             optim::SGDOptions(0.1));
            }),
            "SGD: parameter group 1 has no parameters");
  EXPECT_EQ(
      errorOf([&] {
        jit::TrainStep(lossWith(p),
                       {optim::OptimizerParamGroup({p[0], p[1]}),
                        optim::OptimizerParamGroup(
                            {p[2], p[3]}, std::make_unique<optim::SGDOptions>(
                                              optim::SGDOptions(0.1)))},
                       optim::SGDOptions(0.1).momentum(0.9));
      }),
      "jit::TrainStep: parameter group 1 has another momentum, dampening or "
      "nesterov than group 0; a TrainStep needs the same in all groups");
  // Clipping needs a positive, finite norm.
  jit::TrainStep step(lossWith(p), optim::SGDOptions(0.1));
  for (double bad : {0.0, -1.0, std::nan(""), double(INFINITY)})
    EXPECT_NE(errorOf([&] { step.clip_grad_norm(bad); })
                  .find("jit::TrainStep::clip_grad_norm: max_norm must be "
                        "positive and finite, got "),
              std::string::npos);
  EXPECT_EQ(errorOf([&] { step.clip_grad_norm(0); }),
            "jit::TrainStep::clip_grad_norm: max_norm must be positive and "
            "finite, got 0.000000");
}

} // namespace
