//===- CompiledFunctionTest.cpp - tests of jit::trace and jit::compile ----===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;

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
    if (compiled) {
      EXPECT_EQ(step.getStats().compilations, 1);
    }
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

TEST(JitCompile, KeepsTheMostRecentlyUsedVersionsUpToTheLimit) {
  jit::CompileOptions options;
  options.name = "scaled";
  options.maxCompilations = 2;
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return (in[0] * 2.0).sum(); },
      options);
  Tensor a = ones({1}), b = ones({2}), c = ones({3});
  EXPECT_DOUBLE_EQ(f(a).item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(f(b).item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(f(a).item<double>(), 2.0); // a is now the most recent
  EXPECT_DOUBLE_EQ(f(c).item<double>(), 6.0); // drops b, not a
  jit::CompileStats stats = f.getStats();
  EXPECT_EQ(stats.compilations, 3);
  EXPECT_EQ(stats.evictions, 1);
  EXPECT_EQ(stats.versions, 2);
  EXPECT_DOUBLE_EQ(f(a).item<double>(), 2.0);
  EXPECT_EQ(f.getStats().compilations, 3);
  EXPECT_DOUBLE_EQ(f(b).item<double>(), 4.0); // compiled again, dropping c
  EXPECT_EQ(f.getStats().compilations, 4);
  EXPECT_EQ(f.getStats().lastReason, "input 0 changed shape from [3] to [2]");
  EXPECT_DOUBLE_EQ(f(a).item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(f(c).item<double>(), 6.0);
  stats = f.getStats();
  EXPECT_EQ(stats.compilations, 5);
  EXPECT_EQ(stats.evictions, 3);
  EXPECT_EQ(stats.versions, 2);
  EXPECT_EQ(stats.cacheHits, 3);
}

TEST(JitCompile, DropsVersionsWhoseCapturedTensorWasReleased) {
  auto weights = std::make_shared<Tensor>(from_vector({1, 2}, {2}));
  jit::CompiledFunction f = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * *weights).sum(); });
  Tensor x = ones({2});
  EXPECT_DOUBLE_EQ(f(ones({3, 2})).item<double>(), 9.0);
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 3.0);
  EXPECT_EQ(f.getStats().versions, 2);
  // Both versions captured the old tensor: they can never run again.
  *weights = from_vector({3, 4}, {2});
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 7.0);
  jit::CompileStats stats = f.getStats();
  EXPECT_EQ(stats.compilations, 3);
  EXPECT_EQ(stats.lastReason, "captured tensor 0 was released");
  EXPECT_EQ(stats.staleDropped, 2);
  EXPECT_EQ(stats.evictions, 0);
  EXPECT_EQ(stats.versions, 1);
  EXPECT_DOUBLE_EQ(f(x).item<double>(), 7.0);
  EXPECT_EQ(f.getStats().cacheHits, 1);
}

TEST(JitCompile, EveryFunctionThatCapturedAReleasedTensorDropsItsVersions) {
  // assumePure: no replay, only the release tells that the versions are
  // stale.
  auto weights = std::make_shared<Tensor>(from_vector({1, 2}, {2}));
  auto function = [&](const std::vector<Tensor> &in) {
    return (in[0] * *weights).sum();
  };
  jit::CompileOptions options;
  options.assumePure = true;
  options.name = "first";
  jit::CompiledFunction first = jit::compile(function, options);
  options.name = "second";
  jit::CompiledFunction second = jit::compile(function, options);
  Tensor x = ones({2});
  EXPECT_DOUBLE_EQ(first(x).item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(second(x).item<double>(), 3.0);
  std::weak_ptr<TensorImpl> old = weights->getIntrusivePtr();
  *weights = from_vector({3, 4}, {2});
  // The versions hold the released tensor until a call drops them.
  EXPECT_FALSE(old.expired());
  EXPECT_DOUBLE_EQ(first(x).item<double>(), 7.0);
  EXPECT_FALSE(old.expired());
  EXPECT_DOUBLE_EQ(second(x).item<double>(), 7.0);
  EXPECT_TRUE(old.expired());
  for (const jit::CompiledFunction &f : {first, second}) {
    jit::CompileStats stats = f.getStats();
    EXPECT_EQ(stats.compilations, 2);
    EXPECT_EQ(stats.staleDropped, 1);
    EXPECT_EQ(stats.lastReason, "captured tensor 0 was released");
  }
  EXPECT_DOUBLE_EQ(first(x).item<double>(), 7.0);
  EXPECT_EQ(first.getStats().cacheHits, 1);
}

TEST(JitCompile, RejectsKeepingNoVersion) {
  jit::CompileOptions options;
  options.name = "none";
  options.maxCompilations = 0;
  EXPECT_EQ(errorOf([&] {
              jit::compile([](const std::vector<Tensor> &in) { return in[0]; },
                           options);
            }),
            "jit::compile: CompileOptions::maxCompilations of 'none' must be "
            "at least 1, got 0");
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

TEST(JitCompile, CrossEntropyChecksTargetsOnEveryCall) {
  // With the shape-only replay the eager op checks the targets; without it
  // the call repeats the check the traced op made.
  for (bool assumePure : {false, true}) {
    SCOPED_TRACE(assumePure ? "assumePure" : "replayed");
    Tensor w = ones({3, 4}, requires_grad());
    jit::CompileOptions options;
    options.assumePure = assumePure;
    jit::CompiledFunction loss = jit::compile(
        [&](const std::vector<Tensor> &in) {
          return nn::functional::cross_entropy(in[0].matmul(w), in[1]);
        },
        options);
    Tensor x = ones({3, 3});
    loss(x, from_vector({0, 3, 1}, {3}, kInt64));
    // The compiled code would compute a row of zeros for these targets; the
    // call checks them first, as the eager op does.
    EXPECT_EQ(errorOf([&] {
                loss(x, from_vector({0, 4, 1}, {3}, kInt64));
              }),
              "cross_entropy: target 4 at position 1 is out of bounds for 4 "
              "classes");
    EXPECT_EQ(errorOf([&] {
                loss(x, from_vector({0, 1, -1}, {3}, kInt64));
              }),
              "cross_entropy: target -1 at position 2 is out of bounds for 4 "
              "classes");
    // The rejected calls found the compiled code but ran nothing: the
    // gradient is the first call's, and a good call still accumulates.
    Tensor gradient = w.grad().clone();
    {
      Tensor eagerW = ones({3, 4}, requires_grad());
      nn::functional::cross_entropy(x.matmul(eagerW),
                                    from_vector({0, 3, 1}, {3}, kInt64))
          .backward();
      expectClose(gradient, eagerW.grad());
    }
    loss(x, from_vector({2, 2, 2}, {3}, kInt64));
    EXPECT_FALSE(allclose(w.grad(), gradient));
    EXPECT_EQ(loss.getStats().compilations, 1);
    // A call the replay rejected did not reach the compiled code.
    EXPECT_EQ(loss.getStats().cacheHits, assumePure ? 3 : 1);
  }
}

TEST(JitCompile, CrossEntropyChecksCapturedTargetsAndAcceptsConstants) {
  Tensor w = ones({3, 4}, requires_grad());
  Tensor captured = from_vector({0, 1, 2}, {3}, kInt64);
  jit::CompiledFunction fromCapture =
      jit::compile([&](const std::vector<Tensor> &in) {
        return nn::functional::cross_entropy(in[0].matmul(w), captured);
      });
  fromCapture(ones({3, 3}));
  {
    NoGradGuard noGrad;
    captured.fill_(7);
  }
  EXPECT_EQ(errorOf([&] {
              fromCapture(ones({3, 3}));
            }),
            "cross_entropy: target 7 at position 0 is out of bounds for 4 "
            "classes");
  // Targets made inside the function are constants of the compiled code,
  // checked once when traced.
  jit::CompiledFunction fromConstant =
      jit::compile([&](const std::vector<Tensor> &in) {
        return nn::functional::cross_entropy(
            in[0].matmul(w), from_vector({3, 2, 1}, {3}, kInt64));
      });
  fromConstant(ones({3, 3}));
  fromConstant(ones({3, 3}));
  EXPECT_EQ(fromConstant.getStats().cacheHits, 1);
}

TEST(JitCompile, CrossEntropyRejectsTargetsComputedInside) {
  Tensor w = ones({3, 4}, requires_grad());
  jit::CompiledFunction loss = jit::compile([&](const std::vector<Tensor> &in) {
    return nn::functional::cross_entropy(in[0].matmul(w), in[1].reshape({3}));
  });
  EXPECT_EQ(errorOf([&] {
              loss(ones({3, 3}), from_vector({0, 1, 2}, {3, 1}, kInt64));
            }),
            "cross_entropy: the target indices (shape [3]) are computed "
            "inside the traced function, so a later call could not check "
            "that they lie in [0, 4); pass them as an input instead");
}

TEST(JitCompile, BinaryCrossEntropyWithLogitsMatchesEager) {
  // Logits exactly 0 (where relu and abs have a kink), moderate, and large
  // enough that a naive log(sigmoid(x)) would give -inf; the targets
  // require grad too.
  Tensor logits = from_vector({0, 0, 2.5, -1.25, 40, -40, 90, -90}, {8});
  Tensor scale = ones({8}, requires_grad());
  Tensor shift = zeros({8}, requires_grad()); // d loss / d logit
  Tensor target =
      from_vector({1, 0, 0.25, 1, 0, 1, 1, 0}, {8}).requires_grad_(true);
  for (auto reduction :
       {nn::functional::Reduction::Mean, nn::functional::Reduction::Sum}) {
    auto loss = [&](const std::vector<Tensor> &in) {
      return nn::functional::binary_cross_entropy_with_logits(
          in[0] * scale + shift, target, reduction);
    };
    Tensor eager = loss({logits});
    eager.backward();
    std::vector<Tensor> leaves = {scale, shift, target}, eagerGrads;
    for (Tensor &leaf : leaves) {
      eagerGrads.push_back(leaf.grad().clone());
      leaf.mutable_grad() = Tensor();
    }
    jit::CompiledFunction compiled = jit::compile(loss, "bce");
    Tensor result = compiled(logits);
    EXPECT_TRUE(std::isfinite(result.item<float>()));
    expectClose(result, eager);
    for (size_t i = 0; i < leaves.size(); ++i) {
      expectClose(leaves[i].grad(), eagerGrads[i]);
      leaves[i].mutable_grad() = Tensor();
    }
  }
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
  // A result with no gradient (detached, or computed under NoGradGuard) is
  // computed, and no .grad is touched, as eagerly.
  Tensor detached = jit::compile([&](const std::vector<Tensor> &in) {
    return (in[0] * w).detach().sum();
  })(ones({2}));
  EXPECT_EQ(detached.item(), (ones({2}) * w).sum().item());
  Tensor noGrad = jit::compile([&](const std::vector<Tensor> &in) {
    Tensor scaled = in[0] * w;
    NoGradGuard guard;
    return (scaled * 2.0).sum();
  })(ones({2}));
  EXPECT_EQ(noGrad.item(), 2.0 * detached.item());
  EXPECT_FALSE(w.grad().defined());
}

} // namespace

TEST(JitCompile, NamesWithSpacesAndCommasCompile) {
  Tensor w = ones({2}, requires_grad());
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) { return (in[0] * w).sum(); },
      "linear regression 1000x1, MSE");
  loss(from_vector({3, 4}, {2}));
  expectClose(w.grad(), from_vector({3, 4}, {2}));
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) { return (in[0] * w).sum(); },
      optim::SGDOptions(0.5), "one step, SGD");
  step(from_vector({2, 2}, {2}));
  expectClose(w, from_vector({0, 0}, {2}));
  EXPECT_EQ(errorOf([] {
              jit::compile([](const std::vector<Tensor> &in) { return in[0]; },
                           "say \"hi\"");
            }),
            "jit::compile: invalid function name 'say \"hi\"' (it must be "
            "non-empty and have no double quote)");
}
