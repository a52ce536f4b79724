//===- NormalizationBench.cpp - batch norm and dropout, eager vs jit ------===//
//
// Time per training step (zero_grad, loss and gradients, SGD update) of an
// MLP 784-256-256-10 with batch norm and dropout after each hidden layer,
// batch 64, cross-entropy: eager, compiled (jit::compile, which also writes
// the running statistics and the generator's offset back after each call)
// and fused (jit::TrainStep), measured side by side in one run; and the
// compile time of the first call.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "BenchUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace adjit;

namespace {

/// The MLP's weights, biases, batch norm scales and shifts, and running
/// statistics.
struct Model {
  std::vector<Tensor> parameters;
  std::vector<Tensor> runningStats;

  static Model make() {
    manual_seed(1);
    Model model;
    for (auto [in, out] : {std::pair{784, 256}, {256, 256}, {256, 10}}) {
      model.parameters.push_back(
          (randn({in, out}) * (1.0 / std::sqrt(in))).requires_grad_());
      model.parameters.push_back(zeros({out}, requires_grad()));
    }
    for (int layer = 0; layer < 2; ++layer) {
      model.parameters.push_back(ones({256}, requires_grad()));
      model.parameters.push_back(zeros({256}, requires_grad()));
      model.runningStats.push_back(zeros({256}));
      model.runningStats.push_back(ones({256}));
    }
    return model;
  }

  Tensor loss(const std::vector<Tensor> &in) const {
    const std::vector<Tensor> &p = parameters;
    Tensor h = in[0];
    for (int layer = 0; layer < 2; ++layer) {
      h = h.matmul(p[2 * layer]) + p[2 * layer + 1];
      h = batch_norm(h, p[6 + 2 * layer], p[7 + 2 * layer],
                     runningStats[2 * layer], runningStats[2 * layer + 1],
                     /*training=*/true);
      h = dropout(relu(h), 0.2);
    }
    return nn::functional::cross_entropy(h.matmul(p[4]) + p[5], in[1]);
  }
};

} // namespace

int main() {
  manual_seed(0);
  Tensor x = randn({64, 784});
  std::vector<double> classes;
  for (int i = 0; i < 64; ++i)
    classes.push_back(i % 10);
  std::vector<Tensor> inputs = {x, from_vector(classes, {64}, kInt64)};
  constexpr long kIterations = 50;

  Model eager = Model::make();
  optim::SGD eagerOptimizer(eager.parameters, optim::SGDOptions(0.01));
  double eagerNs = bench::medianNsPerCall(kIterations, [&] {
    eagerOptimizer.zero_grad();
    eager.loss(inputs).backward();
    eagerOptimizer.step();
  });

  Model compiled = Model::make();
  optim::SGD optimizer(compiled.parameters, optim::SGDOptions(0.01));
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) { return compiled.loss(in); },
      "bn_dropout_mlp");
  auto start = std::chrono::steady_clock::now();
  step(inputs);
  double coldMs = std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - start)
                      .count();
  auto jitStep = [&] {
    optimizer.zero_grad();
    step(inputs);
    optimizer.step();
  };
  bench::warmUpToOptimizedTier(jitStep);
  double jitNs = bench::medianNsPerCall(kIterations, jitStep);

  Model fusedModel = Model::make();
  jit::TrainStep fused(
      [&](const std::vector<Tensor> &in) { return fusedModel.loss(in); },
      optim::SGDOptions(0.01), "bn_dropout_mlp_fused");
  bench::warmUpToOptimizedTier([&] { fused(inputs); });
  double fusedNs = bench::medianNsPerCall(kIterations, [&] { fused(inputs); });

  std::printf("%-44s %10s %10s %10s %9s %9s\n", "training step", "eager us",
              "jit us", "fused us", "speedup", "cold ms");
  std::printf("(eager: zero_grad, backward, SGD step; jit: the same with the "
              "loss, gradients, running-stat and generator updates compiled; "
              "fused: jit::TrainStep, update included; speedup: eager / "
              "fused; cold: the first jit call, which traces and compiles)\n");
  std::printf("%-44s %10.1f %10.1f %10.1f %8.2fx %9.1f\n",
              "MLP 784-256-256-10 + BN + dropout, batch 64", eagerNs / 1e3,
              jitNs / 1e3, fusedNs / 1e3, eagerNs / fusedNs, coldMs);
  std::printf("recompilations after the first call: jit %lld, fused %lld\n",
              static_cast<long long>(step.getStats().compilations - 1),
              static_cast<long long>(fused.getStats().compilations - 1));
  return 0;
}
