//===- ModuleModeTest.cpp - train() and eval() in compiled code -----------===//
//
// A module's mode changes which ops its forward runs (batch statistics or
// running statistics, dropout masks or none). Compiled functions and train
// steps see the change through the replayed trace, compile the other mode
// once, and keep both versions.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

using namespace adjit;
using namespace adjit::test;

namespace {

/// conv - batch norm - ReLU - dropout - linear over [N, 1, 4, 4].
class SmallNetImpl : public nn::Module {
public:
  SmallNetImpl() : Module("SmallNet") {
    conv = register_module("conv", nn::Conv2d(nn::Conv2dOptions(1, 3, 3)));
    bn = register_module("bn", nn::BatchNorm2d(3));
    dropout = register_module("dropout", nn::Dropout(0.5));
    fc = register_module("fc", nn::Linear(12, 2));
  }
  Tensor forward(const Tensor &x) override {
    return fc(dropout(relu(bn(conv(x))).flatten(1)));
  }
  nn::Conv2d conv{nullptr};
  nn::BatchNorm2d bn{nullptr};
  nn::Dropout dropout{nullptr};
  nn::Linear fc{nullptr};
};
ADJIT_MODULE(SmallNet);

TEST(ModuleModeJit, EvalAndTrainCompileOnceEach) {
  manual_seed(3);
  SmallNet net;
  jit::CompiledFunction forward = jit::compile(
      [&](const std::vector<Tensor> &in) { return net(in[0]).sum(); },
      "small_net");
  Tensor x = randn({4, 1, 4, 4});

  forward(x); // training mode: batch statistics, a dropout mask
  EXPECT_EQ(forward.getStats().compilations, 1);
  Tensor meanAfterTraining = net->bn->running_mean.clone();

  net->eval();
  Tensor compiledEval = forward(x);
  EXPECT_EQ(forward.getStats().compilations, 2);
  EXPECT_FALSE(forward.getStats().lastReason.empty());
  // Eval mode reads the running statistics and writes nothing.
  expectClose(net->bn->running_mean, meanAfterTraining);
  Tensor eagerEval;
  {
    NoGradGuard noGrad;
    eagerEval = net(x).sum();
  }
  expectClose(compiledEval, eagerEval);
  // Deterministic in eval mode: no dropout.
  expectClose(forward(x), eagerEval);

  net->train();
  forward(x);
  EXPECT_EQ(forward.getStats().compilations, 2);
  EXPECT_EQ(forward.getStats().cacheHits, 2);
  // Training mode writes the running statistics again.
  EXPECT_GT((net->bn->running_mean - meanAfterTraining).abs().max().item(), 0);
}

TEST(ModuleModeJit, TrainStepAndEvalFunctionShareTheModule) {
  manual_seed(5);
  SmallNet net;
  auto loss = [&](const std::vector<Tensor> &in) {
    return nn::functional::cross_entropy(net(in[0]), in[1]);
  };
  jit::TrainStep step(loss, optim::SGDOptions(0.1).momentum(0.9));
  jit::CompiledFunction evaluate = jit::compile(loss, "small_net_eval");
  Tensor x = randn({6, 1, 4, 4});
  Tensor y = from_vector({0, 1, 1, 0, 1, 0}, {6}, kInt64);
  for (int epoch = 0; epoch < 3; ++epoch) {
    step(x, y);
    step(x, y);
    net->eval();
    NoGradGuard noGrad;
    Tensor compiled = evaluate(x, y);
    expectClose(compiled, loss({x, y}));
    net->train();
  }
  EXPECT_EQ(step.getStats().compilations, 1);
  EXPECT_EQ(evaluate.getStats().compilations, 1);
}

} // namespace
