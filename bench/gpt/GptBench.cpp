//===- GptBench.cpp - the character-level GPT training step ---------------===//
//
// Tokens per second of one training step (loss, gradients, AdamW update) of
// the model of examples/CharGPT.h at the configuration of
// examples/char_gpt.cpp (4 layers, 4 heads, 128 dims, context 64, batch 12):
// compiled (jit::TrainStep), eager adjit, and PyTorch eager with 1 and 2
// intra-op threads (bench/gpt/torch_gpt.py run by /usr/bin/python3; the
// rows are left out when torch cannot be imported), in one run. Also: the
// cold compile time of the step, the peak memory of the adjit modes, and
// the FLOP-rate floor of the step: the time OpenBLAS's sgemm takes, in this
// run, for every matrix product of the step (forward and backward).
//
// Compile stages: run with ADJIT_LOG=1 for the trace, autodiff, adjit-to-llvm
// and LLVM times of the compilation.
//
//===----------------------------------------------------------------------===//

#include "../Sgemm.h"
#include "../common.h"
#include "CharData.h"
#include "CharGPT.h"
#include "PeakMemory.h"

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/adjit.h"

#include <cblas.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int);

using namespace adjit;
using adjit::examples::CharGPT;
using adjit::examples::CharGPTConfig;

namespace {

constexpr int64_t kBatch = 12;
constexpr long kSteps = 10;

/// One matrix product C[M, N] = op(A) op(B) of the step, `count` times.
struct Product {
  bench::SgemmShape shape;
  int64_t count;
};

/// Every matrix product of a training step: for each forward product
/// x W^T ([M, K] by [N, K]), the backward products dC W ([M, N] by [N, K])
/// and dC^T x ([N, M] by [M, K]).
std::vector<Product> stepProducts(const CharGPTConfig &config) {
  int64_t tokens = kBatch * config.contextLength, c = config.embeddingDim;
  int64_t t = config.contextLength, headDim = c / config.heads;
  int64_t attentions = kBatch * config.heads * config.layers;
  std::vector<Product> forward = {
      {{tokens, 3 * c, c, CblasNoTrans, CblasTrans}, config.layers}, // q, k, v
      {{t, t, headDim, CblasNoTrans, CblasTrans}, attentions},       // q k^T
      {{t, headDim, t, CblasNoTrans, CblasTrans}, attentions},       // a v
      {{tokens, c, c, CblasNoTrans, CblasTrans}, config.layers},     // proj
      {{tokens, 4 * c, c, CblasNoTrans, CblasTrans}, config.layers}, // fc
      {{tokens, c, 4 * c, CblasNoTrans, CblasTrans}, config.layers}, // proj
      {{tokens, config.vocabSize, c, CblasNoTrans, CblasTrans}, 1}}; // head
  std::vector<Product> all;
  for (const Product &p : forward) {
    const bench::SgemmShape &s = p.shape;
    all.push_back(p);
    all.push_back({{s.m, s.k, s.n, CblasNoTrans, CblasNoTrans}, p.count});
    all.push_back({{s.n, s.k, s.m, CblasTrans, CblasNoTrans}, p.count});
  }
  return all;
}

/// The seconds sgemm takes for all of `products` with `threads` threads (the
/// median of several runs), and their FLOPs.
std::pair<double, double> timeProducts(const std::vector<Product> &products,
                                       int threads) {
  openblas_set_num_threads(threads);
  std::mt19937 generator(0);
  double seconds = 0, flops = 0;
  for (const Product &p : products) {
    seconds += p.count * bench::medianSgemmSeconds(p.shape, 5, generator);
    flops += p.shape.getFlops() * p.count;
  }
  openblas_set_num_threads(2);
  return {seconds, flops};
}

/// Runs torch_gpt.py with `threads` threads; returns its milliseconds per
/// step, or a negative value (after printing why) if it did not run.
double torchMsPerStep(int threads) {
  std::string command = std::string("/usr/bin/python3 ") +
                        ADJIT_BENCH_GPT_TORCH_SCRIPT + " --threads " +
                        std::to_string(threads) + " 2>&1";
  FILE *pipe = popen(command.c_str(), "r");
  if (!pipe)
    return -1;
  std::string output;
  char buffer[512];
  while (fgets(buffer, sizeof buffer, pipe))
    output += buffer;
  int status = pclose(pipe);
  double ms = -1;
  if (status == 0 && std::sscanf(output.c_str(), "ms_per_step %lf", &ms) == 1)
    return ms;
  std::printf("PyTorch eager (%d thread(s)) left out: %s", threads,
              output.empty() ? "/usr/bin/python3 did not run\n"
                             : output.c_str());
  return -1;
}

/// A field of /proc/self/status in kB (e.g. "VmHWM:", the peak resident
/// set size), or 0 if it cannot be read.
double readStatusKilobytes(const std::string &field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field, 0) == 0)
      return std::stod(line.substr(field.size()));
  return 0;
}

struct Row {
  std::string mode;
  double ms;
  bench::PeakMemory memory;
};

} // namespace

int main() {
  // A cold compile unless the caller asks for the persistent cache.
  setenv("ADJIT_CACHE", "0", /*overwrite=*/0);
  examples::CharCorpus corpus;
  std::string path =
      std::string(ADJIT_EXAMPLES_DATA_DIR) + "/tinyshakespeare.txt";
  if (!corpus.read(path)) {
    std::fprintf(stderr, "cannot read the text from %s\n", path.c_str());
    return 1;
  }
  CharGPTConfig config;
  config.vocabSize = corpus.vocabSize();
  std::mt19937_64 rng(0);
  auto [x, y] = corpus.sample(false, kBatch, config.contextLength, rng);
  std::vector<Tensor> inputs = {x, y};
  auto adamW = optim::AdamWOptions(1e-3).betas({0.9, 0.99}).weight_decay(0.1);
  std::vector<Row> rows;

  manual_seed(0);
  CharGPT model(config);
  jit::TensorFunction loss = [model](const std::vector<Tensor> &in) {
    return model->loss(in[0], in[1]);
  };
  {
    // The first step compiles cold; nothing large ran before it, so the
    // growth of the peak resident size is the compilation's.
    double residentBefore = readStatusKilobytes("VmRSS:");
    jit::TrainStep step(loss, model->parameterGroups(adamW), adamW,
                        jit::CompileOptions{"gpt_train_step"});
    step.clip_grad_norm(1.0);
    auto start = std::chrono::steady_clock::now();
    step(inputs);
    double compileSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    std::printf("first compiled step (trace, autodiff, lowering, LLVM): "
                "%.2f s, peak resident memory %.0f MB (+%.0f MB)\n",
                compileSeconds, readStatusKilobytes("VmHWM:") / 1e3,
                (readStatusKilobytes("VmHWM:") - residentBefore) / 1e3);
    // The steps are timed in the optimized tier: the first steps run the
    // fast tier's code, compiled again at -O3 in the background once the
    // step has been called jit::EngineOptions::tierUpAfterCalls times.
    start = std::chrono::steady_clock::now();
    for (uint64_t call = 1; call < jit::EngineOptions().tierUpAfterCalls;
         ++call)
      step(inputs);
    jit::waitForTierUps();
    std::printf(
        "optimized tier ready %.2f s later\n",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    // The memory of later steps, in a child (the code is compiled by then).
    rows.push_back({"adjit jit::TrainStep",
                    bench::medianSecondsPerCall([&] { step(inputs); }, 5) * 1e3,
                    bench::measurePeakMemory([&] { step(inputs); }, kSteps)});
  }
  {
    optim::AdamW optimizer(model->parameterGroups(adamW), adamW);
    auto eagerStep = [&] {
      optimizer.zero_grad();
      loss(inputs).backward();
      nn::utils::clip_grad_norm_(model->parameters(), 1.0);
      optimizer.step();
    };
    rows.push_back({"adjit eager",
                    bench::medianSecondsPerCall(eagerStep, 5) * 1e3,
                    bench::measurePeakMemory(eagerStep, kSteps)});
  }
  for (int threads : {1, 2}) {
    double ms = torchMsPerStep(threads);
    if (ms > 0)
      rows.push_back(
          {"PyTorch eager, " + std::to_string(threads) + " thread(s)", ms,
           bench::PeakMemory()});
  }

  auto [floorSeconds, flops] = timeProducts(stepProducts(config), 2);
  double tokens = static_cast<double>(kBatch * config.contextLength);
  std::printf("char GPT training step: 4 layers, 4 heads, 128 dims, context "
              "64, batch 12, AdamW (two groups), clipping at 1.0\n");
  std::printf("%-32s %10s %12s %10s %20s\n", "mode", "ms/step", "tokens/s",
              "floor/step", "peak MB first/steps");
  for (const Row &row : rows) {
    std::printf("%-32s %10.2f %12.0f %9.0f%%", row.mode.c_str(), row.ms,
                tokens / (row.ms / 1e3), 100 * floorSeconds * 1e3 / row.ms);
    if (row.memory.valid)
      std::printf(" %10.1f / %.1f", row.memory.firstStepBytes / 1e6,
                  row.memory.stepsBytes / 1e6);
    std::printf("\n");
  }
  double torchBest = 0;
  for (const Row &row : rows)
    if (row.mode.rfind("PyTorch", 0) == 0 &&
        (torchBest == 0 || row.ms < torchBest))
      torchBest = row.ms;
  if (torchBest > 0)
    std::printf("compiled step vs PyTorch's best: %.2fx as fast\n",
                torchBest / rows.front().ms);
  std::printf("floor: %.2f GFLOP of matrix products per step take %.2f ms in "
              "OpenBLAS sgemm (2 threads, %.1f GFLOP/s)\n",
              flops / 1e9, floorSeconds * 1e3, flops / floorSeconds / 1e9);
  // 0: sequential, 1: its own pthreads, 2: OpenMP (docs/jit.md, "Threads").
  static const char *const kThreading[] = {"sequential", "pthreads", "OpenMP"};
  int parallel = openblas_get_parallel();
  std::printf("OpenBLAS: %s build (%s)\n",
              parallel >= 0 && parallel <= 2 ? kThreading[parallel] : "unknown",
              openblas_get_config());
  return 0;
}
