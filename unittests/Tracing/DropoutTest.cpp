//===- DropoutTest.cpp - compiled dropout draws the eager masks -----------===//

#include "TracingTestUtil.h"

#include "adjit/Runtime/OpObserver.h"

using namespace adjit;

namespace {

using test::expectClose;

int64_t offset() { return runtime::getRandomState()[1].item<int64_t>(); }

/// Expects the same shape and identical elements.
void expectIdentical(const Tensor &actual, const Tensor &expected) {
  ASSERT_EQ(actual.sizes(), expected.sizes());
  EXPECT_TRUE(equal(actual, expected)) << actual << "\nvs\n" << expected;
}

TEST(DropoutJit, SeededAlikeCompiledAndEagerDrawTheSameMasks) {
  for (Dtype dtype : {Dtype::Float32, Dtype::Float64}) {
    manual_seed(1);
    Tensor x = randn({7, 9}, dtype);
    auto twice = [](const std::vector<Tensor> &in) {
      // Two masks in one function: the second continues the stream.
      return dropout(dropout(in[0], 0.3) + 1.0, 0.6);
    };
    manual_seed(123);
    std::vector<Tensor> eager;
    for (int call = 0; call < 3; ++call)
      eager.push_back(twice({x}));
    int64_t eagerOffset = offset();
    EXPECT_EQ(eagerOffset, 3 * 2 * 63);

    manual_seed(123);
    jit::CompiledFunction compiled = jit::compile(twice, "dropout_twice");
    for (int call = 0; call < 3; ++call) {
      SCOPED_TRACE("call " + std::to_string(call));
      expectIdentical(compiled(x), eager[call]);
    }
    // Successive calls draw new masks, without recompiling.
    EXPECT_FALSE(equal(eager[0], eager[1]));
    EXPECT_EQ(offset(), eagerOffset);
    EXPECT_EQ(compiled.getStats().compilations, 1);
    EXPECT_EQ(compiled.getStats().cacheHits, 2);
  }
}

TEST(DropoutJit, CompiledGradientIsTheMask) {
  manual_seed(2);
  Tensor eagerX = randn({5, 6}).requires_grad_();
  Tensor x = eagerX.detach().clone().requires_grad_();
  auto loss = [](const Tensor &v) {
    return (dropout(v * v, 0.5) * linspace(1, 2, 30).reshape({5, 6})).sum();
  };
  jit::CompiledFunction compiled = jit::compile(
      [&](const std::vector<Tensor> &) { return loss(x); }, "dropout_grad");
  for (int call = 0; call < 3; ++call) {
    manual_seed(40 + call);
    eagerX.mutable_grad() = Tensor();
    Tensor eagerLoss = loss(eagerX);
    eagerLoss.backward();
    manual_seed(40 + call);
    x.mutable_grad() = Tensor();
    expectClose(compiled(std::vector<Tensor>{}), eagerLoss);
    expectClose(x.grad(), eagerX.grad());
  }
  EXPECT_EQ(compiled.getStats().compilations, 1);
}

TEST(DropoutJit, TrainStepDrawsTheEagerMasks) {
  auto makeParameters = [] {
    manual_seed(8);
    return std::vector<Tensor>{randn({4, 16}, requires_grad()),
                               randn({16, 1}, requires_grad())};
  };
  std::vector<Tensor> eager = makeParameters(), fused = makeParameters();
  auto lossWith = [](std::vector<Tensor> &p) {
    return [&p](const std::vector<Tensor> &in) {
      Tensor hidden = dropout(relu(in[0].matmul(p[0])), 0.25);
      return nn::functional::mse_loss(hidden.matmul(p[1]), in[1]);
    };
  };
  optim::SGD optimizer(eager, optim::SGDOptions(0.02));
  jit::TrainStep step(lossWith(fused), optim::SGDOptions(0.02));
  manual_seed(77);
  Tensor x = randn({10, 4}), y = randn({10, 1});
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    manual_seed(1000 + i);
    optimizer.zero_grad();
    Tensor eagerLoss = lossWith(eager)({x, y});
    eagerLoss.backward();
    optimizer.step();
    manual_seed(1000 + i);
    expectClose(step(x, y), eagerLoss);
    expectClose(fused[0], eager[0]);
    expectClose(fused[1], eager[1]);
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

TEST(DropoutJit, NotTrainingRecordsNoOp) {
  std::string ir = jit::trace(
      [](const std::vector<Tensor> &in) {
        return dropout(in[0], 0.5, /*train=*/false) * 2.0;
      },
      {ones({3})}, "no_dropout");
  EXPECT_EQ(ir.find("dropout_mask"), std::string::npos) << ir;
  std::string traced = jit::trace(
      [](const std::vector<Tensor> &in) { return dropout(in[0], 0.5); },
      {ones({3})}, "with_dropout");
  // The generator state is an argument; its advance is a second result.
  EXPECT_NE(traced.find("adjit.dropout_mask"), std::string::npos) << traced;
  EXPECT_NE(traced.find("(%arg0: tensor<3xf32>, %arg1: tensor<2xi64>) -> "
                        "(tensor<3xf32>, tensor<2xi64>)"),
            std::string::npos)
      << traced;
}

TEST(DropoutJit, ReseedingInsideTheFunctionIsAnError) {
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) {
        manual_seed(3);
        return dropout(in[0], 0.5);
      },
      "reseed");
  EXPECT_EQ(test::errorOf([&] { f(ones({4})); }),
            "manual_seed: not supported inside a traced function (it sets the "
            "random generators' state on the host)");
}

} // namespace
