//===- LibTorchSteps.cpp - the training steps of JitBench in LibTorch -----===//
//
// Built only when Debian's libtorch-dev is found; see ../CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "LibTorchSteps.h"

#include <torch/torch.h>

#include <memory>

extern "C" int omp_get_max_threads();
extern "C" void omp_set_num_threads(int);

namespace {

/// The parameters, optimizer, data and loss of a workload, made on the first
/// step.
struct TorchRun {
  bool ready = false;
  std::vector<torch::Tensor> parameters;
  torch::nn::Sequential model{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  torch::Tensor x, y;
  std::function<torch::Tensor()> loss;
};

void setUp(TorchRun &run, adjit::bench::TrainingWorkload workload) {
  torch::manual_seed(0);
  if (workload == adjit::bench::TrainingWorkload::LinearRegression) {
    // As adjit's: x * w + b with w and b of shape [1], MSE.
    auto grad = torch::TensorOptions().requires_grad(true);
    torch::Tensor w = torch::zeros({1}, grad), b = torch::zeros({1}, grad);
    run.parameters = {w, b};
    run.x = torch::randn({1000, 1});
    run.y = run.x * 3.0 + 2.0;
    run.loss = [&run, w, b] { return torch::mse_loss(run.x * w + b, run.y); };
  } else {
    run.model =
        torch::nn::Sequential(torch::nn::Linear(784, 256), torch::nn::ReLU(),
                              torch::nn::Linear(256, 256), torch::nn::ReLU(),
                              torch::nn::Linear(256, 10));
    run.parameters = run.model->parameters();
    run.x = torch::randn({64, 784});
    run.y = torch::arange(64, torch::kLong).remainder(10);
    run.loss = [&run] {
      return torch::nn::functional::cross_entropy(run.model->forward(run.x),
                                                  run.y);
    };
  }
  run.optimizer = std::make_unique<torch::optim::SGD>(
      run.parameters, torch::optim::SGDOptions(0.01));
  run.ready = true;
}

} // namespace

std::function<void()> adjit::bench::makeLibTorchStep(TrainingWorkload workload,
                                                     int threads) {
  auto run = std::make_shared<TorchRun>();
  return [run, workload, threads] {
    // LibTorch's thread count is libomp's, which adjit's products share
    // (docs/jit.md, "Threads"): set for LibTorch's step, restored after it.
    int adjitThreads = omp_get_max_threads();
    if (!run->ready) {
      torch::set_num_threads(threads);
      setUp(*run, workload);
    } else {
      omp_set_num_threads(threads);
    }
    run->optimizer->zero_grad();
    run->loss().backward();
    run->optimizer->step();
    omp_set_num_threads(adjitThreads);
  };
}

std::string adjit::bench::getLibTorchVersion() { return TORCH_VERSION; }
