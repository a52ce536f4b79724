//===- PoolingTest.cpp - eager pooling and flatten: values, ties, errors --===//
//
// max_pool2d's gradient goes to one element per window, PyTorch's choice:
// the first maximum in row-major window order, the last NaN of a window.
// The expected values here are PyTorch 1.13's (the same cases are rows of
// tools/adjit-difftest/SingularPoints.def, which
// scripts/singular-points-torch.py checks against PyTorch).
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <limits>

using namespace adjit;
using namespace adjit::test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The gradient of sum(max_pool2d(x) * w), w = 1, 10, 100, ... over the
/// output, for x of `shape` holding `v`.
std::vector<double>
maxPoolGradient(const std::vector<double> &v, const Shape &shape,
                const std::function<Tensor(const Tensor &)> &pool) {
  Tensor x = leaf(v, shape);
  Tensor y = pool(x);
  std::vector<double> w;
  for (int64_t i = 0; i < y.numel(); ++i)
    w.push_back(std::pow(10.0, static_cast<double>(i)));
  (y * from_vector(w, y.sizes(), kFloat64)).sum().backward();
  return values(x.grad());
}

TEST(MaxPool2d, ValuesShapesAndDefaults) {
  Tensor x = arange(16, kFloat64).view({1, 1, 4, 4});
  // An empty stride means stride = kernel_size.
  expectTensor(max_pool2d(x, {2}), {1, 1, 2, 2}, {5, 7, 13, 15});
  expectTensor(max_pool2d(x, {2, 2}, {1}), {1, 1, 3, 3},
               {5, 6, 7, 9, 10, 11, 13, 14, 15});
  // Unbatched CHW.
  expectTensor(max_pool2d(x.view({1, 4, 4}), {2}), {1, 2, 2}, {5, 7, 13, 15});
  // Padding counts as -inf; dilation spreads the window.
  expectTensor(max_pool2d(-x, {3}, {2}, {1}), {1, 1, 2, 2}, {0, -1, -4, -5});
  expectTensor(max_pool2d(x, {2}, {1}, {0}, {2}), {1, 1, 2, 2},
               {10, 11, 14, 15});
  // ceil_mode: 5 -> 3 with kernel 3, stride 2, padding 1 (as floor), and
  // 4 -> 2 with kernel 2, stride 3 (floor gives 1).
  Tensor five = arange(25, kFloat64).view({1, 1, 5, 5});
  EXPECT_EQ(max_pool2d(five, {3}, {2}, {1}, {1}, true).sizes(),
            (Shape{1, 1, 3, 3}));
  expectTensor(max_pool2d(x, {2}, {3}, {0}, {1}, true), {1, 1, 2, 2},
               {5, 7, 13, 15});
  expectTensor(max_pool2d(x, {2}, {3}, {0}, {1}, false), {1, 1, 1, 1}, {5});
  // The last window must start inside the input or the left padding:
  // 5 with kernel 2, stride 2, padding 1 gives 3 with ceil_mode, not 4.
  EXPECT_EQ(max_pool2d(five, {2}, {2}, {1}, {1}, true).sizes(),
            (Shape{1, 1, 3, 3}));
  EXPECT_EQ(max_pool2d(x.to(kFloat32), {2}).dtype(), kFloat32);
}

TEST(MaxPool2d, TiesGoToTheFirstMaximumOfEachWindow) {
  auto pool = [](const Tensor &x) { return max_pool2d(x, {1, 2}, {1}); };
  // Windows (0, 1), (1, 2), (2, 3): the first 3 of each.
  EXPECT_EQ(maxPoolGradient({3, 3, 1, 3}, {1, 1, 1, 4}, pool),
            (std::vector<double>{1, 10, 0, 100}));
  // Row-major window order: in a 2x2 window of equal elements the top-left
  // one is chosen.
  EXPECT_EQ(maxPoolGradient({2, 2, 2, 2}, {1, 1, 2, 2},
                            [](const Tensor &x) { return max_pool2d(x, {2}); }),
            (std::vector<double>{1, 0, 0, 0}));
}

TEST(MaxPool2d, OverlappingWindowsSharingTheMaximumAddUp) {
  std::vector<double> g =
      maxPoolGradient({1, 2, 3, 4, 9, 5, 6, 7, 8}, {1, 1, 3, 3},
                      [](const Tensor &x) { return max_pool2d(x, {2}, {1}); });
  EXPECT_EQ(g, (std::vector<double>{0, 0, 0, 0, 1111, 0, 0, 0, 0}));
}

TEST(MaxPool2d, InfinityAndNaN) {
  auto pairs = [](const Tensor &x) { return max_pool2d(x, {1, 2}, {1}); };
  // A window of -inf chooses its first element.
  Tensor y = max_pool2d(full({1, 1, 1, 3}, -kInf, kFloat64), {1, 2}, {1});
  EXPECT_EQ(values(y), (std::vector<double>{-kInf, -kInf}));
  EXPECT_EQ(maxPoolGradient({-kInf, -kInf, -kInf}, {1, 1, 1, 3}, pairs),
            (std::vector<double>{1, 10, 0}));
  // A NaN takes over from every number, and a later NaN from an earlier
  // one: the last NaN of the window is chosen.
  Tensor x = from_vector({1, kNaN, kNaN, 2}, {1, 1, 1, 4}, kFloat64);
  EXPECT_TRUE(std::isnan(max_pool2d(x, {1, 4}).item()));
  EXPECT_EQ(maxPoolGradient({1, kNaN, kNaN, 2}, {1, 1, 1, 4},
                            [](const Tensor &t) {
                              return max_pool2d(t, {1, 4});
                            }),
            (std::vector<double>{0, 0, 1, 0}));
  EXPECT_EQ(maxPoolGradient({kNaN, 5, kInf}, {1, 1, 1, 3}, pairs),
            (std::vector<double>{1, 0, 10}));
  // Padding is never chosen, even over -inf elements.
  EXPECT_EQ(maxPoolGradient({-kInf, -3}, {1, 1, 1, 2},
                            [](const Tensor &t) {
                              return max_pool2d(t, {1, 3}, {1}, {0, 1});
                            }),
            (std::vector<double>{0, 11}));
}

TEST(MaxPool2d, DoubleBackwardGathersAtTheChosenIndices) {
  Tensor x = leaf({3, 3, 1, 3, 0, 7, 7, 2}, {1, 2, 1, 4});
  Tensor y = max_pool2d(x, {1, 2}, {1});
  Tensor v = ones(y.sizes(), dtype(kFloat64).requires_grad(true));
  Tensor dx = autograd::grad({y}, {x}, {v}, true, /*createGraph=*/true)[0];
  Tensor u = arange(8, kFloat64).view({1, 2, 1, 4});
  Tensor dv = autograd::grad({(dx * u).sum()}, {v})[0];
  // Channel 0 chose 0, 1, 3; channel 1 chose 5, 5, 6 (positions in u).
  expectTensor(dv, {1, 2, 1, 3}, {0, 1, 3, 5, 5, 6});
}

TEST(AvgPool2d, ValuesDivisorsAndCeilMode) {
  Tensor x = arange(16, kFloat64).view({1, 1, 4, 4});
  expectTensor(avg_pool2d(x, {2}), {1, 1, 2, 2}, {2.5, 4.5, 10.5, 12.5});
  // Padding counted in the divisor, or not.
  expectTensor(avg_pool2d(x, {3}, {2}, {1}), {1, 1, 2, 2},
               {10.0 / 9, 24.0 / 9, 51.0 / 9, 90.0 / 9});
  expectTensor(avg_pool2d(x, {3}, {2}, {1}, false, false), {1, 1, 2, 2},
               {2.5, 4, 8.5, 10});
  // ceil_mode: the last window is clipped to the padded input for the
  // divisor: 3 -> 2 with kernel 2, stride 2.
  Tensor t = arange(9, kFloat64).view({1, 3, 3});
  expectTensor(avg_pool2d(t, {2}, {2}, {0}, true), {1, 2, 2}, {2, 3.5, 6.5, 8});
}

TEST(AdaptiveAvgPool2d, NonDivisibleWindowsOverlap) {
  // 7 -> 3: windows [0, 3), [2, 5), [4, 7).
  Tensor x = arange(7, kFloat64).view({1, 1, 1, 7});
  expectTensor(adaptive_avg_pool2d(x, {1, 3}), {1, 1, 1, 3}, {1, 3, 5});
  Tensor g = leaf(std::vector<double>(7, 0.0), {1, 1, 1, 7});
  adaptive_avg_pool2d(g, {1, 3}).sum().backward();
  expectTensor(g.grad(), {1, 1, 1, 7},
               {1.0 / 3, 1.0 / 3, 2.0 / 3, 1.0 / 3, 2.0 / 3, 1.0 / 3, 1.0 / 3});
  // One value applies to both axes; CHW input; upsampling 2 -> 3.
  EXPECT_EQ(adaptive_avg_pool2d(zeros({2, 7, 7}), {3}).sizes(),
            (Shape{2, 3, 3}));
  expectTensor(adaptive_avg_pool2d(
                   from_vector({1, 2, 3, 4}, {1, 1, 2, 2}, kFloat64), {3}),
               {1, 1, 3, 3}, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4});
}

TEST(Flatten, RangesOfDimsAreReshapes) {
  Tensor x = arange(24, kFloat64).view({2, 3, 4});
  EXPECT_EQ(flatten(x).sizes(), Shape{24});
  EXPECT_EQ(flatten(x, 1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(x.flatten(0, 1).sizes(), (Shape{6, 4}));
  EXPECT_EQ(x.flatten(-2, -1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(x.flatten(1, 1).sizes(), (Shape{2, 3, 4}));
  EXPECT_EQ(x.flatten().sizes(), Shape{24});
  EXPECT_EQ(flatten(scalar_tensor(2.0)).sizes(), Shape{1});
  // A view of a contiguous input.
  EXPECT_EQ(flatten(x, 1).data_ptr<double>(), x.data_ptr<double>());
  Tensor leafX = leaf(std::vector<double>(6, 1.0), {1, 2, 3});
  (flatten(leafX, 1) * arange(6, kFloat64).view({1, 6})).sum().backward();
  expectTensor(leafX.grad(), {1, 2, 3}, {0, 1, 2, 3, 4, 5});
}

TEST(PoolingErrors, NameTheOpAndTheShapes) {
  Tensor x = zeros({1, 1, 5, 5});
  EXPECT_ADJIT_ERROR(max_pool2d(x, {2}, {2}, {2}),
                     "max_pool2d: padding must be non-negative and at most "
                     "half of the kernel size, got padding [2, 2] and "
                     "kernel_size [2, 2]");
  EXPECT_ADJIT_ERROR(max_pool2d(x, {6}),
                     "max_pool2d: the input of shape [1, 1, 5, 5] gives an "
                     "output of size 0x0, which is too small");
  EXPECT_ADJIT_ERROR(max_pool2d(x, {2}, {0}),
                     "max_pool2d: stride must be positive, got [0, 0]");
  EXPECT_ADJIT_ERROR(max_pool2d(x, {2}, {}, {0}, {0}),
                     "max_pool2d: dilation must be positive, got [0, 0]");
  EXPECT_ADJIT_ERROR(max_pool2d(x, {2, 2, 2}),
                     "max_pool2d: kernel_size must be one or two values");
  EXPECT_ADJIT_ERROR(max_pool2d(zeros({5, 5}), {2}),
                     "max_pool2d: expected a 3-D (CHW) or 4-D (NCHW) input, "
                     "got shape [5, 5]");
  EXPECT_ADJIT_ERROR(avg_pool2d(zeros({1, 4, 4}, kInt64), {2}),
                     "avg_pool2d: expected a float32 or float64 input, got "
                     "int64 of shape [1, 4, 4]");
  EXPECT_ADJIT_ERROR(avg_pool2d(x, {0}),
                     "avg_pool2d: kernel_size must be positive");
  EXPECT_ADJIT_ERROR(max_pool2d(zeros({1, 1, 2, 2}), {2}, {1}, {1}, {3}),
                     "max_pool2d: window 0 along the height of the input of "
                     "shape [1, 1, 2, 2] lies entirely in the padding");
  EXPECT_ADJIT_ERROR(adaptive_avg_pool2d(x, {0, 2}),
                     "adaptive_avg_pool2d: output_size must be positive, got "
                     "[0, 2]");
  EXPECT_ADJIT_ERROR(adaptive_avg_pool2d(zeros({1, 0, 5}), {2}),
                     "adaptive_avg_pool2d: expected an input with non-zero "
                     "channels, height and width, got shape [1, 1, 0, 5]");
  EXPECT_ADJIT_ERROR(flatten(zeros({2, 3}), 2),
                     "flatten: dimension 2 is out of range");
  EXPECT_ADJIT_ERROR(flatten(zeros({2, 3, 4}), 2, 1),
                     "flatten: start_dim 2 comes after end_dim 1 for a tensor "
                     "of shape [2, 3, 4]");
}

} // namespace
