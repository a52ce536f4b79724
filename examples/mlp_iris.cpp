//===- mlp_iris.cpp - An MLP classifier on Fisher's Iris data -------------===//
//
// Trains Linear(4, 16) - ReLU - Linear(16, 3) with cross entropy and Adam on
// 120 of the 150 Iris flowers and reports the accuracy on the other 30:
// eagerly, with the loss and gradients compiled (--jit), or with the loss,
// gradients and Adam update compiled into one jit::TrainStep (--fused).
//
//===----------------------------------------------------------------------===//

#include "IrisData.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

using namespace adjit;
namespace F = adjit::nn::functional;

int main(int argc, char **argv) {
  // Arguments: [--jit | --fused] [path of iris.csv]. With --jit the loss and
  // its gradients run as one function compiled by adjit::jit::compile; with
  // --fused the Adam update is compiled into it too (adjit::jit::TrainStep).
  examples::ExampleArgs args =
      examples::parseExampleArgs(argc, argv, "iris.csv");
  const bool useJit = args.useJit, useTrainStep = args.useTrainStep;
  const std::string &path = args.dataPath;
  examples::IrisSplit iris;
  if (!examples::loadIris(path, iris)) {
    std::fprintf(stderr, "cannot read the Iris data from %s\n", path.c_str());
    return 1;
  }
  Tensor xTrain = iris.xTrain, yTrain = iris.yTrain;
  Tensor xTest = iris.xTest, yTest = iris.yTest;
  const int64_t nTrain = xTrain.size(0), nTest = xTest.size(0);

  nn::Sequential model(nn::Linear(4, 16), nn::ReLU(), nn::Linear(16, 3));
  optim::AdamOptions adam(0.05);
  optim::Adam optimizer(model->parameters(), adam);

  auto lossOf = [&](const std::vector<Tensor> &in) {
    return F::cross_entropy(model(in[0]), in[1]);
  };
  jit::CompiledFunction compiledLoss = jit::compile(lossOf, "iris_loss");
  jit::TrainStep trainStep(lossOf, adam, "iris_train_step");

  // Time of each step (training only, not the printing); the first step of
  // a compiled mode traces and compiles.
  using Clock = std::chrono::steady_clock;
  double firstStepMs = 0, laterStepsUs = 0;
  const int epochs = 50;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    Clock::time_point start = Clock::now();
    Tensor loss;
    if (useTrainStep) {
      loss = trainStep(xTrain, yTrain); // updates the parameters in place
    } else {
      optimizer.zero_grad();
      if (useJit) {
        loss = compiledLoss(xTrain, yTrain); // also fills the .grad()s
      } else {
        loss = lossOf({xTrain, yTrain});
        loss.backward();
      }
      optimizer.step();
    }
    double us =
        std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    if (epoch == 1)
      firstStepMs = us / 1e3;
    else
      laterStepsUs += us;
    std::printf("epoch %2d  loss %.4f\n", epoch, loss.item<float>());
  }

  NoGradGuard noGrad;
  auto accuracy = [&](const Tensor &x, const Tensor &y) {
    Tensor predicted = model(x).argmax(1);
    return (predicted == y).to(kFloat).mean().item<double>();
  };
  std::printf("train accuracy %.1f%% (%lld samples)\n",
              100 * accuracy(xTrain, yTrain), (long long)nTrain);
  std::printf("test accuracy %.1f%% (%lld samples)\n",
              100 * accuracy(xTest, yTest), (long long)nTest);
  jit::CompileStats stats =
      useTrainStep ? trainStep.getStats() : compiledLoss.getStats();
  if (useJit || useTrainStep)
    std::printf("compiled %lld time(s), %lld cached call(s); %lld "
                "compilation(s) loaded from the disk cache\n",
                (long long)stats.compilations, (long long)stats.cacheHits,
                (long long)stats.diskHits);
  std::printf("first step %.1f ms%s, later steps %.1f us each\n", firstStepMs,
              useJit || useTrainStep ? " (traces and compiles)" : "",
              laterStepsUs / (epochs - 1));
  return 0;
}
