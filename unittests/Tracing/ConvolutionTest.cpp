//===- ConvolutionTest.cpp - conv1d and conv2d eager and compiled ---------===//
//
// Values against a direct loop, eager against compiled values and gradients
// (input, weight and bias; f32 and f64) at strides, paddings ("same" with an
// even kernel too), dilations, groups, depthwise, 1x1, unbatched and conv1d,
// and the errors of bad arguments.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>

using namespace adjit;
using adjit::test::errorOf;

namespace {

/// The convolution of NCHW `x` by `w` by its definition, in double.
Tensor directConv2d(const Tensor &xIn, const Tensor &wIn, Shape stride,
                    Shape padding, Shape dilation, int64_t groups) {
  Tensor x = xIn.detach().to(kFloat64).contiguous();
  Tensor w = wIn.detach().to(kFloat64).contiguous();
  int64_t n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
  int64_t o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
  int64_t oh =
      (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
  int64_t ow =
      (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
  std::vector<double> out(n * o * oh * ow, 0.0);
  const double *px = x.data_ptr<double>(), *pw = w.data_ptr<double>();
  int64_t og = o / groups;
  (void)c;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t f = 0; f < o; ++f)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double sum = 0;
          for (int64_t ch = 0; ch < cg; ++ch)
            for (int64_t p = 0; p < kh; ++p)
              for (int64_t q = 0; q < kw; ++q) {
                int64_t ih = i * stride[0] + p * dilation[0] - padding[0];
                int64_t iw = j * stride[1] + q * dilation[1] - padding[1];
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd)
                  continue;
                int64_t channel = (f / og) * cg + ch;
                sum += px[((b * x.size(1) + channel) * h + ih) * wd + iw] *
                       pw[((f * cg + ch) * kh + p) * kw + q];
              }
          out[((b * o + f) * oh + i) * ow + j] = sum;
        }
  return from_vector(out, {n, o, oh, ow}, kFloat64);
}

/// Expects `actual` within `tolerance` (relative to the largest magnitude
/// of `expected`, at least 1) of `expected`.
void expectNear(const Tensor &actual, const Tensor &expected,
                double tolerance) {
  ASSERT_TRUE(actual.defined());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.detach().to(kFloat64).contiguous();
  Tensor e = expected.detach().to(kFloat64).contiguous();
  double scale = std::max(1.0, e.abs().max().item());
  const double *pa = a.data_ptr<double>(), *pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i)
    ASSERT_NEAR(pa[i], pe[i], tolerance * scale) << "element " << i;
}

TEST(Convolution, ValuesAgainstTheDefinition) {
  manual_seed(7);
  struct Case {
    Shape x, w, stride, padding, dilation;
    int64_t groups;
  };
  for (const Case &c : std::vector<Case>{
           {{2, 3, 7, 6}, {4, 3, 3, 3}, {1, 1}, {0, 0}, {1, 1}, 1},
           {{1, 2, 8, 7}, {3, 2, 3, 2}, {2, 1}, {1, 2}, {1, 2}, 1},
           {{2, 4, 6, 6}, {6, 2, 2, 3}, {1, 2}, {1, 0}, {2, 1}, 2},
           {{1, 3, 5, 5}, {3, 1, 3, 3}, {2, 2}, {1, 1}, {1, 1}, 3},
           {{3, 5, 4, 4}, {2, 5, 1, 1}, {1, 1}, {0, 0}, {1, 1}, 1}}) {
    for (Dtype dtype : {kFloat32, kFloat64}) {
      Tensor x = randn(c.x, dtype), w = randn(c.w, dtype);
      Tensor expected =
          directConv2d(x, w, c.stride, c.padding, c.dilation, c.groups);
      Tensor y =
          conv2d(x, w, Tensor(), c.stride, c.padding, c.dilation, c.groups);
      EXPECT_EQ(y.dtype(), dtype);
      expectNear(y, expected, dtype == kFloat32 ? 1e-5 : 1e-12);
    }
  }
}

TEST(Convolution, BiasUnbatchedConv1dAndSame) {
  manual_seed(8);
  Tensor x = randn({2, 3, 6, 5}, kFloat64), w = randn({4, 3, 2, 2}, kFloat64);
  Tensor b = randn({4}, kFloat64);
  Tensor y = conv2d(x, w, b);
  expectNear(
      y, directConv2d(x, w, {1, 1}, {0, 0}, {1, 1}, 1) + b.view({1, 4, 1, 1}),
      1e-12);
  // Unbatched CHW is batch 1 without its batch dim.
  Tensor single = conv2d(x[0], w, b, {2}, Shape{1});
  EXPECT_EQ(single.sizes(), (Shape{4, 4, 3}));
  expectNear(single, conv2d(x.slice(0, 0, 1), w, b, {2}, Shape{1})[0], 1e-15);
  // "same" keeps the size; an even kernel pads one more at the bottom and
  // right, as PyTorch: (0, 1) for a kernel of 2.
  Tensor same = conv2d(x, w, Tensor(), {1}, "same");
  EXPECT_EQ(same.sizes(), (Shape{2, 4, 6, 5}));
  Tensor padded = cat({x, zeros({2, 3, 1, 5}, kFloat64)}, 2);
  padded = cat({padded, zeros({2, 3, 7, 1}, kFloat64)}, 3);
  expectNear(same, conv2d(padded, w), 1e-15);
  EXPECT_EQ(conv2d(x, w, Tensor(), {1}, "valid").sizes(), (Shape{2, 4, 5, 4}));
  // conv1d is conv2d on a unit height.
  Tensor grouped =
      conv1d(randn({2, 4, 9}, kFloat64), randn({6, 2, 3}, kFloat64), Tensor(),
             {2}, Shape{1}, {2}, 2);
  EXPECT_EQ(grouped.sizes(), (Shape{2, 6, 4}));
  Tensor x1 = randn({2, 3, 9}, kFloat64), w1 = randn({4, 3, 3}, kFloat64);
  expectNear(
      conv1d(x1, w1, b, {2}, Shape{1}, {2}),
      conv2d(x1.unsqueeze(2), w1.unsqueeze(2), b, {1, 2}, Shape{0, 1}, {1, 2})
          .squeeze(2),
      1e-15);
  EXPECT_EQ(conv1d(x1[0], w1, Tensor(), {1}, "same").sizes(), (Shape{4, 9}));
}

/// One configuration of the eager-vs-compiled comparison.
struct Config {
  std::string name;
  int spatial;
  Shape x, w;
  bool bias;
  Shape stride, padding, dilation;
  int64_t groups;
  std::string paddingMode; // "same"/"valid", or empty for `padding`
};

/// Names a configuration in test output (gtest would print its bytes,
/// padding included).
void PrintTo(const Config &c, std::ostream *os) { *os << c.name; }

Tensor apply(const Config &c, const Tensor &x, const Tensor &w,
             const Tensor &b) {
  Tensor bias = c.bias ? b : Tensor();
  if (c.spatial == 1)
    return c.paddingMode.empty()
               ? conv1d(x, w, bias, c.stride, c.padding, c.dilation, c.groups)
               : conv1d(x, w, bias, c.stride, c.paddingMode, c.dilation,
                        c.groups);
  return c.paddingMode.empty()
             ? conv2d(x, w, bias, c.stride, c.padding, c.dilation, c.groups)
             : conv2d(x, w, bias, c.stride, c.paddingMode, c.dilation,
                      c.groups);
}

class ConvolutionCompiled : public ::testing::TestWithParam<Config> {};

TEST_P(ConvolutionCompiled, MatchesEagerValuesAndGradients) {
  const Config &c = GetParam();
  for (Dtype dtype : {kFloat64, kFloat32}) {
    manual_seed(11);
    Tensor x0 = randn(c.x, dtype), w0 = randn(c.w, dtype),
           b0 = randn({c.w[0]}, dtype);
    auto loss = [&](const Tensor &x, const Tensor &w, const Tensor &b) {
      Tensor y = apply(c, x, w, b);
      Tensor weights = linspace(-1.0, 2.0, y.numel(), dtype).view(y.sizes());
      return (tanh(y) * weights).sum();
    };
    Tensor ex = x0.clone().requires_grad_(), ew = w0.clone().requires_grad_(),
           eb = b0.clone().requires_grad_();
    Tensor eagerLoss = loss(ex, ew, eb);
    eagerLoss.backward();

    // One compiled loss and gradient of input, weight and bias.
    Tensor cx = x0.clone().requires_grad_(), cw = w0.clone().requires_grad_(),
           cb = b0.clone().requires_grad_();
    auto step = jit::compile(
        [&](const std::vector<Tensor> &) { return loss(cx, cw, cb); });
    Tensor compiledLoss = step(std::vector<Tensor>{});
    double tolerance = dtype == kFloat32 ? 2e-5 : 1e-12;
    expectNear(compiledLoss, eagerLoss, tolerance);
    expectNear(cx.grad(), ex.grad(), tolerance);
    expectNear(cw.grad(), ew.grad(), tolerance);
    if (c.bias)
      expectNear(cb.grad(), eb.grad(), tolerance);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, ConvolutionCompiled,
    ::testing::Values(
        Config{
            "plain", 2, {2, 3, 7, 6}, {4, 3, 3, 3}, true, {1}, {0}, {1}, 1, ""},
        Config{"stride2",
               2,
               {2, 3, 8, 7},
               {4, 3, 3, 3},
               true,
               {2},
               {1},
               {1},
               1,
               ""},
        Config{"dilation2",
               2,
               {1, 2, 9, 8},
               {3, 2, 3, 2},
               false,
               {1, 2},
               {2, 1},
               {2},
               1,
               ""},
        Config{"groups2",
               2,
               {2, 4, 6, 6},
               {6, 2, 3, 3},
               true,
               {1},
               {1},
               {1},
               2,
               ""},
        Config{"depthwise",
               2,
               {2, 4, 7, 7},
               {4, 1, 3, 3},
               true,
               {2},
               {1},
               {1},
               4,
               ""},
        Config{"pointwise",
               2,
               {3, 5, 4, 4},
               {2, 5, 1, 1},
               true,
               {1},
               {0},
               {1},
               1,
               ""},
        Config{"same_even",
               2,
               {2, 3, 6, 5},
               {4, 3, 2, 4},
               true,
               {1},
               {},
               {1},
               1,
               "same"},
        Config{"unbatched",
               2,
               {3, 6, 6},
               {2, 3, 3, 3},
               true,
               {1},
               {1},
               {1},
               1,
               ""},
        Config{"conv1d", 1, {2, 4, 11}, {6, 2, 3}, true, {2}, {1}, {2}, 2, ""},
        Config{"conv1d_same",
               1,
               {3, 8},
               {2, 3, 4},
               false,
               {1},
               {},
               {1},
               1,
               "same"}),
    [](const ::testing::TestParamInfo<Config> &info) {
      return info.param.name;
    });

TEST(Convolution, ResNetShapeMatchesEager) {
  // The benchmark's shape class at a smaller batch: BLAS products in the
  // compiled code.
  manual_seed(3);
  Tensor x = randn({2, 16, 14, 14}), w = randn({16, 16, 3, 3}) * 0.1;
  Tensor eager = conv2d(x, w, Tensor(), {1}, Shape{1});
  auto forward = jit::compile([&](const std::vector<Tensor> &in) {
    return conv2d(in[0], in[1], Tensor(), {1}, Shape{1});
  });
  expectNear(forward(std::vector<Tensor>{x, w}), eager, 1e-5);
}

TEST(Convolution, ErrorsNameTheOpAndTheShapes) {
  Tensor x = zeros({1, 3, 5, 5}), w = zeros({4, 3, 3, 3});
  EXPECT_EQ(errorOf([&] {
              conv2d(x, zeros({4, 2, 3, 3}));
            }),
            "conv2d: input [1, 3, 5, 5] has 3 channels but weight [4, 2, 3, "
            "3] with groups 1 expects 2 (weight.size(1) * groups)");
  EXPECT_EQ(errorOf([&] {
              conv2d(zeros({1, 6, 5, 5}), zeros({4, 3, 3, 3}), Tensor(), {1},
                     Shape{0}, {1}, 4);
            }),
            "conv2d: input [1, 6, 5, 5] has 6 channels but weight [4, 3, 3, "
            "3] with groups 4 expects 12 (weight.size(1) * groups)");
  EXPECT_EQ(errorOf([&] {
              conv2d(zeros({1, 6, 5, 5}), zeros({4, 2, 3, 3}), Tensor(), {1},
                     Shape{0}, {1}, 3);
            }),
            "conv2d: weight [4, 2, 3, 3] has 4 output channels, which groups "
            "3 does not divide");
  EXPECT_EQ(errorOf([&] {
              conv2d(zeros({1, 3, 2, 5}), w);
            }),
            "conv2d: kernel size 3 (dilated: 3) is larger than the padded "
            "input size 2 in spatial dim 0 (input [1, 3, 2, 5], weight [4, 3, "
            "3, 3])");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {0}); }),
            "conv2d: stride must be positive, got [0, 0]");
  EXPECT_EQ(errorOf([&] {
              conv2d(x, w, Tensor(), {1, -2});
            }),
            "conv2d: stride must be positive, got [1, -2]");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {1}, Shape{-1}); }),
            "conv2d: padding must be non-negative, got [-1, -1] before and "
            "[-1, -1] after the input");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {1}, Shape{0}, {0}); }),
            "conv2d: dilation must be positive, got [0, 0]");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {1}, Shape{0}, {1}, 0); }),
            "conv2d: groups must be positive, got 0");
  EXPECT_EQ(errorOf([&] {
              conv2d(x, w, Tensor(), {1, 1, 1});
            }),
            "conv2d: expected stride of 1 or 2 values, got [1, 1, 1]");
  EXPECT_EQ(errorOf([&] {
              conv2d(zeros({5, 5}), w);
            }),
            "conv2d: expected a 3-D (unbatched) or 4-D (batched) input, got "
            "[5, 5]");
  EXPECT_EQ(errorOf([&] {
              conv2d(x, zeros({4, 3, 3}));
            }),
            "conv2d: expected a 4-D weight [out_channels, in_channels / "
            "groups, kH, kW], got [4, 3, 3]");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, zeros({3})); }),
            "conv2d: expected a bias of shape [4] (the weight's output "
            "channels), got float32 input [1, 3, 5, 5], float32 weight [4, 3, "
            "3, 3], float32 bias [3]");
  EXPECT_EQ(errorOf([&] {
              conv2d(x, zeros({4, 3, 3, 3}, kFloat64));
            }),
            "conv2d: expected float32 or float64 tensors of one dtype, got "
            "float32 input [1, 3, 5, 5], float64 weight [4, 3, 3, 3]");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {2}, "same"); }),
            "conv2d: padding \"same\" requires stride 1, got stride [2, 2]");
  EXPECT_EQ(errorOf([&] { conv2d(x, w, Tensor(), {1}, "full"); }),
            "conv2d: padding must be \"same\" or \"valid\", got \"full\"");
  EXPECT_EQ(errorOf([&] {
              conv1d(zeros({1, 3, 2}), zeros({4, 3, 3}));
            }),
            "conv1d: kernel size 3 (dilated: 3) is larger than the padded "
            "input size 2 in spatial dim 0 (input [1, 3, 2], weight [4, 3, "
            "3])");
  EXPECT_EQ(errorOf([&] {
              conv1d(zeros({1, 3, 5}), zeros({4, 3, 3, 3}));
            }),
            "conv1d: expected a 3-D weight [out_channels, in_channels / "
            "groups, kL], got [4, 3, 3, 3]");
}

} // namespace
