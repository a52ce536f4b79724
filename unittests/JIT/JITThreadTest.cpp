//===- JITThreadTest.cpp - concurrent compiles and calls ------------------===//
//
// Four threads compile and call modules through one JIT engine at once, and
// run separate jit::compile functions at once. `make test-tsan` runs these
// tests under ThreadSanitizer; here they check the results of every call.
// The workloads stay below the OpenMP and BLAS thresholds.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <string>
#include <thread>
#include <vector>

using namespace adjit;
using namespace adjit::jit;

namespace {

constexpr int kThreads = 4;

/// A module whose @scale multiplies a tensor<4xf64> by `factor` and whose
/// @sum adds up a tensor<2x3xf32>.
std::string scaleModule(int factor) {
  return "func.func @scale(%x: tensor<4xf64>) -> tensor<4xf64> {\n"
         "  %c = adjit.constant dense<" +
         std::to_string(factor) +
         ".0> : tensor<4xf64>\n"
         "  %0 = adjit.mul %x, %c : tensor<4xf64>\n"
         "  return %0 : tensor<4xf64>\n"
         "}\n"
         "func.func @sum(%x: tensor<2x3xf32>) -> tensor<f32> {\n"
         "  %0 = adjit.reduce_sum %x, dims = [0, 1] : tensor<2x3xf32> -> "
         "tensor<f32>\n"
         "  return %0 : tensor<f32>\n"
         "}\n";
}

/// Runs `work(thread)` on kThreads threads at once and joins them.
template <typename Work> void runOnThreads(Work work) {
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread)
    threads.emplace_back(work, thread);
  for (std::thread &thread : threads)
    thread.join();
}

TEST(JITThreadTest, FourThreadsCompileAndCallOneEngine) {
  EngineOptions options;
  options.optLevel = 1;
  Engine engine(options);
  std::atomic<int> wrong{0};
  constexpr int kRounds = 6;
  runOnThreads([&](int thread) {
    for (int round = 0; round < kRounds; ++round) {
      // All threads want the shared module of this round at once, and one
      // module of their own.
      auto shared = engine.compile(scaleModule(100 + round));
      auto own = engine.compile(scaleModule(thread + kThreads * round));
      for (int call = 0; call < 20; ++call) {
        std::vector<double> x = {1.0 * call, 2.0, -3.0, 0.5};
        auto scaled = own->call("scale", {{x.data(), {ElementType::F64, {4}}}});
        const double *s = scaled[0].getDataAs<double>();
        for (int i = 0; i < 4; ++i)
          if (s[i] != x[i] * (thread + kThreads * round))
            ++wrong;
        std::vector<float> m = {1, 2, 3, 4, 5, float(call)};
        auto sum =
            shared->call("sum", {{m.data(), {ElementType::F32, {2, 3}}}});
        if (sum[0].getDataAs<float>()[0] != 15.0f + call)
          ++wrong;
      }
    }
  });
  EXPECT_EQ(wrong.load(), 0);
  Engine::CacheStatistics statistics = engine.getCacheStatistics();
  // Each round: one shared module compiled once for four requests, and four
  // modules of one thread each.
  EXPECT_EQ(statistics.misses, uint64_t(kRounds * (1 + kThreads)));
  EXPECT_EQ(statistics.hits, uint64_t(kRounds * (kThreads - 1)));
  EXPECT_EQ(statistics.entries, uint64_t(kRounds * (1 + kThreads)));
}

TEST(JITThreadTest, ClearingTheCacheWhileOtherThreadsCall) {
  Engine engine;
  auto module = engine.compile(scaleModule(2));
  std::atomic<int> wrong{0};
  runOnThreads([&](int thread) {
    for (int call = 0; call < 30; ++call) {
      if (thread == 0 && call % 10 == 0)
        engine.clearCache();
      // Modules obtained before a clear stay usable.
      auto current = call % 2 ? engine.compile(scaleModule(2)) : module;
      std::vector<double> x = {1, 2, 3, double(call)};
      auto scaled =
          current->call("scale", {{x.data(), {ElementType::F64, {4}}}});
      if (scaled[0].getDataAs<double>()[3] != 2.0 * call)
        ++wrong;
    }
  });
  EXPECT_EQ(wrong.load(), 0);
}

TEST(JITThreadTest, SeparateCompiledFunctionsOnFourThreads) {
  // jit::compile does not promise that one CompiledFunction may be called
  // from several threads at once; separate ones may, and share one engine.
  // Every thread trains its own linear model y = a x + b with its own data.
  std::vector<double> slopes(kThreads), intercepts(kThreads);
  std::vector<int64_t> compilations(kThreads);
  runOnThreads([&](int thread) {
    Tensor a = zeros({1}, requires_grad()), b = zeros({1}, requires_grad());
    CompiledFunction loss = compile(
        [&](const std::vector<Tensor> &in) {
          return (in[0] * a + b - in[1]).pow(2).mean();
        },
        "line" + std::to_string(thread % 2));
    // y = (thread + 1) x - 1 at x = 0, 0.25, ..., 1.75.
    Tensor x = arange(0, 2, 0.25, kFloat32);
    Tensor y = x * double(thread + 1) - 1.0;
    optim::SGD optimizer({a, b}, optim::SGDOptions(0.2));
    for (int step = 0; step < 300; ++step) {
      optimizer.zero_grad();
      loss(x, y);
      optimizer.step();
    }
    slopes[thread] = a.item<double>();
    intercepts[thread] = b.item<double>();
    compilations[thread] = loss.getStats().compilations;
  });
  for (int thread = 0; thread < kThreads; ++thread) {
    EXPECT_NEAR(slopes[thread], thread + 1, 1e-3) << "thread " << thread;
    EXPECT_NEAR(intercepts[thread], -1, 1e-3) << "thread " << thread;
    EXPECT_EQ(compilations[thread], 1) << "thread " << thread;
  }
}

} // namespace
