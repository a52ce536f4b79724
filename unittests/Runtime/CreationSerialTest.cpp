//===- CreationSerialTest.cpp - the creation serials of tensors -----------===//

#include "adjit/Runtime/OpObserver.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>
#include <vector>

using namespace adjit;

namespace {

TEST(CreationSerial, LaterTensorsOfAThreadHaveLargerSerials) {
  Tensor a = zeros({2}), b = ones({3}), c = a + b.sum();
  EXPECT_LT(runtime::getCreationSerial(a), runtime::getCreationSerial(b));
  EXPECT_LT(runtime::getCreationSerial(b), runtime::getCreationSerial(c));
}

TEST(CreationSerial, TheNextSerialSeparatesEarlierFromLaterTensors) {
  // Across blocks of serials too: many tensors on either side.
  std::vector<Tensor> before, after;
  for (int i = 0; i < 5000; ++i)
    before.push_back(zeros({1}));
  uint64_t next = runtime::getNextCreationSerial();
  for (int i = 0; i < 5000; ++i)
    after.push_back(zeros({1}));
  for (const Tensor &t : before)
    ASSERT_LT(runtime::getCreationSerial(t), next);
  for (const Tensor &t : after)
    ASSERT_GE(runtime::getCreationSerial(t), next);
}

TEST(CreationSerial, SerialsAreUniqueAcrossThreads) {
  constexpr int kTensors = 10000;
  std::vector<uint64_t> serials[2];
  auto make = [&](int thread) {
    for (int i = 0; i < kTensors; ++i)
      serials[thread].push_back(runtime::getCreationSerial(zeros({1})));
  };
  std::thread other(make, 1);
  make(0);
  other.join();
  std::vector<uint64_t> all = serials[0];
  all.insert(all.end(), serials[1].begin(), serials[1].end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());
  EXPECT_TRUE(std::is_sorted(serials[0].begin(), serials[0].end()));
  EXPECT_TRUE(std::is_sorted(serials[1].begin(), serials[1].end()));
}

} // namespace
