//===- EagerBench.cpp - Per-op overhead and training-step times -----------===//
//
// Prints one table: adjit's time per call, LibTorch's (when built with
// Debian's libtorch-dev) and their ratio, all measured in the same run.
//
//===----------------------------------------------------------------------===//

#include "BenchUtil.h"
#include "adjit/adjit.h"

#include <cstdio>
#include <optional>
#include <string>

using namespace adjit;
using namespace adjit::bench;

#ifdef ADJIT_BENCH_WITH_LIBTORCH
namespace adjit::bench {
/// Time of \p c with LibTorch in nanoseconds per call.
double libtorchNs(Case c);
/// LibTorch's version string.
std::string libtorchVersion();
} // namespace adjit::bench
#endif

namespace {
struct CaseInfo {
  Case id;
  const char *name;
  long iters;
};

const CaseInfo kCases[] = {
    {Case::AddRequiresGrad, "a + b, 16 floats, requires_grad (fwd+record)",
     200000},
    {Case::AddNoGrad, "a + b, 16 floats, no grad", 200000},
    {Case::MulSumBackward, "(a * b).sum().backward(), 16 floats", 50000},
    {Case::IrisStep, "train step MLP 4-16-3, batch 120, SGD", 5000},
    {Case::MnistStep, "train step MLP 784-128-10, batch 64, SGD", 300},
    {Case::Matmul512, "matmul 512x512x512 f32", 50},
};

/// A full training step: zero_grad, forward, cross entropy, backward, step.
double trainStepNs(int64_t in, int64_t hidden, int64_t out, int64_t batch,
                   long iters) {
  manual_seed(0);
  nn::Sequential model(nn::Linear(in, hidden), nn::ReLU(),
                       nn::Linear(hidden, out));
  optim::SGD opt(model->parameters(), optim::SGDOptions(0.01));
  Tensor x = randn({batch, in});
  Tensor y = (rand({batch}) * static_cast<double>(out)).to(kInt64);
  return medianNsPerCall(iters, [&] {
    opt.zero_grad();
    Tensor loss = nn::functional::cross_entropy(model(x), y);
    loss.backward();
    opt.step();
  });
}

double adjitNs(const CaseInfo &c) {
  manual_seed(0);
  switch (c.id) {
  case Case::AddRequiresGrad: {
    Tensor a = randn({16}, requires_grad()), b = randn({16}, requires_grad());
    return medianNsPerCall(c.iters, [&] { Tensor r = a + b; });
  }
  case Case::AddNoGrad: {
    Tensor a = randn({16}), b = randn({16});
    return medianNsPerCall(c.iters, [&] { Tensor r = a + b; });
  }
  case Case::MulSumBackward: {
    Tensor a = randn({16}, requires_grad()), b = randn({16}, requires_grad());
    return medianNsPerCall(c.iters, [&] {
      a.mutable_grad() = Tensor();
      b.mutable_grad() = Tensor();
      (a * b).sum().backward();
    });
  }
  case Case::IrisStep:
    return trainStepNs(4, 16, 3, 120, c.iters);
  case Case::MnistStep:
    return trainStepNs(784, 128, 10, 64, c.iters);
  case Case::Matmul512: {
    Tensor a = randn({512, 512}), b = randn({512, 512});
    return medianNsPerCall(
        c.iters, [&] { Tensor r = matmul(a, b); }, 5);
  }
  case Case::NumCases:
    break;
  }
  return 0;
}

std::string formatTime(double ns) {
  char buf[32];
  if (ns < 1e4)
    std::snprintf(buf, sizeof buf, "%.0f ns", ns);
  else if (ns < 1e7)
    std::snprintf(buf, sizeof buf, "%.1f us", ns / 1e3);
  else
    std::snprintf(buf, sizeof buf, "%.2f ms", ns / 1e6);
  return buf;
}
} // namespace

int main() {
  std::printf("adjit eager benchmarks (median of 7 runs per case)\n");
#ifdef ADJIT_BENCH_WITH_LIBTORCH
  std::printf("LibTorch %s side by side (1 intra-op thread)\n",
              libtorchVersion().c_str());
#else
  std::printf("LibTorch not built in (install Debian's libtorch-dev and "
              "reconfigure for the side-by-side column)\n");
#endif
  std::printf("\n%-48s %12s %12s %8s\n", "case", "adjit", "LibTorch", "ratio");
  std::printf("%s\n", std::string(83, '-').c_str());
  for (const CaseInfo &c : kCases) {
    double ours = adjitNs(c);
    std::optional<double> theirs;
#ifdef ADJIT_BENCH_WITH_LIBTORCH
    theirs = libtorchNs(c.id);
#endif
    std::printf(
        "%-48s %12s %12s %8s\n", c.name, formatTime(ours).c_str(),
        theirs ? formatTime(*theirs).c_str() : "n/a",
        theirs ? (std::to_string(ours / *theirs).substr(0, 5) + "x").c_str()
               : "");
    if (c.id == Case::Matmul512)
      std::printf("%-48s %12.1f GFLOP/s\n", "  (adjit matmul throughput)",
                  2.0 * 512 * 512 * 512 / ours);
  }
  std::printf("\nratio = adjit time / LibTorch time (below 1: adjit is "
              "faster)\n");
  return 0;
}
