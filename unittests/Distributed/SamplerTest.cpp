//===- SamplerTest.cpp - DistributedSampler -------------------------------===//

#include "DistributedTestUtil.h"

#include <algorithm>
#include <set>

using namespace adjit;
using namespace adjit::testing;
using adjit::data::DistributedSampler;
using Indices = std::vector<int64_t>;

namespace {

TEST(DistributedSamplerTest, SplitsInOrderWithoutShuffle) {
  EXPECT_EQ(DistributedSampler(10, 2, 0, false).indices(),
            (Indices{0, 2, 4, 6, 8}));
  EXPECT_EQ(DistributedSampler(10, 2, 1, false).indices(),
            (Indices{1, 3, 5, 7, 9}));
  // 5 samples on 2 ranks: padded with the first index, or the tail dropped.
  EXPECT_EQ(DistributedSampler(5, 2, 0, false).indices(), (Indices{0, 2, 4}));
  EXPECT_EQ(DistributedSampler(5, 2, 1, false).indices(), (Indices{1, 3, 0}));
  EXPECT_EQ(DistributedSampler(5, 2, 1, false, 0, true).indices(),
            (Indices{1, 3}));
  EXPECT_EQ(DistributedSampler(5, 2, 1, false, 0, true).num_samples(), 2);
  // Fewer samples than ranks wrap around.
  EXPECT_EQ(DistributedSampler(2, 3, 2, false).indices(), (Indices{0}));
  EXPECT_TRUE(DistributedSampler(0, 2, 1, false).indices().empty());
}

TEST(DistributedSamplerTest, ShuffledShardsPartitionTheDataset) {
  std::set<int64_t> seen;
  Indices epoch0;
  for (int r = 0; r < 3; ++r) {
    DistributedSampler s(12, 3, r, true, 5);
    Indices mine = s.indices();
    EXPECT_EQ(mine.size(), 4u);
    EXPECT_EQ(mine, DistributedSampler(12, 3, r, true, 5).indices());
    seen.insert(mine.begin(), mine.end());
    if (r == 0)
      epoch0 = mine;
  }
  EXPECT_EQ(seen.size(), 12u);
  DistributedSampler s(12, 3, 0, true, 5);
  s.set_epoch(1);
  EXPECT_NE(s.indices(), epoch0);
}

TEST(DistributedSamplerTest, BatchesEndWithTheRemainder) {
  DistributedSampler s(10, 2, 1, false);
  std::vector<Indices> expected = {{1, 3}, {5, 7}, {9}};
  EXPECT_EQ(s.batches(2), expected);
}

TEST(DistributedSamplerTest, DefaultsToTheWorld) {
  DistributedSampler s(100);
  EXPECT_EQ(s.num_samples(),
            (100 + distributed::world_size() - 1) / distributed::world_size());
}

TEST(DistributedSamplerTest, Errors) {
  expectErrorMessage([] { DistributedSampler(10, 2, 2); },
                     "DistributedSampler: rank 2 is not in [0, 2)");
  expectErrorMessage([] { DistributedSampler(10, 0, 0); },
                     "DistributedSampler: num_replicas must be >= 1, got 0");
  expectErrorMessage([] { DistributedSampler(-1, 1, 0); },
                     "DistributedSampler: the dataset size must be >= 0, got "
                     "-1");
  expectErrorMessage([] { DistributedSampler(4, 1, 0).batches(0); },
                     "DistributedSampler::batches: the batch size must be >= "
                     "1, got 0");
}

} // namespace
