//===- indexing_bench.cpp - indexing ops eager vs jit::compile ------------===//
//
// Time per call of the indexing ops at the sizes of a small character-level
// language model (a table of 65 x 128, batch 12 x context 64 = 768 tokens),
// f32, eager and compiled (jit::compile) side by side in one run: the
// forward alone (the indices passed as an argument), and the forward with the
// gradient of a weighted sum, whose adjoint is a scatter_add into the table.
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
  std::function<Tensor(const Tensor &, const Tensor &)> op;
  Tensor table;
  Tensor index;
};

void printRow(const char *name, const char *what, double eagerNs,
              double jitNs) {
  std::printf("%-30s %-9s %10.1f %10.1f %7.2fx\n", name, what, eagerNs / 1e3,
              jitNs / 1e3, eagerNs / jitNs);
}

/// Random int64 values in [0, bound) of `shape`.
Tensor randomIndices(const Shape &shape, int64_t bound) {
  return floor(rand(shape, kFloat64) * static_cast<double>(bound)).to(kInt64);
}

} // namespace

int main() {
  manual_seed(1);
  Tensor table = randn({65, 128});
  Tensor tokens = randomIndices({12, 64}, 65);
  Tensor activations = randn({768, 128});
  std::vector<Case> cases = {
      {"embedding 65x128 [12, 64]",
       [](const Tensor &t, const Tensor &i) { return embedding(t, i); }, table,
       tokens},
      {"index_select dim 0 768 rows",
       [](const Tensor &t, const Tensor &i) { return index_select(t, 0, i); },
       table, randomIndices({768}, 65)},
      {"gather dim 1 [768, 128]",
       [](const Tensor &t, const Tensor &i) { return gather(t, 1, i); },
       activations, randomIndices({768, 128}, 128)},
  };
  std::printf("f32; microseconds per call\n");
  std::printf("%-30s %-9s %10s %10s %8s\n", "op", "", "eager", "jit",
              "eager/jit");
  for (const Case &c : cases) {
    jit::CompiledFunction forward = jit::compile(
        [&](const std::vector<Tensor> &in) { return c.op(c.table, in[0]); });
    bench::warmUpToOptimizedTier([&] { forward(c.index); });
    double eagerForward =
        bench::medianNsPerCall(200, [&] { return c.op(c.table, c.index); });
    double jitForward =
        bench::medianNsPerCall(200, [&] { return forward(c.index); });
    printRow(c.name, "forward", eagerForward, jitForward);

    Tensor p = c.table.clone().requires_grad_();
    Tensor w = rand(c.op(c.table, c.index).sizes());
    auto loss = [&](const std::vector<Tensor> &in) {
      return (c.op(p, in[0]) * w).sum();
    };
    jit::CompiledFunction step = jit::compile(loss);
    bench::warmUpToOptimizedTier([&] { step(c.index); });
    double eagerStep = bench::medianNsPerCall(100, [&] {
      p.mutable_grad() = Tensor();
      loss({c.index}).backward();
    });
    double jitStep = bench::medianNsPerCall(100, [&] {
      p.mutable_grad() = Tensor();
      step(c.index);
    });
    printRow(c.name, "+gradient", eagerStep, jitStep);
  }
  return 0;
}
