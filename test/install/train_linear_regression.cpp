//===- train_linear_regression.cpp - a client of the installed adjit -----===//
//
// Trains y = 3x + 2 with the loss and its gradients compiled by
// adjit::jit::compile, against an installed adjit; prints the result.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <cmath>
#include <cstdio>

using namespace adjit;

int main() {
  manual_seed(0);
  Tensor x = rand({64, 1}) * 2.0 - 1.0;
  Tensor y = x * 3.0 + 2.0;
  Tensor w = zeros({1}, requires_grad());
  Tensor b = zeros({1}, requires_grad());
  optim::SGD optimizer({w, b}, optim::SGDOptions(0.2));
  jit::CompiledFunction step = jit::compile([&](const std::vector<Tensor> &in) {
    return nn::functional::mse_loss(in[0] * w + b, in[1]);
  });
  for (int epoch = 0; epoch < 300; ++epoch) {
    optimizer.zero_grad();
    step(x, y);
    optimizer.step();
  }
  std::printf("w = %.3f, b = %.3f, %lld compilation(s)\n", w.item<float>(),
              b.item<float>(),
              static_cast<long long>(step.getStats().compilations));
  bool ok = std::fabs(w.item<float>() - 3) < 0.01 &&
            std::fabs(b.item<float>() - 2) < 0.01 &&
            step.getStats().compilations == 1;
  return ok ? 0 : 1;
}
