//===- LibTorchCnn.h - the CNN training step in LibTorch --------*- C++ -*-===//

#ifndef ADJIT_BENCH_CNN_LIBTORCHCNN_H
#define ADJIT_BENCH_CNN_LIBTORCHCNN_H

#include <functional>

namespace adjit::bench {

/// Returns one LibTorch eager training step (zero_grad, loss, backward, SGD
/// step with momentum) of the digits CNN (examples/DigitsNet.h) in training
/// mode on a random batch of `batch` 1x8x8 images, set up on the first call;
/// LibTorch computes with `threads` intra-op threads.
std::function<void()> makeLibTorchCnnStep(int batch, int threads);

} // namespace adjit::bench

#endif // ADJIT_BENCH_CNN_LIBTORCHCNN_H
