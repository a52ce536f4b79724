//===- CnnBench.cpp - the digits CNN training step, eager vs compiled -----===//
//
// Time per training step (zero_grad, loss and gradients, SGD with momentum)
// of the CNN of examples/DigitsNet.h in training mode (batch norm updating
// its running statistics, dropout drawing masks) at batch 64: eager adjit,
// the loss and gradients compiled (jit::compile), the whole step compiled
// (jit::TrainStep), and LibTorch eager with 1 and 2 intra-op threads when it
// is installed, side by side in one run; and the peak memory of the adjit
// modes.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "BenchUtil.h"
#include "DigitsNet.h"
#include "PeakMemory.h"
#ifdef ADJIT_BENCH_WITH_LIBTORCH
#include "LibTorchCnn.h"
#endif

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace adjit;

namespace {

constexpr int kBatch = 64;
constexpr long kIterations = 200;

/// Prints one row: the time per step in us, and the peak memory.
void printRow(const char *mode, double ns, const bench::PeakMemory &memory,
              double fastestNs) {
  std::printf("%-40s %10.1f %9.2fx", mode, ns / 1e3, ns / fastestNs);
  if (memory.valid)
    std::printf(" %9.1f / %.1f", memory.firstStepBytes / 1e6,
                memory.stepsBytes / 1e6);
  else
    std::printf(" %15s", "n/a");
  std::printf("\n");
}

} // namespace

int main() {
  manual_seed(0);
  examples::DigitsNet model;
  Tensor x = rand({kBatch, 1, 8, 8});
  std::vector<int64_t> classes;
  for (int i = 0; i < kBatch; ++i)
    classes.push_back(i % 10);
  Tensor y = from_vector(classes, {kBatch}, kInt64);
  std::vector<Tensor> inputs = {x, y};
  jit::TensorFunction loss = [model](const std::vector<Tensor> &in) {
    return nn::functional::cross_entropy(model->forward(in[0]), in[1]);
  };
  optim::SGDOptions sgd = optim::SGDOptions(0.05).momentum(0.9);
  optim::SGD optimizer(model->parameters(), sgd);

  struct Row {
    std::string mode;
    double ns;
    bench::PeakMemory memory;
  };
  std::vector<Row> rows;
  auto eagerStep = [&] {
    optimizer.zero_grad();
    loss(inputs).backward();
    optimizer.step();
  };
  rows.push_back({"eager adjit", bench::medianNsPerCall(kIterations, eagerStep),
                  bench::measurePeakMemory(eagerStep, kIterations)});

  jit::CompiledFunction compiled = jit::compile(loss, "cnn_loss");
  auto jitStep = [&] {
    optimizer.zero_grad();
    compiled(inputs);
    optimizer.step();
  };
  auto start = std::chrono::steady_clock::now();
  jitStep();
  double jitColdMs = std::chrono::duration<double, std::milli>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  bench::warmUpToOptimizedTier(jitStep);
  rows.push_back({"jit::compile (loss and gradients)",
                  bench::medianNsPerCall(kIterations, jitStep),
                  bench::measurePeakMemory(jitStep, kIterations)});

  jit::TrainStep fused(loss, sgd, "cnn_train_step");
  auto fusedStep = [&] { fused(inputs); };
  start = std::chrono::steady_clock::now();
  fusedStep();
  double fusedColdMs = std::chrono::duration<double, std::milli>(
                           std::chrono::steady_clock::now() - start)
                           .count();
  bench::warmUpToOptimizedTier(fusedStep);
  rows.push_back({"jit::TrainStep (whole step)",
                  bench::medianNsPerCall(kIterations, fusedStep),
                  bench::measurePeakMemory(fusedStep, kIterations)});

#ifdef ADJIT_BENCH_WITH_LIBTORCH
  for (int threads : {1, 2}) {
    std::string mode =
        "LibTorch eager, " + std::to_string(threads) + " thread(s)";
    // No peak memory: a forked child of a process whose OpenMP pool is
    // running deadlocks in LibTorch's first parallel region.
    rows.push_back(
        {mode,
         bench::medianNsPerCall(kIterations,
                                bench::makeLibTorchCnnStep(kBatch, threads)),
         bench::PeakMemory()});
  }
#endif

  double fastest = rows.front().ns;
  for (const Row &row : rows)
    fastest = std::min(fastest, row.ns);
  std::printf("digits CNN training step, batch %d (conv-bn-relu-pool-conv-"
              "relu-pool-dropout-linear, SGD momentum)\n",
              kBatch);
  std::printf("%-40s %10s %10s %15s\n", "mode", "step us", "vs best",
              "peak MB first / steps");
  for (const Row &row : rows)
    printRow(row.mode.c_str(), row.ns, row.memory, fastest);
  std::printf("first step (traces and compiles): jit %.1f ms, TrainStep %.1f "
              "ms\n",
              jitColdMs, fusedColdMs);
  return 0;
}
