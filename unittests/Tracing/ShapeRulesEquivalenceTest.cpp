//===- ShapeRulesEquivalenceTest.cpp - eager and traced shapes agree ------===//
//
// The eager runtime and the tracer share their shape rules
// (adjit/Semantics/ShapeRules.h). Programs at the edges of those rules (0-d
// reductions, negative dims, clamped slices, reshape with -1, matmul of
// vectors and broadcast batches) must give the same shapes, values and
// gradients eagerly and through jit::compile.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;
namespace F = adjit::nn::functional;

namespace {

using test::expectClose;

/// Clones of `inputs` that require grad.
std::vector<Tensor> leavesLike(const std::vector<Tensor> &inputs) {
  std::vector<Tensor> leaves;
  for (const Tensor &input : inputs)
    leaves.push_back(input.clone().requires_grad_());
  return leaves;
}

/// Runs `function` on `inputs` eagerly and compiled and expects the same
/// result (shape and values); then does the same for the loss
/// sum(function(inputs)^2) and its gradients with respect to every input.
void expectJitMatchesEager(const jit::TensorFunction &function,
                           const std::vector<Tensor> &inputs) {
  Tensor eager = function(inputs);
  jit::CompiledFunction compiled = jit::compile(function, "shape_rule");
  Tensor jitResult = compiled(inputs);
  ASSERT_EQ(jitResult.sizes(), eager.sizes());
  expectClose(jitResult, eager);

  jit::TensorFunction loss = [function](const std::vector<Tensor> &in) {
    Tensor result = function(in);
    return (result * result).sum();
  };
  std::vector<Tensor> eagerLeaves = leavesLike(inputs);
  Tensor eagerLoss = loss(eagerLeaves);
  eagerLoss.backward();
  std::vector<Tensor> jitLeaves = leavesLike(inputs);
  Tensor jitLoss = jit::compile(loss, "shape_rule_loss")(jitLeaves);
  expectClose(jitLoss, eagerLoss);
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE("gradient of input " + std::to_string(i));
    ASSERT_TRUE(eagerLeaves[i].grad().defined());
    ASSERT_TRUE(jitLeaves[i].grad().defined());
    expectClose(jitLeaves[i].grad(), eagerLeaves[i].grad());
  }
}

/// A f64 tensor of normal samples.
Tensor sample(const Shape &shape) { return randn(shape, kFloat64); }

TEST(ShapeRulesEquivalence, ReductionsOverDimZeroOfZeroDimTensor) {
  // PyTorch's rule: a 0-d tensor accepts dims 0 and -1, which reduce nothing.
  Tensor x = scalar_tensor(0.7, kFloat64);
  for (int64_t dim : {0, -1}) {
    for (bool keepDim : {false, true}) {
      SCOPED_TRACE("dim " + std::to_string(dim) + (keepDim ? ", keepdim" : ""));
      Tensor summed = x.sum({dim}, keepDim);
      EXPECT_EQ(summed.sizes(), Shape{});
      EXPECT_EQ(summed.item<double>(), 0.7);
      Tensor averaged = x.mean({dim}, keepDim);
      EXPECT_EQ(averaged.sizes(), Shape{});
      EXPECT_EQ(averaged.item<double>(), 0.7);
      expectJitMatchesEager(
          [dim, keepDim](const std::vector<Tensor> &in) {
            return in[0].sum({dim}, keepDim) * 2.0 + in[0].mean({dim}, keepDim);
          },
          {x});
    }
  }
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return in[0].max() + F::log_softmax(in[0], -1);
      },
      {x});
}

TEST(ShapeRulesEquivalence, ReductionsOverNegativeDims) {
  manual_seed(3);
  Tensor x = sample({2, 3, 4});
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) { return in[0].sum({-1}); }, {x});
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return in[0].mean({-3, -1}, true);
      },
      {x});
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return in[0].sum({-2, 0});
      },
      {x});
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return F::log_softmax(in[0], -2) + in[0].max();
      },
      {x});
}

TEST(ShapeRulesEquivalence, SlicesClampedAsPython) {
  manual_seed(4);
  Tensor x = sample({5, 3});
  struct Case {
    int64_t dim;
    std::optional<int64_t> start, end;
    int64_t step;
    Shape shape;
  };
  std::vector<Case> cases = {
      {0, -100, 100, 1, {5, 3}},
      {0, -2, std::nullopt, 1, {2, 3}},
      {-1, -2, 10, 1, {5, 2}},
      {0, 1, -1, 2, {2, 3}},
      {1, std::nullopt, -1, 1, {5, 2}},
      {0, -4, -1, 2, {2, 3}},
      {-2, 3, 1, 1, {0, 3}},
      {1, -100, 1, 1, {5, 1}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE("slice dim " + std::to_string(c.dim) + " start " +
                 (c.start ? std::to_string(*c.start) : "none") + " end " +
                 (c.end ? std::to_string(*c.end) : "none"));
    EXPECT_EQ(x.slice(c.dim, c.start, c.end, c.step).sizes(), c.shape);
    expectJitMatchesEager(
        [c](const std::vector<Tensor> &in) {
          return in[0].slice(c.dim, c.start, c.end, c.step) * 3.0;
        },
        {x});
  }
  // A start beyond the end clamps to the size: an empty slice, whose offset
  // equals the dimension's size, compiled too (and concatenated with the
  // rest, so that the gradient flows through the empty slice's adjoint).
  EXPECT_EQ(x.slice(0, 7, 9).sizes(), (Shape{0, 3}));
  EXPECT_EQ(x.slice(-1, 3, std::nullopt).sizes(), (Shape{5, 0}));
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return cat({in[0].slice(0, 7, 9), in[0] * 2.0,
                    in[0].slice(0, 5, std::nullopt)},
                   0);
      },
      {x});
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return cat({in[0].slice(-1, 3, std::nullopt), in[0]}, 1);
      },
      {x});
}

TEST(ShapeRulesEquivalence, ReshapeInfersMinusOne) {
  manual_seed(5);
  Tensor x = sample({2, 3, 4});
  for (Shape shape : {Shape{-1, 4}, Shape{3, -1}, Shape{-1}, Shape{2, -1, 2},
                      Shape{1, -1, 1}}) {
    SCOPED_TRACE("reshape to " + shapeToString(shape));
    expectJitMatchesEager(
        [shape](const std::vector<Tensor> &in) {
          return in[0].reshape(shape) + 1.0;
        },
        {x});
    expectJitMatchesEager(
        [shape](const std::vector<Tensor> &in) {
          return in[0].view(shape) * in[0].view(shape);
        },
        {x});
  }
  expectJitMatchesEager(
      [](const std::vector<Tensor> &in) {
        return in[0].sum().reshape({1, -1});
      },
      {x});
}

TEST(ShapeRulesEquivalence, MatmulOfVectorsMatricesAndBroadcastBatches) {
  manual_seed(6);
  struct Case {
    Shape lhs, rhs, result;
  };
  std::vector<Case> cases = {
      {{3}, {3}, {}},
      {{2, 3}, {3}, {2}},
      {{3}, {3, 4}, {4}},
      {{2, 3}, {3, 4}, {2, 4}},
      {{4, 2, 3}, {3}, {4, 2}},
      {{3}, {4, 3, 2}, {4, 2}},
      {{4, 2, 3}, {3, 5}, {4, 2, 5}},
      {{2, 3}, {4, 3, 5}, {4, 2, 5}},
      {{5, 1, 2, 3}, {4, 3, 6}, {5, 4, 2, 6}},
      {{1, 2, 3}, {4, 3, 2}, {4, 2, 2}},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE("matmul of " + shapeToString(c.lhs) + " and " +
                 shapeToString(c.rhs));
    Tensor lhs = sample(c.lhs), rhs = sample(c.rhs);
    EXPECT_EQ(matmul(lhs, rhs).sizes(), c.result);
    expectJitMatchesEager(
        [](const std::vector<Tensor> &in) { return matmul(in[0], in[1]); },
        {lhs, rhs});
  }
}

} // namespace
