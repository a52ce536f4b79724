//===- ScanOptionsTest.cpp - jit::scan's reverse, checkpoint and length ---===//
//
// A recurrent loss scanned with ScanOptions runs eagerly and compiled: the
// loss and the gradients of the parameters, the initial carry and the
// scanned inputs agree for run-time trip counts 0, 1, 7 and the bound, with
// and without reverse, under every checkpoint policy, in jit::compile and
// jit::TrainStep; one compilation serves every trip count, and a trip count
// out of range throws on every compiled call.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;
using test::count;
using test::errorOf;
using test::expectClose;

namespace {

constexpr int64_t kBound = 9;

/// A run-time trip count: a 0-d int64 tensor.
Tensor steps(int64_t n) { return tensor(double(n), kInt64); }

/// The parameters of a small recurrent cell, f64, requiring grad.
struct Cell {
  Tensor w, u, v;
  explicit Cell(uint64_t seed) {
    manual_seed(seed);
    w = (randn({3, 3}, kFloat64) * 0.5).requires_grad_();
    u = (randn({3, 2}, kFloat64) * 0.5).requires_grad_();
    v = randn({3}, kFloat64).requires_grad_();
  }
  std::vector<Tensor> parameters() const { return {w, u, v}; }

  /// h' = tanh(W h + U x), outputs (h' * v, sum(h' * h)), over `xs` with
  /// the run-time trip count `n` (if defined) and `options`; a loss of all
  /// the scan returns, weighting each row differently.
  Tensor loss(const Tensor &h0, const Tensor &xs, const Tensor &n,
              jit::ScanOptions options) const {
    if (n.defined())
      options.length(n);
    auto [carry, ys] = jit::scan(
        [this](const std::vector<Tensor> &c,
               const std::vector<Tensor> &x) -> runtime::ScanResult {
          Tensor h = tanh(matmul(w, c[0]) + matmul(u, x[0]));
          return {{h}, {h * v, (h * c[0]).sum()}};
        },
        {h0}, {xs}, options);
    Tensor rows = linspace(1.0, 2.0, kBound, kFloat64);
    return carry[0].sum() + (ys[0] * ys[0]).sum() + (ys[1] * rows).sum();
  }
};

Tensor gradientOf(const Tensor &tensor) {
  return tensor.grad().defined() ? tensor.grad() : zeros_like(tensor);
}

struct Data {
  Tensor h0, xs;
  Data() {
    manual_seed(21);
    h0 = randn({3}, kFloat64) * 0.5;
    xs = randn({kBound, 2}, kFloat64);
  }
};

/// Expects the compiled `function` (inputs h0, xs, n) to give `eager`'s
/// loss and gradients for each trip count of `counts`, with one compilation.
void expectCompiledMatchesEager(const jit::ScanOptions &options,
                                const std::vector<int64_t> &counts) {
  Data data;
  Cell compiled(3);
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return compiled.loss(in[0], in[1], in[2], options);
      },
      "scan_options");
  for (int64_t n : counts) {
    SCOPED_TRACE("n " + std::to_string(n));
    Cell eager(3);
    Tensor eagerH0 = data.h0.clone().requires_grad_(),
           eagerXs = data.xs.clone().requires_grad_();
    Tensor eagerLoss = eager.loss(eagerH0, eagerXs, steps(n), options);
    eagerLoss.backward();
    for (Tensor t : compiled.parameters())
      t.mutable_grad() = Tensor();
    Tensor h0 = data.h0.clone().requires_grad_(),
           xs = data.xs.clone().requires_grad_();
    expectClose(function(h0, xs, steps(n)), eagerLoss);
    for (size_t p = 0; p < 3; ++p) {
      SCOPED_TRACE("parameter " + std::to_string(p));
      expectClose(gradientOf(compiled.parameters()[p]),
                  gradientOf(eager.parameters()[p]));
    }
    expectClose(gradientOf(h0), gradientOf(eagerH0));
    expectClose(gradientOf(xs), gradientOf(eagerXs));
    // The rows from n on are not read: their gradients are exactly zero.
    Tensor unread = gradientOf(xs).narrow(0, n, kBound - n);
    EXPECT_EQ(unread.abs().sum().item<double>(), 0.0);
  }
  EXPECT_EQ(function.getStats().compilations, 1);
}

jit::ScanOptions withCheckpoint(jit::ScanCheckpoint checkpoint,
                                bool reverse = false) {
  return jit::ScanOptions().checkpoint(checkpoint).reverse(reverse);
}

std::vector<jit::ScanCheckpoint> allPolicies() {
  return {
      jit::ScanCheckpoint::store_all(), jit::ScanCheckpoint::every(1),
      jit::ScanCheckpoint::every(4),    jit::ScanCheckpoint::every(kBound),
      jit::ScanCheckpoint::sqrt(),      jit::ScanCheckpoint::recompute_all()};
}

TEST(ScanOptionsTest, RunTimeLengthsShareOneCompilation) {
  expectCompiledMatchesEager(jit::ScanOptions(), {0, 1, 7, kBound, 7});
}

TEST(ScanOptionsTest, ReverseWithRunTimeLengths) {
  expectCompiledMatchesEager(jit::ScanOptions().reverse(true),
                             {0, 1, 7, kBound});
}

TEST(ScanOptionsTest, EveryCheckpointPolicy) {
  for (bool reverse : {false, true})
    for (const jit::ScanCheckpoint &checkpoint : allPolicies()) {
      SCOPED_TRACE(checkpoint.str() + (reverse ? ", reverse" : ""));
      expectCompiledMatchesEager(withCheckpoint(checkpoint, reverse),
                                 {0, 1, 7, kBound});
    }
}

TEST(ScanOptionsTest, ReverseWithoutRunTimeLength) {
  Data data;
  Cell eager(4), compiled(4);
  jit::ScanOptions options = jit::ScanOptions().reverse(true);
  Tensor eagerXs = data.xs.clone().requires_grad_();
  Tensor eagerLoss = eager.loss(data.h0, eagerXs, Tensor(), options);
  eagerLoss.backward();
  // Reversed, the scan is the forward scan of the flipped rows, whose
  // outputs are flipped back.
  Cell flipped(4);
  Tensor order = arange(kBound - 1, -1, -1, kInt64);
  auto [carry, ys] = jit::scan(
      [&](const std::vector<Tensor> &c,
          const std::vector<Tensor> &x) -> runtime::ScanResult {
        Tensor h = tanh(matmul(flipped.w, c[0]) + matmul(flipped.u, x[0]));
        return {{h}, {h * flipped.v, (h * c[0]).sum()}};
      },
      {data.h0}, {data.xs.index_select(0, order)});
  EXPECT_NE(data.xs.index_select(0, order).sub(data.xs).abs().sum().item(),
            0.0);
  expectClose(
      carry[0].sum() + (ys[0] * ys[0]).sum() +
          (ys[1].index_select(0, order) * linspace(1.0, 2.0, kBound, kFloat64))
              .sum(),
      eagerLoss);
  Tensor xs = data.xs.clone().requires_grad_();
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return compiled.loss(in[0], in[1], Tensor(), options);
      },
      "reverse_scan");
  expectClose(function(data.h0, xs), eagerLoss);
  expectClose(gradientOf(xs), gradientOf(eagerXs));
  expectClose(gradientOf(compiled.w), gradientOf(eager.w));
  // The traced function's scan and the gradient function's forward scan run
  // backwards; the adjoint of a reversed scan runs forwards.
  EXPECT_EQ(count(function.getLastIR(), "adjit.scan reverse"), 2u)
      << function.getLastIR();
  EXPECT_EQ(count(function.getLastIR(), "adjit.scan"), 3u);
}

TEST(ScanOptionsTest, TracedScanCarriesTheOptions) {
  Cell cell(5);
  Data data;
  std::string ir = jit::trace(
      [&](const std::vector<Tensor> &in) {
        return cell.loss(
            in[0], in[1], in[2],
            withCheckpoint(jit::ScanCheckpoint::every(3), /*reverse=*/true));
      },
      {data.h0, data.xs, steps(4)});
  EXPECT_EQ(count(ir, "adjit.scan reverse length = %arg2 : tensor<i64> bound 9 "
                      "checkpoint = every 3"),
            1u)
      << ir;
}

TEST(ScanOptionsTest, FiniteDifferences) {
  Data data;
  for (bool reverse : {false, true})
    for (int64_t n : {1, 7}) {
      SCOPED_TRACE("n " + std::to_string(n) + (reverse ? ", reverse" : ""));
      Cell cell(6);
      jit::ScanOptions options =
          withCheckpoint(jit::ScanCheckpoint::sqrt(), reverse);
      jit::CompiledFunction function = jit::compile(
          [&](const std::vector<Tensor> &in) {
            return cell.loss(in[0], in[1], in[2], options);
          },
          "scan_fd");
      Tensor h0 = data.h0.clone().requires_grad_(),
             xs = data.xs.clone().requires_grad_();
      function(h0, xs, steps(n));
      auto loss = [&](std::vector<Tensor> in) {
        return function(in[0], in[1], steps(n));
      };
      expectClose(gradientOf(h0),
                  test::finiteDifferences(loss, {data.h0, data.xs}, 0));
      expectClose(gradientOf(xs),
                  test::finiteDifferences(loss, {data.h0, data.xs}, 1));
    }
}

/// Cell::loss of a linear model's parameters, trained by SGD eagerly and by
/// a TrainStep, with `options` and the trip counts `counts`, one each step.
void expectTrainStepMatchesEager(const jit::ScanOptions &options,
                                 const std::vector<int64_t> &counts) {
  Data data;
  Cell eager(8), compiled(8);
  optim::SGD optimizer(eager.parameters(), optim::SGDOptions(0.1));
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) {
        return compiled.loss(in[0], in[1], in[2], options);
      },
      optim::SGDOptions(0.1));
  for (int64_t n : counts) {
    SCOPED_TRACE("n " + std::to_string(n));
    optimizer.zero_grad();
    Tensor eagerLoss = eager.loss(data.h0, data.xs, steps(n), options);
    // With n = 0 no parameter is used: nothing to step.
    if (eagerLoss.requires_grad()) {
      eagerLoss.backward();
      optimizer.step();
    }
    expectClose(step(data.h0, data.xs, steps(n)), eagerLoss);
    for (size_t p = 0; p < 3; ++p)
      expectClose(compiled.parameters()[p], eager.parameters()[p]);
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

TEST(ScanOptionsTest, EveryCheckpointPolicyInATrainStep) {
  for (const jit::ScanCheckpoint &checkpoint : allPolicies()) {
    SCOPED_TRACE(checkpoint.str());
    expectTrainStepMatchesEager(withCheckpoint(checkpoint, /*reverse=*/true),
                                {kBound, 0, 1, 7});
  }
}

TEST(ScanOptionsTest, TripCountOutOfRangeThrowsOnEveryCompiledCall) {
  Data data;
  Cell cell(9);
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return cell.loss(in[0], in[1], in[2], jit::ScanOptions());
      },
      "checked_scan");
  function(data.h0, data.xs, steps(3));
  std::string outside = "jit::scan: the run-time length n = 10 lies outside "
                        "[0, 9], where 9 is the bound (the leading size of "
                        "the scanned tensors, or the length given)";
  EXPECT_EQ(errorOf([&] { function(data.h0, data.xs, steps(10)); }), outside);
  EXPECT_EQ(errorOf([&] { function(data.h0, data.xs, steps(-2)); }),
            "jit::scan: the run-time length n = -2 lies outside [0, 9], "
            "where 9 is the bound (the leading size of the scanned tensors, "
            "or the length given)");
  EXPECT_EQ(function.getStats().compilations, 1);
  // Eagerly the same.
  EXPECT_EQ(errorOf([&] {
              cell.loss(data.h0, data.xs, steps(10), jit::ScanOptions());
            }),
            outside);
  // A trip count the traced function computes cannot be checked later.
  EXPECT_EQ(errorOf([&] {
              jit::trace(
                  [&](const std::vector<Tensor> &in) {
                    return cell.loss(in[0], in[1], in[2] + 1,
                                     jit::ScanOptions());
                  },
                  {data.h0, data.xs, steps(3)});
            }),
            "jit::scan: the the run-time length n indices (shape []) are "
            "computed inside the traced function, so a later call could not "
            "check that they lie in [0, 9]; pass them as an input instead");
}

TEST(ScanOptionsTest, CheckpointThatDoesNotFitTheLength) {
  Data data;
  Cell cell(10);
  std::string tooLong = "jit::scan: checkpoint = every 10 does not fit the "
                        "trip count 9: K must be between 1 and the length";
  auto traced = [&](const jit::ScanCheckpoint &checkpoint) {
    return errorOf([&] {
      jit::compile(
          [&](const std::vector<Tensor> &in) {
            return cell.loss(in[0], in[1], in[2], withCheckpoint(checkpoint));
          },
          "bad_checkpoint")(data.h0, data.xs, steps(2));
    });
  };
  EXPECT_EQ(traced(jit::ScanCheckpoint::every(10)), tooLong);
  EXPECT_EQ(errorOf([&] {
              cell.loss(data.h0, data.xs, Tensor(),
                        withCheckpoint(jit::ScanCheckpoint::every(10)));
            }),
            tooLong);
  EXPECT_EQ(traced(jit::ScanCheckpoint::every(0)),
            "jit::scan: checkpoint = every 0 does not fit the trip count 9: "
            "K must be between 1 and the length");
}

} // namespace
