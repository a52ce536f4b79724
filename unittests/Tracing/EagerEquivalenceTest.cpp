//===- EagerEquivalenceTest.cpp - compiled training equals eager training -===//
//
// Models trained for several steps eagerly and with jit::compile (and
// jit::TrainStep) from the same initial parameters: losses, gradients and
// parameters must agree within a relative 1e-5 in f32.
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

/// A loss of parameters and inputs.
using Model = std::function<Tensor(const std::vector<Tensor> &parameters,
                                   const std::vector<Tensor> &inputs)>;

/// Trains the parameters `makeParameters` gives with optim::SGD (momentum
/// 0.9) for `steps` steps, once with eager autograd and once with the loss
/// compiled by jit::compile; expects equal losses at every step, equal
/// gradients at every step and equal parameters at the end.
void expectCompiledTrainingMatchesEager(
    const std::function<std::vector<Tensor>()> &makeParameters,
    const Model &model, const std::vector<Tensor> &inputs, int steps,
    double learningRate) {
  std::vector<Tensor> eager = makeParameters(), compiled = makeParameters();
  optim::SGDOptions options = optim::SGDOptions(learningRate).momentum(0.9);
  optim::SGD eagerOptimizer(eager, options),
      compiledOptimizer(compiled, options);
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) { return model(compiled, in); },
      "model");
  for (int i = 0; i < steps; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    eagerOptimizer.zero_grad();
    Tensor eagerLoss = model(eager, inputs);
    eagerLoss.backward();
    compiledOptimizer.zero_grad();
    expectClose(step(inputs), eagerLoss);
    for (size_t p = 0; p < eager.size(); ++p) {
      SCOPED_TRACE("gradient of parameter " + std::to_string(p));
      expectClose(compiled[p].grad(), eager[p].grad());
    }
    eagerOptimizer.step();
    compiledOptimizer.step();
  }
  std::vector<Tensor> initial = makeParameters();
  for (size_t p = 0; p < eager.size(); ++p) {
    SCOPED_TRACE("parameter " + std::to_string(p));
    expectClose(compiled[p], eager[p]);
    EXPECT_FALSE(allclose(compiled[p], initial[p]));
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

/// Labels of a linearly separable problem with a few flipped, as f32.
std::pair<Tensor, Tensor> makeClassificationData() {
  manual_seed(21);
  Tensor x = randn({64, 3});
  Tensor truth = from_vector({1.5, -2.0, 0.5}, {3, 1});
  Tensor logits = x.matmul(truth) + 0.3 + randn({64, 1}) * 0.5;
  return {x, (logits > 0.0).to(kFloat32)};
}

TEST(JitEquivalence, LogisticRegressionWithLogitsLoss) {
  auto [x, y] = makeClassificationData();
  // Zero weights make every logit exactly 0 in the first step, where the
  // derivative of the loss must still be sigmoid(0) - y.
  auto makeParameters = [] {
    return std::vector<Tensor>{zeros({3, 1}, requires_grad()),
                               zeros({1}, requires_grad())};
  };
  Model model = [](const std::vector<Tensor> &p,
                   const std::vector<Tensor> &in) {
    return F::binary_cross_entropy_with_logits(in[0].matmul(p[0]) + p[1],
                                               in[1]);
  };
  expectCompiledTrainingMatchesEager(makeParameters, model, {x, y}, 15, 0.5);
}

TEST(JitEquivalence, LogisticRegressionWithSigmoidAndLogs) {
  auto [x, y] = makeClassificationData();
  auto makeParameters = [] {
    manual_seed(4);
    return std::vector<Tensor>{(randn({3, 1}) * 0.1).requires_grad_(true),
                               zeros({1}, requires_grad())};
  };
  Model model = [](const std::vector<Tensor> &p,
                   const std::vector<Tensor> &in) {
    Tensor probability = (in[0].matmul(p[0]) + p[1]).sigmoid();
    Tensor y = in[1];
    return -(y * probability.log() + (1.0 - y) * (1.0 - probability).log())
                .mean();
  };
  expectCompiledTrainingMatchesEager(makeParameters, model, {x, y}, 15, 0.5);
}

/// A layer-norm-like model: a linear layer, each row normalized by its own
/// mean and variance (keepdim reductions broadcast back), an affine
/// transform with per-feature scale and shift (broadcast over rows), and a
/// loss mixing sums over each dimension.
Model normalizedModel() {
  return [](const std::vector<Tensor> &p, const std::vector<Tensor> &in) {
    Tensor h = in[0].matmul(p[0]) + p[1];
    Tensor mean = h.mean({1}, true);
    Tensor centered = h - mean;
    Tensor variance = (centered * centered).mean({-1}, true);
    Tensor normalized = centered / (variance + 1e-5).sqrt() * p[2] + p[3];
    Tensor perColumn = normalized.sum({0});    // [6]
    Tensor perRow = normalized.sum({1}, true); // [8, 1]
    Tensor target = in[1];                     // [8, 6]
    return F::mse_loss(normalized, target) + perColumn.pow(2.0).mean() * 0.01 +
           (perRow * target).mean({0, 1}) * 0.1;
  };
}

std::vector<Tensor> normalizedModelParameters() {
  manual_seed(13);
  return {randn({5, 6}, requires_grad()), randn({6}, requires_grad()),
          (ones({6}) + randn({6}) * 0.1).requires_grad_(true),
          zeros({6}, requires_grad())};
}

TEST(JitEquivalence, NormalizationWithBroadcastsAndReductions) {
  manual_seed(17);
  Tensor x = randn({8, 5}), target = randn({8, 6});
  expectCompiledTrainingMatchesEager(normalizedModelParameters,
                                     normalizedModel(), {x, target}, 10, 0.05);
}

TEST(JitEquivalence, NormalizationTrainedByTrainStepWithAdam) {
  manual_seed(17);
  Tensor x = randn({8, 5}), target = randn({8, 6});
  std::vector<Tensor> eager = normalizedModelParameters(),
                      fused = normalizedModelParameters();
  optim::AdamOptions options = optim::AdamOptions(0.01).weight_decay(1e-3);
  optim::Adam optimizer(eager, options);
  Model model = normalizedModel();
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) { return model(fused, in); }, options,
      "normalized");
  for (int i = 0; i < 10; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    optimizer.zero_grad();
    Tensor eagerLoss = model(eager, {x, target});
    eagerLoss.backward();
    optimizer.step();
    expectClose(step(x, target), eagerLoss);
  }
  for (size_t p = 0; p < eager.size(); ++p)
    expectClose(fused[p], eager[p]);
  EXPECT_EQ(step.getStats().compilations, 1);
}

} // namespace
