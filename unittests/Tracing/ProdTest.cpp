//===- ProdTest.cpp - prod eager, compiled and against finite differences -===//
//
// prod of all elements and over one dim: values, PyTorch's gradient where
// elements are zero (one zero: only that position, the product of the
// others; two or more: none), finite differences, and identical eager and
// compiled values and gradients in f32 and f64.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace adjit;
using adjit::test::errorOf;
using adjit::test::expectSameGradient;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> gradientOf(const Tensor &x) {
  Tensor g = x.grad().to(kFloat64).contiguous();
  return std::vector<double>(g.data_ptr<double>(),
                             g.data_ptr<double>() + g.numel());
}

TEST(Prod, ValuesShapesAndDtypes) {
  Tensor m = tensor({{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, kFloat64);
  EXPECT_EQ(prod(m).item(), 720.0);
  EXPECT_EQ(m.prod().sizes(), Shape{});
  Tensor rows = prod(m, 1);
  EXPECT_EQ(rows.sizes(), Shape{2});
  EXPECT_EQ(rows[0].item(), 6.0);
  EXPECT_EQ(rows[1].item(), 120.0);
  EXPECT_EQ(m.prod(0, /*keepdim=*/true).sizes(), (Shape{1, 3}));
  EXPECT_EQ(prod(m, -2)[2].item(), 18.0);
  // An empty slice multiplies to one; a 0-d tensor is its own product.
  EXPECT_EQ(prod(zeros({2, 0}), 1)[0].item(), 1.0);
  EXPECT_EQ(prod(scalar_tensor(3.0)).item(), 3.0);
  EXPECT_EQ(prod(scalar_tensor(3.0), 0).sizes(), Shape{});
  // Integers and bools give int64, floats keep their dtype.
  EXPECT_EQ(prod(tensor({2.0, 3.0}, kInt64)).dtype(), kInt64);
  EXPECT_EQ(prod(tensor({2.0, 3.0}, kInt64)).item(), 6.0);
  EXPECT_EQ(prod(tensor({1.0, 0.0}, kBool)).dtype(), kInt64);
  EXPECT_EQ(prod(tensor({2.0f, 3.0f})).dtype(), kFloat32);
}

TEST(Prod, BadDimsNameTheOpAndTheShape) {
  EXPECT_EQ(errorOf([] {
              prod(zeros({2, 3}), 2);
            }),
            "prod: dimension 2 is out of range for a tensor of 2 dimensions "
            "(expected to be in [-2, 1])");
}

TEST(Prod, GradientWithoutZerosIsTheProductOfTheOthers) {
  Tensor x = tensor({{1.5, -2.0, 3.0}, {0.5, 4.0, -1.0}},
                    dtype(kFloat64).requires_grad(true));
  prod(x).backward();
  double total = 1.5 * -2.0 * 3.0 * 0.5 * 4.0 * -1.0;
  std::vector<double> g = gradientOf(x);
  std::vector<double> values = {1.5, -2.0, 3.0, 0.5, 4.0, -1.0};
  for (size_t i = 0; i < g.size(); ++i)
    EXPECT_DOUBLE_EQ(g[i], total / values[i]) << "element " << i;
}

TEST(Prod, OneZeroGetsTheProductOfTheOthersAndTwoZerosGiveNone) {
  // Rows: no zero, one zero, two zeros.
  std::vector<double> g = expectSameGradient(
      {2.0, 3.0, 4.0, 2.0, 0.0, 5.0, 0.0, 7.0, 0.0}, [](const Tensor &x) {
        return (prod(x.view({3, 3}), 1) * tensor({1.0, 10.0, 100.0}, kFloat64))
            .sum();
      });
  EXPECT_EQ(g, (std::vector<double>{12, 8, 6, 0, 100, 0, 0, 0, 0}));
  // All elements: one zero, then two.
  g = expectSameGradient({2.0, -0.0, 5.0},
                         [](const Tensor &x) { return prod(x); });
  EXPECT_EQ(g, (std::vector<double>{0, 10, 0}));
  g = expectSameGradient({0.0, 3.0, 0.0},
                         [](const Tensor &x) { return prod(x); });
  EXPECT_EQ(g, (std::vector<double>{0, 0, 0}));
}

TEST(Prod, KeepdimAndColumnsMatchCompiled) {
  std::vector<double> g =
      expectSameGradient({1.5, 0.0, -2.0, 3.0, 0.25, 0.0}, [](const Tensor &x) {
        Tensor p = prod(x.view({2, 3}), 0, /*keepdim=*/true);
        EXPECT_EQ(p.sizes(), (Shape{1, 3}));
        return (p * tensor({{1.0, 2.0, 3.0}}, kFloat64)).sum();
      });
  // Column 0 has no zero; column 1 one zero (at 1); column 2 one zero
  // (at 5).
  EXPECT_EQ(g, (std::vector<double>{3, 0.5, 0, 1.5, 0, -6}));
}

TEST(Prod, InfinityAndNaNFollowTheFormula) {
  // No zero: g * prod / x, so an infinite element gets inf / inf = NaN and
  // a NaN spreads to the whole slice; one zero next to inf gets the
  // product of the others, inf.
  std::vector<double> g = expectSameGradient(
      {kInf, 2.0, kNaN, 1.0, 0.0, kInf}, [](const Tensor &x) {
        return prod(x.view({3, 2}), 1).sum();
      });
  EXPECT_TRUE(std::isnan(g[0]));
  EXPECT_EQ(g[1], kInf);
  EXPECT_TRUE(std::isnan(g[2]));
  EXPECT_TRUE(std::isnan(g[3]));
  EXPECT_EQ(g[4], kInf);
  EXPECT_EQ(g[5], 0.0);
}

TEST(Prod, EagerAndCompiledAgreeExactlyInF32) {
  // Enough factors that a different order of multiplication would round
  // differently (products only: a sum may be reassociated when compiled).
  std::vector<double> values;
  for (int i = 0; i < 24; ++i)
    values.push_back(0.7 + 0.061 * i * (i % 2 ? 1 : -1));
  values[5] = 0.0;
  expectSameGradient(
      values,
      [](const Tensor &x) {
        return prod(prod(x.view({4, 6}), 1)) + prod(prod(x.view({4, 6}), 0)) +
               prod(x * 1.01f);
      },
      kFloat32);
}

TEST(Prod, GradcheckAgainstFiniteDifferences) {
  manual_seed(7);
  Tensor x = (rand({3, 4}, kFloat64) + 0.5).requires_grad_();
  Tensor signs = tensor({{1.0, -1.0, 1.0, 1.0}}, kFloat64);
  EXPECT_TRUE(autograd::gradcheck(
      [&](const std::vector<Tensor> &in) { return prod(in[0] * signs, 1); },
      {x}));
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) { return prod(in[0]); }, {x}));
  // With one zero in a row the product is linear in each element, so the
  // finite differences are exact there too.
  Tensor z = tensor({{0.0, 1.5, 2.0}, {0.5, 0.0, 0.0}},
                    dtype(kFloat64).requires_grad(true));
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) { return prod(in[0], 1, true); }, {z}));
  // Second order, through create_graph.
  Tensor y = (rand({2, 3}, kFloat64) + 0.5).requires_grad_();
  EXPECT_TRUE(autograd::gradcheck(
      [](const std::vector<Tensor> &in) {
        Tensor p = prod(in[0], 1).sum();
        Tensor g = autograd::grad({p}, {in[0]}, {}, true, true)[0];
        return (g * g).sum();
      },
      {y}));
}

} // namespace

namespace {
TEST(Prod, Int64ProductsCompileExactlyAndWrapAsEagerly) {
  // int64 tensors are i64 in the IR: products are exact beyond 2^53 and
  // wrap on overflow, as the eager kernel's.
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return prod(in[0], 1); });
  Tensor x = from_vector({3, 1000003, 1000033, 7, 2, 1}, {2, 3}, kInt64);
  Tensor big = full({1, 3}, 4294967311.0, kInt64); // overflows: wraps
  for (const Tensor &input : {x, big}) {
    Tensor compiled = f(input), eager = prod(input, 1);
    ASSERT_EQ(compiled.dtype(), Dtype::Int64);
    ASSERT_EQ(compiled.sizes(), eager.sizes());
    for (int64_t i = 0; i < eager.numel(); ++i)
      EXPECT_EQ(compiled.data_ptr<int64_t>()[i], eager.data_ptr<int64_t>()[i]);
  }
  EXPECT_EQ(prod(x, 1).data_ptr<int64_t>()[0], int64_t(3) * 1000003 * 1000033);
}
} // namespace
