//===- linear_regression_jit.cpp - y = 3x + 2, trained with the JIT -------===//
//
// The classic example again, with the loss compiled by adjit::jit::compile:
// each call runs the traced forward computation and its derivative (taken in
// the IR) as one compiled function and accumulates into w.grad() and
// b.grad(), so zero_grad and step work unchanged. Prints the progress, the
// learned parameters, the compile time and eager vs JIT time per step.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>

using namespace adjit;

namespace {
double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}
} // namespace

int main() {
  manual_seed(42);
  const int64_t n = 100;
  Tensor x = rand({n, 1}) * 2.0 - 1.0;
  Tensor y = x * 3.0 + 2.0 + randn({n, 1}) * 0.1;

  Tensor w = zeros({1}, requires_grad());
  Tensor b = zeros({1}, requires_grad());
  optim::SGD optimizer({w, b}, optim::SGDOptions(0.1));
  auto lossOf = [&](const std::vector<Tensor> &in) {
    return nn::functional::mse_loss(in[0] * w + b, in[1]);
  };
  jit::CompiledFunction step = jit::compile(lossOf, "linear_regression");

  auto start = std::chrono::steady_clock::now();
  step(x, y); // traces and compiles
  double compileSeconds = secondsSince(start);
  optimizer.zero_grad();

  const int epochs = 200;
  start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    optimizer.zero_grad();
    Tensor loss = step(x, y);
    optimizer.step();
    if (epoch == 1 || epoch % 20 == 0)
      std::printf("epoch %3d  loss %.6f\n", epoch, loss.item<float>());
  }
  double jitSeconds = secondsSince(start);
  std::printf("learned w = %.4f (true 3), b = %.4f (true 2)\n", w.item<float>(),
              b.item<float>());

  // The same steps in eager mode, for the time per step.
  Tensor w2 = zeros({1}, requires_grad()), b2 = zeros({1}, requires_grad());
  optim::SGD eagerOptimizer({w2, b2}, optim::SGDOptions(0.1));
  start = std::chrono::steady_clock::now();
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    eagerOptimizer.zero_grad();
    nn::functional::mse_loss(x * w2 + b2, y).backward();
    eagerOptimizer.step();
  }
  double eagerSeconds = secondsSince(start);

  jit::CompileStats stats = step.getStats();
  std::printf("compile (trace + autodiff + lowering + LLVM): %.1f ms, %lld "
              "compilation(s)\n",
              compileSeconds * 1e3, static_cast<long long>(stats.compilations));
  std::printf("time per step (loss, gradients, SGD update): eager %.1f us, "
              "JIT %.1f us\n",
              eagerSeconds / epochs * 1e6, jitSeconds / epochs * 1e6);
  return 0;
}
