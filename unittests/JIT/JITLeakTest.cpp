//===- JITLeakTest.cpp - repeated compile/run cycles free what they make --===//
//
// Compiles and runs many modules, distinct and identical, through the JIT
// engine and through jit::compile, checking every result. Under
// AddressSanitizer
// (`make test-asan`, ADJIT_LEAK_TEST_CYCLES=1000) LeakSanitizer checks at exit
// that no compiled module, execution engine or result buffer was lost; here
// the tests also check that a compiled module is destroyed as soon as the
// cache and the caller release it. The workloads stay far below the OpenMP and
// BLAS thresholds, so no libomp or OpenBLAS thread exists at exit.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

using namespace adjit;
using namespace adjit::jit;

namespace {

/// The number of compile/run cycles: ADJIT_LEAK_TEST_CYCLES, or 20.
int getCycles() {
  if (const char *text = std::getenv("ADJIT_LEAK_TEST_CYCLES")) {
    int cycles = std::atoi(text);
    if (cycles > 0)
      return cycles;
  }
  return 20;
}

/// A module whose @affine computes x * scale + offset on `size` elements;
/// every (size, scale) pair is a distinct module.
std::string affineModule(int size, int scale) {
  std::string type = "tensor<" + std::to_string(size) + "xf32>";
  return "func.func @affine(%x: " + type + ") -> " + type +
         " {\n"
         "  %s = adjit.constant dense<" +
         std::to_string(scale) + ".0> : " + type +
         "\n"
         "  %o = adjit.constant dense<1.5> : " +
         type +
         "\n"
         "  %0 = adjit.mul %x, %s : " +
         type + "\n  %1 = adjit.add %0, %o : " + type +
         "\n"
         "  return %1 : " +
         type + "\n}\n";
}

/// Calls @affine of `module` on 0, 1, 2, ... and checks every result.
void expectAffine(const CompiledModule &module, int size, int scale) {
  std::vector<float> x(size);
  for (int i = 0; i < size; ++i)
    x[i] = float(i);
  std::vector<Buffer> results =
      module.call("affine", {{x.data(), {ElementType::F32, {size}}}});
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(results[0].getNumElements(), size);
  for (int i = 0; i < size; ++i)
    ASSERT_EQ(results[0].getDataAs<float>()[i], float(i) * scale + 1.5f)
        << "element " << i << " of the module with scale " << scale;
}

TEST(JITLeakTest, EngineCompileRunCyclesReleaseTheirModules) {
  int cycles = getCycles();
  // Level 1 keeps a thousand cycles quick under the sanitizers; the code
  // paths that allocate and free are those of every level.
  EngineOptions options;
  options.optLevel = 1;
  Engine engine(options);
  Engine cachingEngine(options);
  const std::string identical = affineModule(8, 3);
  for (int cycle = 0; cycle < cycles; ++cycle) {
    // A module never seen before, dropped after one call.
    int size = 1 + cycle % 16;
    std::weak_ptr<const CompiledModule> released;
    {
      std::shared_ptr<const CompiledModule> distinct =
          engine.compile(affineModule(size, cycle + 4));
      expectAffine(*distinct, size, cycle + 4);
      released = distinct;
    }
    // The same module compiled again from scratch, then answered from the
    // cache.
    {
      std::shared_ptr<const CompiledModule> fresh = engine.compile(identical);
      std::shared_ptr<const CompiledModule> cached = engine.compile(identical);
      EXPECT_EQ(fresh.get(), cached.get());
      expectAffine(*cached, 8, 3);
    }
    EXPECT_EQ(engine.getCacheStatistics().entries, 2u);
    engine.clearCache();
    EXPECT_TRUE(released.expired())
        << "the module of cycle " << cycle
        << " outlived its last reference and the cache";
    // An engine that keeps its module: every cycle is a cache hit.
    expectAffine(*cachingEngine.compile(identical), 8, 3);
  }
  Engine::CacheStatistics statistics = engine.getCacheStatistics();
  EXPECT_EQ(statistics.misses, 2u * cycles);
  EXPECT_EQ(statistics.hits, 1u * cycles);
  EXPECT_EQ(statistics.entries, 0u);
  EXPECT_EQ(cachingEngine.getCacheStatistics().misses, 1u);
}

TEST(JITLeakTest, FailedCompilesReleaseEverything) {
  int cycles = getCycles() / 10 + 1;
  Engine engine;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    // A parse error and a pipeline failure: neither is cached, and the
    // contexts and pass managers they built are freed.
    EXPECT_THROW(engine.compile("func.func @f(" + std::to_string(cycle)),
                 adjit::Error);
    EXPECT_THROW(engine.compile("func.func @f(%x: f32) -> f32 {\n"
                                "  %z = complex.create %x, %x : complex<f32>\n"
                                "  %a = complex.abs %z : complex<f32>\n"
                                "  return %a : f32\n}\n"),
                 adjit::Error);
  }
  EXPECT_EQ(engine.getCacheStatistics().entries, 0u);
}

TEST(JITLeakTest, CompiledFunctionCyclesRunAndFreeTheirTensors) {
  // A few hundred through jit::compile when the engine does a thousand.
  int cycles = getCycles() / 4 + 1;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    // A new parameter and a new compiled function every cycle; the size and
    // the scale give 24 distinct modules, so later cycles trace anew but hit
    // the shared engine's cache.
    int64_t size = 1 + cycle % 8;
    double scale = 1.0 + cycle % 3;
    Tensor w = full({size}, 0.5, requires_grad());
    CompiledFunction loss = compile([&](const std::vector<Tensor> &in) {
      return ((in[0] * w - in[1]) * scale).pow(2).sum();
    });
    Tensor x = arange(1, size + 1, 1, kFloat32), y = ones({size});
    double expectedLoss = 0;
    for (int64_t i = 1; i <= size; ++i)
      expectedLoss += (0.5 * i - 1) * (0.5 * i - 1) * scale * scale;
    for (int call = 0; call < 2; ++call)
      EXPECT_NEAR(loss(x, y).item<double>(), expectedLoss,
                  1e-5 * expectedLoss + 1e-6);
    // Two calls accumulate 2 * 2 * scale^2 * (x w - y) * x.
    Tensor grad = w.grad().to(kFloat64).contiguous();
    for (int64_t i = 1; i <= size; ++i) {
      double expected = 4 * scale * scale * (0.5 * i - 1) * i;
      EXPECT_NEAR(grad.data_ptr<double>()[i - 1], expected,
                  1e-5 * std::abs(expected) + 1e-6);
    }
    EXPECT_EQ(loss.getStats().compilations, 1);
    EXPECT_EQ(loss.getStats().cacheHits, 1);
  }
}

} // namespace
