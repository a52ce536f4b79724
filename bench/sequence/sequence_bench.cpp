//===- sequence_bench.cpp - sequence-model ops eager vs jit::compile ------===//
//
// Time per call of layer_norm, gelu (both forms), softmax over the last and
// the first dim, causal scaled_dot_product_attention and cumsum at the sizes
// of a small character-level GPT (batch 12, context 64, 128 dims, 4 heads),
// f32, eager and compiled (jit::compile), side by side in one run: the
// forward alone, and the forward with the gradient of a weighted sum (eager:
// backward(); compiled: the adjoint that adjit-autodiff generates,
// accumulated into .grad).
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
  std::vector<Shape> shapes;
  std::function<Tensor(const std::vector<Tensor> &)> op;
};

void printRow(const char *name, const char *what, double eagerNs,
              double jitNs) {
  std::printf("%-30s %-9s %10.1f %10.1f %7.2fx\n", name, what, eagerNs / 1e3,
              jitNs / 1e3, eagerNs / jitNs);
}

} // namespace

int main() {
  manual_seed(1);
  const Shape tokens = {12, 64, 128}, heads = {12, 4, 64, 32};
  std::vector<Case> cases = {
      {"layer_norm [12,64,128]",
       {tokens, {128}, {128}},
       [](auto &in) { return layer_norm(in[0], {128}, in[1], in[2]); }},
      {"gelu [12,64,512]",
       {{12, 64, 512}},
       [](auto &in) { return gelu(in[0]); }},
      {"gelu tanh [12,64,512]",
       {{12, 64, 512}},
       [](auto &in) { return gelu(in[0], "tanh"); }},
      {"softmax(-1) [12,4,64,64]",
       {{12, 4, 64, 64}},
       [](auto &in) { return in[0].softmax(-1); }},
      {"softmax(0) [12,4,64,64]",
       {{12, 4, 64, 64}},
       [](auto &in) { return in[0].softmax(0); }},
      {"causal attention [12,4,64,32]",
       {heads, heads, heads},
       [](auto &in) {
         return scaled_dot_product_attention(in[0], in[1], in[2], {}, 0, true);
       }},
      {"cumsum(1) [12,64,128]",
       {tokens},
       [](auto &in) { return in[0].cumsum(1); }},
  };
  std::printf("f32; microseconds per call\n");
  std::printf("%-30s %-9s %10s %10s %8s\n", "op", "", "eager", "jit",
              "eager/jit");
  for (const Case &c : cases) {
    std::vector<Tensor> inputs;
    for (const Shape &shape : c.shapes)
      inputs.push_back(randn(shape));
    // Forward.
    jit::CompiledFunction forward = jit::compile(c.op);
    bench::warmUpToOptimizedTier([&] { forward(inputs); });
    double eagerForward =
        bench::medianNsPerCall(50, [&] { return c.op(inputs); });
    double jitForward =
        bench::medianNsPerCall(50, [&] { return forward(inputs); });
    printRow(c.name, "forward", eagerForward, jitForward);

    // Forward and gradient with respect to every input.
    std::vector<Tensor> params;
    for (const Tensor &t : inputs)
      params.push_back(t.clone().requires_grad_());
    Tensor w = rand(c.op(inputs).sizes());
    auto loss = [&](const std::vector<Tensor> &) {
      return (c.op(params) * w).sum();
    };
    jit::CompiledFunction step = jit::compile(loss);
    bench::warmUpToOptimizedTier([&] { step(std::vector<Tensor>{}); });
    auto clear = [&] {
      for (Tensor &p : params)
        p.mutable_grad() = Tensor();
    };
    double eagerStep = bench::medianNsPerCall(30, [&] {
      clear();
      loss({}).backward();
    });
    double jitStep = bench::medianNsPerCall(30, [&] {
      clear();
      step(std::vector<Tensor>{});
    });
    printRow(c.name, "+gradient", eagerStep, jitStep);
  }
  return 0;
}
