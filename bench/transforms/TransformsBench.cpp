//===- TransformsBench.cpp - jit::grad and jit::vjp against eager ---------===//
//
// The gradient of an MLP loss w.r.t. its input batch (jit::grad), a
// vector-Jacobian product of the logits (jit::vjp), and a Hessian-vector
// product (jit::grad of a function calling jit::grad, second order in the
// IR), each eagerly with autograd::grad and compiled; one table with both
// times and their ratio, measured in the same run. Figures, not tests.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "../common.h"

#include "adjit/JIT.h"
#include "adjit/JIT/Transforms.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <functional>

using namespace adjit;

namespace {

/// Prints one row: the eager and compiled seconds per call, their ratio, and
/// the seconds of the first (tracing and compiling) compiled call.
void report(const char *name, const std::function<void()> &eager,
            const std::function<void()> &compiled) {
  auto start = std::chrono::steady_clock::now();
  compiled();
  double first =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  bench::warmUpToOptimizedTier(compiled);
  double eagerSeconds = bench::medianSecondsPerCall(eager, 7);
  double compiledSeconds = bench::medianSecondsPerCall(compiled, 7);
  std::printf("%-34s %10.1f %10.1f %8.2fx %10.2f\n", name, eagerSeconds * 1e6,
              compiledSeconds * 1e6, eagerSeconds / compiledSeconds, first);
}

} // namespace

int main() {
  manual_seed(0);
  const int64_t batch = 64, in = 256, hidden = 256, out = 10;
  Tensor w1 = randn({in, hidden}) * 0.05, b1 = zeros({hidden});
  Tensor w2 = randn({hidden, out}) * 0.05, b2 = zeros({out});
  Tensor x = randn({batch, in}), v = randn({batch, in});
  Tensor cotangent = randn({batch, out});
  auto logits = [&](const Tensor &input) {
    return (input.matmul(w1) + b1).tanh().matmul(w2) + b2;
  };
  auto loss = [&](const std::vector<Tensor> &inputs) {
    return logits(inputs[0]).pow(2.0).mean();
  };

  std::printf("MLP %lldx%lld-%lld-%lld, float32\n", (long long)batch,
              (long long)in, (long long)hidden, (long long)out);
  std::printf("%-34s %10s %10s %9s %10s\n", "", "eager us", "jit us", "ratio",
              "first s");

  jit::GradFunction gradient = jit::grad(loss);
  report(
      "grad of the loss w.r.t. x",
      [&] {
        Tensor leaf = x.detach().requires_grad_();
        autograd::grad({loss({leaf})}, {leaf});
      },
      [&] { gradient(x); });

  jit::VjpFunction forward = jit::vjp(
      [&](const std::vector<Tensor> &inputs) { return logits(inputs[0]); });
  report(
      "vjp of the logits, with pullback",
      [&] {
        Tensor leaf = x.detach().requires_grad_();
        autograd::grad({logits(leaf)}, {leaf}, {cotangent});
      },
      [&] { forward({x}).pullback({cotangent}); });

  jit::GradFunction hvp = jit::grad([&](const std::vector<Tensor> &inputs) {
    return (gradient(inputs)[0] * v).sum();
  });
  report(
      "Hessian-vector product, grad(grad)",
      [&] {
        Tensor leaf = x.detach().requires_grad_();
        Tensor g = autograd::grad({loss({leaf})}, {leaf}, {}, std::nullopt,
                                  /*createGraph=*/true)[0];
        autograd::grad({(g * v).sum()}, {leaf});
      },
      [&] { hvp(x); });
  return 0;
}
