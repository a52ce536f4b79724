//===- pooling_bench.cpp - pooling eager vs jit::compile ------------------===//
//
// Time per call of max_pool2d, avg_pool2d and adaptive_avg_pool2d on a batch
// of 64 images of 16 channels of 8x8 (f32), eager and compiled
// (jit::compile), side by side in one run: the forward alone, and the
// forward with the gradient of a weighted sum (eager: backward(); compiled:
// the adjoint that adjit-autodiff generates, accumulated into .grad).
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "BenchUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <cstdio>
#include <functional>
#include <vector>

using namespace adjit;

namespace {

struct Case {
  const char *name;
  std::function<Tensor(const Tensor &)> pool;
};

void printRow(const char *name, const char *what, double eagerNs,
              double jitNs) {
  std::printf("%-28s %-9s %10.1f %10.1f %7.2fx\n", name, what, eagerNs / 1e3,
              jitNs / 1e3, eagerNs / jitNs);
}

} // namespace

int main() {
  manual_seed(1);
  Tensor x = randn({64, 16, 8, 8});
  std::vector<Case> cases = {
      {"max_pool2d k2", [](const Tensor &t) { return max_pool2d(t, {2}); }},
      {"max_pool2d k3 s1 p1",
       [](const Tensor &t) { return max_pool2d(t, {3}, {1}, {1}); }},
      {"avg_pool2d k2", [](const Tensor &t) { return avg_pool2d(t, {2}); }},
      {"adaptive_avg_pool2d 8->3",
       [](const Tensor &t) { return adaptive_avg_pool2d(t, {3}); }},
  };
  std::printf("batch 64 x 16 x 8 x 8, f32; microseconds per call\n");
  std::printf("%-28s %-9s %10s %10s %8s\n", "op", "", "eager", "jit",
              "eager/jit");
  for (const Case &c : cases) {
    // Forward.
    jit::CompiledFunction forward = jit::compile(
        [&](const std::vector<Tensor> &in) { return c.pool(in[0]); });
    bench::warmUpToOptimizedTier([&] { forward(x); });
    double eagerForward =
        bench::medianNsPerCall(200, [&] { return c.pool(x); });
    double jitForward = bench::medianNsPerCall(200, [&] { return forward(x); });
    printRow(c.name, "forward", eagerForward, jitForward);

    // Forward and gradient.
    Tensor p = x.clone().requires_grad_();
    Tensor w = rand(c.pool(x).sizes());
    auto loss = [&](const std::vector<Tensor> &) {
      return (c.pool(p) * w).sum();
    };
    jit::CompiledFunction step = jit::compile(loss);
    bench::warmUpToOptimizedTier([&] { step(std::vector<Tensor>{}); });
    double eagerStep = bench::medianNsPerCall(100, [&] {
      p.mutable_grad() = Tensor();
      loss({}).backward();
    });
    double jitStep = bench::medianNsPerCall(100, [&] {
      p.mutable_grad() = Tensor();
      step(std::vector<Tensor>{});
    });
    printRow(c.name, "+gradient", eagerStep, jitStep);
  }
  return 0;
}
