//===- linear_regression.cpp - Fit y = 3x + 2 with eager autograd ---------===//
//
// The classic first autograd program: parameters w and b that require grad,
// an MSE loss, and zero_grad / backward / step in every epoch.
//
//===----------------------------------------------------------------------===//

#include "adjit/adjit.h"

#include <cstdio>

using namespace adjit;

int main() {
  manual_seed(42);
  const int64_t n = 100;
  // Data from y = 3x + 2 + noise, x in [-1, 1).
  Tensor x = rand({n, 1}) * 2.0 - 1.0;
  Tensor y = x * 3.0 + 2.0 + randn({n, 1}) * 0.1;

  Tensor w = zeros({1}, requires_grad());
  Tensor b = zeros({1}, requires_grad());
  optim::SGD optimizer({w, b}, optim::SGDOptions(0.1));

  const int epochs = 200;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    optimizer.zero_grad();
    Tensor prediction = x * w + b;
    Tensor loss = nn::functional::mse_loss(prediction, y);
    loss.backward();
    optimizer.step();
    if (epoch == 1 || epoch % 20 == 0)
      std::printf("epoch %3d  loss %.6f\n", epoch, loss.item<float>());
  }
  std::printf("learned w = %.4f (true 3), b = %.4f (true 2)\n", w.item<float>(),
              b.item<float>());
  return 0;
}
