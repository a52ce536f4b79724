//===- char_gpt.cpp - A character-level GPT on tinyshakespeare ------------===//
//
// Trains the GPT-2-style decoder of CharGPT.h (4 layers, 4 heads, 128 dims,
// context 64, batch 12: the CPU "baby GPT" of the nanoGPT quick start) on
// the characters of tinyshakespeare with AdamW (lr 1e-3, betas (0.9, 0.99),
// weight decay 0.1 on the matrices only), gradient clipping at norm 1.0,
// 100 warmup steps then cosine decay to 1e-4 at step 2000, and prints the
// training loss, the validation loss, tokens/s and the elapsed time, then 300
// sampled characters.
//
//   char_gpt [--eager] [--steps N] [path]   one compiled jit::TrainStep per
//                                           step (default) or eager autograd
//   char_gpt --compare [--steps N] [path]   compiled for N steps (default
//                                           5), eager alongside for the first
//                                           5, from the same initialization
//                                           and batches
//
//===----------------------------------------------------------------------===//

#include "CharData.h"
#include "CharGPT.h"
#include "ExampleUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace adjit;
using adjit::examples::CharCorpus;
using adjit::examples::CharGPT;
using adjit::examples::CharGPTConfig;

namespace {

constexpr int64_t kBatch = 12;
constexpr double kMaxLr = 1e-3, kMinLr = 1e-4, kWeightDecay = 0.1,
                 kMaxGradNorm = 1.0;
constexpr int64_t kWarmup = 100, kDecaySteps = 2000;
constexpr int64_t kEvalInterval = 250, kEvalBatches = 50;
constexpr uint64_t kModelSeed = 1337, kBatchSeed = 1, kEvalSeed = 2,
                   kSampleSeed = 3;

optim::AdamWOptions adamW() {
  return optim::AdamWOptions(kMaxLr)
      .betas({0.9, 0.99})
      .weight_decay(kWeightDecay);
}

/// A model and the way it trains: one compiled jit::TrainStep per step, or
/// eager autograd, nn::utils::clip_grad_norm_ and optim::AdamW. Both use
/// the model's two parameter groups (no weight decay on biases and
/// LayerNorms), clip the gradients' norm at kMaxGradNorm, and follow
/// nanoGPT's schedule: kWarmup steps of linear warmup, then cosine decay to
/// kMinLr at kDecaySteps.
class Trainer {
public:
  Trainer(const CharGPTConfig &config, bool eager) : eager(eager) {
    manual_seed(kModelSeed);
    model = CharGPT(config);
    auto lossFn = [model = model](const std::vector<Tensor> &in) {
      return model->loss(in[0], in[1]);
    };
    optim::Optimizer *scheduled;
    if (eager) {
      eagerLoss = lossFn;
      optimizer = std::make_unique<optim::AdamW>(
          model->parameterGroups(adamW()), adamW());
      scheduled = optimizer.get();
    } else {
      step = std::make_unique<jit::TrainStep>(
          lossFn, model->parameterGroups(adamW()), adamW(),
          jit::CompileOptions{"char_gpt"});
      step->clip_grad_norm(kMaxGradNorm);
      scheduled = &step->optimizer();
    }
    schedule = std::make_unique<optim::CosineWarmupLR>(*scheduled, kWarmup,
                                                       kDecaySteps, kMinLr);
  }

  /// One training step; returns the loss before it.
  double train(const Tensor &x, const Tensor &y) {
    double loss;
    if (eager) {
      optimizer->zero_grad();
      Tensor value = eagerLoss({x, y});
      value.backward();
      nn::utils::clip_grad_norm_(model->parameters(), kMaxGradNorm);
      optimizer->step();
      loss = value.item<double>();
    } else {
      loss = (*step)(x, y).item<double>();
    }
    schedule->step();
    return loss;
  }

  /// The learning rate of the next step.
  double learningRate() const { return schedule->get_last_lr().front(); }

  /// The mean loss over kEvalBatches batches of the validation text, drawn
  /// with the same seed at every evaluation.
  double validationLoss(const CharCorpus &corpus) const {
    NoGradGuard noGrad;
    std::mt19937_64 rng(kEvalSeed);
    double sum = 0;
    for (int64_t i = 0; i < kEvalBatches; ++i) {
      auto [x, y] = corpus.sample(/*validation=*/true, kBatch,
                                  model->config.contextLength, rng);
      sum += model->loss(x, y).item<double>();
    }
    return sum / kEvalBatches;
  }

  /// `count` characters drawn one at a time from the model's predictions,
  /// starting from a newline, with a seeded generator.
  std::string sample(const CharCorpus &corpus, int64_t count) const {
    NoGradGuard noGrad;
    std::mt19937_64 rng(kSampleSeed);
    auto newline = std::find(corpus.chars.begin(), corpus.chars.end(), '\n');
    std::vector<int64_t> context{newline - corpus.chars.begin()};
    std::string text;
    for (int64_t i = 0; i < count; ++i) {
      int64_t t =
          std::min<int64_t>(context.size(), model->config.contextLength);
      std::vector<int64_t> window(context.end() - t, context.end());
      Tensor logits = model(from_vector(window, {1, t}, kInt64));
      Tensor probs = logits.select(1, t - 1).view({-1}).softmax(0);
      const float *p = probs.contiguous().data_ptr<float>();
      std::discrete_distribution<int64_t> next(p, p + probs.numel());
      context.push_back(next(rng));
      text.push_back(corpus.chars[context.back()]);
    }
    return text;
  }

  const bool eager;
  CharGPT model{nullptr};
  std::unique_ptr<jit::TrainStep> step;
  std::unique_ptr<optim::AdamW> optimizer;
  std::unique_ptr<optim::CosineWarmupLR> schedule;
  jit::TensorFunction eagerLoss;
};

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Trains compiled and eagerly side by side on the same batches for `steps`
/// steps; prints the largest difference of their losses over the first 5
/// steps and whether the compiled loss fell. Returns 0 if they agree to
/// 1e-4 and the loss fell.
int compare(const CharCorpus &corpus, const CharGPTConfig &config,
            int64_t steps) {
  constexpr int64_t kCompared = 5;
  Trainer compiled(config, /*eager=*/false), eager(config, /*eager=*/true);
  std::mt19937_64 rng(kBatchSeed);
  double maxDiff = 0, first = 0, last = 0;
  for (int64_t s = 0; s < steps; ++s) {
    auto [x, y] = corpus.sample(false, kBatch, config.contextLength, rng);
    last = compiled.train(x, y);
    if (s == 0)
      first = last;
    if (s >= kCompared)
      continue;
    double reference = eager.train(x, y);
    maxDiff = std::max(maxDiff, std::abs(last - reference));
    std::printf("step %lld  compiled loss %.6f  eager loss %.6f\n",
                static_cast<long long>(s), last, reference);
  }
  bool agree = maxDiff <= 1e-4, fell = last < first;
  std::printf("largest loss difference over the first %lld steps: %.2e "
              "(%s 1e-4)\n",
              static_cast<long long>(std::min(steps, kCompared)), maxDiff,
              agree ? "within" : "NOT within");
  std::printf("compiled loss %.4f -> %.4f after %lld steps (%s)\n", first, last,
              static_cast<long long>(steps), fell ? "fell" : "did not fall");
  return agree && fell ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  examples::ExampleArgs args =
      examples::parseExampleArgs(argc, argv, "tinyshakespeare.txt");
  CharCorpus corpus;
  if (!corpus.read(args.dataPath)) {
    std::fprintf(stderr, "cannot read the text from %s\n",
                 args.dataPath.c_str());
    return 1;
  }
  CharGPTConfig config;
  config.vocabSize = corpus.vocabSize();
  if (args.useCompare)
    return compare(corpus, config, args.steps < 0 ? 5 : args.steps);

  const int64_t steps = args.steps < 0 ? kDecaySteps : args.steps;
  Trainer trainer(config, args.useEager);
  int64_t parameterCount = 0;
  for (const Tensor &p : trainer.model->parameters())
    parameterCount += p.numel();
  std::printf("%lld characters, vocabulary %lld, %lld parameters, %s\n",
              static_cast<long long>(corpus.size()),
              static_cast<long long>(corpus.vocabSize()),
              static_cast<long long>(parameterCount),
              args.useEager ? "eager" : "compiled (jit::TrainStep)");

  std::mt19937_64 rng(kBatchSeed);
  Clock::time_point start = Clock::now(), windowStart = start;
  int64_t windowTokens = 0;
  double firstLoss = 0, lastLoss = 0, valLoss = 0;
  for (int64_t s = 0; s < steps; ++s) {
    auto [x, y] = corpus.sample(false, kBatch, config.contextLength, rng);
    double lr = trainer.learningRate();
    lastLoss = trainer.train(x, y);
    if (s == 0) {
      firstLoss = lastLoss;
      std::printf("step 0  loss %.4f  first step %.2f s (%s)\n", lastLoss,
                  secondsSince(start),
                  args.useEager ? "eager" : "traces and compiles");
      windowStart = Clock::now();
      continue;
    }
    windowTokens += kBatch * config.contextLength;
    bool last = s + 1 == steps;
    if (s % 10 == 0 || last) {
      std::printf("step %lld  loss %.4f  lr %.2e  %.0f tokens/s  elapsed "
                  "%.1f s\n",
                  static_cast<long long>(s), lastLoss, lr,
                  windowTokens / secondsSince(windowStart),
                  secondsSince(start));
      windowStart = Clock::now();
      windowTokens = 0;
    }
    if ((s + 1) % kEvalInterval == 0 || last) {
      valLoss = trainer.validationLoss(corpus);
      std::printf("step %lld  val loss %.4f  elapsed %.1f s\n",
                  static_cast<long long>(s + 1), valLoss, secondsSince(start));
      windowStart = Clock::now();
    }
    std::fflush(stdout);
  }
  std::printf("loss %.4f -> %.4f (%s), val loss %.4f after %lld steps in "
              "%.1f s\n",
              firstLoss, lastLoss,
              lastLoss < firstLoss ? "fell" : "did not fall", valLoss,
              static_cast<long long>(steps), secondsSince(start));
  if (trainer.step)
    std::printf("compiled %lld time(s), %lld cached call(s)\n",
                static_cast<long long>(trainer.step->getStats().compilations),
                static_cast<long long>(trainer.step->getStats().cacheHits));
  std::printf("sample:\n%s\n", trainer.sample(corpus, 300).c_str());
  return 0;
}
