//===- DistributedTestUtil.h - Helpers of the distributed tests -*- C++ -*-===//

#ifndef ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H
#define ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H

#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

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

} // namespace adjit::testing

#endif // ADJIT_UNITTESTS_DISTRIBUTED_DISTRIBUTEDTESTUTIL_H
