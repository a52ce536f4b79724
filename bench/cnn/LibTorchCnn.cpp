//===- LibTorchCnn.cpp - the CNN training step in LibTorch ----------------===//
//
// Built only when Debian's libtorch-dev is found; see ../CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "LibTorchCnn.h"

#include <torch/torch.h>

#include <memory>

namespace {

/// The model, optimizer and data, made on the first step.
struct TorchCnnRun {
  bool ready = false;
  torch::nn::Sequential model{nullptr};
  std::unique_ptr<torch::optim::SGD> optimizer;
  torch::Tensor x, y;
};

void setUp(TorchCnnRun &run, int batch) {
  namespace tnn = torch::nn;
  torch::manual_seed(0);
  run.model = tnn::Sequential(
      tnn::Conv2d(tnn::Conv2dOptions(1, 8, 3).padding(1)), tnn::BatchNorm2d(8),
      tnn::ReLU(), tnn::MaxPool2d(tnn::MaxPool2dOptions(2)),
      tnn::Conv2d(tnn::Conv2dOptions(8, 16, 3).padding(1)), tnn::ReLU(),
      tnn::MaxPool2d(tnn::MaxPool2dOptions(2)), tnn::Flatten(),
      tnn::Dropout(0.25), tnn::Linear(64, 10));
  run.optimizer = std::make_unique<torch::optim::SGD>(
      run.model->parameters(), torch::optim::SGDOptions(0.05).momentum(0.9));
  run.x = torch::rand({batch, 1, 8, 8});
  run.y = torch::arange(batch, torch::kLong).remainder(10);
  run.ready = true;
}

} // namespace

std::function<void()> adjit::bench::makeLibTorchCnnStep(int batch,
                                                        int threads) {
  auto run = std::make_shared<TorchCnnRun>();
  return [run, batch, threads] {
    if (!run->ready) {
      torch::set_num_threads(threads);
      setUp(*run, batch);
    }
    run->optimizer->zero_grad();
    torch::nn::functional::cross_entropy(run->model->forward(run->x), run->y)
        .backward();
    run->optimizer->step();
  };
}
