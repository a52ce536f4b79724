//===- JitBench.cpp - training steps, eager vs jit::compile ---------------===//
//
// Time per training step (zero_grad, loss and gradients, SGD update) of the
// two workloads of the JIT, eager, compiled (jit::compile) and fused
// (jit::TrainStep), and with LibTorch eager when it is installed, measured
// side by side in one run; the compile time, cold (first call) and cached (a
// new CompiledFunction of the same program, served by the engine's cache);
// the peak memory of a training run in each mode (see PeakMemory.h); and the
// cost of the shape-only replay that guards each reuse of compiled code
// (jit::CompileOptions::assumePure turns it off), per call and per op.
//
//===----------------------------------------------------------------------===//

#include "../MlpWorkload.h"
#include "../OptimizedTier.h"
#include "BenchUtil.h"
#include "LibTorchSteps.h"
#include "PeakMemory.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using namespace adjit;

namespace {

struct Workload {
  const char *name;
  std::vector<Tensor> inputs;
  std::vector<Tensor> parameters;
  jit::TensorFunction loss;
  long iterations;
  /// The same workload in LibTorch.
  bench::TrainingWorkload torchWorkload;
};

/// The figures of one workload.
struct Figures {
  double eagerNs = 0, jitNs = 0, fusedNs = 0, coldMs = 0, cachedMs = 0;
  /// The fused step without the guard's replay.
  double fusedPureNs = 0;
  std::optional<double> torchNs;
  bench::PeakMemory eagerMemory, jitMemory, fusedMemory, torchMemory;
};

/// LibTorch's intra-op threads. One: with two, LibTorch's OpenMP threads and
/// the OpenBLAS threads under it oversubscribe the two cores and a step of
/// the MLP takes over ten times longer.
constexpr int kTorchThreads = 1;

double millisecondsOf(const std::function<void()> &body) {
  auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

Figures run(const Workload &workload) {
  Figures figures;
  // Steps of each memory measurement after the first.
  long memorySteps = workload.iterations;
  optim::SGD optimizer(workload.parameters, optim::SGDOptions(0.01));
  auto eagerStep = [&] {
    optimizer.zero_grad();
    workload.loss(workload.inputs).backward();
    optimizer.step();
  };
  figures.eagerMemory = bench::measurePeakMemory(eagerStep, memorySteps);
  figures.eagerNs = bench::medianNsPerCall(workload.iterations, eagerStep);

  // In a child process, before this process compiles the same program.
  jit::CompiledFunction measured = jit::compile(workload.loss, workload.name);
  figures.jitMemory = bench::measurePeakMemory(
      [&] {
        optimizer.zero_grad();
        measured(workload.inputs);
        optimizer.step();
      },
      memorySteps);

  jit::CompiledFunction step = jit::compile(workload.loss, workload.name);
  figures.coldMs = millisecondsOf([&] { step(workload.inputs); });
  jit::CompiledFunction again = jit::compile(workload.loss, workload.name);
  figures.cachedMs = millisecondsOf([&] { again(workload.inputs); });
  auto jitStep = [&] {
    optimizer.zero_grad();
    step(workload.inputs);
    optimizer.step();
  };
  bench::warmUpToOptimizedTier(jitStep);
  figures.jitNs = bench::medianNsPerCall(workload.iterations, jitStep);
  jit::TrainStep fused(workload.loss, optim::SGDOptions(0.01), workload.name);
  figures.fusedMemory =
      bench::measurePeakMemory([&] { fused(workload.inputs); }, memorySteps);
  bench::warmUpToOptimizedTier([&] { fused(workload.inputs); });
  figures.fusedNs = bench::medianNsPerCall(workload.iterations,
                                           [&] { fused(workload.inputs); });
  jit::CompileOptions pure;
  pure.name = workload.name;
  pure.assumePure = true;
  jit::TrainStep fusedPure(workload.loss, optim::SGDOptions(0.01), pure);
  bench::warmUpToOptimizedTier([&] { fusedPure(workload.inputs); });
  figures.fusedPureNs = bench::medianNsPerCall(
      workload.iterations, [&] { fusedPure(workload.inputs); });

#ifdef ADJIT_BENCH_WITH_LIBTORCH
  figures.torchMemory = bench::measurePeakMemory(
      bench::makeLibTorchStep(workload.torchWorkload, kTorchThreads),
      memorySteps);
  figures.torchNs = bench::medianNsPerCall(
      workload.iterations,
      bench::makeLibTorchStep(workload.torchWorkload, kTorchThreads));
#endif
  return figures;
}

bool haveLibTorch() {
#ifdef ADJIT_BENCH_WITH_LIBTORCH
  return true;
#else
  return false;
#endif
}

void printTimes(const Workload &workload, const Figures &figures) {
  std::printf("%-34s %10.1f %10.1f %10.1f %8.2fx %9.1f %9.1f", workload.name,
              figures.eagerNs / 1e3, figures.jitNs / 1e3, figures.fusedNs / 1e3,
              figures.eagerNs / figures.fusedNs, figures.coldMs,
              figures.cachedMs);
  if (figures.torchNs)
    std::printf(" %10.1f %8.2fx", *figures.torchNs / 1e3,
                *figures.torchNs / figures.fusedNs);
  std::printf("\n");
}

/// Prints "first/steps" in MB, or n/a.
void printMemory(const bench::PeakMemory &memory) {
  if (!memory.valid) {
    std::printf(" %15s", "n/a");
    return;
  }
  char cell[64];
  std::snprintf(cell, sizeof(cell), "%.1f / %.1f", memory.firstStepBytes / 1e6,
                memory.stepsBytes / 1e6);
  std::printf(" %15s", cell);
}

/// Prints the replay's cost per op: a chain of `ops` elementwise ops on a
/// 4-element tensor, called with and without the replay.
void printReplayCostPerOp(int ops) {
  jit::TensorFunction chain = [ops](const std::vector<Tensor> &in) {
    Tensor y = in[0];
    for (int i = 0; i < ops; ++i)
      y = i % 2 ? y.tanh() : y.neg();
    return y;
  };
  Tensor x = randn({4});
  jit::CompiledFunction replayed = jit::compile(chain, "replay_chain");
  jit::CompileOptions pure;
  pure.name = "replay_chain";
  pure.assumePure = true;
  jit::CompiledFunction unreplayed = jit::compile(chain, pure);
  bench::warmUpToOptimizedTier([&] { replayed(x); });
  bench::warmUpToOptimizedTier([&] { unreplayed(x); });
  long iterations = 20000 / ops + 20;
  double withNs = bench::medianNsPerCall(iterations, [&] { replayed(x); });
  double withoutNs = bench::medianNsPerCall(iterations, [&] { unreplayed(x); });
  std::printf("%-34s %10.1f %10.1f %10.1f\n",
              ("chain of " + std::to_string(ops) + " unary ops").c_str(),
              withNs / 1e3, withoutNs / 1e3, (withNs - withoutNs) / ops);
}

} // namespace

int main() {
  manual_seed(0);
  std::vector<Workload> workloads;

  // Linear regression: 1000 samples x 1 feature, MSE.
  {
    Tensor x = randn({1000, 1});
    Tensor y = x * 3.0 + 2.0;
    Tensor w = zeros({1}, requires_grad()), b = zeros({1}, requires_grad());
    workloads.push_back({"linear regression 1000x1, MSE",
                         {x, y},
                         {w, b},
                         [w, b](const std::vector<Tensor> &in) {
                           return nn::functional::mse_loss(in[0] * w + b,
                                                           in[1]);
                         },
                         2000,
                         bench::TrainingWorkload::LinearRegression});
  }

  // MLP 784-256-256-10, batch 64, ReLU, cross-entropy.
  {
    bench::MlpWorkload mlp;
    nn::Sequential model = mlp.model;
    Tensor x = mlp.x, target = mlp.target;
    workloads.push_back({"MLP 784-256-256-10, batch 64, CE",
                         {x, target},
                         model->parameters(),
                         [model](const std::vector<Tensor> &in) mutable {
                           return nn::functional::cross_entropy(
                               model->forward(in[0]), in[1]);
                         },
                         50,
                         bench::TrainingWorkload::Mlp});
  }

  std::vector<Figures> figures;
  for (const Workload &workload : workloads)
    figures.push_back(run(workload));

  std::printf("%-34s %10s %10s %10s %9s %9s %9s", "training step", "eager us",
              "jit us", "fused us", "speedup", "cold ms", "cached ms");
  if (haveLibTorch())
    std::printf(" %10s %9s", "torch us", "vs torch");
  std::printf("\n");
  std::printf("(eager: zero_grad, backward, SGD step; jit: the same with the "
              "loss and gradients compiled; fused: jit::TrainStep, update "
              "included; speedup: eager / fused");
  if (haveLibTorch())
    std::printf("; torch: LibTorch %s eager, intra-op threads: %d; vs torch: "
                "torch / fused",
                bench::getLibTorchVersion().c_str(), kTorchThreads);
  std::printf(")\n");
  for (size_t i = 0; i < workloads.size(); ++i)
    printTimes(workloads[i], figures[i]);

  std::printf("\n%-34s %10s %10s %10s\n", "guard replay", "call us", "pure us",
              "ns/op");
  std::printf("(call: a compiled call that first replays the function in "
              "shape-only mode; pure: with CompileOptions::assumePure, no "
              "replay; ns/op: the difference per traced op)\n");
  for (size_t i = 0; i < workloads.size(); ++i)
    std::printf("%-34s %10.1f %10.1f %10s\n", workloads[i].name,
                figures[i].fusedNs / 1e3, figures[i].fusedPureNs / 1e3, "");
  for (int ops : {100, 1000})
    printReplayCostPerOp(ops);

  std::printf("\n%-34s %15s %15s %15s", "peak memory, MB", "eager", "jit",
              "fused");
  if (haveLibTorch())
    std::printf(" %15s", "torch");
  std::printf("\n(first step / later steps: growth of the peak resident set "
              "size (VmHWM) over the resident size at the start of each phase, "
              "each mode run in a forked child; before each phase the child "
              "trims its heap and resets its peak via /proc/self/clear_refs; "
              "the first jit/fused step traces and compiles)\n");
  for (size_t i = 0; i < workloads.size(); ++i) {
    std::printf("%-34s", workloads[i].name);
    printMemory(figures[i].eagerMemory);
    printMemory(figures[i].jitMemory);
    printMemory(figures[i].fusedMemory);
    if (haveLibTorch())
      printMemory(figures[i].torchMemory);
    std::printf("\n");
  }
  return 0;
}
