//===- CompiledStepTest.cpp - data-parallel compiled training steps -------===//

#include "DistributedTestUtil.h"

#include "adjit/Distributed/CompiledCollectives.h"
#include "adjit/JIT.h"

#include <cmath>
#include <functional>

using namespace adjit;
using namespace adjit::testing;
namespace dist = adjit::distributed;
namespace F = adjit::nn::functional;

namespace {

int R() { return dist::rank(); }
int W() { return dist::world_size(); }

jit::CompileOptions distributedOptions(int64_t bucketBytes) {
  jit::CompileOptions options;
  options.name = "ddp_step";
  options.distributed = jit::DistributedOptions{bucketBytes};
  return options;
}

struct CompiledSetting {
  const char *name;
  jit::OptimizerOptions options;
  int64_t bucketBytes;
};

void PrintTo(const CompiledSetting &setting, std::ostream *os) {
  *os << setting.name;
}

std::unique_ptr<optim::Optimizer>
makeEagerOptimizer(const jit::OptimizerOptions &options,
                   std::vector<Tensor> params) {
  if (const auto *sgd = std::get_if<optim::SGDOptions>(&options))
    return std::make_unique<optim::SGD>(std::move(params), *sgd);
  return std::make_unique<optim::Adam>(std::move(params),
                                       std::get<optim::AdamOptions>(options));
}

class CompiledDataParallelTest
    : public ::testing::TestWithParam<CompiledSetting> {};

// Each rank runs the compiled step (forward, backward, all-reduce, update in
// one function) on its shard of every batch, the sampler's uneven last batch
// included (a recompilation); a reference model trains eagerly on the union
// of the shards in one process. The replicas start from rank 0's
// parameters, stay bit-identical and match the reference to summation-order
// tolerance.
TEST_P(CompiledDataParallelTest, ShardsMatchTheFullBatch) {
  const CompiledSetting &setting = GetParam();
  manual_seed(1234);
  const int64_t n = 10;
  Tensor x = randn({n, 4}), y = randn({n, 3});

  nn::Sequential replica = makeNet(100 + R());
  nn::Sequential reference = makeNet(100); // rank 0's initial parameters
  auto loss = [&](const std::vector<Tensor> &in) {
    return F::mse_loss(replica->forward(in[0]), in[1]);
  };
  std::unique_ptr<jit::TrainStep> step;
  if (const auto *sgd = std::get_if<optim::SGDOptions>(&setting.options))
    step = std::make_unique<jit::TrainStep>(
        loss, *sgd, distributedOptions(setting.bucketBytes));
  else
    step = std::make_unique<jit::TrainStep>(
        loss, std::get<optim::AdamOptions>(setting.options),
        distributedOptions(setting.bucketBytes));
  auto refOpt = makeEagerOptimizer(setting.options, reference->parameters());

  data::DistributedSampler sampler(n, std::nullopt, std::nullopt,
                                   /*shuffle=*/true, /*seed=*/3);
  int steps = 0;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    sampler.set_epoch(epoch);
    for (const std::vector<int64_t> &batch : sampler.batches(2)) {
      Tensor stepLoss = (*step)(rows(x, batch), rows(y, batch));
      EXPECT_TRUE(std::isfinite(stepLoss.item()));

      std::vector<int64_t> all = unionOfBatches(batch);
      refOpt->zero_grad();
      F::mse_loss(reference->forward(rows(x, all)), rows(y, all)).backward();
      refOpt->step();
      ++steps;
    }
  }
  int64_t perRank = (n + W() - 1) / W();
  EXPECT_EQ(steps, 3 * ((perRank + 1) / 2));
  EXPECT_EQ(step->getStepCount(), steps);
  // Batches of 2 and, with 2 ranks, the last batch of 1.
  EXPECT_EQ(step->getStats().compilations, W() == 2 ? 2 : 1);
  std::vector<Tensor> p = replica->parameters(), q = reference->parameters();
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_TRUE(sameOnAllRanks(p[i])) << "parameter " << i;
    EXPECT_TRUE(allclose(p[i], q[i], 1e-4, 1e-6)) << "parameter " << i;
    EXPECT_FALSE(equal(p[i], makeNet(100)->parameters()[i]))
        << "parameter " << i << " was not trained";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, CompiledDataParallelTest,
    ::testing::Values(
        CompiledSetting{"SGDOneBucket", optim::SGDOptions(0.1).momentum(0.9),
                        25 << 20},
        CompiledSetting{"SGDBucketPerParameter",
                        optim::SGDOptions(0.1).momentum(0.9), 0},
        CompiledSetting{"AdamOneBucket", optim::AdamOptions(0.01), 25 << 20},
        CompiledSetting{"AdamSmallBuckets", optim::AdamOptions(0.01), 100}),
    [](const ::testing::TestParamInfo<CompiledSetting> &info) {
      return info.param.name;
    });

// jit::compile with the option accumulates the mean of the ranks' gradients
// into .grad(): the gradient of the mean of the ranks' losses.
TEST(CompiledDataParallel, CompiledGradientsAreTheMeanOverRanks) {
  Tensor w = from_vector({1.0, -2.0, 0.5}, {3}).requires_grad_(true);
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * w * w).sum(); },
      distributedOptions(0));
  // Rank r's input is (r + 1) * [1, 2, 3]: the gradient 2 w x averages to
  // 2 w [1, 2, 3] (W + 1) / 2.
  Tensor input = from_vector({1.0, 2.0, 3.0}, {3}) * double(R() + 1);
  loss(input);
  Tensor expected = from_vector({1.0, -2.0, 0.5}, {3}) *
                    from_vector({1.0, 2.0, 3.0}, {3}) * double(W() + 1);
  EXPECT_TRUE(allclose(w.grad(), expected, 1e-6, 1e-6))
      << w.grad() << " vs " << expected;
  EXPECT_TRUE(sameOnAllRanks(w.grad()));
}

// The buckets start in the order backward completes them, each before the
// compiled code waits for it; the timestamps say so.
TEST(CompiledDataParallel, BucketsStartBeforeTheirWaits) {
  nn::Sequential net = makeNet(7);
  Tensor x = randn({4, 4}), y = randn({4, 3});
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) {
        return F::mse_loss(net->forward(in[0]), in[1]);
      },
      optim::SGDOptions(0.1), distributedOptions(0));
  step(x, y);
  dist::reset_compiled_collective_stats();
  step(x, y);
  dist::CompiledCollectiveStats stats = dist::compiled_collective_stats();
  // One bucket per parameter: 2 weights and 2 biases.
  ASSERT_EQ(stats.collectives.size(), 4u);
  int64_t bytes = 0;
  for (const dist::CompiledCollectiveTiming &c : stats.collectives) {
    EXPECT_LE(c.started, c.waitCalled);
    EXPECT_LE(c.waitCalled, c.completed);
    bytes += c.bytes;
  }
  EXPECT_EQ(bytes, (4 * 8 + 8 + 8 * 3 + 3) * 4);
  // The last layer's gradients are complete first: its bias (3 floats) or
  // weight (24 floats) starts before the first layer's.
  EXPECT_LT(stats.collectives.front().bytes, 32 * 4);
  // Every bucket but the last starts while backward still computes.
  EXPECT_LT(stats.collectives.front().started,
            stats.collectives.back().started);
  EXPECT_GE(stats.waitedSeconds(), 0.0);
}

TEST(CompiledDataParallel, RanksWithOtherShapesGetAnError) {
  Tensor w = ones({3}, requires_grad());
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * w).sum(); },
      distributedOptions(0));
  // Every rank passes [3]; rank 1 then passes [2, 3] while rank 0 passes
  // [3] again.
  loss(ones({3}));
  if (W() == 1)
    return;
  Tensor input = R() == 1 ? ones({2, 3}) : ones({3});
  try {
    loss(input);
    ADD_FAILURE() << "expected an error";
  } catch (const Error &e) {
    std::string message = e.what();
    EXPECT_NE(message.find("jit::compile: 'ddp_step' is data-parallel but "
                           "rank " +
                           std::to_string(1 - R()) +
                           " passed inputs of other shapes or dtypes than "
                           "rank " +
                           std::to_string(R()) + "'s"),
              std::string::npos)
        << message;
  }
  // The ranks are still in step.
  loss(ones({3}));
  EXPECT_TRUE(sameOnAllRanks(w.grad()));
}

TEST(CompiledDataParallel, Errors) {
  expectErrorMessage(
      [] {
        jit::compile([](const std::vector<Tensor> &in) { return in[0]; },
                     distributedOptions(-1));
      },
      "jit::compile: DistributedOptions::bucketBytes must not be negative, "
      "got -1");
}

} // namespace
