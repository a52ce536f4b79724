//===- ScanTest.cpp - jit::scan run eagerly, with autograd ----------------===//

#include "TestUtil.h"

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(EagerScanTest, MatchesTheLoopItRuns) {
  Tensor h0 = tensor({1.0, -2.0}), xs = tensor({1.0, 2.0, 3.0}).view({3, 1});
  auto [carry, ys] = jit::scan(
      [](const std::vector<Tensor> &c,
         const std::vector<Tensor> &x) -> runtime::ScanResult {
        Tensor next = c[0] * 0.5 + x[0];
        return {{next, c[1] + 1.0}, {next.sum(), c[1]}};
      },
      {h0, zeros({})}, {xs});
  // h: [1, -2] -> [1.5, 0] -> [2.75, 2] -> [4.375, 4]
  expectTensor(carry[0], {2}, {4.375, 4.0});
  expectTensor(carry[1], {}, {3.0});
  expectTensor(ys[0], {3}, {1.5, 4.75, 8.375});
  expectTensor(ys[1], {3}, {0.0, 1.0, 2.0});
}

TEST(EagerScanTest, LengthZeroReturnsTheInitAndEmptyStacks) {
  Tensor h0 = tensor({1.0, 2.0});
  auto [carry, ys] = jit::scan(
      [](const Tensor &c, const Tensor &x) {
        return std::make_pair(c + x, (c * x).view({1, 2}));
      },
      h0, zeros({0, 2}));
  expectTensor(carry, {2}, {1.0, 2.0});
  EXPECT_EQ(ys.sizes(), Shape({0, 1, 2}));
  // No scanned tensor: the length is given.
  auto [counted, none] = jit::scan(
      [](const std::vector<Tensor> &c,
         const std::vector<Tensor> &) -> runtime::ScanResult {
        return {{c[0] + 1.0}, {}};
      },
      {zeros({})}, {}, 4);
  expectTensor(counted[0], {}, {4.0});
  EXPECT_TRUE(none.empty());
}

TEST(EagerScanTest, GradcheckFirstAndSecondOrder) {
  manual_seed(3);
  Tensor w = (randn({3, 3}, kFloat64) * 0.5).requires_grad_();
  Tensor h0 = randn({3}, kFloat64).requires_grad_();
  Tensor xs = randn({4, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](const std::vector<Tensor> &in) {
        auto [h, ys] = jit::scan(
            [&](const Tensor &c, const Tensor &x) {
              Tensor next = tanh(matmul(in[0], c) + x);
              return std::make_pair(next, next * c);
            },
            in[1], in[2]);
        return h.sum() + (ys * ys).sum();
      },
      {w, h0, xs});
}

/// A run-time trip count: a 0-d int64 tensor.
Tensor steps(int64_t n) { return tensor(double(n), kInt64); }

/// h' = tanh(W h + x) * c, output h' * h: a step that reads its carry,
/// slice and a parameter, so order and row errors change every value.
std::pair<Tensor, Tensor> recurrentStep(const Tensor &w, const Tensor &h,
                                        const Tensor &x) {
  Tensor next = tanh(matmul(w, h) + x);
  return {next, next * h};
}

Tensor scanLoss(const std::vector<Tensor> &in,
                const jit::ScanOptions &options) {
  auto [h, ys] =
      jit::scan([&](const Tensor &c,
                    const Tensor &x) { return recurrentStep(in[0], c, x); },
                in[1], in[2], options);
  return h.sum() +
         (ys * ys * linspace(0.5, 1.5, ys.numel(), kFloat64).view(ys.sizes()))
             .sum();
}

TEST(EagerScanTest, ReverseRunsFromTheLastSliceAndStacksInOrder) {
  Tensor xs = tensor({1.0, 2.0, 3.0}).view({3, 1});
  auto step = [](const Tensor &c, const Tensor &x) {
    Tensor next = c * 10.0 + x;
    return std::make_pair(next, next);
  };
  auto [carry, ys] =
      jit::scan(step, zeros({1}), xs, jit::ScanOptions().reverse(true));
  // 3, then 32, then 321; row i is the output of the step on xs[i].
  expectTensor(carry, {1}, {321.0});
  expectTensor(ys, {3, 1}, {321.0, 32.0, 3.0});
}

TEST(EagerScanTest, RunTimeLengthRunsThatManyStepsAndZeroesTheRest) {
  Tensor xs = tensor({1.0, 2.0, 3.0, 4.0}).view({4, 1}).requires_grad_();
  auto step = [](const Tensor &c, const Tensor &x) {
    Tensor next = c * 10.0 + x;
    return std::make_pair(next, next * x);
  };
  Tensor n = steps(2);
  auto [carry, ys] =
      jit::scan(step, zeros({1}), xs, jit::ScanOptions().length(n));
  expectTensor(carry, {1}, {12.0});
  expectTensor(ys, {4, 1}, {1.0, 24.0, 0.0, 0.0});
  (carry.sum() + ys.sum()).backward();
  // d/dx0 of 10 x0 + x1 + x0^2 + (10 x0 + x1) x1 = 10 + 2 x0 + 10 x1 = 32;
  // d/dx1: 1 + 10 x0 + 2 x1 = 15; rows from n on get exact zeros.
  expectTensor(xs.grad(), {4, 1}, {32.0, 15.0, 0.0, 0.0});

  auto [reversed, rows] = jit::scan(step, zeros({1}), xs.detach(),
                                    jit::ScanOptions().length(n).reverse(true));
  // Steps on rows 1 then 0: 2, then 21.
  expectTensor(reversed, {1}, {21.0});
  expectTensor(rows, {4, 1}, {21.0, 4.0, 0.0, 0.0});

  auto [none, empty] = jit::scan(step, ones({1}), xs.detach(),
                                 jit::ScanOptions().length(steps(0)));
  expectTensor(none, {1}, {1.0});
  expectTensor(empty, {4, 1}, {0.0, 0.0, 0.0, 0.0});
}

TEST(EagerScanTest, GradcheckWithReverseAndRunTimeLengths) {
  manual_seed(5);
  Tensor w = (randn({3, 3}, kFloat64) * 0.5).requires_grad_();
  Tensor h0 = randn({3}, kFloat64).requires_grad_();
  Tensor xs = randn({5, 3}, kFloat64).requires_grad_();
  for (bool reverse : {false, true})
    for (int64_t n : {0, 1, 3, 5}) {
      SCOPED_TRACE("reverse " + std::to_string(reverse) + ", n " +
                   std::to_string(n));
      jit::ScanOptions options =
          jit::ScanOptions().reverse(reverse).length(steps(n));
      checkFirstAndSecondOrder(
          [&](const std::vector<Tensor> &in) { return scanLoss(in, options); },
          {w, h0, xs});
    }
}

TEST(EagerScanTest, CheckpointPoliciesDoNotChangeTheEagerResult) {
  manual_seed(6);
  std::vector<Tensor> in = {randn({3, 3}, kFloat64) * 0.5, randn({3}, kFloat64),
                            randn({4, 3}, kFloat64)};
  Tensor expected = scanLoss(in, jit::ScanOptions());
  for (jit::ScanCheckpoint checkpoint :
       {jit::ScanCheckpoint::every(1), jit::ScanCheckpoint::every(4),
        jit::ScanCheckpoint::sqrt(), jit::ScanCheckpoint::recompute_all()})
    expectTensor(scanLoss(in, jit::ScanOptions().checkpoint(checkpoint)), {},
                 {expected.item<double>()});
}

TEST(EagerScanTest, OptionErrors) {
  auto step = [](const Tensor &c, const Tensor &x) {
    return std::make_pair(c + x, x);
  };
  Tensor h = zeros({2}), xs = zeros({5, 2});
  auto errorWith = [&](const jit::ScanOptions &options) {
    try {
      jit::scan(step, h, xs, options);
    } catch (const Error &error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(
      errorWith(jit::ScanOptions().checkpoint(jit::ScanCheckpoint::every(0))),
      "jit::scan: checkpoint = every 0 does not fit the trip count 5: "
      "K must be between 1 and the length");
  EXPECT_EQ(
      errorWith(jit::ScanOptions().checkpoint(jit::ScanCheckpoint::every(6))),
      "jit::scan: checkpoint = every 6 does not fit the trip count 5: "
      "K must be between 1 and the length");
  std::string outside = "jit::scan: the run-time length n = 6 lies outside "
                        "[0, 5], where 5 is the bound (the leading size of "
                        "the scanned tensors, or the length given)";
  EXPECT_EQ(errorWith(jit::ScanOptions().length(steps(6))), outside);
  EXPECT_EQ(errorWith(jit::ScanOptions().length(steps(-1))),
            "jit::scan: the run-time length n = -1 lies outside [0, 5], where "
            "5 is the bound (the leading size of the scanned tensors, or the "
            "length given)");
  EXPECT_EQ(errorWith(jit::ScanOptions().length(tensor(2.0))),
            "jit::scan: the run-time length must be a 0-d int64 tensor (the "
            "number of steps), got [] float32");
  EXPECT_EQ(errorWith(jit::ScanOptions().length(steps(2).view({1}))),
            "jit::scan: the run-time length must be a 0-d int64 tensor (the "
            "number of steps), got [1] int64");
  EXPECT_EQ(jit::ScanCheckpoint::parse("every 3").str(), "every 3");
  EXPECT_EQ(jit::ScanCheckpoint::parse("recompute_all").str(), "recompute_all");
  try {
    jit::ScanCheckpoint::parse("every third");
    ADD_FAILURE() << "no error";
  } catch (const Error &error) {
    EXPECT_EQ(std::string(error.what()),
              "jit::scan: unknown checkpoint policy 'every third' (expected "
              "store_all, every K, sqrt or recompute_all)");
  }
}

} // namespace
