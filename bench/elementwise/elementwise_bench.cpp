//===- elementwise_bench.cpp - fused elementwise chains and reductions ----===//
//
// Times JIT-compiled adjit programs on 1024x1024 f32 against the same
// computation as a plain C++ loop (libm, g++ -O3) in one run: a fused
// five-op elementwise chain (on two OpenMP threads, and on one), and a
// row-sum reduction (one thread).
//
//===----------------------------------------------------------------------===//

#include "../common.h"

#include "adjit/JIT/Engine.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using namespace adjit::jit;

namespace {

constexpr int kSize = 1024;

const char *const kPrograms = R"mlir(
func.func @chain(%x: tensor<1024x1024xf32>, %y: tensor<1024x1024xf32>)
    -> tensor<1024x1024xf32> {
  %0 = adjit.mul %x, %y : tensor<1024x1024xf32>
  %1 = adjit.exp %0 : tensor<1024x1024xf32>
  %2 = adjit.add %1, %x : tensor<1024x1024xf32>
  %3 = adjit.tanh %2 : tensor<1024x1024xf32>
  %4 = adjit.sigmoid %3 : tensor<1024x1024xf32>
  return %4 : tensor<1024x1024xf32>
}
func.func @row_sums(%x: tensor<1024x1024xf32>) -> tensor<1024xf32> {
  %0 = adjit.reduce_sum %x, dims = [1] : tensor<1024x1024xf32> -> tensor<1024xf32>
  return %0 : tensor<1024xf32>
}
)mlir";

} // namespace

int main() {
  std::mt19937 generator(1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> x(kSize * kSize), y(kSize * kSize), out(kSize * kSize);
  for (float &v : x)
    v = uniform(generator);
  for (float &v : y)
    v = uniform(generator);

  Engine engine;
  auto module = engine.compile(kPrograms);
  EngineOptions sequentialOptions;
  sequentialOptions.parallelMinElements = 0;
  Engine sequentialEngine(sequentialOptions);
  auto sequential = sequentialEngine.compile(kPrograms);
  TensorType type{ElementType::F32, {kSize, kSize}};

  double chainSequential = adjit::bench::medianSecondsPerCall(
      [&] {
        sequential->call("chain", {{x.data(), type}, {y.data(), type}});
      },
      7);
  double chain = adjit::bench::medianSecondsPerCall(
      [&] {
        module->call("chain", {{x.data(), type}, {y.data(), type}});
      },
      7);
  double chainAnchor = adjit::bench::medianSecondsPerCall(
      [&] {
        for (int i = 0; i < kSize * kSize; ++i) {
          float t = std::tanh(std::exp(x[i] * y[i]) + x[i]);
          out[i] = 1.0f / (1.0f + std::exp(-t));
        }
      },
      7);
  double sums = adjit::bench::medianSecondsPerCall(
      [&] {
        module->call("row_sums", {{x.data(), type}});
      },
      7);
  double sumsAnchor = adjit::bench::medianSecondsPerCall(
      [&] {
        for (int i = 0; i < kSize; ++i) {
          float sum = 0;
          for (int j = 0; j < kSize; ++j)
            sum += x[i * kSize + j];
          out[i] = sum;
        }
      },
      7);

  std::printf("elementwise and reduction on 1024x1024 f32, median ms per "
              "call; C++ loop: 1 thread\n");
  std::printf("%-44s %10s %10s %8s\n", "", "adjit", "C++ loop", "speedup");
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              "fused mul/exp/add/tanh/sigmoid (2 threads)", chain * 1e3,
              chainAnchor * 1e3, chainAnchor / chain);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              "fused mul/exp/add/tanh/sigmoid (1 thread)",
              chainSequential * 1e3, chainAnchor * 1e3,
              chainAnchor / chainSequential);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n", "reduce_sum over rows (1 thread)",
              sums * 1e3, sumsAnchor * 1e3, sumsAnchor / sums);
  return 0;
}
