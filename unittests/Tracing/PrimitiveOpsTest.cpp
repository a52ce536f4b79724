//===- PrimitiveOpsTest.cpp - eager and compiled primitives agree exactly -===//
//
// Every primitive of adjit/Semantics/Ops.def, and the binary primitives, run
// eagerly and through jit::compile at ordinary and singular points (zeros of
// either sign, ties, integers and half-integers, infinities, NaN): values and
// gradients must be identical, NaN matching NaN. Both follow one derivative
// (adjit/Semantics/Derivatives.h), so any difference is a bug.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>

using namespace adjit;
using adjit::test::identical;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Points where primitives are singular, and ordinary ones around them.
const std::vector<double> kPoints = {-2.5, -1.5,   -1.0, -0.5, -1e-300, -0.0,
                                     0.0,  1e-300, 0.25, 0.5,  1.0,     1.5,
                                     2.0,  2.5,    40.0, kInf, -kInf,   kNaN};

void expectIdentical(const Tensor &actual, const Tensor &expected,
                     const std::vector<double> &at) {
  ASSERT_TRUE(actual.defined());
  ASSERT_TRUE(expected.defined());
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.detach().to(kFloat64).contiguous();
  Tensor e = expected.detach().to(kFloat64).contiguous();
  for (int64_t i = 0; i < a.numel(); ++i)
    EXPECT_TRUE(identical(a.data_ptr<double>()[i], e.data_ptr<double>()[i]))
        << "at x = " << at[i % at.size()] << ": compiled "
        << a.data_ptr<double>()[i] << ", eager " << e.data_ptr<double>()[i];
}

using Unary = Tensor (*)(const Tensor &);

/// Compares op(x) and, if `differentiable`, the gradient of sum(op(x) * w)
/// eagerly and compiled.
void expectUnaryAgrees(Unary op, Dtype dtype, bool differentiable) {
  if (!differentiable) {
    NoGradGuard noGrad;
    Tensor x = from_vector(kPoints, {int64_t(kPoints.size())}, dtype);
    jit::CompiledFunction value =
        jit::compile([&](const std::vector<Tensor> &in) { return op(in[0]); });
    SCOPED_TRACE("value");
    expectIdentical(value(x), op(x), kPoints);
    return;
  }
  Tensor weights = linspace(0.5, 2.0, kPoints.size(), dtype);
  Tensor eagerX =
      from_vector(kPoints, {int64_t(kPoints.size())}, dtype).requires_grad_();
  Tensor eagerValue = op(eagerX);
  (eagerValue * weights).sum().backward();

  Tensor x =
      from_vector(kPoints, {int64_t(kPoints.size())}, dtype).requires_grad_();
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (op(x) * in[0]).sum(); });
  loss(weights);
  {
    SCOPED_TRACE("gradient");
    expectIdentical(x.grad(), eagerX.grad(), kPoints);
  }
  NoGradGuard noGrad;
  jit::CompiledFunction value =
      jit::compile([&](const std::vector<Tensor> &in) { return op(in[0]); });
  SCOPED_TRACE("value");
  expectIdentical(value(x.detach()), eagerValue, kPoints);
}

TEST(PrimitiveOps, EveryUnaryPrimitiveAgreesExactlyInF64){
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  {                                                                            \
    SCOPED_TRACE(#name);                                                       \
    expectUnaryAgrees(static_cast<Unary>(&adjit::name), kFloat64,              \
                      std::string_view(#Domain) != "NoGradient");              \
  }
#include "adjit/Semantics/Ops.def"
}

TEST(PrimitiveOps, GradientsFollowPyTorchAtSingularPoints) {
  auto gradAt = [](Unary op, double at) {
    Tensor x = scalar_tensor(at, kFloat64).requires_grad_();
    op(x).backward();
    return x.grad().item();
  };
  EXPECT_EQ(gradAt(&relu, 0.0), 0.0);
  EXPECT_EQ(gradAt(&relu, kNaN), 1.0); // threshold_backward passes NaN's g
  EXPECT_EQ(gradAt(&abs, 0.0), 0.0);
  EXPECT_EQ(gradAt(&abs, -0.0), 0.0);
  EXPECT_EQ(gradAt(&sqrt, 0.0), kInf);
  EXPECT_EQ(gradAt(&log, 0.0), kInf);
  EXPECT_EQ(gradAt(&log1p, -1.0), kInf);
  for (Unary step : {&sign, &floor, &ceil, &round}) {
    EXPECT_EQ(gradAt(step, 0.0), 0.0);
    EXPECT_EQ(gradAt(step, 0.5), 0.0);
    EXPECT_EQ(gradAt(step, 1.0), 0.0);
  }
}

using Binary = Tensor (*)(const Tensor &, const Tensor &);

/// Compares op(x, y) over the grid of `xs` x `ys` and the gradients of
/// sum(op(x, y) * w) eagerly and compiled.
void expectBinaryAgrees(Binary op, const std::vector<double> &xs,
                        const std::vector<double> &ys) {
  std::vector<double> xv, yv;
  for (double a : xs)
    for (double b : ys) {
      xv.push_back(a);
      yv.push_back(b);
    }
  Shape shape = {int64_t(xv.size())};
  Tensor weights = linspace(0.5, 2.0, xv.size(), kFloat64);
  Tensor ex = from_vector(xv, shape, kFloat64).requires_grad_();
  Tensor ey = from_vector(yv, shape, kFloat64).requires_grad_();
  Tensor eagerValue = op(ex, ey);
  (eagerValue * weights).sum().backward();

  Tensor x = from_vector(xv, shape, kFloat64).requires_grad_();
  Tensor y = from_vector(yv, shape, kFloat64).requires_grad_();
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (op(x, y) * in[0]).sum(); });
  loss(weights);
  {
    SCOPED_TRACE("gradient of x");
    expectIdentical(x.grad(), ex.grad(), xv);
  }
  {
    SCOPED_TRACE("gradient of y");
    expectIdentical(y.grad(), ey.grad(), yv);
  }
}

const std::vector<double> kGrid = {-2.0, -1.0, -0.5, -0.0,  0.0, 0.5,
                                   1.0,  2.0,  kInf, -kInf, kNaN};

TEST(PrimitiveOps, BinaryPrimitivesAgreeExactlyOnAGridOfSingularPoints) {
  std::vector<std::pair<const char *, Binary>> ops = {
      {"add", &add},
      {"sub", &sub},
      {"mul", &mul},
      {"div", &div},
      {"pow", static_cast<Binary>(&pow)},
      {"maximum", &maximum},
      {"minimum", &minimum}};
  for (auto [name, op] : ops) {
    SCOPED_TRACE(name);
    expectBinaryAgrees(op, kGrid, kGrid);
  }
}

TEST(PrimitiveOps, PowFollowsPyTorchAtZeroBases) {
  // d/dx 0^0 = 0 (not 0 * inf = NaN); d/dy 0^-1 = inf * log(0) = -inf.
  Tensor x = tensor({0.0, 0.0}, kFloat64).requires_grad_();
  Tensor y = tensor({0.0, -1.0}, kFloat64).requires_grad_();
  pow(x, y).sum().backward();
  EXPECT_EQ(x.grad()[0].item(), 0.0);
  EXPECT_EQ(y.grad()[1].item(), -kInf);
  EXPECT_EQ(y.grad()[0].item(), 0.0); // x == 0 and y >= 0
}

TEST(PrimitiveOps, MaximumAndMinimumSplitTiesAndPropagateNaN) {
  Tensor a = tensor({1.0, 2.0, 3.0, kNaN}, kFloat64).requires_grad_();
  Tensor b = tensor({1.0, 5.0, 0.0, 1.0}, kFloat64).requires_grad_();
  Tensor m = maximum(a, b);
  EXPECT_EQ(m[1].item(), 5.0);
  EXPECT_TRUE(std::isnan(m[3].item()));
  EXPECT_TRUE(std::isnan(minimum(b, a)[3].item()));
  m.sum().backward();
  EXPECT_EQ(a.grad()[0].item(), 0.5);
  EXPECT_EQ(b.grad()[0].item(), 0.5);
  EXPECT_EQ(a.grad()[1].item(), 0.0);
  EXPECT_EQ(b.grad()[1].item(), 1.0);
}

TEST(PrimitiveOps, IntegerInputsKeepOrChangeTheirDtypeAsPyTorch) {
  Tensor i = tensor({-2, 0, 3}, kInt64);
  EXPECT_EQ(sin(i).dtype(), kFloat32);
  EXPECT_EQ(floor(i).dtype(), kInt64);
  EXPECT_EQ(sign(i).dtype(), kInt64);
  EXPECT_EQ(sign(i)[0].item<int64_t>(), -1);
  EXPECT_EQ(round(tensor({0.5, 1.5, 2.5, -0.5})).sum().item(), 4.0);
  EXPECT_THROW(sign(tensor({1, 0}, kBool)), Error);
}

//===----------------------------------------------------------------------===//
// Stop-gradient
//===----------------------------------------------------------------------===//

TEST(StopGradient, DetachStopsTheCompiledGradientAsItStopsTheEagerOne) {
  auto lossOf = [](const Tensor &w) {
    Tensor target = (w * 3.0).detach();
    return ((w - target) * (w - target)).sum() + (w * w.detach()).sum();
  };
  Tensor eagerW = tensor({1.0, -2.0, 0.5}, kFloat64).requires_grad_();
  lossOf(eagerW).backward();
  Tensor w = tensor({1.0, -2.0, 0.5}, kFloat64).requires_grad_();
  jit::CompiledFunction step =
      jit::compile([&](const std::vector<Tensor> &) { return lossOf(w); });
  test::expectClose(step(std::vector<Tensor>{}), lossOf(eagerW).detach());
  test::expectClose(w.grad(), eagerW.grad());
  std::string ir = jit::trace(
      [&](const std::vector<Tensor> &) { return lossOf(w); }, {}, "loss");
  EXPECT_NE(ir.find("adjit.stop_gradient"), std::string::npos) << ir;
}

TEST(StopGradient, OpsUnderNoGradGuardPassNoCompiledGradient) {
  auto lossOf = [](const Tensor &w) {
    Tensor scale;
    {
      NoGradGuard noGrad;
      scale = w.abs().sum() + 1.0;
    }
    return (w * scale).sum();
  };
  Tensor eagerW = tensor({1.0, -2.0}, kFloat64).requires_grad_();
  lossOf(eagerW).backward();
  Tensor w = tensor({1.0, -2.0}, kFloat64).requires_grad_();
  jit::compile([&](const std::vector<Tensor> &) { return lossOf(w); })(
      std::vector<Tensor>{});
  test::expectClose(w.grad(), eagerW.grad()); // scale is a constant: 4
  EXPECT_EQ(w.grad()[0].item(), 4.0);
}

} // namespace
