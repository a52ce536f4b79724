//===- ConvBench.h - the conv2d benchmark's shape and LibTorch side -*- C++
//-*-===//

#ifndef ADJIT_BENCH_CONV_CONVBENCH_H
#define ADJIT_BENCH_CONV_CONVBENCH_H

#include <cstdint>

namespace adjit::bench {

/// A conv2d of x [n, c, h, w] by a [o, c, k, k] kernel with stride 1 and
/// padding `padding` (the output keeps h x w when padding = k / 2).
struct ConvShape {
  int64_t n, c, h, w, o, k, padding;

  /// Multiply-adds of the forward convolution.
  double macs() const { return static_cast<double>(n) * o * h * w * c * k * k; }
};

/// Seconds per LibTorch conv2d forward, and per forward + backward (input
/// and weight gradients), with `threads` threads.
struct LibTorchTimes {
  double forward, forwardBackward;
};
LibTorchTimes libtorchConv2d(const ConvShape &shape, int threads);

} // namespace adjit::bench

#endif // ADJIT_BENCH_CONV_CONVBENCH_H
