//===- ConvBench.cpp - conv2d forward and backward, GFLOP/s ---------------===//
//
// conv2d at a ResNet-like shape (batch 8, 64 -> 64 channels, 56 x 56, 3 x 3,
// padding 1), f32, measured side by side in one run:
//   * compiled adjit: adjit.conv2d (forward) and adjit.conv2d with its two
//     adjoint ops (forward + backward) through the JIT's pipeline (im2col,
//     OpenBLAS sgemm, col2im);
//   * compiled linalg.conv_2d_nchw_fchw on a padded input, the direct
//     lowering this replaced (forward only);
//   * eager adjit::conv2d, and its forward + backward with autograd;
//   * OpenBLAS cblas_sgemm alone on the im2col product of the forward
//     ([64 x 576] x [576 x 25088]), the anchor;
//   * LibTorch conv2d with 1 and 2 threads, when libtorch-dev is installed.
// Backward rates count the forward and both gradients: 3 x the forward's
// multiply-adds. OpenBLAS and the compiled loops use 2 threads.
//
//===----------------------------------------------------------------------===//

#include "ConvBench.h"

#include "../OptimizedTier.h"
#include "../common.h"

#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include <cblas.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int);

using namespace adjit;
using namespace adjit::bench;

namespace {

std::string tensorType(std::vector<int64_t> shape) {
  std::string text = "tensor<";
  for (int64_t size : shape)
    text += std::to_string(size) + "x";
  return text + "f32>";
}

std::string attributes(const ConvShape &s) {
  std::string p = std::to_string(s.padding);
  return "{stride = array<i64: 1, 1>, padding = array<i64: " + p + ", " + p +
         ", " + p + ", " + p +
         ">, dilation = array<i64: 1, 1>, groups = 1 : i64}";
}

/// @forward(x, w) -> y and @train(x, w, g) -> (y, dx, dw) in the adjit
/// dialect, and @direct(x, w) -> y as linalg.conv_2d_nchw_fchw.
std::string convModule(const ConvShape &s) {
  std::string x = tensorType({s.n, s.c, s.h, s.w});
  std::string w = tensorType({s.o, s.c, s.k, s.k});
  std::string y = tensorType({s.n, s.o, s.h, s.w});
  std::string xp =
      tensorType({s.n, s.c, s.h + 2 * s.padding, s.w + 2 * s.padding});
  std::string a = attributes(s);
  std::string p = std::to_string(s.padding);
  return "func.func @forward(%x: " + x + ", %w: " + w + ") -> " + y +
         " {\n  %y = adjit.conv2d %x, %w " + a + " : " + x + ", " + w + " -> " +
         y + "\n  return %y : " + y + "\n}\n" + "func.func @train(%x: " + x +
         ", %w: " + w + ", %g: " + y + ") -> (" + y + ", " + x + ", " + w +
         ") {\n  %y = adjit.conv2d %x, %w " + a + " : " + x + ", " + w +
         " -> " + y + "\n  %dx = adjit.conv2d_backward_input %g, %w " + a +
         " : " + y + ", " + w + " -> " + x +
         "\n  %dw = adjit.conv2d_backward_weight %g, %x " + a + " : " + y +
         ", " + x + " -> " + w + "\n  return %y, %dx, %dw : " + y + ", " + x +
         ", " + w + "\n}\n" + "func.func @direct(%x: " + x + ", %w: " + w +
         ") -> " + y +
         " {\n  %zero = arith.constant 0.0 : f32\n"
         "  %xp = tensor.pad %x low[0, 0, " +
         p + ", " + p + "] high[0, 0, " + p + ", " + p +
         "] {\n  ^bb0(%i: index, %j: index, %k: index, %l: index):\n"
         "    tensor.yield %zero : f32\n  } : " +
         x + " to " + xp + "\n  %e = tensor.empty() : " + y +
         "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + y + ") -> " + y +
         "\n  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : "
         "tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xp, %w : " +
         xp + ", " + w + ") outs(%f : " + y + ") -> " + y +
         "\n  return %y : " + y + "\n}\n";
}

std::vector<float> randomFloats(int64_t count, float scale, unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> values(count);
  for (float &v : values)
    v = normal(generator);
  return values;
}

void printRow(const char *name, double macs, double seconds, double anchor) {
  double gflops = 2.0 * macs / seconds * 1e-9;
  std::printf("%-44s %10.2f %10.1f %9.0f%%\n", name, seconds * 1e3, gflops,
              100.0 * gflops / anchor);
}

} // namespace

int main() {
  openblas_set_num_threads(2);
  ConvShape s{8, 64, 56, 56, 64, 3, 1};
  double macs = s.macs();
  int64_t rows = s.c * s.k * s.k, columns = s.n * s.h * s.w;

  std::vector<float> x = randomFloats(s.n * s.c * s.h * s.w, 1.0f, 1);
  std::vector<float> w = randomFloats(s.o * rows, 0.05f, 2);
  std::vector<float> g = randomFloats(s.n * s.o * s.h * s.w, 1.0f, 3);

  // The anchor: OpenBLAS on the forward's im2col product.
  std::vector<float> col = randomFloats(rows * columns, 1.0f, 4);
  std::vector<float> out(s.o * columns);
  double sgemm = medianSeconds(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.o, columns,
                    rows, 1.0f, w.data(), rows, col.data(), columns, 0.0f,
                    out.data(), columns);
      },
      7);
  double anchor = 2.0 * macs / sgemm * 1e-9;

  jit::Engine engine;
  auto module = engine.compile(convModule(s));
  jit::TensorType xType{jit::ElementType::F32, {s.n, s.c, s.h, s.w}};
  jit::TensorType wType{jit::ElementType::F32, {s.o, s.c, s.k, s.k}};
  jit::TensorType yType{jit::ElementType::F32, {s.n, s.o, s.h, s.w}};
  std::vector<jit::BufferView> forwardArgs = {{x.data(), xType},
                                              {w.data(), wType}};
  std::vector<jit::BufferView> trainArgs = {
      {x.data(), xType}, {w.data(), wType}, {g.data(), yType}};
  warmUpToOptimizedTier(engine, [&] { module->call("forward", forwardArgs); });
  double compiledForward =
      medianSeconds([&] { module->call("forward", forwardArgs); }, 7);
  double compiledTrain =
      medianSeconds([&] { module->call("train", trainArgs); }, 7);
  double direct =
      medianSeconds([&] { module->call("direct", forwardArgs); }, 3);

  Tensor ex = from_vector(std::vector<double>(x.begin(), x.end()),
                          {s.n, s.c, s.h, s.w}, kFloat32);
  Tensor ew = from_vector(std::vector<double>(w.begin(), w.end()),
                          {s.o, s.c, s.k, s.k}, kFloat32);
  Tensor eg = from_vector(std::vector<double>(g.begin(), g.end()),
                          {s.n, s.o, s.h, s.w}, kFloat32);
  double eagerForward = medianSeconds(
      [&] {
        NoGradGuard noGrad;
        Tensor y = conv2d(ex, ew, Tensor(), {1}, Shape{s.padding});
      },
      7);
  Tensor gx = ex.detach().requires_grad_(), gw = ew.detach().requires_grad_();
  double eagerTrain = medianSeconds(
      [&] {
        Tensor loss =
            (conv2d(gx, gw, Tensor(), {1}, Shape{s.padding}) * eg).sum();
        std::vector<Tensor> grads = autograd::grad({loss}, {gx, gw});
      },
      7);

  std::printf("conv2d f32, x [%lld, %lld, %lld, %lld], w [%lld, %lld, %lld, "
              "%lld], stride 1, padding %lld: %.2f GFLOP per forward\n",
              (long long)s.n, (long long)s.c, (long long)s.h, (long long)s.w,
              (long long)s.o, (long long)s.c, (long long)s.k, (long long)s.k,
              (long long)s.padding, 2.0 * macs * 1e-9);
  std::printf("%-44s %10s %10s %10s\n", "", "ms", "GFLOP/s", "of sgemm");
  std::printf("%-44s %10.2f %10.1f %9.0f%%\n",
              "OpenBLAS sgemm on the im2col product (2 thr)", sgemm * 1e3,
              anchor, 100.0);
  printRow("compiled adjit forward", macs, compiledForward, anchor);
  printRow("compiled linalg.conv_2d_nchw_fchw forward", macs, direct, anchor);
  printRow("eager adjit forward", macs, eagerForward, anchor);
#ifdef ADJIT_BENCH_WITH_LIBTORCH
  LibTorchTimes torch1 = libtorchConv2d(s, 1), torch2 = libtorchConv2d(s, 2);
  printRow("LibTorch forward (1 thread)", macs, torch1.forward, anchor);
  printRow("LibTorch forward (2 threads)", macs, torch2.forward, anchor);
#endif
  printRow("compiled adjit forward + backward", 3 * macs, compiledTrain,
           anchor);
  printRow("eager adjit forward + backward", 3 * macs, eagerTrain, anchor);
#ifdef ADJIT_BENCH_WITH_LIBTORCH
  printRow("LibTorch forward + backward (1 thread)", 3 * macs,
           torch1.forwardBackward, anchor);
  printRow("LibTorch forward + backward (2 threads)", 3 * macs,
           torch2.forwardBackward, anchor);
#else
  std::printf("(LibTorch not found: no LibTorch rows)\n");
#endif
  return 0;
}
