//===- BufferCacheTest.cpp - the eager runtime's cache of freed buffers ---===//

#include "adjit/Runtime/BufferCache.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

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

} // namespace
