//===- ScanTest.cpp - jit::scan traced into one adjit.scan ----------------===//
//
// A recurrent loss written with jit::scan runs eagerly (a loop with
// autograd) and compiled (one adjit.scan and its adjoint): losses and the
// gradients of the parameters, the initial carry and the scanned inputs
// agree, the traced IR does not grow with the length, and a step that
// changes is traced again.
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

/// The parameters of a small recurrent cell, f64, requiring grad.
struct Cell {
  Tensor w, u, b, v;
  explicit Cell(uint64_t seed) {
    manual_seed(seed);
    w = (randn({4, 4}, kFloat64) * 0.4).requires_grad_();
    u = (randn({4, 3}, kFloat64) * 0.4).requires_grad_();
    b = (randn({4}, kFloat64) * 0.1).requires_grad_();
    v = randn({2, 4}, kFloat64).requires_grad_();
  }
  std::vector<Tensor> parameters() const { return {w, u, b, v}; }

  /// h' = tanh(W h + U x + b) and the step's outputs (V h', sum(h'^2)).
  runtime::ScanResult step(const std::vector<Tensor> &carry,
                           const std::vector<Tensor> &x) const {
    Tensor h = tanh(matmul(w, carry[0]) + matmul(u, x[0]) + b);
    return {{h}, {matmul(v, h), (h * h).sum()}};
  }

  /// A loss of everything the scan returns.
  Tensor loss(const Tensor &h0, const Tensor &xs) const {
    auto [carry, ys] =
        jit::scan([this](const std::vector<Tensor> &c,
                         const std::vector<Tensor> &x) { return step(c, x); },
                  {h0}, {xs});
    return carry[0].sum() + (ys[0] * ys[0]).sum() * 0.5 + ys[1].sum();
  }
};

/// The gradient of `tensor`, zeros if none reached it.
Tensor gradientOf(const Tensor &tensor) {
  return tensor.grad().defined() ? tensor.grad() : zeros_like(tensor);
}

/// Runs Cell::loss over `length` steps eagerly and compiled; expects the
/// same loss and gradients of the parameters, of h0 and of xs.
void expectCompiledMatchesEager(int64_t length) {
  SCOPED_TRACE("length " + std::to_string(length));
  Cell eager(7), compiled(7);
  manual_seed(11);
  Tensor xs = randn({length, 3}, kFloat64), h0 = randn({4}, kFloat64) * 0.5;
  Tensor eagerXs = xs.clone().requires_grad_(),
         eagerH0 = h0.clone().requires_grad_();
  Tensor eagerLoss = eager.loss(eagerH0, eagerXs);
  eagerLoss.backward();

  Tensor compiledXs = xs.clone().requires_grad_(),
         compiledH0 = h0.clone().requires_grad_();
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return compiled.loss(in[0], in[1]);
      },
      "scan_loss");
  for (int call = 0; call < 2; ++call) {
    for (Tensor t : compiled.parameters())
      t.mutable_grad() = Tensor();
    compiledXs.mutable_grad() = Tensor();
    compiledH0.mutable_grad() = Tensor();
    expectClose(function(compiledH0, compiledXs), eagerLoss);
    for (size_t p = 0; p < 4; ++p) {
      SCOPED_TRACE("parameter " + std::to_string(p));
      expectClose(gradientOf(compiled.parameters()[p]),
                  gradientOf(eager.parameters()[p]));
    }
    expectClose(gradientOf(compiledH0), gradientOf(eagerH0));
    expectClose(gradientOf(compiledXs), gradientOf(eagerXs));
  }
  EXPECT_EQ(function.getStats().compilations, 1);
  EXPECT_EQ(function.getStats().cacheHits, 1);
}

TEST(ScanTest, CompiledMatchesEagerForLengths0To7) {
  expectCompiledMatchesEager(0);
  expectCompiledMatchesEager(1);
  expectCompiledMatchesEager(7);
}

TEST(ScanTest, TracedIRHasOneScanWhoseSizeDoesNotDependOnTheLength) {
  Cell cell(3);
  auto traceOfLength = [&](int64_t length) {
    return jit::trace(
        [&](const std::vector<Tensor> &in) { return cell.loss(in[0], in[1]); },
        {zeros({4}, kFloat64), zeros({length, 3}, kFloat64)});
  };
  std::string short10 = traceOfLength(10), long1000 = traceOfLength(1000);
  EXPECT_EQ(count(short10, "adjit.scan"), 1u) << short10;
  EXPECT_EQ(count(long1000, "adjit.scan"), 1u);
  EXPECT_EQ(count(long1000, "length = 1000"), 1u) << long1000;
  // The same ops, whatever the length.
  EXPECT_EQ(count(short10, "\n"), count(long1000, "\n"));
  EXPECT_EQ(count(short10, " = adjit."), count(long1000, " = adjit."));
}

TEST(ScanTest, StepThatChangesIsTracedAgain) {
  double scale = 1.0;
  Tensor w = full({3}, 0.5, kFloat64).requires_grad_();
  auto loss = [&](const std::vector<Tensor> &in) {
    auto [h, ys] = jit::scan(
        [&](const Tensor &c, const Tensor &x) {
          Tensor next = c * w + x * scale;
          return std::make_pair(next, next.sum());
        },
        in[0], in[1]);
    return h.sum() + ys.sum();
  };
  jit::CompiledFunction function = jit::compile(loss, "changing_scan");
  Tensor h0 = ones({3}, kFloat64), xs = ones({5, 3}, kFloat64);
  Tensor first = function(h0, xs);
  Tensor again = function(h0, xs);
  EXPECT_EQ(function.getStats().compilations, 1);
  scale = 2.0;
  Tensor changed = function(h0, xs);
  EXPECT_EQ(function.getStats().compilations, 2);
  EXPECT_NE(function.getStats().lastReason.find("mul"), std::string::npos)
      << function.getStats().lastReason;
  expectClose(again, first);
  Tensor expected = loss({h0, xs});
  expectClose(changed, expected);
}

/// A scan over the steps whose step runs a module and, if `nested`, an
/// inner scan over the features of its slice.
jit::TensorFunction recurrentLoss(nn::Linear &model, bool nested) {
  return [&model, nested](const std::vector<Tensor> &in) {
    auto [h, ys] = jit::scan(
        [&](const Tensor &c, const Tensor &x) {
          Tensor inner = c.sum(), products = x * c;
          if (nested)
            std::tie(inner, products) = jit::scan(
                [](const Tensor &acc, const Tensor &xi) {
                  return std::make_pair(acc * 0.5 + xi, acc * xi);
                },
                c.sum(), x);
          Tensor next = tanh(model->forward(c) + x * inner);
          return std::make_pair(next, products);
        },
        in[0], in[1]);
    return (h * h).sum() + ys.sum();
  };
}

nn::Linear makeLinear() {
  manual_seed(5);
  nn::Linear linear(3, 3);
  linear->to(kFloat64);
  return linear;
}

void expectTrainStepMatchesEager(bool nested) {
  nn::Linear eagerModel = makeLinear(), compiledModel = makeLinear();
  manual_seed(9);
  Tensor h0 = randn({3}, kFloat64), xs = randn({6, 3}, kFloat64);
  optim::SGD optimizer(eagerModel->parameters(), optim::SGDOptions(0.1));
  jit::TrainStep step(recurrentLoss(compiledModel, nested),
                      optim::SGDOptions(0.1));
  for (int i = 0; i < 3; ++i) {
    optimizer.zero_grad();
    Tensor eagerLoss = recurrentLoss(eagerModel, nested)({h0, xs});
    eagerLoss.backward();
    optimizer.step();
    expectClose(step(h0, xs), eagerLoss);
  }
  expectClose(compiledModel->weight, eagerModel->weight);
  expectClose(compiledModel->bias, eagerModel->bias);
  // The traced scan; in the gradient function, the forward scan and its
  // reverse.
  EXPECT_EQ(count(step.getLastIR(), "adjit.scan"), nested ? 7u : 3u);
}

TEST(ScanTest, ModuleParametersInATrainStep) {
  expectTrainStepMatchesEager(false);
}

TEST(ScanTest, NestedScansInATrainStep) { expectTrainStepMatchesEager(true); }

TEST(ScanTest, NestedScansWithoutGradients) {
  nn::Linear model = makeLinear();
  manual_seed(9);
  Tensor h0 = randn({3}, kFloat64), xs = randn({6, 3}, kFloat64);
  NoGradGuard noGrad;
  jit::CompiledFunction function =
      jit::compile(recurrentLoss(model, true), "nested_scans");
  expectClose(function(h0, xs), recurrentLoss(model, true)({h0, xs}));
  EXPECT_EQ(count(function.getLastIR(), "adjit.scan"), 2u);
}

/// A scan whose step runs an inner scan that reads `w` and `v`, tensors
/// made outside both loops that the outer step itself never reads: the
/// tracer makes each an invariant of the outer scan first, then of the
/// inner one.
Tensor innerReadsOuterInvariants(const Tensor &h0, const Tensor &xs,
                                 const Tensor &w, const Tensor &v) {
  auto [h, ys] = jit::scan(
      [&](const Tensor &c, const Tensor &x) {
        auto [inner, products] = jit::scan(
            [&](const Tensor &acc, const Tensor &xi) {
              return std::make_pair(tanh(acc * w + xi * v), acc * xi);
            },
            c, x.unsqueeze(1).expand({3, 3}));
        return std::make_pair(tanh(inner + x), products);
      },
      h0, xs);
  return (h * h).sum() + ys.sum();
}

TEST(ScanTest, InnerScanReadsTensorsTheOuterStepDoesNot) {
  manual_seed(13);
  Tensor h0 = randn({3}, kFloat64), xs = randn({4, 3}, kFloat64);
  // w is captured (a parameter), v an argument of the compiled function.
  Tensor w = randn({3}, kFloat64), v = randn({3}, kFloat64);
  std::vector<Tensor> eager = {
      h0.clone().requires_grad_(), xs.clone().requires_grad_(),
      w.clone().requires_grad_(), v.clone().requires_grad_()};
  Tensor eagerLoss =
      innerReadsOuterInvariants(eager[0], eager[1], eager[2], eager[3]);
  eagerLoss.backward();
  std::vector<Tensor> compiled = {
      h0.clone().requires_grad_(), xs.clone().requires_grad_(),
      w.clone().requires_grad_(), v.clone().requires_grad_()};
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return innerReadsOuterInvariants(in[0], in[1], compiled[2], in[2]);
      },
      "inner_reads_outer");
  expectClose(function({compiled[0], compiled[1], compiled[3]}), eagerLoss);
  for (size_t i = 0; i < eager.size(); ++i) {
    SCOPED_TRACE("input " + std::to_string(i));
    expectClose(gradientOf(compiled[i]), gradientOf(eager[i]));
  }
  EXPECT_EQ(count(function.getLastIR(), "adjit.scan"), 7u);
}

TEST(ScanTest, ScannedTensorsGetGradientsWhenNoCarryRequiresGrad) {
  // The step's outputs depend on the scanned tensor only: the slices the
  // traced step reads must require grad as the scanned tensor does, or the
  // traced outputs (and the loss) would not, and jit::compile would leave
  // the gradient of xs unset.
  manual_seed(4);
  Tensor xs = randn({4, 3}, kFloat64), h0 = randn({3}, kFloat64);
  auto loss = [](const Tensor &h, const Tensor &x) {
    auto [carry, ys] = jit::scan(
        [](const Tensor &c, const Tensor &xi) {
          return std::make_pair(c * 0.5 + 1.0, xi.sin() * xi);
        },
        h, x);
    return carry.sum() + (ys * ys).sum();
  };
  Tensor eagerXs = xs.clone().requires_grad_();
  Tensor eagerLoss = loss(h0, eagerXs);
  eagerLoss.backward();
  Tensor compiledXs = xs.clone().requires_grad_();
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) { return loss(in[0], in[1]); },
      "scanned_only");
  expectClose(function(h0, compiledXs), eagerLoss);
  ASSERT_TRUE(compiledXs.grad().defined());
  expectClose(compiledXs.grad(), eagerXs.grad());
}

TEST(ScanTest, CarryThatTheScannedTensorsMakeRequireGradAtLengthZero) {
  // The carry requires grad after a step because the slices do; at length
  // 0 the step runs on zeros, which must then require grad too.
  auto loss = [](const Tensor &h, const Tensor &x) {
    auto [carry, ys] = jit::scan(
        [](const Tensor &c, const Tensor &xi) {
          return std::make_pair(tanh(c + xi), xi * 2.0);
        },
        h, x);
    return (carry * carry).sum() + ys.sum();
  };
  Tensor h0 = from_vector(std::vector<double>{0.5, -1.0}, {2}, kFloat64);
  Tensor eagerXs = zeros({0, 2}, kFloat64).requires_grad_();
  Tensor eagerLoss = loss(h0, eagerXs);
  Tensor compiledXs = zeros({0, 2}, kFloat64).requires_grad_();
  jit::CompiledFunction function = jit::compile(
      [&](const std::vector<Tensor> &in) { return loss(in[0], in[1]); },
      "empty_scan");
  expectClose(function(h0, compiledXs), eagerLoss);
}

TEST(ScanTest, Errors) {
  auto identity = [](const std::vector<Tensor> &c,
                     const std::vector<Tensor> &x) -> runtime::ScanResult {
    return {c, x};
  };
  Tensor h = zeros({2}), xs = zeros({5, 2});
  EXPECT_EQ(errorOf([&] { jit::scan(identity, {h}, {}); }),
            "jit::scan: there are no scanned tensors and no length; pass the "
            "length");
  EXPECT_EQ(errorOf([&] {
              jit::scan(identity, {h}, {xs, zeros({4, 2})});
            }),
            "jit::scan: scanned tensor 1 has shape [4, 2], whose leading size "
            "4 differs from the leading size of scanned tensor 0, 5 (shape "
            "[5, 2])");
  EXPECT_EQ(errorOf([&] { jit::scan(identity, {h}, {xs}, 6); }),
            "jit::scan: scanned tensor 0 has shape [5, 2], whose leading size "
            "5 differs from the length 6");
  EXPECT_EQ(errorOf([&] { jit::scan(identity, {h}, {zeros({})}); }),
            "jit::scan: scanned tensor 0 is 0-d (shape []); a scanned tensor "
            "needs a leading dimension to scan over");
  EXPECT_EQ(errorOf([&] { jit::scan(identity, {h}, {}, -1); }),
            "jit::scan: length -1 is negative");
  auto grows = [](const Tensor &c, const Tensor &x) {
    return std::make_pair(cat({c, x}), x);
  };
  std::string grew = "jit::scan: carry 0 is [2] float32 initially, but step 0 "
                     "returned [4] float32; a carry keeps its shape and dtype";
  EXPECT_EQ(errorOf([&] { jit::scan(grows, h, xs); }), grew);
  EXPECT_EQ(errorOf([&] {
              jit::trace(
                  [&](const std::vector<Tensor> &in) {
                    return jit::scan(grows, in[0], in[1]).first.sum();
                  },
                  {h, xs});
            }),
            grew);
  auto widens = [](const Tensor &c, const Tensor &x) {
    return std::make_pair(c.to(kFloat64), x);
  };
  EXPECT_EQ(errorOf([&] { jit::scan(widens, h, xs); }),
            "jit::scan: carry 0 is [2] float32 initially, but step 0 returned "
            "[2] float64; a carry keeps its shape and dtype");
  int64_t calls = 0;
  auto changing = [&](const std::vector<Tensor> &c,
                      const std::vector<Tensor> &x) -> runtime::ScanResult {
    return {c, {++calls > 2 ? x[0].sum() : x[0]}};
  };
  EXPECT_EQ(errorOf([&] { jit::scan(changing, {h}, {xs}); }),
            "jit::scan: output 0 of step 2 is [] float32, but step 0's was "
            "[2] float32; an output keeps its shape and dtype");
  // A tensor made by the step does not leave it but through the results.
  EXPECT_EQ(errorOf([&] {
              jit::trace(
                  [&](const std::vector<Tensor> &in) {
                    Tensor leaked;
                    jit::scan(
                        [&](const Tensor &c, const Tensor &x) {
                          leaked = c + x;
                          return std::make_pair(leaked, x);
                        },
                        in[0], in[1]);
                    return leaked.sum();
                  },
                  {h, xs});
            }),
            "sum: an input of shape [2] was made inside the step of a "
            "jit::scan; only the scan's results leave the loop");
  // State written by the step (the dropout generator's offset).
  EXPECT_EQ(errorOf([&] {
              jit::trace(
                  [&](const std::vector<Tensor> &in) {
                    return jit::scan(
                               [](const Tensor &c, const Tensor &x) {
                                 Tensor next = nn::functional::dropout(
                                     c + x, nn::functional::DropoutFuncOptions()
                                                .p(0.5)
                                                .training(true));
                                 return std::make_pair(next, x);
                               },
                               in[0], in[1])
                        .first.sum();
                  },
                  {h, xs});
            }),
            "dropout: it writes state into a tensor of shape [2] inside the "
            "step of a jit::scan, which a compiled loop cannot do");
}

} // namespace
