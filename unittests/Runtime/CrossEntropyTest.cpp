//===- CrossEntropyTest.cpp - cross_entropy's options, eager -------------===//

#include "adjit/NN/CrossEntropy.h"
#include "PyTorchReference.h"
#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;
namespace F = adjit::nn::functional;

namespace {

Tensor ints(const std::vector<double> &values, const Shape &shape) {
  return from_vector(values, shape, kInt64);
}

TEST(CrossEntropyTest, IgnoreIndexAndLabelSmoothingByDefinition) {
  // Rows 0 and 2 count; row 1 is ignored. With smoothing s each kept row
  // loses (1 - s) (-log p[target]) + s / C sum_c (-log p[c]).
  Tensor x = patternTensor(9, 0.3, {3, 3});
  Tensor t = ints({2, 1, 0}, {3});
  Tensor logp = F::log_softmax(x, 1);
  auto lp = [&](int64_t i, int64_t c) { return logp[i][c].item(); };
  double s = 0.3;
  auto rowLoss = [&](int64_t i, int64_t target) {
    double all = -(lp(i, 0) + lp(i, 1) + lp(i, 2));
    return (1 - s) * -lp(i, target) + s / 3 * all;
  };
  F::CrossEntropyFuncOptions options;
  options.ignore_index(1).label_smoothing(s);
  expectTensor(F::cross_entropy(x, t, options.reduction(F::Reduction::None)),
               {3}, {rowLoss(0, 2), 0, rowLoss(2, 0)}, 1e-12);
  expectTensor(F::cross_entropy(x, t, options.reduction(F::Reduction::Sum)), {},
               {rowLoss(0, 2) + rowLoss(2, 0)}, 1e-12);
  expectTensor(F::cross_entropy(x, t, options.reduction(F::Reduction::Mean)),
               {}, {(rowLoss(0, 2) + rowLoss(2, 0)) / 2}, 1e-12);

  // An ignored row's logits do not reach the loss, even when they are not
  // finite (as PyTorch; the gradient of such a row is NaN there too).
  Tensor y = tensor({{1, 2, 3}, {INFINITY, 0, NAN}}, kFloat64);
  Tensor loss =
      F::cross_entropy(y, ints({0, -100}, {2}), F::CrossEntropyFuncOptions());
  EXPECT_NEAR(loss.item(), -values(F::log_softmax(y[0], 0))[0], 1e-12);

  // Every target ignored: the mean is 0 / 0, the sum 0, and the gradient
  // zero, as PyTorch.
  Tensor none = ints({-100, -100, -100}, {3});
  Tensor z = x.clone().requires_grad_();
  Tensor nanMean = F::cross_entropy(z, none);
  EXPECT_TRUE(std::isnan(nanMean.item()));
  nanMean.backward();
  expectTensor(z.grad(), {3, 3}, std::vector<double>(9, 0.0));
  EXPECT_EQ(F::cross_entropy(x, none, F::Reduction::Sum).item(), 0.0);
}

TEST(CrossEntropyTest, SpatialTargetsAreRowsOfTheClassDim) {
  // [N, C, d] logits with [N, d] targets equal the [N * d, C] rows.
  Tensor x = patternTensor(24, 0.9, {2, 3, 4});
  Tensor t = ints({0, 2, 1, -100, 2, 2, 0, 1}, {2, 4});
  Tensor rows = x.permute({0, 2, 1}).reshape({8, 3});
  F::CrossEntropyFuncOptions options;
  options.label_smoothing(0.1).reduction(F::Reduction::None);
  expectTensor(F::cross_entropy(x, t, options), {2, 4},
               values(F::cross_entropy(rows, t.reshape({8}), options)), 1e-12);
  // Unbatched: [C] logits and a 0-d target.
  expectTensor(F::cross_entropy(x[0].select(1, 0), ints({0}, {}), options), {},
               {values(F::cross_entropy(rows, t.reshape({8}), options))[0]},
               1e-12);
}

TEST(CrossEntropyTest, MatchesPyTorch) {
  std::string out = runPython(
      std::string("import math, torch\n"
                  "F = torch.nn.functional\n") +
      kPatternPython +
      "def run(x, t, **kw):\n"
      "    x = x.clone().requires_grad_()\n"
      "    loss = F.cross_entropy(x, t, **kw)\n"
      "    c = torch.linspace(0.5, 1.5, loss.numel(), dtype=torch.float64)\n"
      "    g, = torch.autograd.grad((loss * c.reshape(loss.shape)).sum(), x)\n"
      "    return [loss.detach().flatten(), g.flatten()]\n"
      "x = v(20, 0.1).reshape(5, 4)\n"
      "t = torch.tensor([1, -100, 3, 0, 2])\n"
      "w = v(4, 0.5).abs() + 0.5\n"
      "s = v(24, 0.7).reshape(2, 3, 2, 2)\n"
      "st = torch.tensor([[[0, 2], [1, -100]], [[2, 2], [0, 1]]])\n"
      "p = F.softmax(v(20, 1.1).reshape(5, 4), 1)\n"
      "r = run(x, t) + run(x, t, label_smoothing=0.2)\n"
      "u = torch.tensor([1, 3, 3, 0, 2])\n"
      "r += run(x, u, ignore_index=3, label_smoothing=0.1, reduction=\"sum\")\n"
      "r += run(x, t, weight=w, label_smoothing=0.3)\n"
      "r += run(x, t, weight=w, label_smoothing=0.3, reduction=\"none\")\n"
      "r += run(s, st, label_smoothing=0.15)\n"
      "r += run(s, st, weight=w[:3], reduction=\"none\")\n"
      "r += run(x, p, weight=w, label_smoothing=0.25)\n"
      "r += run(x[2], torch.tensor(3), label_smoothing=0.1, "
      "reduction=\"none\")\n"
      "print(\" \".join(repr(float(e)) for e in torch.cat(r)))\n");
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  std::vector<double> expected = parseNumbers(out);

  auto run = [](const Tensor &x0, const Tensor &t,
                const F::CrossEntropyFuncOptions &options) {
    Tensor x = x0.clone().requires_grad_();
    Tensor loss = F::cross_entropy(x, t, options);
    Tensor c = linspace(0.5, 1.5, loss.numel(), kFloat64).reshape(loss.sizes());
    Tensor g = autograd::grad({(loss * c).sum()}, {x})[0];
    std::vector<double> r = values(loss), gv = values(g);
    r.insert(r.end(), gv.begin(), gv.end());
    return r;
  };
  using Options = F::CrossEntropyFuncOptions;
  Tensor x = patternTensor(20, 0.1, {5, 4});
  Tensor t = ints({1, -100, 3, 0, 2}, {5});
  Tensor w = patternTensor(4, 0.5, {4}).abs() + 0.5;
  Tensor s = patternTensor(24, 0.7, {2, 3, 2, 2});
  Tensor st = ints({0, 2, 1, -100, 2, 2, 0, 1}, {2, 2, 2});
  Tensor p = F::softmax(patternTensor(20, 1.1, {5, 4}), 1);
  std::vector<std::vector<double>> results = {
      run(x, t, Options()),
      run(x, t, Options().label_smoothing(0.2)),
      run(x, ints({1, 3, 3, 0, 2}, {5}),
          Options().ignore_index(3).label_smoothing(0.1).reduction(
              F::Reduction::Sum)),
      run(x, t, Options().weight(w).label_smoothing(0.3)),
      run(x, t,
          Options().weight(w).label_smoothing(0.3).reduction(
              F::Reduction::None)),
      run(s, st, Options().label_smoothing(0.15)),
      run(s, st,
          Options().weight(w.slice(0, 0, 3)).reduction(F::Reduction::None)),
      run(x, p, Options().weight(w).label_smoothing(0.25)),
      run(x[2], ints({3}, {}),
          Options().label_smoothing(0.1).reduction(F::Reduction::None)),
  };
  std::vector<double> actual;
  for (const std::vector<double> &r : results)
    actual.insert(actual.end(), r.begin(), r.end());
  expectMatchesReference(actual, expected);
}

TEST(CrossEntropyTest, GradcheckFirstAndSecondOrder) {
  manual_seed(3);
  Tensor x = randn({4, 3}, kFloat64).requires_grad_();
  Tensor t = ints({2, -100, 0, 2}, {4});
  Tensor u = ints({2, 1, 0, 0}, {4});
  Tensor w = (rand({3}, kFloat64) + 0.5).requires_grad_();
  checkFirstAndSecondOrder(
      [&](auto &in) {
        return F::cross_entropy(
            in[0], t,
            F::CrossEntropyFuncOptions().weight(in[1]).label_smoothing(0.2));
      },
      {x, w});
  checkFirstAndSecondOrder(
      [&](auto &in) {
        return F::cross_entropy(in[0], u,
                                F::CrossEntropyFuncOptions()
                                    .ignore_index(0)
                                    .label_smoothing(0.1)
                                    .reduction(F::Reduction::None));
      },
      {x});
  Tensor spatial = randn({2, 3, 2}, kFloat64).requires_grad_();
  Tensor spatialTargets = ints({0, 2, -100, 1}, {2, 2});
  checkFirstAndSecondOrder(
      [&](auto &in) {
        return F::cross_entropy(
            in[0], spatialTargets,
            F::CrossEntropyFuncOptions().label_smoothing(0.3));
      },
      {spatial});
  // Probabilities: the gradient reaches the target too.
  Tensor q = rand({4, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [&](auto &in) {
        return F::cross_entropy(
            in[0], in[1], F::CrossEntropyFuncOptions().label_smoothing(0.2));
      },
      {x, q});
}

TEST(CrossEntropyTest, Errors) {
  Tensor x = zeros({2, 3});
  F::CrossEntropyFuncOptions options;
  EXPECT_ADJIT_ERROR(F::cross_entropy(x, ints({0, 3}, {2}), options),
                     "cross_entropy: target 3 at position 1 is out of bounds "
                     "for 3 classes");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(x, ints({-1, 0}, {2}), options.ignore_index(3)),
      "cross_entropy: target -1 at position 0 is out of bounds for 3 "
      "classes");
  EXPECT_ADJIT_ERROR(F::cross_entropy(x, ints({0, 1, 2}, {3}), options),
                     "cross_entropy: expected logits [N, C, d...] (or [C]) "
                     "with class targets [N, d...] (or []) or probabilities "
                     "of the logits' shape, got shapes [2, 3] and [3]");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(zeros({2, 3, 4}), ints({0, 1}, {2}), options),
      "got shapes [2, 3, 4] and [2]");
  EXPECT_ADJIT_ERROR(F::cross_entropy(x, zeros({2, 4}), options),
                     "got shapes [2, 3] and [2, 4]");
  EXPECT_ADJIT_ERROR(F::cross_entropy(x, ones({2}, kBool), options),
                     "cross_entropy: expected int64 class targets or "
                     "floating-point class probabilities, got bool of shape "
                     "[2] (input shape [2, 3])");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(zeros({2, 3}, kInt64), ints({0, 1}, {2}), options),
      "cross_entropy: expected floating-point logits, got "
      "int64 of shape [2, 3]");
  EXPECT_ADJIT_ERROR(F::cross_entropy(zeros({}), ints({0}, {}), options),
                     "cross_entropy: expected logits [N, C, d...] or [C], got "
                     "a 0-d tensor");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(x, ints({0, 1}, {2}),
                       F::CrossEntropyFuncOptions().label_smoothing(1.5)),
      "cross_entropy: label_smoothing must be in [0, 1], got 1.5");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(x, ints({0, 1}, {2}),
                       F::CrossEntropyFuncOptions().weight(ones({4}))),
      "cross_entropy: weight should have shape [3] (one per "
      "class), got [4] (input shape [2, 3])");
  EXPECT_ADJIT_ERROR(
      F::cross_entropy(x, ints({0, 1}, {2}),
                       F::CrossEntropyFuncOptions().weight(ones({3}, kInt64))),
      "cross_entropy: weight must be a floating-point tensor, "
      "got int64 of shape [3]");
}

} // namespace
