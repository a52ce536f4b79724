//===- BatchNormTest.cpp - compiled batch_norm and its running stats ------===//

#include "TracingTestUtil.h"

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;

/// Expects every element of the float32 `actual` within a relative 1e-4 of
/// `expected` (plus 1e-6): batch statistics are float32 sums, which compiled
/// code reassociates (vectorized) and eager code adds in order.
void expectNear(const Tensor &actual, const Tensor &expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.detach().to(kFloat64).contiguous();
  Tensor e = expected.detach().to(kFloat64).contiguous();
  for (int64_t i = 0; i < a.numel(); ++i) {
    double x = a.data_ptr<double>()[i], y = e.data_ptr<double>()[i];
    EXPECT_NEAR(x, y, 1e-4 * std::abs(y) + 1e-6) << "element " << i;
  }
}

/// A layer with batch norm: parameters (requiring grad) and running stats.
struct Layer {
  Tensor weight, gamma, beta, runningMean, runningVar;

  static Layer make(bool affine = true) {
    manual_seed(17);
    Layer layer;
    layer.weight = randn({3, 4}, requires_grad());
    if (affine) {
      layer.gamma = (rand({4}) + 0.5).requires_grad_();
      layer.beta = randn({4}).requires_grad_();
    }
    layer.runningMean = zeros({4});
    layer.runningVar = ones({4});
    return layer;
  }

  /// sum(relu(bn(x W)) * c) for a 2-D x, or with x W reshaped to
  /// [N, 4, L] for batch norm over a length dimension.
  Tensor loss(const Tensor &x, bool training, bool threeD = false) const {
    Tensor h = x.matmul(weight);
    if (threeD)
      h = h.reshape({2, -1, 4}).permute({0, 2, 1});
    Tensor y = batch_norm(h, gamma, beta, runningMean, runningVar, training,
                          0.25, 1e-4);
    return (relu(y) * linspace(0.5, 2, y.numel()).reshape(y.sizes())).sum();
  }
};

void expectSameLayer(const Layer &compiled, const Layer &eager) {
  expectNear(compiled.runningMean, eager.runningMean);
  expectNear(compiled.runningVar, eager.runningVar);
  expectNear(compiled.weight.grad(), eager.weight.grad());
  if (eager.gamma.defined()) {
    expectNear(compiled.gamma.grad(), eager.gamma.grad());
    expectNear(compiled.beta.grad(), eager.beta.grad());
  }
}

TEST(BatchNormJit, CompiledTrainingUpdatesRunningStatsAsEager) {
  for (bool affine : {true, false})
    for (bool threeD : {false, true}) {
      SCOPED_TRACE(std::string(affine ? "affine" : "plain") +
                   (threeD ? ", [N, C, L]" : ", [N, C]"));
      Layer eager = Layer::make(affine), compiled = Layer::make(affine);
      jit::CompiledFunction step = jit::compile(
          [&](const std::vector<Tensor> &in) {
            return compiled.loss(in[0], true, threeD);
          },
          "bn_train");
      manual_seed(3);
      for (int call = 0; call < 4; ++call) {
        SCOPED_TRACE("call " + std::to_string(call));
        Tensor x = randn({8, 3});
        Tensor eagerLoss = eager.loss(x, true, threeD);
        eagerLoss.backward();
        expectNear(step(x), eagerLoss);
        // The running statistics moved exactly once per call, as eagerly.
        expectSameLayer(compiled, eager);
      }
      jit::CompileStats stats = step.getStats();
      EXPECT_EQ(stats.compilations, 1);
      EXPECT_EQ(stats.cacheHits, 3);
    }
}

TEST(BatchNormJit, FourDimensionalFloat64AgreesTightly) {
  // [N, C, H, W] in float64: eager and compiled values, gradients and
  // running statistics agree to rounding.
  manual_seed(21);
  auto make = [] {
    manual_seed(22);
    return std::vector<Tensor>{(rand({3}, kFloat64) + 0.5).requires_grad_(),
                               randn({3}, kFloat64).requires_grad_(),
                               randn({3}, kFloat64), rand({3}, kFloat64) + 0.5};
  };
  std::vector<Tensor> eager = make(), compiled = make();
  auto loss = [](const Tensor &x, const std::vector<Tensor> &p) {
    Tensor y = batch_norm(x, p[0], p[1], p[2], p[3], true, 0.1, 1e-5);
    return (y * y * y).sum();
  };
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) { return loss(in[0], compiled); },
      "bn_4d");
  for (int call = 0; call < 3; ++call) {
    SCOPED_TRACE("call " + std::to_string(call));
    Tensor x = randn({2, 3, 4, 5}, kFloat64);
    Tensor eagerLoss = loss(x, eager);
    eagerLoss.backward();
    Tensor compiledLoss = step(x);
    EXPECT_NEAR(compiledLoss.item(), eagerLoss.item(),
                1e-12 * std::abs(eagerLoss.item()) + 1e-12);
    for (size_t i = 0; i < eager.size(); ++i) {
      SCOPED_TRACE("tensor " + std::to_string(i));
      Tensor e = i < 2 ? eager[i].grad() : eager[i];
      Tensor c = i < 2 ? compiled[i].grad() : compiled[i];
      for (int64_t j = 0; j < 3; ++j)
        EXPECT_NEAR(c[j].item(), e[j].item(),
                    1e-11 * std::abs(e[j].item()) + 1e-12);
    }
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

TEST(BatchNormJit, StateWritesAreResultsOfTheCompiledFunction) {
  Layer layer = Layer::make();
  std::string ir = jit::trace(
      [&](const std::vector<Tensor> &in) { return layer.loss(in[0], true); },
      {randn({8, 3})}, "bn");
  // The loss, then the new running mean and variance.
  EXPECT_NE(ir.find("-> (tensor<f32>, tensor<4xf32>, tensor<4xf32>)"),
            std::string::npos)
      << ir;
  // In eval mode nothing is written: the loss is the only result.
  std::string eval = jit::trace(
      [&](const std::vector<Tensor> &in) { return layer.loss(in[0], false); },
      {randn({8, 3})}, "bn");
  EXPECT_NE(eval.find("-> tensor<f32>"), std::string::npos) << eval;
  // Tracing leaves the state as it was: the compiled code writes it.
  expectClose(layer.runningMean, zeros({4}));
  expectClose(layer.runningVar, ones({4}));
}

TEST(BatchNormJit, CompiledEvalUsesRunningStats) {
  Layer eager = Layer::make(), compiled = Layer::make();
  for (Layer *layer : {&eager, &compiled}) {
    NoGradGuard noGrad;
    layer->runningMean.copy_(from_vector({0.5, -0.5, 0.25, 1}, {4}));
    layer->runningVar.copy_(from_vector({2, 0.5, 1, 3}, {4}));
  }
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return compiled.loss(in[0], false);
      },
      "bn_eval");
  manual_seed(4);
  for (int call = 0; call < 2; ++call) {
    Tensor x = randn({5, 3});
    Tensor eagerLoss = eager.loss(x, false);
    eagerLoss.backward();
    expectNear(step(x), eagerLoss);
    expectSameLayer(compiled, eager);
  }
}

TEST(BatchNormJit, TrainStepUpdatesRunningStatsEveryStep) {
  Layer eager = Layer::make(), fused = Layer::make();
  optim::SGD optimizer({eager.weight, eager.gamma, eager.beta},
                       optim::SGDOptions(0.05).momentum(0.9));
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) { return fused.loss(in[0], true); },
      optim::SGDOptions(0.05).momentum(0.9));
  manual_seed(6);
  for (int i = 0; i < 6; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    Tensor x = randn({8, 3});
    optimizer.zero_grad();
    Tensor eagerLoss = eager.loss(x, true);
    eagerLoss.backward();
    optimizer.step();
    expectNear(step(x), eagerLoss);
    expectNear(fused.runningMean, eager.runningMean);
    expectNear(fused.runningVar, eager.runningVar);
    expectNear(fused.weight, eager.weight);
    expectNear(fused.gamma, eager.gamma);
    expectNear(fused.beta, eager.beta);
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

TEST(BatchNormJit, StateMadeInsideTheFunctionIsAnError) {
  Tensor x = randn({4, 3});
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) {
        Tensor mean = zeros({3}), var = ones({3});
        return batch_norm(in[0], {}, {}, mean, var, true).sum();
      },
      "bn_inner_state");
  EXPECT_EQ(errorOf([&] { f(x); }),
            "batch_norm: it writes state into a tensor of shape [3] that was "
            "made inside the traced function; state must be made outside it "
            "(e.g. a module's buffer)");
}

TEST(BatchNormJit, GuardReplaysTheStateWrites) {
  Layer layer = Layer::make();
  double momentum = 0.25;
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return batch_norm(in[0], {}, {}, layer.runningMean, layer.runningVar,
                          true, momentum)
            .sum();
      },
      "bn_guard");
  Tensor x = randn({4, 4});
  step(x);
  step(x);
  EXPECT_EQ(step.getStats().compilations, 1);
  // A new momentum is a new constant of the update: recompiled.
  momentum = 0.5;
  step(x);
  EXPECT_EQ(step.getStats().compilations, 2);
  EXPECT_NE(step.getStats().lastReason.find("changed from 0.25 to 0.5"),
            std::string::npos)
      << step.getStats().lastReason;
}

} // namespace
