//===- FusedKernelTest.cpp - fused eager kernels against their decomposition
//===//
//
// log_softmax has a fused eager kernel and backward, binary_cross_entropy_
// with_logits a fused backward, and cross_entropy is built on log_softmax.
// Each is a fast path of a composite of primitives (the one the tracer
// emits, or the textbook formula): values and gradients must agree with the
// composite within a tight tolerance, with matching infinities and NaNs, at
// ordinary inputs and at singular ones (infinite logits, rows of ties), and
// the fused gradients must pass gradcheck against finite differences.
//
// The backward of a unary primitive evaluates its derivative formula element
// by element when no graph is recorded; create_graph builds it from tensor
// ops. Both must give the same bits.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include <cmath>
#include <limits>
#include <sstream>

using namespace adjit;
namespace F = adjit::nn::functional;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Expects equal shapes and, element by element, both NaN, or the same
/// infinity, or finite values within `rtol` (relative to the larger).
void expectAgree(const Tensor &fused, const Tensor &composite, double rtol,
                 const std::string &what) {
  ASSERT_TRUE(fused.defined()) << what;
  ASSERT_TRUE(composite.defined()) << what;
  ASSERT_EQ(fused.sizes(), composite.sizes()) << what;
  Tensor a = fused.detach().to(kFloat64).contiguous();
  Tensor b = composite.detach().to(kFloat64).contiguous();
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a.data_ptr<double>()[i], y = b.data_ptr<double>()[i];
    std::ostringstream where;
    where << what << ", element " << i << ": fused " << x << ", composite "
          << y;
    if (std::isnan(x) || std::isnan(y)) {
      EXPECT_TRUE(std::isnan(x) && std::isnan(y)) << where.str();
    } else if (std::isinf(x) || std::isinf(y)) {
      EXPECT_EQ(x, y) << where.str();
    } else {
      double scale = std::max({std::abs(x), std::abs(y), 1.0});
      EXPECT_LE(std::abs(x - y), rtol * scale) << where.str();
    }
  }
}

using Loss = std::function<Tensor(const Tensor &, const Tensor &)>;

/// Runs `fused` and `composite` on fresh leaves made of `input` and
/// `target` (the target requires grad if `targetGrad`), with the upstream
/// gradient 1, 2, 3, ... over the result, and compares results and
/// gradients.
void expectFusedMatchesComposite(const Tensor &input, const Tensor &target,
                                 bool targetGrad, const Loss &fused,
                                 const Loss &composite, double rtol) {
  Tensor results[2], inputGrads[2], targetGrads[2];
  for (int k = 0; k < 2; ++k) {
    Tensor x = input.detach().clone().requires_grad_();
    Tensor t = target.detach().clone();
    if (targetGrad)
      t.requires_grad_();
    Tensor r = k == 0 ? fused(x, t) : composite(x, t);
    Tensor w = arange(1.0, r.numel() + 1.0, 1.0, r.dtype()).view(r.sizes());
    (r * w).sum().backward();
    results[k] = r;
    inputGrads[k] = x.grad();
    if (targetGrad)
      targetGrads[k] = t.grad();
  }
  expectAgree(results[0], results[1], rtol, "value");
  expectAgree(inputGrads[0], inputGrads[1], rtol, "input gradient");
  if (targetGrad)
    expectAgree(targetGrads[0], targetGrads[1], rtol, "target gradient");
}

/// log_softmax written out of primitives, as the tracer emits it: the
/// maximum is a constant to the gradient.
Tensor logSoftmaxComposite(const Tensor &x, int64_t dim) {
  Tensor m = amax(x, {dim}, /*keepdim=*/true).detach();
  Tensor shifted = x - m;
  return shifted - log(sum(exp(shifted), {dim}, /*keepdim=*/true));
}

/// Mean cross entropy out of primitives: -sum(log_softmax * one_hot) / N.
Tensor crossEntropyComposite(const Tensor &logits, const Tensor &target) {
  int64_t n = logits.size(0), c = logits.size(1);
  Tensor onehot = (arange(static_cast<double>(c), kInt64).view({1, c}) ==
                   target.view({n, 1}))
                      .to(logits.dtype());
  return neg(sum(logSoftmaxComposite(logits, 1) * onehot, {1})).mean();
}

/// Mean binary cross entropy with logits out of primitives:
/// max(x, 0) - x y + log(1 + exp(-|x|)), with max and -|x| as selections
/// on x >= 0 (so the derivative at 0 is sigmoid(0) - y, as the fused one).
Tensor bceWithLogitsComposite(const Tensor &x, const Tensor &y) {
  Tensor nonNegative = x >= 0.0;
  Tensor positivePart = where(nonNegative, x, zeros_like(x));
  Tensor negativeAbs = where(nonNegative, neg(x), x);
  return (positivePart - x * y + log(exp(negativeAbs) + 1.0)).mean();
}

const Loss kLogSoftmaxLast = [](const Tensor &x, const Tensor &) {
  return F::log_softmax(x, -1);
};
const Loss kLogSoftmaxLastComposite = [](const Tensor &x, const Tensor &) {
  return logSoftmaxComposite(x, x.dim() - 1);
};

TEST(FusedKernels, LogSoftmaxMatchesItsDecomposition) {
  manual_seed(11);
  Tensor none = zeros({}, kFloat64);
  for (Dtype dtype : {kFloat64, kFloat32}) {
    double rtol = dtype == kFloat64 ? 1e-14 : 2e-6;
    SCOPED_TRACE(dtypeName(dtype));
    Tensor x = (randn({3, 5}, kFloat64) * 4.0).to(dtype);
    expectFusedMatchesComposite(x, none, false, kLogSoftmaxLast,
                                kLogSoftmaxLastComposite, rtol);
    // Along a leading dimension (the fused kernel transposes).
    expectFusedMatchesComposite(
        x, none, false,
        [](const Tensor &v, const Tensor &) { return F::log_softmax(v, 0); },
        [](const Tensor &v, const Tensor &) {
          return logSoftmaxComposite(v, 0);
        },
        rtol);
    // Rows of ties, large equal logits, a -inf among finite logits, a row
    // of -inf, a +inf, a NaN.
    Tensor singular = tensor({{2.0, 2.0, 2.0, 2.0},
                              {1e30, 1e30, -1e30, 1e30},
                              {0.0, -kInf, 1.0, -3.0},
                              {-kInf, -kInf, -kInf, -kInf},
                              {kInf, 0.0, 1.0, 2.0},
                              {1.0, kNaN, 0.0, 0.0}},
                             dtype);
    expectFusedMatchesComposite(singular, none, false, kLogSoftmaxLast,
                                kLogSoftmaxLastComposite, rtol);
  }
  // The tie row is exactly -log(4), with the gradient g - sum(g) / 4.
  Tensor ties =
      tensor({3.0, 3.0, 3.0, 3.0}, dtype(kFloat64).requires_grad(true));
  Tensor r = F::log_softmax(ties, 0);
  EXPECT_DOUBLE_EQ(r[0].item(), -std::log(4.0));
  (r * tensor({1.0, 2.0, 3.0, 4.0}, kFloat64)).sum().backward();
  EXPECT_DOUBLE_EQ(ties.grad()[0].item(), 1.0 - 10.0 / 4.0);
}

TEST(FusedKernels, CrossEntropyMatchesItsDecomposition) {
  manual_seed(12);
  Tensor target = tensor({0.0, 2.0, 1.0, 2.0}, kInt64);
  Loss fused = [](const Tensor &x, const Tensor &t) {
    return F::cross_entropy(x, t);
  };
  for (Dtype dtype : {kFloat64, kFloat32}) {
    SCOPED_TRACE(dtypeName(dtype));
    double rtol = dtype == kFloat64 ? 1e-14 : 2e-6;
    Tensor x = (randn({4, 3}, kFloat64) * 3.0).to(dtype);
    expectFusedMatchesComposite(x, target, false, fused, crossEntropyComposite,
                                rtol);
    // Tied logits, a +inf target logit, a -inf non-target logit (NaN: the
    // one-hot product -inf * 0, docs/autodiff.md), huge equal logits.
    Tensor singular = tensor({{1.0, 1.0, 1.0},
                              {0.0, 1.0, kInf},
                              {0.0, -kInf, 2.0},
                              {1e30, -1e30, 1e30}},
                             dtype);
    expectFusedMatchesComposite(singular, target, false, fused,
                                crossEntropyComposite, rtol);
  }
  // A row of ties costs log(C) and pushes 1/C - 1 into the target.
  Tensor ties = full({1, 3}, 0.5, kFloat64).requires_grad_();
  Tensor loss = F::cross_entropy(ties, tensor({1.0}, kInt64));
  EXPECT_DOUBLE_EQ(loss.item(), std::log(3.0));
  loss.backward();
  EXPECT_DOUBLE_EQ(ties.grad()[0][1].item(), 1.0 / 3.0 - 1.0);
}

TEST(FusedKernels, BceWithLogitsMatchesItsDecomposition) {
  manual_seed(13);
  Loss fused = [](const Tensor &x, const Tensor &y) {
    return F::binary_cross_entropy_with_logits(x, y);
  };
  for (Dtype dtype : {kFloat64, kFloat32}) {
    SCOPED_TRACE(dtypeName(dtype));
    double rtol = dtype == kFloat64 ? 1e-14 : 2e-6;
    Tensor x = (randn({2, 4}, kFloat64) * 5.0).to(dtype);
    Tensor y = rand({2, 4}, kFloat64).to(dtype);
    expectFusedMatchesComposite(x, y, true, fused, bceWithLogitsComposite,
                                rtol);
    // x = 0 (the kink of max and |x|), +-inf, huge, NaN.
    Tensor singular =
        tensor({0.0, -0.0, kInf, -kInf, 800.0, -800.0, kNaN}, dtype);
    Tensor targets = tensor({0.25, 1.0, 0.5, 0.5, 0.0, 1.0, 0.5}, dtype);
    expectFusedMatchesComposite(singular, targets, true, fused,
                                bceWithLogitsComposite, rtol);
  }
  // At x = 0 the derivative is sigmoid(0) - y on either side.
  Tensor x = tensor({0.0}, dtype(kFloat64).requires_grad(true));
  F::binary_cross_entropy_with_logits(x, tensor({0.25}, kFloat64)).backward();
  EXPECT_DOUBLE_EQ(x.grad()[0].item(), 0.25);
}

TEST(FusedKernels, MseLossMatchesItsDefinition) {
  manual_seed(14);
  Tensor x = randn({3, 2}, kFloat64);
  Tensor y = randn({3, 2}, kFloat64);
  expectFusedMatchesComposite(
      x, y, true,
      [](const Tensor &a, const Tensor &b) { return F::mse_loss(a, b); },
      [](const Tensor &a, const Tensor &b) {
        return sum(pow(a - b, 2.0)) / static_cast<double>(a.numel());
      },
      1e-15);
}

TEST(FusedKernels, UnaryGradientsPerElementEqualTheDecomposedFormula) {
  struct Unary {
    const char *name;
    Tensor (*fn)(const Tensor &);
  };
  const Unary ops[] = {
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  {#name, &adjit::name},
#include "adjit/Semantics/Ops.def"
  };
  std::vector<double> values = {-3.5, -1.0,  -0.0, 0.0,    0.25,
                                0.5,  1.0,   2.5,  30.0,   -30.0,
                                kInf, -kInf, kNaN, 1e-300, 7.0};
  for (Dtype dt : {kFloat32, kFloat64}) {
    for (const Unary &op : ops) {
      if (std::string(op.name) == "digamma")
        continue;
      Tensor x = from_vector(values, {5, 3}, dtype(dt).requires_grad(true));
      Tensor g = linspace(-2.0, 3.0, 15, dt).view({5, 3});
      Tensor y = op.fn(x);
      Tensor perElement =
          autograd::grad({y}, {x}, {g}, /*retainGraph=*/true)[0];
      Tensor decomposed = autograd::grad({y}, {x}, {g}, /*retainGraph=*/true,
                                         /*createGraph=*/true)[0];
      // Exact: the same operations in the same order and precision.
      expectAgree(perElement, decomposed, 0.0,
                  std::string(op.name) + " " + dtypeName(dt));
      // A strided (broadcast) incoming gradient takes the same path.
      Tensor row = linspace(-1.0, 1.0, 3, dt);
      Tensor y2 = op.fn(x);
      expectAgree(
          autograd::grad({y2}, {x}, {row.expand({5, 3})})[0],
          autograd::grad({y2}, {x}, {row.expand({5, 3})}, true, true)[0], 0.0,
          std::string(op.name) + " broadcast gradient");
    }
  }
  Tensor x = tensor({1.5}, dtype(kFloat64).requires_grad(true));
  for (bool createGraph : {false, true})
    try {
      autograd::grad({digamma(x).sum()}, {x}, {}, true, createGraph);
      FAIL() << "expected an error";
    } catch (const Error &e) {
      EXPECT_NE(
          std::string(e.what()).find("not supported: gradient of digamma"),
          std::string::npos)
          << e.what();
    }
}

TEST(FusedKernels, GradientsPassGradcheck) {
  manual_seed(15);
  Tensor x = (randn({3, 4}, kFloat64) * 2.0).requires_grad_();
  Tensor y = rand({3, 4}, kFloat64).requires_grad_();
  Tensor target = tensor({3.0, 0.0, 1.0}, kInt64);
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) { return F::log_softmax(in[0], 1); },
      {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) { return F::log_softmax(in[0], 0); },
      {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [&](const std::vector<Tensor> &in) {
        return F::cross_entropy(in[0], target);
      },
      {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) {
        return F::binary_cross_entropy_with_logits(in[0], in[1]);
      },
      {x, y}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) { return F::mse_loss(in[0], in[1]); },
      {x, y}));
}

} // namespace
