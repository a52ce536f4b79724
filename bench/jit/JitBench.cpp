//===- JitBench.cpp - training steps, eager vs jit::compile ---------------===//
//
// Time per training step (zero_grad, loss and gradients, SGD update) of the
// two workloads of the JIT, eager, compiled (jit::compile) and fused
// (jit::TrainStep), measured side by side in one run, and the compile time,
// cold (first call) and cached (a new CompiledFunction of the same program,
// served by the engine's cache).
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>

using namespace adjit;

namespace {

struct Workload {
  const char *name;
  std::vector<Tensor> inputs;
  std::vector<Tensor> parameters;
  jit::TensorFunction loss;
  long iterations;
};

double millisecondsOf(const std::function<void()> &body) {
  auto start = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

void run(const Workload &workload) {
  optim::SGD optimizer(workload.parameters, optim::SGDOptions(0.01));
  double eagerNs = bench::medianNsPerCall(workload.iterations, [&] {
    optimizer.zero_grad();
    workload.loss(workload.inputs).backward();
    optimizer.step();
  });

  jit::CompiledFunction step = jit::compile(workload.loss, workload.name);
  double coldMs = millisecondsOf([&] { step(workload.inputs); });
  jit::CompiledFunction again = jit::compile(workload.loss, workload.name);
  double cachedMs = millisecondsOf([&] { again(workload.inputs); });
  double jitNs = bench::medianNsPerCall(workload.iterations, [&] {
    optimizer.zero_grad();
    step(workload.inputs);
    optimizer.step();
  });
  jit::TrainStep fused(workload.loss, optim::SGDOptions(0.01), workload.name);
  fused(workload.inputs);
  double fusedNs = bench::medianNsPerCall(workload.iterations,
                                          [&] { fused(workload.inputs); });
  std::printf("%-34s %10.1f %10.1f %10.1f %8.2fx %9.1f %9.1f\n", workload.name,
              eagerNs / 1e3, jitNs / 1e3, fusedNs / 1e3, eagerNs / fusedNs,
              coldMs, cachedMs);
}

} // namespace

int main() {
  manual_seed(0);
  std::printf("%-34s %10s %10s %10s %9s %9s %9s\n", "training step", "eager us",
              "jit us", "fused us", "speedup", "cold ms", "cached ms");
  std::printf("(eager: zero_grad, backward, SGD step; jit: the same with the "
              "loss and gradients compiled; fused: jit::TrainStep, update "
              "included; speedup: eager / fused)\n");

  // Linear regression: 1000 samples x 1 feature, MSE.
  {
    Tensor x = randn({1000, 1});
    Tensor y = x * 3.0 + 2.0;
    Tensor w = zeros({1}, requires_grad()), b = zeros({1}, requires_grad());
    run({"linear regression 1000x1, MSE",
         {x, y},
         {w, b},
         [w, b](const std::vector<Tensor> &in) {
           return nn::functional::mse_loss(in[0] * w + b, in[1]);
         },
         2000});
  }

  // MLP 784-256-256-10, batch 64, ReLU, cross-entropy.
  {
    nn::Sequential model(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 256),
                         nn::ReLU(), nn::Linear(256, 10));
    Tensor x = randn({64, 784});
    std::vector<double> classes;
    for (int i = 0; i < 64; ++i)
      classes.push_back(i % 10);
    Tensor target = from_vector(classes, {64}, kInt64);
    run({"MLP 784-256-256-10, batch 64, CE",
         {x, target},
         model->parameters(),
         [model](const std::vector<Tensor> &in) mutable {
           return nn::functional::cross_entropy(model->forward(in[0]), in[1]);
         },
         50});
  }
  return 0;
}
