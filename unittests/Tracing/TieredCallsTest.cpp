//===- TieredCallsTest.cpp - compiled functions across the JIT's tiers ----===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

using namespace adjit;

namespace {

using jit::EngineOptions;
using jit::Tier;
using test::expectClose;

/// Whether the process compiles tiered (ADJIT_TIERING unset, empty or
/// `tiered`).
bool isTiered() {
  const char *tiering = std::getenv("ADJIT_TIERING");
  return !tiering || !*tiering || std::strcmp(tiering, "tiered") == 0;
}

TEST(TieredCalls, StatsReportTheTierOfEachCallAndTheTierUp) {
  if (!isTiered())
    GTEST_SKIP()
        << "compiles tiered only without ADJIT_TIERING=fast or optimized";
  std::vector<Tensor> p = test::makeMlpParameters(3);
  // A constant of this process makes the module new to the disk cache, so
  // that the first call compiles the fast tier.
  double unique = 1.0 + 1e-6 * (getpid() % 100000);
  jit::TensorFunction loss = [&p, unique](const std::vector<Tensor> &in) {
    Tensor hidden = (in[0].matmul(p[0]) + p[1]).tanh() * unique;
    return nn::functional::mse_loss(hidden.matmul(p[2]) + p[3], in[1]);
  };
  manual_seed(5);
  Tensor x = randn({32, 3}), y = randn({32, 1});
  Tensor eagerLoss = loss({x, y});
  eagerLoss.backward();
  std::vector<Tensor> eagerGrads;
  for (Tensor &parameter : p) {
    eagerGrads.push_back(parameter.grad().clone());
    parameter.mutable_grad() = Tensor();
  }

  jit::CompiledFunction step = jit::compile(loss, "tiered_mlp");
  expectClose(step(x, y), eagerLoss);
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.diskHits, 0);
  EXPECT_EQ(stats.lastTier, Tier::Fast);
  EXPECT_EQ(stats.fastTierCalls, 1);
  EXPECT_EQ(stats.tierUps, 0);
  // The optimized compile is queued when the calls reach the threshold
  // ($ADJIT_TIER_UP_AFTER); below it the calls stay on the fast tier.
  int64_t threshold = std::max<uint64_t>(1, EngineOptions().tierUpAfterCalls);
  EXPECT_EQ(stats.tierUpsScheduled, threshold == 1 ? 1 : 0);
  for (int64_t i = 1; i < threshold; ++i)
    expectClose(step(x, y), eagerLoss);
  stats = step.getStats();
  EXPECT_EQ(stats.lastTier, Tier::Fast);
  EXPECT_EQ(stats.fastTierCalls, threshold);
  EXPECT_EQ(stats.tierUpsScheduled, 1);
  EXPECT_EQ(stats.tierUpReason,
            threshold == 1 ? "after the first compile"
                           : "after " + std::to_string(threshold) + " calls");

  jit::waitForTierUps();
  expectClose(step(x, y), eagerLoss);
  stats = step.getStats();
  EXPECT_EQ(stats.lastTier, Tier::Optimized);
  EXPECT_EQ(stats.fastTierCalls, threshold);
  EXPECT_EQ(stats.optimizedTierCalls, 1);
  EXPECT_EQ(stats.tierUps, 1);
  EXPECT_EQ(stats.tierUpsScheduled, 1);
  EXPECT_EQ(stats.compilations, 1);
  // Every call accumulated the same gradient.
  for (size_t i = 0; i < p.size(); ++i)
    expectClose(p[i].grad(),
                eagerGrads[i] * static_cast<double>(threshold + 1));

  // A new compiled function of the same program reuses the optimized code.
  jit::CompiledFunction again = jit::compile(loss, "tiered_mlp");
  expectClose(again(x, y), eagerLoss);
  EXPECT_EQ(again.getStats().lastTier, Tier::Optimized);
  EXPECT_EQ(again.getStats().tierUps, 0);
}

TEST(TieredCalls, TrainStepsOfBothTiersFollowTheEagerOptimizer) {
  // Fast-tier steps, then optimized ones after the tier-up, within the
  // tolerance of eager Adam at every step.
  std::vector<Tensor> compiled = test::makeMlpParameters(11);
  std::vector<Tensor> eager = test::makeMlpParameters(11);
  manual_seed(12);
  Tensor x = randn({16, 3}), y = randn({16, 1});
  jit::TrainStep step(test::mlpLossWith(compiled), optim::AdamOptions(1e-2),
                      "tiered_train_step");
  optim::Adam optimizer(eager, optim::AdamOptions(1e-2));
  // The tier-up is queued by the step that reaches the threshold.
  int64_t waitAt = std::max<uint64_t>(3, EngineOptions().tierUpAfterCalls);
  for (int64_t i = 0; i < waitAt + 3; ++i) {
    if (i == waitAt)
      jit::waitForTierUps();
    optimizer.zero_grad();
    Tensor eagerLoss = test::mlpLossWith(eager)({x, y});
    eagerLoss.backward();
    optimizer.step();
    expectClose(step(x, y), eagerLoss.detach());
  }
  for (size_t i = 0; i < compiled.size(); ++i)
    expectClose(compiled[i], eager[i]);
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.fastTierCalls + stats.optimizedTierCalls, waitAt + 3);
  EXPECT_EQ(stats.lastTier,
            std::getenv("ADJIT_TIERING") &&
                    std::strcmp(std::getenv("ADJIT_TIERING"), "fast") == 0
                ? Tier::Fast
                : Tier::Optimized);
}

} // namespace
