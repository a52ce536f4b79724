//===- LibTorchConv.cpp - the conv2d benchmark with LibTorch --------------===//
//
// Built only when Debian's libtorch-dev is found; see ../CMakeLists.txt.
//
//===----------------------------------------------------------------------===//

#include "ConvBench.h"

#include "../common.h"

#include <torch/torch.h>

using namespace adjit::bench;

LibTorchTimes adjit::bench::libtorchConv2d(const ConvShape &s, int threads) {
  torch::set_num_threads(threads);
  torch::manual_seed(0);
  torch::Tensor x = torch::randn({s.n, s.c, s.h, s.w});
  torch::Tensor w =
      (torch::randn({s.o, s.c, s.k, s.k}) * 0.05).requires_grad_(true);
  torch::Tensor xg = x.clone().requires_grad_(true);
  torch::Tensor g = torch::randn({s.n, s.o, s.h, s.w});
  LibTorchTimes times;
  times.forward = medianSeconds(
      [&] {
        torch::NoGradGuard noGrad;
        torch::Tensor y = torch::conv2d(x, w, {}, 1, s.padding);
      },
      5);
  times.forwardBackward = medianSeconds(
      [&] {
        xg.mutable_grad() = torch::Tensor();
        w.mutable_grad() = torch::Tensor();
        torch::Tensor y = torch::conv2d(xg, w, {}, 1, s.padding);
        (y * g).sum().backward();
      },
      5);
  return times;
}
