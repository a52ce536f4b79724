//===- DataParallelTest.cpp - DistributedDataParallel ---------------------===//

#include "DistributedTestUtil.h"

#include <functional>
#include <tuple>

using namespace adjit;
using namespace adjit::testing;
namespace dist = adjit::distributed;
namespace F = adjit::nn::functional;

namespace {

int R() { return dist::rank(); }
int W() { return dist::world_size(); }

void copyParameters(nn::Module &dst, const nn::Module &src) {
  NoGradGuard noGrad;
  std::vector<Tensor> d = dst.parameters(), s = src.parameters();
  ASSERT_EQ(d.size(), s.size());
  for (size_t i = 0; i < d.size(); ++i)
    d[i].copy_(s[i]);
}

using MakeOptimizer =
    std::function<std::unique_ptr<optim::Optimizer>(std::vector<Tensor>)>;

struct Setting {
  const char *name;
  MakeOptimizer makeOptimizer;
  double bucketCapMb;
};

void PrintTo(const Setting &setting, std::ostream *os) { *os << setting.name; }

class DataParallelTrainingTest : public ::testing::TestWithParam<Setting> {};

// Each rank trains its replica on its shard of every batch (the sampler's
// uneven last batch included); a reference model trains on the union of the
// shards in one process. After the steps, the replicas are bit-identical and
// match the reference to summation-order tolerance.
TEST_P(DataParallelTrainingTest, ShardsMatchTheFullBatch) {
  const Setting &setting = GetParam();
  manual_seed(1234);
  const int64_t n = 10;
  Tensor x = randn({n, 4}), y = randn({n, 3});

  nn::Sequential replica = makeNet(100 + R());
  nn::DistributedDataParallel ddp(
      replica,
      nn::DistributedDataParallelOptions().bucket_cap_mb(setting.bucketCapMb));
  for (const Tensor &p : replica->parameters())
    EXPECT_TRUE(sameOnAllRanks(p)) << "construction broadcasts rank 0's";
  nn::Sequential reference = makeNet(0);
  copyParameters(*reference, *replica);

  auto opt = setting.makeOptimizer(replica->parameters());
  auto refOpt = setting.makeOptimizer(reference->parameters());
  data::DistributedSampler sampler(n, std::nullopt, std::nullopt,
                                   /*shuffle=*/true, /*seed=*/3);
  int steps = 0;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    sampler.set_epoch(epoch);
    for (const std::vector<int64_t> &batch : sampler.batches(2)) {
      opt->zero_grad();
      F::mse_loss(ddp(rows(x, batch)), rows(y, batch)).backward();
      opt->step();

      std::vector<int64_t> all = unionOfBatches(batch);
      refOpt->zero_grad();
      F::mse_loss(reference->forward(rows(x, all)), rows(y, all)).backward();
      refOpt->step();
      ++steps;
    }
  }
  // With 2 ranks, 5 samples per rank: batches of 2, 2, 1.
  int64_t perRank = (n + W() - 1) / W();
  EXPECT_EQ(steps, 3 * ((perRank + 1) / 2));
  std::vector<Tensor> p = replica->parameters(), q = reference->parameters();
  for (size_t i = 0; i < p.size(); ++i) {
    EXPECT_TRUE(sameOnAllRanks(p[i])) << "parameter " << i;
    EXPECT_TRUE(allclose(p[i], q[i], 1e-4, 1e-6)) << "parameter " << i;
    EXPECT_FALSE(equal(p[i], makeNet(100)->parameters()[i]))
        << "parameter " << i << " was not trained";
  }
}

std::unique_ptr<optim::Optimizer> makeSGD(std::vector<Tensor> params) {
  return std::make_unique<optim::SGD>(std::move(params),
                                      optim::SGDOptions(0.1).momentum(0.9));
}
std::unique_ptr<optim::Optimizer> makeAdam(std::vector<Tensor> params) {
  return std::make_unique<optim::Adam>(std::move(params),
                                       optim::AdamOptions(0.01));
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, DataParallelTrainingTest,
    ::testing::Values(Setting{"SGDOneBucket", makeSGD, 25},
                      Setting{"SGDBucketPerParameter", makeSGD, 0},
                      Setting{"AdamOneBucket", makeAdam, 25},
                      Setting{"AdamSmallBuckets", makeAdam, 100e-6}),
    [](const ::testing::TestParamInfo<Setting> &info) {
      return info.param.name;
    });

TEST(DataParallelTest, BucketsInReverseOrderAndStartDuringBackward) {
  nn::Sequential net = makeNet(7);
  nn::DistributedDataParallel ddp(
      net, nn::DistributedDataParallelOptions().bucket_cap_mb(0));
  // Parameters: 0 fc1.weight, 1 fc1.bias, 2 fc2.weight, 3 fc2.bias.
  std::vector<std::vector<size_t>> expected = {{3}, {2}, {1}, {0}};
  EXPECT_EQ(ddp.bucket_indices(), expected);
  {
    // 160 bytes hold fc2's 3 + 24 floats and fc1's 8 bias floats, not fc1's
    // 32 weights as well.
    nn::DistributedDataParallel two(
        net,
        nn::DistributedDataParallelOptions().bucket_cap_mb(160.0 / 1048576));
    std::vector<std::vector<size_t>> twoBuckets = {{3, 2, 1}, {0}};
    EXPECT_EQ(two.bucket_indices(), twoBuckets);
  }

  F::mse_loss(ddp(ones({2, 4})), zeros({2, 3})).backward();
  const nn::DistributedDataParallelStats &stats = ddp.last_stats();
  EXPECT_EQ(stats.buckets, 4u);
  EXPECT_EQ(stats.bucketsStartedInBackward, 4u);
  EXPECT_GE(stats.exposedSeconds, 0);
}

struct TwoParameters : nn::Module {
  TwoParameters() : nn::Module("TwoParameters") {
    a = register_parameter("a", zeros({3}));
    b = register_parameter("b", zeros({3}));
  }
  Tensor a, b;
};

TEST(DataParallelTest, ParameterWithoutGradientTakesPartWithZeros) {
  auto m = std::make_shared<TwoParameters>();
  nn::DistributedDataParallel ddp(m);
  Tensor x = arange(1, 4);
  // Rank 0 uses a, the others b.
  ((R() == 0 ? m->a : m->b) * x).sum().backward();
  ASSERT_TRUE(m->a.grad().defined());
  ASSERT_TRUE(m->b.grad().defined());
  EXPECT_TRUE(allclose(m->a.grad(), x / static_cast<double>(W())));
  EXPECT_TRUE(allclose(m->b.grad(), x * ((W() - 1.0) / W())));
}

// A backward that throws after some buckets started leaves no trace: the
// next backward averages all gradients again.
TEST(DataParallelTest, RecoversFromAFailedBackward) {
  nn::Sequential net = makeNet(7);
  nn::DistributedDataParallel ddp(
      net, nn::DistributedDataParallelOptions().bucket_cap_mb(0));
  Tensor x = ones({2, 4});
  Tensor loss = F::mse_loss(ddp(x), zeros({2, 3}));
  x.add_(1.0); // saved by the first layer, whose gradient now fails
  EXPECT_THROW(loss.backward(), Error);
  net->zero_grad();
  manual_seed(R());
  F::mse_loss(ddp(randn({2, 4})), zeros({2, 3})).backward();
  for (const Tensor &p : net->parameters())
    EXPECT_TRUE(sameOnAllRanks(p.grad()));
  EXPECT_EQ(ddp.last_stats().buckets, 4u);
}

// Gradients written without backward() (as compiled functions write them)
// are averaged on request.
TEST(DataParallelTest, AllReduceGradientsOnRequest) {
  auto m = std::make_shared<TwoParameters>();
  nn::DistributedDataParallel ddp(m);
  m->a.mutable_grad() = full({3}, R() + 1.0);
  ddp.all_reduce_gradients();
  EXPECT_TRUE(allclose(m->a.grad(), full({3}, (W() + 1) / 2.0)));
  EXPECT_TRUE(equal(m->b.grad(), zeros({3})));
}

TEST(DataParallelTest, Errors) {
  expectErrorMessage(
      [] { nn::DistributedDataParallel(std::shared_ptr<nn::Module>()); },
      "DistributedDataParallel: the module is null");
  expectErrorMessage(
      [] {
        nn::DistributedDataParallel(
            makeNet(0), nn::DistributedDataParallelOptions().bucket_cap_mb(-1));
      },
      "DistributedDataParallel: bucket_cap_mb must be >= 0, got -1.000000");
  if (W() < 2)
    return;
  expectErrorMessage(
      [] {
        nn::Sequential net = makeNet(0);
        if (R() == 1)
          net->push_back(nn::Linear(3, 1));
        nn::DistributedDataParallel ddp(net);
      },
      "DistributedDataParallel: the replicas have different numbers of "
      "parameters: rank 0 has 4, rank 1 has 6");
  expectErrorMessage(
      [] {
        manual_seed(0);
        nn::Linear net(R() == 1 ? 5 : 4, 2);
        nn::DistributedDataParallel ddp(net);
      },
      "broadcast: shape differs across ranks: rank 0 has [2, 4], rank 1 has "
      "[2, 5]");
  // The ranks are still in step.
  dist::barrier();
}

} // namespace
