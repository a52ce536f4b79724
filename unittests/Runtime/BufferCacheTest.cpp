//===- BufferCacheTest.cpp - the eager runtime's cache of freed buffers ---===//

#include "adjit/Runtime/BufferCache.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <thread>

using namespace adjit;

namespace {

TEST(BufferCache, KeepsTheBuffersOfDestroyedTensorsUntilReleased) {
  runtime::releaseCachedBuffers();
  ASSERT_EQ(runtime::getCachedBufferBytes(), 0u);
  { Tensor dead = ones({1 << 16}); }
  size_t cached = runtime::getCachedBufferBytes();
  EXPECT_GE(cached, sizeof(float) << 16);
  EXPECT_EQ(runtime::releaseCachedBuffers(), cached);
  EXPECT_EQ(runtime::getCachedBufferBytes(), 0u);
  EXPECT_EQ(runtime::releaseCachedBuffers(), 0u);
}

TEST(BufferCache, ReleasingLeavesLiveTensorsAndLaterAllocationsIntact) {
  Tensor alive = full({1 << 14}, 2.0);
  { Tensor dead = ones({1 << 14}); }
  runtime::releaseCachedBuffers();
  EXPECT_EQ(alive.sum().item<float>(), 2.0f * (1 << 14));
  Tensor later = ones({1 << 14});
  EXPECT_EQ((later + alive).sum().item<float>(), 3.0f * (1 << 14));
}

TEST(BufferCache, KeepsTheCallingThreadsSmallBlocksUntilReleased) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "small blocks go straight to malloc under sanitizers";
#endif
  runtime::releaseCachedBuffers();
  ASSERT_EQ(runtime::getCachedBufferBytes(), 0u);
  // A recorded graph of 60,000 small tensors and nodes, then freed: about
  // 45 MB of blocks, more than the 32 MB the lists once kept, all kept now.
  {
    Tensor w = full({4}, 0.5, requires_grad());
    Tensor h = ones({4});
    for (int i = 0; i < 30000; ++i)
      h = (h * w).tanh();
  }
  size_t cached = runtime::getCachedBufferBytes();
  EXPECT_GE(cached, size_t(40) << 20);
  // Another thread keeps its own blocks; the count here is this thread's.
  std::thread([] { Tensor t = ones({4}) * 2.0; }).join();
  EXPECT_EQ(runtime::getCachedBufferBytes(), cached);
  EXPECT_EQ(runtime::releaseCachedBuffers(), cached);
  EXPECT_EQ(runtime::getCachedBufferBytes(), 0u);
  // Later tensors allocate as before.
  EXPECT_EQ((ones({4}) * 3.0).sum().item<float>(), 12.0f);
}

} // namespace
