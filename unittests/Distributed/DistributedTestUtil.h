//===- DistributedTestUtil.h - Helpers of the distributed tests -*- C++ -*-===//

#ifndef ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H
#define ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H

#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace adjit::testing {

/// Expects \p fn to throw adjit::Error whose message equals \p message.
inline void expectErrorMessage(const std::function<void()> &fn,
                               const std::string &message) {
  try {
    fn();
    ADD_FAILURE() << "expected adjit::Error: " << message;
  } catch (const Error &e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

/// True if \p t holds the same bits on every rank.
inline bool sameOnAllRanks(const Tensor &t) {
  std::vector<Tensor> all = distributed::all_gather(t.detach());
  for (const Tensor &other : all)
    if (!equal(other, all[0]))
      return false;
  return true;
}

/// The 4-8-3 tanh network of the data-parallel tests, initialized from
/// \p seed.
inline nn::Sequential makeNet(uint64_t seed) {
  manual_seed(seed);
  return nn::Sequential(nn::Linear(4, 8), nn::Tanh(), nn::Linear(8, 3));
}

/// The rows \p index of \p x.
inline Tensor rows(const Tensor &x, const std::vector<int64_t> &index) {
  std::vector<Tensor> picked;
  for (int64_t i : index)
    picked.push_back(x.select(0, i).unsqueeze(0));
  return cat(picked, 0);
}

/// The indices of this step's batch on every rank, in rank order.
inline std::vector<int64_t> unionOfBatches(const std::vector<int64_t> &mine) {
  std::vector<int64_t> all;
  for (const Tensor &t : distributed::all_gather(
           from_vector(mine, {static_cast<int64_t>(mine.size())}, kInt64)))
    for (int64_t i = 0; i < t.numel(); ++i)
      all.push_back(t.select(0, i).item<int64_t>());
  return all;
}

} // namespace adjit::testing

#endif // ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H
