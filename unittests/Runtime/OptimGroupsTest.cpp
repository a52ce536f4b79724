//===- OptimGroupsTest.cpp - Parameter groups and learning-rate schedules -===//

#include "TestUtil.h"

#include "adjit/Optim/LRScheduler.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;

namespace {

/// Sets the gradient of `p` to `g`.
void setGrad(Tensor &p, const Tensor &g) { p.mutable_grad() = g.clone(); }

/// Three parameters trained by one optimizer in two groups, and by one
/// single-group optimizer per group: PyTorch's groups are independent, so
/// the values must agree exactly after every step.
template <typename Opt, typename Options>
void expectGroupsAreIndependent(Options decayed, Options plain) {
  manual_seed(3);
  Tensor w = randn({3, 2}), b = randn({2}), s = randn({4});
  std::vector<Tensor> grouped = {w.clone(), b.clone(), s.clone()};
  std::vector<Tensor> alone = {w.clone(), b.clone(), s.clone()};
  for (Tensor *set : {&grouped[0], &alone[0]})
    for (int i = 0; i < 3; ++i)
      set[i].requires_grad_(true);
  Opt optimizer(
      std::vector<optim::OptimizerParamGroup>{
          optim::OptimizerParamGroup({grouped[0], grouped[2]}),
          optim::OptimizerParamGroup({grouped[1]},
                                     std::make_unique<Options>(plain))},
      decayed);
  Opt first({alone[0], alone[2]}, decayed);
  Opt second({alone[1]}, plain);
  for (int step = 0; step < 5; ++step) {
    for (int i = 0; i < 3; ++i) {
      Tensor g = randn(grouped[i].sizes());
      // The third parameter has no gradient in the second step: it is
      // skipped, and (Adam) its step count does not advance.
      if (i == 2 && step == 1)
        continue;
      setGrad(grouped[i], g);
      setGrad(alone[i], g);
    }
    optimizer.step();
    first.step();
    second.step();
    optimizer.zero_grad();
    first.zero_grad();
    second.zero_grad();
    for (int i = 0; i < 3; ++i)
      EXPECT_TRUE(allclose(grouped[i], alone[i], 0, 0))
          << "parameter " << i << " after step " << step;
  }
}

TEST(OptimGroupsTest, GroupsUpdateIndependently) {
  expectGroupsAreIndependent<optim::SGD>(
      optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.1),
      optim::SGDOptions(0.05).momentum(0.5).dampening(0.1));
  expectGroupsAreIndependent<optim::Adam>(
      optim::AdamOptions(0.01).weight_decay(0.1),
      optim::AdamOptions(0.02).betas({0.8, 0.9}));
  expectGroupsAreIndependent<optim::AdamW>(
      optim::AdamWOptions(0.01).weight_decay(0.1),
      optim::AdamWOptions(0.03).weight_decay(0).eps(1e-6));
}

TEST(OptimGroupsTest, AdamCountsStepsPerParameter) {
  // A parameter first updated in the optimizer's third step takes Adam's
  // first bias-corrected step then, as in PyTorch: lr * sign(g).
  Tensor p = zeros({2}).requires_grad_(true);
  Tensor q = zeros({1}).requires_grad_(true);
  optim::Adam adam({p, q}, optim::AdamOptions(0.1));
  for (int step = 0; step < 3; ++step) {
    setGrad(p, ones({2}));
    if (step == 2)
      setGrad(q, full({1}, -4.0));
    adam.step();
  }
  EXPECT_NEAR(q.item<double>(), 0.1, 1e-6);
}

TEST(OptimGroupsTest, OptionsDefaultsAndGroupAccess) {
  Tensor a = ones({2}).requires_grad_(true), b = ones({3}).requires_grad_(true);
  optim::AdamW adamw(
      std::vector<optim::OptimizerParamGroup>{
          optim::OptimizerParamGroup({a}),
          optim::OptimizerParamGroup(
              {b}, std::make_unique<optim::AdamWOptions>(
                       optim::AdamWOptions(0.5).weight_decay(0)))},
      optim::AdamWOptions(0.25).weight_decay(0.1));
  ASSERT_EQ(adamw.param_groups().size(), 2u);
  EXPECT_EQ(adamw.size(), 2u);
  EXPECT_EQ(adamw.parameters().size(), 2u);
  // The group without options took a copy of the defaults.
  auto &first =
      static_cast<optim::AdamWOptions &>(adamw.param_groups()[0].options());
  EXPECT_EQ(first.lr(), 0.25);
  EXPECT_EQ(first.weight_decay(), 0.1);
  EXPECT_EQ(adamw.param_groups()[1].options().get_lr(), 0.5);
  adamw.param_groups()[1].options().set_lr(0.125);
  EXPECT_EQ(adamw.param_groups()[1].options().get_lr(), 0.125);
  EXPECT_EQ(adamw.defaults().get_lr(), 0.25);
  EXPECT_ADJIT_ERROR(adamw.options(),
                     "AdamW::options: the optimizer has 2 parameter groups; "
                     "use param_groups()[i].options()");

  // A group added later, with the defaults.
  Tensor c = ones({1}).requires_grad_(true);
  adamw.add_param_group(optim::OptimizerParamGroup({c}));
  EXPECT_EQ(adamw.param_groups()[2].options().get_lr(), 0.25);

  // One group: options() is its options, and setting them takes effect.
  Tensor p = ones({1}).requires_grad_(true);
  optim::SGD sgd({p}, 0.5);
  sgd.options().lr(0.25);
  EXPECT_EQ(sgd.param_groups()[0].options().get_lr(), 0.25);
  setGrad(p, ones({1}));
  sgd.step();
  EXPECT_DOUBLE_EQ(p.item<double>(), 0.75);
}

TEST(OptimGroupsTest, GroupErrors) {
  Tensor a = ones({2}).requires_grad_(true), b = ones({3}).requires_grad_(true);
  using Groups = std::vector<optim::OptimizerParamGroup>;
  EXPECT_ADJIT_ERROR(
      optim::AdamW(Groups{optim::OptimizerParamGroup({a, b}),
                          optim::OptimizerParamGroup({b})}),
      "AdamW: parameter group 1: parameter 0 (shape [3]) is already "
      "parameter 1 of group 0; a parameter belongs to one group once");
  EXPECT_ADJIT_ERROR(
      optim::SGD(Groups{optim::OptimizerParamGroup({a, a})}, 0.1),
      "SGD: parameter group 0: parameter 1 (shape [2]) is "
      "already parameter 0 of group 0");
  EXPECT_ADJIT_ERROR(optim::Adam(Groups{optim::OptimizerParamGroup({a}),
                                        optim::OptimizerParamGroup({})}),
                     "Adam: parameter group 1 has no parameters");
  EXPECT_ADJIT_ERROR(optim::Adam(Groups{}), "Adam: no parameter groups");
  EXPECT_ADJIT_ERROR(
      optim::AdamW(Groups{optim::OptimizerParamGroup(
          {a}, std::make_unique<optim::AdamOptions>(0.1))}),
      "AdamW: parameter group 0: options of another optimizer (expected "
      "AdamWOptions)");
  EXPECT_ADJIT_ERROR(
      optim::SGD(Groups{optim::OptimizerParamGroup({a}),
                        optim::OptimizerParamGroup(
                            {b}, std::make_unique<optim::SGDOptions>(-1))},
                 0.1),
      "SGD: parameter group 1: invalid learning rate -1");
  EXPECT_ADJIT_ERROR(
      optim::SGD(Groups{optim::OptimizerParamGroup({Tensor()})}, 0.1),
      "SGD: parameter group 0: parameter 0 is undefined");
  // A failed add_param_group leaves the optimizer as it was.
  optim::SGD sgd({a}, 0.1);
  EXPECT_ADJIT_ERROR(sgd.add_param_group(optim::OptimizerParamGroup({b, a})),
                     "SGD: parameter group 1: parameter 1 (shape [2]) is "
                     "already parameter 0 of group 0");
  EXPECT_EQ(sgd.param_groups().size(), 1u);
  setGrad(a, ones({2}));
  EXPECT_ADJIT_ERROR(nn::utils::clip_grad_norm_({a}, 0.0),
                     "clip_grad_norm_: max_norm must be positive, got "
                     "0.000000");
  EXPECT_ADJIT_ERROR(nn::utils::clip_grad_norm_({a}, -1.0),
                     "clip_grad_norm_: max_norm must be positive");
  EXPECT_ADJIT_ERROR(optim::OptimizerParamGroup({a}).options(),
                     "OptimizerParamGroup::options: the group has no options");
}

TEST(OptimGroupsTest, StepLRDecaysEveryStepSizeSteps) {
  Tensor a = ones({1}).requires_grad_(true), b = ones({1}).requires_grad_(true);
  optim::SGD sgd(
      std::vector<optim::OptimizerParamGroup>{
          optim::OptimizerParamGroup({a}),
          optim::OptimizerParamGroup({b},
                                     std::make_unique<optim::SGDOptions>(0.4))},
      1.0);
  optim::StepLR schedule(sgd, 2, 0.5);
  // PyTorch's StepLR(step_size=2, gamma=0.5): steps 0, 1 at the base rate,
  // 2, 3 at half of it, ...
  std::vector<double> expected = {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125};
  for (size_t t = 0; t < expected.size(); ++t) {
    EXPECT_EQ(schedule.get_last_step(), static_cast<int64_t>(t));
    ASSERT_EQ(schedule.get_last_lr().size(), 2u);
    EXPECT_DOUBLE_EQ(schedule.get_last_lr()[0], expected[t]);
    EXPECT_DOUBLE_EQ(schedule.get_last_lr()[1], 0.4 * expected[t]);
    EXPECT_DOUBLE_EQ(sgd.param_groups()[0].options().get_lr(), expected[t]);
    EXPECT_DOUBLE_EQ(sgd.param_groups()[1].options().get_lr(),
                     0.4 * expected[t]);
    schedule.step();
  }
}

TEST(OptimGroupsTest, CosineWarmupFollowsNanoGPT) {
  Tensor a = ones({1}).requires_grad_(true);
  optim::AdamW adamw({a}, optim::AdamWOptions(1e-3));
  optim::CosineWarmupLR schedule(adamw, 100, 2000, 1e-4);
  auto reference = [](int64_t it) {
    // nanoGPT's get_lr with learning_rate 1e-3, warmup_iters 100,
    // lr_decay_iters 2000, min_lr 1e-4.
    if (it < 100)
      return 1e-3 * static_cast<double>(it + 1) / 101;
    if (it > 2000)
      return 1e-4;
    double ratio = static_cast<double>(it - 100) / 1900;
    return 1e-4 + 0.5 * (1 + std::cos(M_PI * ratio)) * (1e-3 - 1e-4);
  };
  for (int64_t it = 0; it <= 2100; ++it) {
    if (it == 0 || it == 99 || it == 100 || it == 1050 || it == 2000 ||
        it == 2100) {
      EXPECT_DOUBLE_EQ(adamw.options().lr(), reference(it)) << "step " << it;
      EXPECT_DOUBLE_EQ(schedule.get_last_lr()[0], reference(it));
    }
    schedule.step();
  }
  EXPECT_DOUBLE_EQ(reference(100), 1e-3);
  EXPECT_NEAR(reference(1050), 5.5e-4, 1e-12);
  EXPECT_DOUBLE_EQ(reference(2000), 1e-4);
}

TEST(OptimGroupsTest, LambdaLRScalesEachGroupsBaseRate) {
  Tensor a = ones({1}).requires_grad_(true), b = ones({1}).requires_grad_(true);
  optim::Adam adam(
      std::vector<optim::OptimizerParamGroup>{
          optim::OptimizerParamGroup({a}),
          optim::OptimizerParamGroup(
              {b}, std::make_unique<optim::AdamOptions>(0.5))},
      optim::AdamOptions(0.1));
  optim::LambdaLR schedule(adam, [](int64_t t) { return 1.0 / (1.0 + t * t); });
  for (int64_t t = 0; t < 5; ++t) {
    double factor = 1.0 / (1.0 + t * t);
    EXPECT_DOUBLE_EQ(adam.param_groups()[0].options().get_lr(), 0.1 * factor);
    EXPECT_DOUBLE_EQ(adam.param_groups()[1].options().get_lr(), 0.5 * factor);
    schedule.step();
  }
  EXPECT_EQ(schedule.get_last_step(), 5);
}

TEST(OptimGroupsTest, CosineAnnealingFollowsPyTorchsClosedForm) {
  Tensor a = ones({1}).requires_grad_(true);
  optim::SGD sgd({a}, 0.2);
  optim::CosineAnnealingLR schedule(sgd, 10, 0.02);
  // Values of torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10,
  // eta_min=0.02) with lr 0.2: the base at 0, the floor at T_max, and back
  // up along the same cosine after it.
  std::vector<std::pair<int64_t, double>> expected = {
      {0, 0.2}, {5, 0.11}, {10, 0.02}, {15, 0.11}, {20, 0.2}};
  size_t next = 0;
  for (int64_t t = 0; t <= 20; ++t) {
    if (next < expected.size() && expected[next].first == t) {
      EXPECT_NEAR(sgd.options().lr(), expected[next].second, 1e-15)
          << "step " << t;
      ++next;
    }
    schedule.step();
  }
  EXPECT_EQ(next, expected.size());
}

TEST(OptimGroupsTest, ScheduleErrors) {
  Tensor a = ones({1}).requires_grad_(true), b = ones({1}).requires_grad_(true);
  optim::SGD sgd({a}, 0.1);
  EXPECT_ADJIT_ERROR(optim::StepLR(sgd, 0), "StepLR: step_size must be "
                                            "positive, got 0");
  EXPECT_ADJIT_ERROR(optim::StepLR(sgd, 1, -0.5),
                     "StepLR: gamma must be non-negative");
  EXPECT_ADJIT_ERROR(optim::CosineWarmupLR(sgd, 10, 10, 0),
                     "CosineWarmupLR: expected 0 <= warmup_iters < "
                     "lr_decay_iters, got warmup_iters 10 and lr_decay_iters "
                     "10");
  EXPECT_ADJIT_ERROR(optim::CosineWarmupLR(sgd, 0, 10, -1),
                     "CosineWarmupLR: min_lr must be non-negative");
  EXPECT_ADJIT_ERROR(optim::LambdaLR(sgd, nullptr),
                     "LambdaLR: lr_lambda is empty");
  EXPECT_ADJIT_ERROR(optim::CosineAnnealingLR(sgd, 0),
                     "CosineAnnealingLR: T_max must be positive, got 0");
  EXPECT_ADJIT_ERROR(optim::CosineAnnealingLR(sgd, 5, -0.1),
                     "CosineAnnealingLR: eta_min must be non-negative");
  optim::StepLR schedule(sgd, 1);
  sgd.add_param_group(optim::OptimizerParamGroup({b}));
  EXPECT_ADJIT_ERROR(schedule.step(),
                     "LRScheduler: the optimizer has 2 parameter groups, but "
                     "had 1 when the schedule was made");
  EXPECT_EQ(schedule.get_last_step(), 0);
}

} // namespace
