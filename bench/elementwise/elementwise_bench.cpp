//===- elementwise_bench.cpp - fused elementwise chains and reductions ----===//
//
// Times JIT-compiled adjit programs on 1024x1024 f32 against the same
// computation as a plain C++ loop (libm, g++ -O3) in one run: a fused
// five-op elementwise chain (on two OpenMP threads, and on one), a
// row-sum reduction (one thread), and erf and the exact GELU
// x/2 (1 + erf(x / sqrt(2))) compiled on one thread and eager (adjit::erf,
// adjit::gelu) on one thread and on the pool's threads, against the loop
// calling the C library's erff.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "../common.h"

#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

// libomp's thread count, which the eager kernels' threads follow.
extern "C" void omp_set_num_threads(int);
extern "C" int omp_get_max_threads();

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
func.func @erf(%x: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %0 = adjit.erf %x : tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}
func.func @gelu(%x: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %rsqrt2 = adjit.constant dense<0.707106769> : tensor<1024x1024xf32>
  %one = adjit.constant dense<1.0> : tensor<1024x1024xf32>
  %half = adjit.constant dense<0.5> : tensor<1024x1024xf32>
  %0 = adjit.mul %x, %rsqrt2 : tensor<1024x1024xf32>
  %1 = adjit.erf %0 : tensor<1024x1024xf32>
  %2 = adjit.add %1, %one : tensor<1024x1024xf32>
  %3 = adjit.mul %x, %half : tensor<1024x1024xf32>
  %4 = adjit.mul %3, %2 : tensor<1024x1024xf32>
  return %4 : tensor<1024x1024xf32>
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
  // The timed calls run the -O3 code of both modules.
  adjit::bench::warmUpToOptimizedTier(engine, [&] {
    module->call("chain", {{x.data(), type}, {y.data(), type}});
  });
  adjit::bench::warmUpToOptimizedTier(sequentialEngine, [&] {
    sequential->call("chain", {{x.data(), type}, {y.data(), type}});
  });

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

  // erf and GELU on [-4, 4]: compiled on one thread, eager, and the C
  // library's erff.
  std::vector<float> wide(kSize * kSize);
  for (int i = 0; i < kSize * kSize; ++i)
    wide[i] = 4.0f * x[i];
  double erfCompiled = adjit::bench::medianSecondsPerCall(
      [&] {
        sequential->call("erf", {{wide.data(), type}});
      },
      7);
  double geluCompiled = adjit::bench::medianSecondsPerCall(
      [&] {
        sequential->call("gelu", {{wide.data(), type}});
      },
      7);
  adjit::Tensor wideTensor =
      adjit::from_blob(wide.data(), {kSize, kSize}, {kSize, 1}, [](void *) {});
  int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  double erfEagerSequential =
      adjit::bench::medianSecondsPerCall([&] { adjit::erf(wideTensor); }, 7);
  double geluEagerSequential =
      adjit::bench::medianSecondsPerCall([&] { adjit::gelu(wideTensor); }, 7);
  omp_set_num_threads(threads);
  double erfEager =
      adjit::bench::medianSecondsPerCall([&] { adjit::erf(wideTensor); }, 7);
  double geluEager =
      adjit::bench::medianSecondsPerCall([&] { adjit::gelu(wideTensor); }, 7);
  std::string pool = " (" + std::to_string(threads) + " threads)";
  double erfAnchor = adjit::bench::medianSecondsPerCall(
      [&] {
        for (int i = 0; i < kSize * kSize; ++i)
          out[i] = std::erf(wide[i]);
      },
      7);
  double geluAnchor = adjit::bench::medianSecondsPerCall(
      [&] {
        for (int i = 0; i < kSize * kSize; ++i)
          out[i] = wide[i] * 0.5f *
                   (1.0f + std::erf(wide[i] * static_cast<float>(M_SQRT1_2)));
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
  std::printf("%-44s %10.3f %10.3f %7.2fx\n", "erf (1 thread)",
              erfCompiled * 1e3, erfAnchor * 1e3, erfAnchor / erfCompiled);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              "erf, eager adjit::erf (1 thread)", erfEagerSequential * 1e3,
              erfAnchor * 1e3, erfAnchor / erfEagerSequential);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              ("erf, eager adjit::erf" + pool).c_str(), erfEager * 1e3,
              erfAnchor * 1e3, erfAnchor / erfEager);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n", "exact GELU (1 thread)",
              geluCompiled * 1e3, geluAnchor * 1e3, geluAnchor / geluCompiled);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              "exact GELU, eager adjit::gelu (1 thread)",
              geluEagerSequential * 1e3, geluAnchor * 1e3,
              geluAnchor / geluEagerSequential);
  std::printf("%-44s %10.3f %10.3f %7.2fx\n",
              ("exact GELU, eager adjit::gelu" + pool).c_str(), geluEager * 1e3,
              geluAnchor * 1e3, geluAnchor / geluEager);
  return 0;
}
