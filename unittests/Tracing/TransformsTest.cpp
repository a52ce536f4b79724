//===- TransformsTest.cpp - tests of jit::grad and jit::vjp ---------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT/Transforms.h"
#include "adjit/Runtime/OpObserver.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;
using test::finiteDifferences;

Tensor vec(std::vector<double> values) {
  auto size = static_cast<int64_t>(values.size());
  return from_vector(values, {size}, Dtype::Float64);
}

Tensor scalar(double value) {
  return from_vector(std::vector<double>{value}, {}, Dtype::Float64);
}

/// Expects `actual` within 1e-5 of `expected` (relative, plus 1e-6).
void expectNear(const Tensor &actual, const Tensor &expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  Tensor a = actual.detach().to(Dtype::Float64).contiguous();
  Tensor e = expected.detach().to(Dtype::Float64).contiguous();
  for (int64_t i = 0; i < a.numel(); ++i)
    EXPECT_NEAR(a.data_ptr<double>()[i], e.data_ptr<double>()[i],
                1e-5 * std::abs(e.data_ptr<double>()[i]) + 1e-6)
        << "element " << i;
}

Tensor threeInputLoss(const std::vector<Tensor> &in) {
  return (in[0].sin() * in[1]).sum() +
         (in[2].matmul(in[0]) * in[1]).pow(2.0).mean() / 3.0;
}

//===----------------------------------------------------------------------===//
// jit::grad
//===----------------------------------------------------------------------===//

TEST(JitGrad, MatchesEagerAutogradForSeveralArgnums) {
  manual_seed(11);
  Tensor x = randn({3}, Dtype::Float64), y = randn({3}, Dtype::Float64);
  Tensor z = randn({3, 3}, Dtype::Float64);
  std::vector<Tensor> leaves = {x.clone().requires_grad_(),
                                y.clone().requires_grad_(),
                                z.clone().requires_grad_()};
  std::vector<Tensor> eager = autograd::grad({threeInputLoss(leaves)}, leaves);

  // A negative argnum counts from the end (JAX's: -1 is the last input).
  for (std::vector<int64_t> argnums :
       {std::vector<int64_t>{0}, {2, 0}, {1}, {0, 1, 2}, {-1, 0}}) {
    jit::GradFunction gradient = jit::grad(threeInputLoss, argnums);
    std::vector<Tensor> compiled = gradient(x, y, z);
    ASSERT_EQ(compiled.size(), argnums.size());
    for (size_t i = 0; i < argnums.size(); ++i) {
      size_t input =
          static_cast<size_t>(argnums[i] < 0 ? argnums[i] + 3 : argnums[i]);
      expectNear(compiled[i], eager[input]);
      EXPECT_FALSE(compiled[i].requires_grad());
      expectNear(compiled[i],
                 finiteDifferences(threeInputLoss, {x, y, z}, input));
    }
    EXPECT_FALSE(x.grad().defined());
  }
  // Inside a trace, too.
  jit::CompiledFunction nested = jit::compile(
      [](const std::vector<Tensor> &in) {
        return jit::grad(threeInputLoss, {-2})(in)[0].sum();
      },
      "nested_negative");
  expectNear(nested(x, y, z), eager[1].sum());
}

TEST(JitGrad, IgnoresRequiresGradAndGradModeOfTheCaller) {
  Tensor w = vec({0.5, -1.5}).requires_grad_();
  Tensor x = vec({1, 2}).requires_grad_();
  jit::GradFunction gradient = jit::grad(
      [&](const std::vector<Tensor> &in) { return (in[0] * in[0] * w).sum(); },
      {0}, jit::CompileOptions{"weighted"});
  NoGradGuard noGrad;
  std::vector<Tensor> g = gradient(x);
  expectClose(g[0], vec({1, -6}));
  EXPECT_FALSE(w.grad().defined());
  EXPECT_FALSE(x.grad().defined());
  // A captured tensor that requires grad is a constant of the gradient.
  EXPECT_NE(gradient.getLastIR().find("func.func @weighted_grad"),
            std::string::npos);
}

TEST(JitGrad, CachesPerSignatureAndReplays) {
  double scale = 2.0;
  jit::GradFunction gradient = jit::grad([&](const std::vector<Tensor> &in) {
    return (in[0] * scale).exp().sum();
  });
  Tensor x = vec({0.1, 0.2});
  expectClose(gradient(x)[0], (x * 2.0).exp() * 2.0);
  expectClose(gradient(x)[0], (x * 2.0).exp() * 2.0);
  EXPECT_EQ(gradient.getStats().compilations, 1);
  EXPECT_EQ(gradient.getStats().cacheHits, 1);
  scale = 3.0;
  expectClose(gradient(x)[0], (x * 3.0).exp() * 3.0);
  EXPECT_EQ(gradient.getStats().compilations, 2);
  Tensor longer = vec({0.1, 0.2, 0.3});
  expectClose(gradient(longer)[0], (longer * 3.0).exp() * 3.0);
  EXPECT_EQ(gradient.getStats().lastReason,
            "input 0 changed shape from [2] to [3]");
}

TEST(JitGrad, GradOfGradIsTheSecondDerivative) {
  // f(x) = x^3 sin(x): f'' = 6x sin x + 6x^2 cos x - x^3 sin x.
  auto f = [](const std::vector<Tensor> &in) {
    return in[0].pow(3.0) * in[0].sin();
  };
  jit::GradFunction second = jit::grad(jit::grad(f));
  for (double v : {0.3, -1.2, 2.0}) {
    Tensor x = scalar(v);
    double expected =
        6 * v * std::sin(v) + 6 * v * v * std::cos(v) - v * v * v * std::sin(v);
    std::vector<Tensor> g = second(x);
    ASSERT_EQ(g.size(), 1u);
    EXPECT_NEAR(g[0].item<double>(), expected, 1e-10 * std::abs(expected));
    // As eager autograd's double backward computes it.
    Tensor leaf = x.clone().requires_grad_();
    Tensor first = autograd::grad({f({leaf})}, {leaf}, {}, std::nullopt,
                                  /*createGraph=*/true)[0];
    expectNear(g[0], autograd::grad({first}, {leaf})[0]);
  }
  EXPECT_EQ(second.getStats().compilations, 1);
  EXPECT_EQ(second.getStats().cacheHits, 2);
  // The derivative of the inlined gradient was derived in the IR.
  std::string ir = second.getLastIR();
  EXPECT_NE(ir.find("func.func @grad_grad"), std::string::npos) << ir;
  EXPECT_EQ(ir.find("call"), std::string::npos) << ir;
  // And a third derivative: f''' at 0.3 by finite differences of f''.
  jit::GradFunction third = jit::grad(second);
  double h = 1e-5;
  double expected = (second(scalar(0.3 + h))[0].item<double>() -
                     second(scalar(0.3 - h))[0].item<double>()) /
                    (2 * h);
  EXPECT_NEAR(third(scalar(0.3))[0].item<double>(), expected, 1e-6);
}

TEST(JitGrad, HessianVectorProductsThroughAGradient) {
  manual_seed(5);
  Tensor x = randn({4}, Dtype::Float64), v = randn({4}, Dtype::Float64);
  Tensor a = randn({4, 4}, Dtype::Float64);
  auto f = [&](const std::vector<Tensor> &in) {
    return (a.matmul(in[0]).tanh() * in[0]).sum();
  };
  jit::GradFunction gradient = jit::grad(f);
  jit::GradFunction hvp = jit::grad([&](const std::vector<Tensor> &in) {
    return (gradient(in)[0] * v).sum();
  });
  Tensor leaf = x.clone().requires_grad_();
  Tensor g = autograd::grad({f({leaf})}, {leaf}, {}, std::nullopt, true)[0];
  Tensor eager = autograd::grad({(g * v).sum()}, {leaf})[0];
  expectNear(hvp(x)[0], eager);
  expectNear(hvp(x)[0], finiteDifferences(
                            [&](std::vector<Tensor> in) {
                              return (gradient(in)[0] * v).sum();
                            },
                            {x}, 0));
}

TEST(JitGrad, InsideJitCompileAccumulatesTheSecondOrderIntoGrad) {
  // loss(w) = |d/dx f(x, w)|^2 with f(x, w) = sum(tanh(w x)): the compiled
  // function traces the gradient inline, and jit::compile differentiates
  // it again w.r.t. the captured w.
  Tensor w = vec({0.7, -0.4, 1.1}).requires_grad_();
  Tensor x = vec({0.3, 0.9, -0.5});
  jit::GradFunction inner = jit::grad(
      [&](const std::vector<Tensor> &in) { return (w * in[0]).tanh().sum(); });
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return inner(in)[0].pow(2.0).sum();
      },
      "gradient_penalty");
  Tensor value = loss(x);

  Tensor eagerW = w.detach().clone().requires_grad_();
  Tensor leaf = x.clone().requires_grad_();
  Tensor g = autograd::grad({(eagerW * leaf).tanh().sum()}, {leaf}, {},
                            std::nullopt, true)[0];
  Tensor eagerLoss = g.pow(2.0).sum();
  eagerLoss.backward();
  expectNear(value, eagerLoss);
  expectNear(w.grad(), eagerW.grad());
  // A second call replays the nested gradient and reuses the code.
  loss(x);
  expectNear(w.grad(), eagerW.grad() * 2.0);
  EXPECT_EQ(loss.getStats().compilations, 1);
  EXPECT_EQ(loss.getStats().cacheHits, 1);
}

TEST(JitGrad, ReplayChecksTheNestedFunction) {
  double scale = 2.0;
  jit::GradFunction inner = jit::grad(
      [&](const std::vector<Tensor> &in) {
        return (in[0] * scale).sin().sum();
      },
      {0}, jit::CompileOptions{"inner"});
  jit::CompiledFunction outer = jit::compile(
      [&](const std::vector<Tensor> &in) { return inner(in)[0].sum(); },
      "outer");
  Tensor x = vec({0.1, 0.2});
  expectClose(outer(x), ((x * 2.0).cos() * 2.0).sum());
  scale = 3.0;
  expectClose(outer(x), ((x * 3.0).cos() * 3.0).sum());
  EXPECT_EQ(outer.getStats().compilations, 2);
  EXPECT_EQ(outer.getStats().lastReason,
            "in jit::grad of 'inner' w.r.t. inputs [0] (op 0): scalar "
            "operand 1 of mul (op 1) changed from 2 to 3");
}

TEST(JitGrad, Errors) {
  jit::GradFunction gradient = jit::grad(threeInputLoss, {0, 3});
  Tensor x = vec({1, 2, 3}), z = ones({3, 3}, Dtype::Float64);
  EXPECT_EQ(errorOf([&] { gradient(x, x, z); }),
            "jit::grad: argnum 3 is out of range: 'grad' was called with 3 "
            "inputs");
  EXPECT_EQ(errorOf([&] {
              jit::grad(threeInputLoss, {1, 1})(x, x, z);
            }),
            "jit::grad: argnum 1 is listed twice");
  EXPECT_EQ(errorOf([&] {
              jit::grad(threeInputLoss, {2, -1})(x, x, z);
            }),
            "jit::grad: argnum -1 (input 2) is listed twice");
  EXPECT_EQ(errorOf([&] { jit::grad(threeInputLoss, {-4})(x, x, z); }),
            "jit::grad: argnum -4 is out of range: 'grad' was called with 3 "
            "inputs");
  EXPECT_EQ(errorOf([&] { jit::grad(threeInputLoss, {}); }),
            "jit::grad: argnums is empty; name at least one input");
  Tensor indices = from_vector(std::vector<int64_t>{0, 1}, {2}, kInt64);
  EXPECT_EQ(errorOf([&] {
              jit::grad([](const std::vector<Tensor> &in) {
                return in[0].to(Dtype::Float64).sum();
              })(indices);
            }),
            "jit::grad: input 0 of 'grad' is a int64 tensor of shape [2]; "
            "only float32 and float64 inputs are differentiable");
  EXPECT_EQ(errorOf([&] {
              jit::grad(
                  [](const std::vector<Tensor> &in) { return in[0] * 2.0; },
                  {0}, jit::CompileOptions{"doubled"})(x);
            }),
            "jit::grad: 'doubled' must return one floating-point tensor with "
            "one element to be differentiated, but returned a float64 tensor "
            "of shape [3] (use jit::vjp for other results)");
  EXPECT_EQ(errorOf([&] {
              jit::grad(
                  [](const std::vector<Tensor> &in) -> std::vector<Tensor> {
                    return {in[0].sum(), in[0].sum()};
                  })(x);
            }),
            "jit::grad: 'grad' must return one floating-point tensor with one "
            "element to be differentiated, but returned 2 tensors (use "
            "jit::vjp for other results)");
}

//===----------------------------------------------------------------------===//
// jit::vjp
//===----------------------------------------------------------------------===//

std::vector<Tensor> twoOutputs(const std::vector<Tensor> &in) {
  Tensor h = in[0].matmul(in[1]).tanh();
  return {h, (h * in[0].sum()).sum(), h.argmax(0)};
}

TEST(JitVjp, MatchesEagerWithRandomCotangents) {
  manual_seed(17);
  Tensor x = randn({2, 3}, Dtype::Float64), w = randn({3, 4}, Dtype::Float64);
  jit::VjpFunction f = jit::vjp(twoOutputs);
  for (int trial = 0; trial < 3; ++trial) {
    jit::VjpResult result = f({x, w});
    std::vector<Tensor> eagerOutputs = twoOutputs({x, w});
    ASSERT_EQ(result.outputs.size(), 3u);
    expectNear(result.outputs[0], eagerOutputs[0]);
    expectNear(result.outputs[1], eagerOutputs[1]);
    EXPECT_TRUE(equal(result.outputs[2], eagerOutputs[2]));
    EXPECT_FALSE(result.outputs[0].requires_grad());

    Tensor c0 = randn({2, 4}, Dtype::Float64), c1 = randn({}, Dtype::Float64);
    Tensor c2 = zeros({4}, kInt64);
    std::vector<Tensor> products = result.pullback({c0, c1, c2});
    std::vector<Tensor> leaves = {x.clone().requires_grad_(),
                                  w.clone().requires_grad_()};
    std::vector<Tensor> outputs = twoOutputs(leaves);
    std::vector<Tensor> eager =
        autograd::grad({outputs[0], outputs[1]}, leaves, {c0, c1});
    ASSERT_EQ(products.size(), 2u);
    expectNear(products[0], eager[0]);
    expectNear(products[1], eager[1]);
    // The pullback can be called again, with other cotangents.
    expectNear(result.pullback({c0 * 2.0, c1 * 2.0, c2})[1], eager[1] * 2.0);
  }
  EXPECT_EQ(f.getStats().compilations, 1);
  EXPECT_NE(f.getLastIR().find("func.func @vjp_vjp"), std::string::npos);
}

TEST(JitVjp, IntegerInputsGetNoCotangent) {
  Tensor x = vec({1, 2, 3});
  Tensor index = from_vector(std::vector<int64_t>{2, 0}, {2}, kInt64);
  jit::VjpResult result = jit::vjp(
      [](const std::vector<Tensor> &in) {
        return in[0].gather(0, in[1]) * 3.0;
      },
      {x, index});
  expectClose(result.outputs[0], vec({9, 3}));
  std::vector<Tensor> products = result.pullback({vec({1, 10})});
  expectClose(products[0], vec({30, 0, 3}));
  EXPECT_FALSE(products[1].defined());
}

TEST(JitVjp, CotangentErrorsNameShapes) {
  jit::VjpResult result = jit::vjp(twoOutputs, {ones({2, 3}), ones({3, 4})});
  EXPECT_EQ(errorOf([&] {
              result.pullback({ones({2, 4})});
            }),
            "jit::vjp: the pullback of 'vjp' takes one cotangent per output "
            "(3), but got 1");
  EXPECT_EQ(errorOf([&] {
              result.pullback({ones({4, 2}), ones({}), zeros({4}, kInt64)});
            }),
            "jit::vjp: the pullback of 'vjp': cotangent 0 must be a float32 "
            "tensor of shape [2, 4] like output 0, but is float32 of shape "
            "[4, 2]");
  EXPECT_EQ(errorOf([&] {
              result.pullback(
                  {ones({2, 4}), ones({}, Dtype::Float64), zeros({4}, kInt64)});
            }),
            "jit::vjp: the pullback of 'vjp': cotangent 1 must be a float32 "
            "tensor of shape [] like output 1, but is float64 of shape []");
}

TEST(JitVjp, PullbackAfterAnInPlaceChangeIsAnError) {
  Tensor x = vec({1, 2});
  jit::VjpResult result =
      jit::vjp([](const std::vector<Tensor> &in) { return in[0].exp(); }, {x});
  x.add_(1.0);
  EXPECT_EQ(errorOf([&] {
              result.pullback({vec({1, 1})});
            }),
            "jit::vjp: the pullback of 'vjp': input 0 (shape [2]) was changed "
            "in place after the call that made the pullback");
}

TEST(JitVjp, OfAGradIsAHessianVectorProduct) {
  manual_seed(23);
  Tensor x = randn({3}, Dtype::Float64), v = randn({3}, Dtype::Float64);
  auto f = [](const std::vector<Tensor> &in) {
    return (in[0].exp() * in[0].sin()).sum() + in[0].prod();
  };
  jit::VjpResult result = jit::vjp(jit::grad(f), {x});
  Tensor leaf = x.clone().requires_grad_();
  Tensor g = autograd::grad({f({leaf})}, {leaf}, {}, std::nullopt, true)[0];
  expectNear(result.outputs[0], g);
  expectNear(result.pullback({v})[0], autograd::grad({g}, {leaf}, {v})[0]);
}

TEST(JitVjp, InsideJitCompile) {
  // A compiled function that calls jit::vjp and its pullback: the forward
  // and the products are traced inline.
  manual_seed(29);
  Tensor x = randn({3}, Dtype::Float64), c = randn({3}, Dtype::Float64);
  Tensor w = randn({3}, Dtype::Float64).requires_grad_();
  auto f = [&](const std::vector<Tensor> &in) { return (in[0] * w).sin(); };
  jit::CompiledMultiFunction compiled = jit::compile(
      [&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        jit::VjpResult result = jit::vjp(f, {in[0]});
        return {result.outputs[0], result.pullback({in[1]})[0]};
      },
      "vjp_inside");
  for (int call = 0; call < 2; ++call) {
    std::vector<Tensor> results = compiled(x, c);
    Tensor leaf = x.clone().requires_grad_();
    Tensor y = f({leaf});
    expectNear(results[0], y);
    expectNear(results[1], autograd::grad({y}, {leaf}, {c})[0]);
  }
  EXPECT_EQ(compiled.getStats().compilations, 1);
  EXPECT_EQ(compiled.getStats().cacheHits, 1);
}

TEST(JitVjp, PullbackMadeInsideATraceMustBeCalledThere) {
  jit::Pullback escaped;
  jit::CompiledFunction compiled =
      jit::compile([&](const std::vector<Tensor> &in) {
        jit::VjpResult result = jit::vjp(
            [](const std::vector<Tensor> &x) { return x[0] * 2.0; }, in);
        escaped = result.pullback;
        return result.outputs[0];
      });
  compiled(vec({1, 2}));
  EXPECT_EQ(errorOf([&] {
              escaped({vec({1, 1})});
            }),
            "jit::vjp: the pullback of 'vjp' was made inside a traced "
            "function and must be called inside that trace");
}

//===----------------------------------------------------------------------===//
// State and misuse
//===----------------------------------------------------------------------===//

TEST(JitTransforms, GradOfAFunctionWithDropoutDrawsAsEagerly) {
  // At the top level a transformed function may write state: the gradient
  // uses the mask eager dropout draws after the same seed, and the
  // generator advances as eagerly.
  auto f = [](const std::vector<Tensor> &in) {
    return (dropout(in[0], 0.5, true) * in[0]).sum();
  };
  jit::GradFunction gradient = jit::grad(f);
  Tensor x = vec({1, 2, 3, 4, 5, 6, 7, 8});
  for (int call = 0; call < 2; ++call) {
    manual_seed(100 + call);
    std::vector<Tensor> g = gradient(x);
    Tensor compiledState = runtime::getRandomState().clone();
    manual_seed(100 + call);
    Tensor leaf = x.clone().requires_grad_();
    f({leaf}).backward();
    expectClose(g[0], leaf.grad());
    EXPECT_TRUE(equal(compiledState, runtime::getRandomState()));
  }
}

TEST(JitTransforms, UnsupportedUsesAreErrors) {
  auto f = [](const std::vector<Tensor> &in) { return in[0].exp().sum(); };
  jit::CompileOptions options{"dist"};
  options.distributed = jit::DistributedOptions{};
  EXPECT_EQ(errorOf([&] { jit::grad(f, {0}, options); }),
            "jit::grad: CompileOptions::distributed is not supported (it "
            "averages the gradients jit::compile accumulates into .grad())");

  jit::GradFunction withDropout = jit::grad(
      [](const std::vector<Tensor> &in) {
        return dropout(in[0], 0.5, true).sum();
      },
      {0}, jit::CompileOptions{"f"});
  jit::CompiledFunction outer = jit::compile(
      [&](const std::vector<Tensor> &in) { return withDropout(in)[0].sum(); });
  EXPECT_EQ(errorOf([&] {
              outer(vec({1, 2}));
            }),
            "jit::grad of 'f' w.r.t. inputs [0]: the function writes state "
            "(batch_norm's running statistics, dropout's generator), which a "
            "transform called inside a traced function does not support; "
            "call the transform outside it");

  jit::VjpResult result = jit::vjp(f, {vec({1, 2})});
  jit::CompiledFunction inside = jit::compile(
      [&](const std::vector<Tensor> &in) { return result.pullback(in)[0]; });
  EXPECT_EQ(errorOf([&] { inside(scalar(1)); }),
            "jit::vjp: the pullback of 'vjp' was made outside a traced "
            "function and is called inside one; call jit::vjp inside it too");
}

} // namespace
