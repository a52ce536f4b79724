//===- compile_latency_bench.cpp - JIT compile time of a 20-op function ---===//
//
// Times Engine::compile of a 20-op adjit function (elementwise chain,
// broadcast, matmul, reductions): the first compile in the process, cold
// compiles (a fresh engine without the persistent cache), disk hits (a fresh
// engine whose persistent cache holds the module, as in a second process),
// and cached compiles (the same engine again). The anchor is the cold
// compile at LLVM -O0; -O2 is shown as well (EngineOptions::optLevel).
//
//===----------------------------------------------------------------------===//

#include "../common.h"

#include "adjit/JIT/Engine.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

using namespace adjit::jit;

namespace {

const char *const kTwentyOps = R"mlir(
func.func @layer(%x: tensor<32x64xf32>, %w: tensor<64x16xf32>,
                 %b: tensor<16xf32>, %t: tensor<32x16xf32>)
    -> (tensor<f32>, tensor<32x16xf32>) {
  %0 = adjit.matmul %x, %w : tensor<32x64xf32>, tensor<64x16xf32> -> tensor<32x16xf32>
  %1 = adjit.broadcast %b, dims = [1] : tensor<16xf32> -> tensor<32x16xf32>
  %2 = adjit.add %0, %1 : tensor<32x16xf32>
  %3 = adjit.tanh %2 : tensor<32x16xf32>
  %4 = adjit.sigmoid %3 : tensor<32x16xf32>
  %5 = adjit.sub %4, %t : tensor<32x16xf32>
  %6 = adjit.mul %5, %5 : tensor<32x16xf32>
  %7 = adjit.exp %6 : tensor<32x16xf32>
  %8 = adjit.log %7 : tensor<32x16xf32>
  %9 = adjit.relu %8 : tensor<32x16xf32>
  %10 = adjit.abs %5 : tensor<32x16xf32>
  %11 = adjit.max %9, %10 : tensor<32x16xf32>
  %12 = adjit.reduce_sum %11, dims = [0, 1] : tensor<32x16xf32> -> tensor<f32>
  %13 = adjit.reduce_max %11, dims = [1] : tensor<32x16xf32> -> tensor<32xf32>
  %14 = adjit.broadcast %13, dims = [0] : tensor<32xf32> -> tensor<32x16xf32>
  %15 = adjit.div %11, %14 : tensor<32x16xf32>
  %16 = adjit.transpose %15, [1, 0] : tensor<32x16xf32> -> tensor<16x32xf32>
  %17 = adjit.matmul %16, %15 : tensor<16x32xf32>, tensor<32x16xf32> -> tensor<16x16xf32>
  %18 = adjit.reduce_sum %17, dims = [0, 1] : tensor<16x16xf32> -> tensor<f32>
  %19 = adjit.add %12, %18 : tensor<f32>
  return %19, %15 : tensor<f32>, tensor<32x16xf32>
}
)mlir";

template <typename Run> double secondsOf(const Run &run) {
  auto start = std::chrono::steady_clock::now();
  run();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Options of an engine without the persistent cache, at `optLevel`.
EngineOptions withoutDiskCache(unsigned optLevel = 3) {
  EngineOptions options;
  options.diskCacheDirectory = "";
  options.optLevel = optLevel;
  return options;
}

} // namespace

int main() {
  double first =
      secondsOf([] { Engine(withoutDiskCache()).compile(kTwentyOps); });
  double cold = adjit::bench::medianSeconds(
      [] { Engine(withoutDiskCache()).compile(kTwentyOps); }, 15);
  double coldO2 = adjit::bench::medianSeconds(
      [&] { Engine(withoutDiskCache(2)).compile(kTwentyOps); }, 15);
  double coldO0 = adjit::bench::medianSeconds(
      [&] { Engine(withoutDiskCache(0)).compile(kTwentyOps); }, 15);
  namespace fs = std::filesystem;
  fs::path directory = fs::temp_directory_path() /
                       ("adjit-compile-bench-" + std::to_string(getpid()));
  EngineOptions onDisk;
  onDisk.diskCacheDirectory = directory.string();
  Engine(onDisk).compile(kTwentyOps); // stores the entry
  double diskHit = adjit::bench::medianSeconds(
      [&] { Engine(onDisk).compile(kTwentyOps); }, 15);
  fs::remove_all(directory);
  Engine engine(withoutDiskCache());
  engine.compile(kTwentyOps);
  double cached = adjit::bench::medianSecondsPerCall(
      [&] { engine.compile(kTwentyOps); }, 15);

  std::printf("compile latency of a 20-op function (pipeline + LLVM + JIT), "
              "median\n");
  std::printf("%-34s %12s\n", "", "ms");
  std::printf("%-34s %12.2f\n", "first compile in the process", first * 1e3);
  std::printf("%-34s %12.2f\n", "cold (-O3, empty cache)", cold * 1e3);
  std::printf("%-34s %12.2f\n", "cold (-O2, empty cache)", coldO2 * 1e3);
  std::printf("%-34s %12.2f\n", "cold anchor (-O0, empty cache)", coldO0 * 1e3);
  std::printf("%-34s %12.2f\n", "disk hit (-O3, new engine)", diskHit * 1e3);
  std::printf("%-34s %12.4f\n", "cached (cache hit)", cached * 1e3);
  std::printf("%-34s %11.0f%%\n", "cold -O3 / cold -O0", 100.0 * cold / coldO0);
  std::printf("%-34s %12.0fx\n", "cold / disk hit", cold / diskHit);
  std::printf("%-34s %12.0fx\n", "cold / cached", cold / cached);
  return 0;
}
