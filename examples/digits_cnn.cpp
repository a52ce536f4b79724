//===- digits_cnn.cpp - A CNN classifier on the UCI handwritten digits ----===//
//
// Trains conv(1->8, 3x3) - batch norm - ReLU - max pool - conv(8->16, 3x3) -
// ReLU - max pool - dropout - linear(64->10) with cross entropy and SGD with
// momentum on 1,500 of the 1,797 8x8 digit images and reports the accuracy
// on the other 297: eagerly, with the loss and gradients compiled (--jit),
// or with the loss, gradients and SGD update compiled into one
// jit::TrainStep (--fused). The compiled modes run batch norm's running
// statistics update and dropout's random masks inside the compiled code.
//
//===----------------------------------------------------------------------===//

#include "DigitsNet.h"
#include "ExampleUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using namespace adjit;
using adjit::examples::DigitsNet;
namespace F = adjit::nn::functional;

namespace {
/// Reads the CSV: 64 pixels (0..16) and the label per row.
bool readDigits(const std::string &path, std::vector<float> &pixels,
                std::vector<int64_t> &labels) {
  std::vector<std::vector<std::string>> rows;
  if (!examples::readCsv(path, /*skipLines=*/0, rows))
    return false;
  for (const std::vector<std::string> &row : rows) {
    if (row.size() != 65)
      return false;
    for (int i = 0; i < 64; ++i)
      pixels.push_back(std::stof(row[i]) / 16.0f);
    labels.push_back(std::stoll(row[64]));
  }
  return !labels.empty();
}
} // namespace

int main(int argc, char **argv) {
  examples::ExampleArgs args =
      examples::parseExampleArgs(argc, argv, "digits.csv");
  const bool useJit = args.useJit, useTrainStep = args.useTrainStep;
  const std::string &path = args.dataPath;
  std::vector<float> pixels;
  std::vector<int64_t> labels;
  if (!readDigits(path, pixels, labels)) {
    std::fprintf(stderr, "cannot read the digits from %s\n", path.c_str());
    return 1;
  }
  const int64_t n = static_cast<int64_t>(labels.size());
  const int64_t nTrain = 1500, nTest = n - nTrain, batch = 64;
  manual_seed(0);

  // A seeded shuffle, then the first 1,500 images train and the rest test.
  Tensor order = randperm(n);
  std::vector<int64_t> shuffled(n);
  for (int64_t i = 0; i < n; ++i)
    shuffled[i] = order[i].item<int64_t>();
  // Gathers the images and labels at positions [begin, end) of `indices`.
  auto gather = [&](const std::vector<int64_t> &indices, int64_t begin,
                    int64_t end) {
    std::vector<float> x;
    std::vector<int64_t> y;
    for (int64_t i = begin; i < end; ++i) {
      int64_t j = indices[i];
      x.insert(x.end(), pixels.begin() + j * 64, pixels.begin() + j * 64 + 64);
      y.push_back(labels[j]);
    }
    int64_t count = end - begin;
    return std::pair{from_vector(x, {count, 1, 8, 8}),
                     from_vector(y, {count}, kInt64)};
  };
  auto [xTest, yTest] = gather(shuffled, nTrain, n);
  std::vector<int64_t> trainIndices(shuffled.begin(),
                                    shuffled.begin() + nTrain);

  DigitsNet model;
  optim::SGDOptions sgd = optim::SGDOptions(0.05).momentum(0.9);
  optim::SGD optimizer(model->parameters(), sgd);
  auto lossOf = [&](const std::vector<Tensor> &in) {
    return F::cross_entropy(model(in[0]), in[1]);
  };
  jit::CompiledFunction compiledLoss = jit::compile(lossOf, "digits_loss");
  jit::TrainStep trainStep(lossOf, sgd, "digits_train_step");

  auto testAccuracy = [&]() {
    NoGradGuard noGrad;
    model->eval();
    Tensor predicted = model(xTest).argmax(1);
    model->train();
    return (predicted == yTest).to(kFloat).mean().item<double>();
  };

  // Full batches only (23 of 64 per epoch), reshuffled every epoch, so that
  // every step has the same shapes.
  using Clock = std::chrono::steady_clock;
  const int epochs = 20;
  const int64_t steps = nTrain / batch;
  double firstStepMs = 0, laterStepsUs = 0;
  int64_t laterSteps = 0;
  double accuracy = 0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    // A step schedule: the last third of the epochs at a tenth of the rate.
    // It changes only a runtime input of the compiled step, so it does not
    // recompile.
    if (epoch == 2 * epochs / 3 + 1) {
      optimizer.options().lr(sgd.lr() / 10);
      trainStep.setLearningRate(sgd.lr() / 10);
    }
    Tensor perm = randperm(nTrain);
    std::vector<int64_t> epochOrder(nTrain);
    for (int64_t i = 0; i < nTrain; ++i)
      epochOrder[i] = trainIndices[perm[i].item<int64_t>()];
    double lossSum = 0;
    for (int64_t s = 0; s < steps; ++s) {
      auto [x, y] = gather(epochOrder, s * batch, (s + 1) * batch);
      Clock::time_point start = Clock::now();
      Tensor loss;
      if (useTrainStep) {
        loss = trainStep(x, y); // updates the parameters in place
      } else {
        optimizer.zero_grad();
        if (useJit) {
          loss = compiledLoss(x, y); // also fills the .grad()s
        } else {
          loss = lossOf({x, y});
          loss.backward();
        }
        optimizer.step();
      }
      double us =
          std::chrono::duration<double, std::micro>(Clock::now() - start)
              .count();
      if (epoch == 1 && s == 0) {
        firstStepMs = us / 1e3;
      } else {
        laterStepsUs += us;
        ++laterSteps;
      }
      lossSum += loss.item<double>();
    }
    accuracy = testAccuracy();
    std::printf("epoch %2d  loss %.4f  test accuracy %.1f%%\n", epoch,
                lossSum / steps, 100 * accuracy);
  }
  std::printf("final test accuracy %.1f%% (%lld test images)\n", 100 * accuracy,
              (long long)nTest);
  jit::CompileStats stats =
      useTrainStep ? trainStep.getStats() : compiledLoss.getStats();
  if (useJit || useTrainStep)
    std::printf("compiled %lld time(s), %lld cached call(s)\n",
                (long long)stats.compilations, (long long)stats.cacheHits);
  std::printf("first step %.1f ms%s, later steps %.1f us each\n", firstStepMs,
              useJit || useTrainStep ? " (traces and compiles)" : "",
              laterStepsUs / laterSteps);
  return 0;
}
