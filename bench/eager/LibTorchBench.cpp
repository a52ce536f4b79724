//===- LibTorchBench.cpp - The same cases with LibTorch -------------------===//
//
// Built only when Debian's libtorch-dev is found; see CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"

#include <torch/torch.h>

#include <string>

namespace adjit::bench {

namespace {
double trainStepNs(int64_t in, int64_t hidden, int64_t out, int64_t batch,
                   long iters) {
  torch::manual_seed(0);
  torch::nn::Sequential model(torch::nn::Linear(in, hidden), torch::nn::ReLU(),
                              torch::nn::Linear(hidden, out));
  torch::optim::SGD opt(model->parameters(), torch::optim::SGDOptions(0.01));
  torch::Tensor x = torch::randn({batch, in});
  torch::Tensor y =
      (torch::rand({batch}) * static_cast<double>(out)).to(torch::kLong);
  return medianNsPerCall(iters, [&] {
    opt.zero_grad();
    torch::Tensor loss =
        torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    opt.step();
  });
}
} // namespace

std::string libtorchVersion() { return TORCH_VERSION; }

double libtorchNs(Case c) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  auto grad = torch::TensorOptions().requires_grad(true);
  switch (c) {
  case Case::AddRequiresGrad: {
    torch::Tensor a = torch::randn({16}, grad), b = torch::randn({16}, grad);
    return medianNsPerCall(200000, [&] { torch::Tensor r = a + b; });
  }
  case Case::AddNoGrad: {
    torch::Tensor a = torch::randn({16}), b = torch::randn({16});
    return medianNsPerCall(200000, [&] { torch::Tensor r = a + b; });
  }
  case Case::MulSumBackward: {
    torch::Tensor a = torch::randn({16}, grad), b = torch::randn({16}, grad);
    return medianNsPerCall(50000, [&] {
      a.mutable_grad() = torch::Tensor();
      b.mutable_grad() = torch::Tensor();
      (a * b).sum().backward();
    });
  }
  case Case::IrisStep:
    return trainStepNs(4, 16, 3, 120, 5000);
  case Case::MnistStep:
    return trainStepNs(784, 128, 10, 64, 300);
  case Case::Matmul512: {
    torch::Tensor a = torch::randn({512, 512}), b = torch::randn({512, 512});
    return medianNsPerCall(
        50, [&] { torch::Tensor r = torch::matmul(a, b); }, 5);
  }
  case Case::NumCases:
    break;
  }
  return 0;
}

} // namespace adjit::bench
