//===- CollectivesTest.cpp - all_reduce, broadcast, all_gather, barrier ---===//

#include "DistributedTestUtil.h"

using namespace adjit;
using namespace adjit::testing;
namespace dist = adjit::distributed;

namespace {

int R() { return dist::rank(); }
int W() { return dist::world_size(); }

TEST(DistributedTest, WorldMatchesTheLauncher) {
  EXPECT_TRUE(dist::is_initialized());
  EXPECT_GE(W(), 1);
  EXPECT_GE(R(), 0);
  EXPECT_LT(R(), W());
  std::vector<Tensor> ranks = dist::all_gather(scalar_tensor(R(), kInt64));
  ASSERT_EQ(ranks.size(), static_cast<size_t>(W()));
  for (int r = 0; r < W(); ++r)
    EXPECT_EQ(ranks[r].item<int64_t>(), r);
  dist::barrier();
}

TEST(DistributedTest, AllReduceSumEveryDtype) {
  double expected = W() * (W() + 1) / 2.0;
  for (Dtype dtype : {kFloat32, kFloat64, kInt64}) {
    Tensor t = full({2, 3}, R() + 1, dtype);
    uint64_t version = t._version();
    dist::all_reduce(t, dist::ReduceOp::Sum);
    EXPECT_TRUE(equal(t, full({2, 3}, expected, dtype))) << dtypeName(dtype);
    EXPECT_GT(t._version(), version);
  }
  // Bool sums as a logical or.
  Tensor b =
      from_vector(std::vector<double>{R() == 0 ? 1.0 : 0.0, 0.0}, {2}, kBool);
  dist::all_reduce(b);
  EXPECT_TRUE(equal(b, from_vector(std::vector<double>{1, 0}, {2}, kBool)));
}

TEST(DistributedTest, AllReduceMeanAndMax) {
  Tensor mean = arange(4, kFloat64) + static_cast<double>(R());
  dist::all_reduce(mean, dist::ReduceOp::Mean);
  EXPECT_TRUE(allclose(mean, arange(4, kFloat64) + (W() - 1) / 2.0, 0, 1e-15));
  // Each rank holds the maximum at a different position.
  Tensor max = zeros({W()});
  max.select(0, R()).fill_(10 + R());
  dist::all_reduce(max, dist::ReduceOp::Max);
  EXPECT_TRUE(equal(max, arange(10, 10 + W())));
  Tensor imax = full({3}, R(), kInt64);
  dist::all_reduce(imax, dist::ReduceOp::Max);
  EXPECT_TRUE(equal(imax, full({3}, W() - 1, kInt64)));
}

TEST(DistributedTest, AllReduceWritesThroughAView) {
  Tensor base = zeros({3, 2});
  Tensor view = base.t(); // [2, 3], not contiguous
  ASSERT_FALSE(view.is_contiguous());
  view.select(0, 0).fill_(1);
  dist::all_reduce(view);
  EXPECT_TRUE(equal(base.select(1, 0), full({3}, W())));
  EXPECT_TRUE(equal(base.select(1, 1), zeros({3})));
}

TEST(DistributedTest, AllReduceEmptyAndScalar) {
  Tensor empty = zeros({0, 3});
  dist::all_reduce(empty);
  EXPECT_EQ(empty.numel(), 0);
  Tensor s = scalar_tensor(2.5);
  dist::all_reduce(s);
  EXPECT_EQ(s.item(), 2.5 * W());
}

TEST(DistributedTest, AllReduceAsync) {
  Tensor t = full({1000}, R() + 1.0, kFloat64);
  std::shared_ptr<dist::Work> work = dist::all_reduce_async(t);
  work->wait();
  EXPECT_TRUE(work->is_completed());
  EXPECT_TRUE(equal(t, full({1000}, W() * (W() + 1) / 2.0, kFloat64)));
}

TEST(DistributedTest, Broadcast) {
  for (int root : {0, W() - 1}) {
    Tensor t = full({4, 2}, 100 + R(), kFloat64);
    dist::broadcast(t, root);
    EXPECT_TRUE(equal(t, full({4, 2}, 100 + root, kFloat64)));
  }
  Tensor base = zeros({2, 2}, kInt64);
  base.fill_(R() == 0 ? 7 : 3);
  Tensor column = base.select(1, 1); // strided
  dist::broadcast(column, 0);
  EXPECT_TRUE(equal(column, full({2}, 7, kInt64)));
  EXPECT_TRUE(equal(base.select(1, 0), full({2}, R() == 0 ? 7 : 3, kInt64)));
}

TEST(DistributedTest, AllGather) {
  Tensor t = arange(6, kFloat32).reshape({2, 3}) * static_cast<double>(R());
  std::vector<Tensor> all = dist::all_gather(t);
  ASSERT_EQ(all.size(), static_cast<size_t>(W()));
  for (int r = 0; r < W(); ++r) {
    EXPECT_EQ(all[r].sizes(), (Shape{2, 3}));
    EXPECT_TRUE(equal(all[r], arange(6, kFloat32).reshape({2, 3}) *
                                  static_cast<double>(r)));
  }
}

TEST(DistributedTest, LocalErrors) {
  Tensor leaf = ones({2}, requires_grad());
  expectErrorMessage([&] { dist::all_reduce(leaf); },
                     "all_reduce: the collective writes its result in place "
                     "into a tensor that requires grad, which autograd cannot "
                     "follow; call it under NoGradGuard or on "
                     "tensor.detach()");
  {
    NoGradGuard noGrad;
    dist::all_reduce(leaf);
  }
  EXPECT_TRUE(equal(leaf.detach(), full({2}, W())));
  expectErrorMessage(
      [&] { dist::all_reduce(ones({2}, kInt64), dist::ReduceOp::Mean); },
      "all_reduce: mean needs a float32 or float64 tensor, got int64");
  expectErrorMessage([&] { dist::broadcast(ones({2}), W()); },
                     "broadcast: root " + std::to_string(W()) +
                         " is not a rank of a world of " + std::to_string(W()));
  expectErrorMessage([&] { dist::all_reduce(Tensor()); },
                     "all_reduce: expected a defined tensor, got an undefined "
                     "one");
  expectErrorMessage(
      [&] {
        dist::all_reduce_async(ones({3, 2}).t());
      },
      "all_reduce_async: the tensor must be contiguous, got shape [2, 3] with "
      "strides [1, 2]");
  expectErrorMessage([&] { dist::set_timeout(0); },
                     "distributed::set_timeout: the timeout must be positive, "
                     "got 0.000000");
  // The world is still in step after the errors.
  Tensor t = ones({1});
  dist::all_reduce(t);
  EXPECT_EQ(t.item(), W());
}

// Mismatches across ranks: every rank gets the same error, and the ranks
// stay in step for the next collective.
class CrossRankErrorTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (W() < 2)
      GTEST_SKIP() << "needs 2 or more ranks";
  }
  void TearDown() override {
    Tensor t = ones({1});
    dist::all_reduce(t);
    EXPECT_EQ(t.item(), W());
  }
};

TEST_F(CrossRankErrorTest, ShapeDiffers) {
  expectErrorMessage(
      [&] {
        dist::all_reduce(zeros({R() == 1 ? 3 : 2, 4}));
      },
      "all_reduce: shape differs across ranks: rank 0 has [2, 4], rank 1 has "
      "[3, 4]");
  expectErrorMessage([&] { dist::all_gather(zeros({R() == 1 ? 1 : 2})); },
                     "all_gather: shape differs across ranks: rank 0 has [2], "
                     "rank 1 has [1]");
}

TEST_F(CrossRankErrorTest, DtypeDiffers) {
  expectErrorMessage(
      [&] { dist::broadcast(zeros({2}, R() == 1 ? kFloat64 : kFloat32)); },
      "broadcast: dtype differs across ranks: rank 0 has float32, rank 1 has "
      "float64");
}

TEST_F(CrossRankErrorTest, OpAndRootDiffer) {
  expectErrorMessage(
      [&] {
        dist::all_reduce(zeros({2}),
                         R() == 1 ? dist::ReduceOp::Max : dist::ReduceOp::Sum);
      },
      "all_reduce: reduce op differs across ranks: rank 0 has sum, rank 1 has "
      "max");
  expectErrorMessage([&] { dist::broadcast(zeros({2}), R() == 1 ? 1 : 0); },
                     "broadcast: root differs across ranks: rank 0 has 0, "
                     "rank 1 has 1");
}

TEST_F(CrossRankErrorTest, CollectivesInADifferentOrder) {
  try {
    if (R() == 1)
      dist::barrier();
    else
      dist::all_reduce(zeros({2}));
    ADD_FAILURE() << "expected adjit::Error";
  } catch (const Error &e) {
    std::string msg = e.what();
    std::string order = "ranks called collectives in a different order: "
                        "rank 0 called all_reduce #";
    EXPECT_NE(msg.find(order), std::string::npos) << msg;
    EXPECT_NE(msg.find(", rank 1 called barrier #"), std::string::npos) << msg;
  }
}

} // namespace
