//===- InlineVectorTest.cpp - The autograd graph's small vectors ----------===//

#include "adjit/Runtime/InlineVector.h"

#include <gtest/gtest.h>

#include <memory>

using namespace adjit;

namespace {

/// Pushes 0 .. n-1 as shared pointers to \p v, and returns them.
std::vector<std::shared_ptr<int>> fill(InlineVector<std::shared_ptr<int>, 2> &v,
                                       int n) {
  std::vector<std::shared_ptr<int>> values;
  for (int i = 0; i < n; ++i) {
    values.push_back(std::make_shared<int>(i));
    v.push_back(values.back());
  }
  return values;
}

TEST(InlineVectorTest, KeepsOrderInPlaceAndOnTheHeap) {
  for (int n : {0, 1, 2, 3, 5}) {
    InlineVector<std::shared_ptr<int>, 2> v;
    auto values = fill(v, n);
    ASSERT_EQ(v.size(), static_cast<size_t>(n));
    EXPECT_EQ(v.empty(), n == 0);
    int i = 0;
    for (const std::shared_ptr<int> &p : v) {
      EXPECT_EQ(p, values[i]) << n;
      EXPECT_EQ(v[i], values[i]) << n;
      ++i;
    }
    EXPECT_EQ(i, n);
    // Each value is held once by the vector: spilling moved, not copied.
    for (auto &p : values)
      EXPECT_EQ(p.use_count(), 2) << n;
  }
}

TEST(InlineVectorTest, ClearReleasesEveryElement) {
  for (int n : {2, 4}) {
    InlineVector<std::shared_ptr<int>, 2> v;
    auto values = fill(v, n);
    v.clear();
    EXPECT_TRUE(v.empty());
    for (auto &p : values)
      EXPECT_EQ(p.use_count(), 1) << n;
    v.push_back(values[0]);
    EXPECT_EQ(v[0], values[0]);
  }
}

TEST(InlineVectorTest, MoveLeavesTheSourceEmpty) {
  for (int n : {1, 3}) {
    InlineVector<std::shared_ptr<int>, 2> v;
    auto values = fill(v, n);
    InlineVector<std::shared_ptr<int>, 2> w(std::move(v));
    EXPECT_TRUE(v.empty());
    ASSERT_EQ(w.size(), static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      EXPECT_EQ(w[i], values[i]);
      EXPECT_EQ(values[i].use_count(), 2);
    }
  }
}

} // namespace
