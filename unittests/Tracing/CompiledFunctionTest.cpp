//===- CompiledFunctionTest.cpp - tests of jit::trace and jit::compile ----===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace adjit;

namespace {

/// Expects every element of `actual` within a relative 1e-5 of `expected`.
void expectClose(const Tensor &actual, const Tensor &expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.to(Dtype::Float64).contiguous();
  Tensor e = expected.to(Dtype::Float64).contiguous();
  const double *pa = a.data_ptr<double>(), *pe = e.data_ptr<double>();
  for (int64_t i = 0; i < a.numel(); ++i)
    EXPECT_NEAR(pa[i], pe[i], 1e-5 * std::max(1.0, std::abs(pe[i])))
        << "element " << i;
}

std::string errorOf(const std::function<void()> &body) {
  try {
    body();
  } catch (const Error &error) {
    return error.what();
  }
  return "no error";
}

TEST(JitTrace, RecordsExplicitBroadcastsAndCapturedParameters) {
  Tensor w = ones({3, 2}, requires_grad());
  Tensor b = zeros({2}, requires_grad());
  std::string ir = jit::trace(
      [&](const std::vector<Tensor> &in) {
        return (in[0].matmul(w) + b).sum();
      },
      {randn({4, 3})}, "linear");
  EXPECT_NE(ir.find("func.func @linear(%arg0: tensor<4x3xf32>, %arg1: "
                    "tensor<3x2xf32>, %arg2: tensor<2xf32>) -> tensor<f32>"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("adjit.matmul"), std::string::npos) << ir;
  EXPECT_NE(ir.find("adjit.broadcast %arg2, dims = [1] : tensor<2xf32> -> "
                    "tensor<4x2xf32>"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("adjit.reduce_sum"), std::string::npos) << ir;
}

TEST(JitCompile, LossAndGradientsMatchEager) {
  manual_seed(7);
  Tensor x = randn({16, 3}), y = randn({16, 2});
  Tensor w1 = randn({3, 5}, requires_grad()), b1 = randn({5}, requires_grad());
  Tensor w2 = randn({5, 2}, requires_grad()), b2 = randn({2}, requires_grad());
  auto model = [&](const std::vector<Tensor> &in) {
    Tensor h = (in[0].matmul(w1) + b1).tanh();
    Tensor z = (h.matmul(w2) + b2).sigmoid() * 2.0 - h.mean({1}, true).relu();
    return nn::functional::mse_loss(z, in[1]);
  };
  Tensor eagerLoss = model({x, y});
  eagerLoss.backward();
  std::vector<Tensor> eagerGrads;
  for (Tensor *p : {&w1, &b1, &w2, &b2}) {
    eagerGrads.push_back(p->grad().clone());
    p->mutable_grad() = Tensor();
  }

  jit::CompiledFunction step = jit::compile(model, "mlp");
  Tensor loss = step(x, y);
  expectClose(loss, eagerLoss.detach());
  EXPECT_FALSE(loss.requires_grad());
  std::vector<Tensor *> params = {&w1, &b1, &w2, &b2};
  for (size_t i = 0; i < params.size(); ++i)
    expectClose(params[i]->grad(), eagerGrads[i]);

  // A second call accumulates, as a second backward() would.
  step(x, y);
  for (size_t i = 0; i < params.size(); ++i)
    expectClose(params[i]->grad(), eagerGrads[i] * 2.0);
  EXPECT_EQ(step.getStats().compilations, 1);
  EXPECT_EQ(step.getStats().cacheHits, 1);
  EXPECT_NE(step.getLastIR().find("func.func @mlp_grad"), std::string::npos);
}

TEST(JitCompile, TrainsLinearRegressionLikeEager) {
  manual_seed(42);
  Tensor x = rand({100, 1}) * 2.0 - 1.0;
  Tensor y = x * 3.0 + 2.0 + randn({100, 1}) * 0.1;
  auto train = [&](bool compiled) {
    Tensor w = zeros({1}, requires_grad());
    Tensor b = zeros({1}, requires_grad());
    optim::SGD optimizer({w, b}, optim::SGDOptions(0.1));
    auto lossOf = [&](const std::vector<Tensor> &in) {
      return nn::functional::mse_loss(in[0] * w + b, in[1]);
    };
    jit::CompiledFunction step = jit::compile(lossOf, "linear_regression");
    for (int epoch = 0; epoch < 50; ++epoch) {
      optimizer.zero_grad();
      if (compiled) {
        step(x, y);
      } else {
        lossOf({x, y}).backward();
      }
      optimizer.step();
    }
    if (compiled)
      EXPECT_EQ(step.getStats().compilations, 1);
    return std::make_pair(w.detach(), b.detach());
  };
  auto [eagerW, eagerB] = train(false);
  auto [jitW, jitB] = train(true);
  expectClose(jitW, eagerW);
  expectClose(jitB, eagerB);
  EXPECT_NEAR(jitW.item<float>(), 3.0, 0.2);
}

TEST(JitCompile, RecompilesOnShapeChangeAndSaysWhy) {
  Tensor w = ones({1}, requires_grad());
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * w).sum(); });
  step(ones({8, 1}));
  EXPECT_EQ(step.getStats().lastReason, "first call");
  step(ones({8, 1}));
  step(ones({16, 1}));
  jit::CompileStats stats = step.getStats();
  EXPECT_EQ(stats.compilations, 2);
  EXPECT_EQ(stats.cacheHits, 1);
  EXPECT_EQ(stats.lastReason, "input 0 changed shape from [8, 1] to [16, 1]");
  // Both versions stay cached.
  step(ones({8, 1}));
  EXPECT_EQ(step.getStats().compilations, 2);
}

TEST(JitCompile, WithoutGradModeOnlyComputesTheResult) {
  Tensor w = full({2}, 3.0, requires_grad());
  jit::CompiledFunction f = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * w).sum(); });
  NoGradGuard noGrad;
  Tensor result = f(ones({2}));
  EXPECT_FLOAT_EQ(result.item<float>(), 6.0f);
  EXPECT_FALSE(w.grad().defined());
}

TEST(JitCompile, ComparisonsWhereAndReshapesMatchEager) {
  manual_seed(3);
  Tensor x = randn({4, 6});
  auto f = [](const std::vector<Tensor> &in) {
    Tensor a = in[0].reshape({2, 12}).transpose(0, 1);
    Tensor clipped = where(a > zeros({1}), a, a * 0.1);
    return cat({clipped.slice(0, 1, 9, 2), clipped.unsqueeze(0).squeeze(0)}, 0)
        .max();
  };
  expectClose(jit::compile(f)(x), f({x}));
}

TEST(JitCompile, CrossEntropyMatchesEager) {
  manual_seed(11);
  Tensor x = randn({6, 4});
  Tensor target = from_vector({0, 3, 1, 1, 2, 0}, {6}, kInt64);
  Tensor w = randn({4, 4}, requires_grad());
  auto loss = [&](const std::vector<Tensor> &in) {
    return nn::functional::cross_entropy(in[0].matmul(w), in[1]);
  };
  Tensor eager = loss({x, target});
  eager.backward();
  Tensor eagerGrad = w.grad().clone();
  w.mutable_grad() = Tensor();
  expectClose(jit::compile(loss)(x, target), eager.detach());
  expectClose(w.grad(), eagerGrad);
}

TEST(JitTrainStep, MatchesEagerSgdAndDoesNotRecompileOnLearningRate) {
  manual_seed(5);
  Tensor x = randn({32, 3}), y = randn({32, 1});
  auto makeParameters = [] {
    manual_seed(9);
    return std::vector<Tensor>{randn({3, 4}, requires_grad()),
                               randn({4}, requires_grad()),
                               randn({4, 1}, requires_grad())};
  };
  auto lossWith = [&](std::vector<Tensor> &p) {
    return [&p](const std::vector<Tensor> &in) {
      return nn::functional::mse_loss(
          (in[0].matmul(p[0]) + p[1]).relu().matmul(p[2]), in[1]);
    };
  };
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  jit::TrainStep step(lossWith(fused), {0.05, 0.01});
  double learningRate = 0.05;
  for (int i = 0; i < 10; ++i) {
    if (i == 5) {
      learningRate = 0.02;
      step.setLearningRate(learningRate);
    }
    // Plain SGD keeps no state, so a fresh optimizer per step is the same.
    optim::SGD optimizer(eager,
                         optim::SGDOptions(learningRate).weight_decay(0.01));
    optimizer.zero_grad();
    Tensor eagerLoss = lossWith(eager)({x, y});
    eagerLoss.backward();
    optimizer.step();
    expectClose(step(x, y), eagerLoss.detach());
  }
  for (size_t i = 0; i < eager.size(); ++i)
    expectClose(fused[i].detach(), eager[i].detach());
  EXPECT_EQ(step.getStats().compilations, 1);
  EXPECT_FALSE(fused[0].grad().defined());
}

TEST(JitCompile, UntraceableCodeIsAClearError) {
  Tensor w = ones({2}, requires_grad());
  EXPECT_EQ(errorOf([&] {
              jit::compile([&](const std::vector<Tensor> &in) {
                if ((in[0] * w).sum().item<float>() > 0)
                  return in[0].sum();
                return in[0].mean();
              })(ones({2}));
            }),
            "item: not supported inside a traced function (it reads a tensor "
            "value to the host)");
  EXPECT_EQ(errorOf([&] {
              jit::compile([&](const std::vector<Tensor> &in) {
                return (in[0] + randn({2})).sum();
              })(ones({2}));
            }),
            "randn: not supported inside a traced function (its random values "
            "would be fixed when traced)");
  EXPECT_EQ(errorOf([&] {
              jit::compile([&](const std::vector<Tensor> &in) {
                Tensor t = in[0] * 2.0;
                t.add_(w);
                return t.sum();
              })(ones({2}));
            }),
            "add_: not supported inside a traced function (in-place ops "
            "cannot be traced)");
  EXPECT_EQ(errorOf([&] {
              jit::compile([&](const std::vector<Tensor> &in) {
                return (in[0] * w).detach().sum();
              })(ones({2}));
            }),
            "detach: not supported inside a traced function (the IR has no op "
            "that stops gradients)");
  EXPECT_EQ(errorOf([&] {
              jit::compile([&](const std::vector<Tensor> &in) {
                Tensor scaled = in[0] * w;
                NoGradGuard noGrad;
                return (scaled * 2.0).sum();
              })(ones({2}));
            }),
            "mul: ops run under NoGradGuard inside a traced function are not "
            "supported (the compiled gradient would flow through them)");
}

} // namespace
