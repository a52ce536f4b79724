//===- CompileMemoryTest.cpp - what a compile leaves allocated ------------===//

#include "adjit/JIT.h"
#include "adjit/Runtime/BufferCache.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace adjit;

namespace {

/// Elements of each intermediate of the traced function: 4 MB of f32.
constexpr int64_t kElements = int64_t(1) << 20;
constexpr size_t kIntermediateBytes = sizeof(float) * kElements;

TEST(CompileMemory, TheTracedEagerRunLeavesNoBuffersBehind) {
  Tensor x = rand({kElements});
  Tensor w = full({1}, 0.5).requires_grad_(true);
  // Its eager run saves large intermediates for backward.
  jit::TensorFunction loss = [w](const std::vector<Tensor> &in) {
    return (in[0] * w).tanh().exp().sum();
  };

  // Run eagerly, its destroyed intermediates stay in the runtime's cache.
  runtime::releaseCachedBuffers();
  loss({x}).backward();
  EXPECT_GE(runtime::getCachedBufferBytes(), 2 * kIntermediateBytes);

  // The compile traces it eagerly too, and then releases those buffers
  // (none of the compiled call's tensors has the intermediates' size).
  runtime::releaseCachedBuffers();
  auto compiled = jit::compile(loss, jit::CompileOptions{"compile_memory"});
  w.grad().zero_();
  Tensor value = compiled({x});
  EXPECT_LT(runtime::getCachedBufferBytes(), kIntermediateBytes);

  // And computes what the eager function does (up to the order of the f32
  // sum over a million elements).
  Tensor eagerGrad;
  {
    Tensor v = full({1}, 0.5).requires_grad_(true);
    Tensor expected = (x * v).tanh().exp().sum();
    expected.backward();
    EXPECT_NEAR(value.item<float>(), expected.item<float>(),
                2e-3 * std::abs(expected.item<float>()));
    eagerGrad = v.grad();
  }
  EXPECT_NEAR(w.grad().item<float>(), eagerGrad.item<float>(),
              2e-3 * std::abs(eagerGrad.item<float>()));
}

} // namespace
