//===- scan_bench.cpp - adjit.scan gradients under checkpoint policies ----===//
//
// A tanh RNN cell, h' = tanh(h W + x_t) with hidden size 256 (f32), scanned
// over N = 10, 100 and 1000 steps; the gradient of sum(h_N) with respect to
// h0 and W, made by adjit-autodiff and compiled by the JIT engine. For each
// checkpoint policy: the carries the forward sweep tapes, the peak heap
// bytes of the first gradient call of a fresh process (counted by
// AdjitTestingAllocationCounter), and its time, beside store_all's in the same
// run. The targets: under store_all, peak(N=1000) - peak(N=10) within 10 % of
// 990 carries; under sqrt, a tape of at most 2 sqrt(N) carries at most 2x
// store_all's time.
//
//===----------------------------------------------------------------------===//

#include "../OptimizedTier.h"
#include "../common.h"

#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"
#include "adjit/JIT/Engine.h"
#include "adjit/Testing/AllocationCounter.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace adjit::jit;

namespace {

constexpr int64_t kHidden = 256;
constexpr int64_t kCarryBytes = kHidden * 4;

struct Policy {
  const char *name;
  /// The policy as printed in the op, empty for the default.
  std::string syntax;
  /// The largest N to run (recompute_all is quadratic).
  int64_t maxLength;
};

/// Returns the number of carries the forward sweep tapes.
int64_t tapedCarries(const std::string &name, int64_t length) {
  if (name == "store_all")
    return length;
  if (name == "recompute_all")
    return 0;
  int64_t k = name == "sqrt" ? static_cast<int64_t>(std::ceil(
                                   std::sqrt(static_cast<double>(length))))
                             : 10;
  return (length + k - 1) / k;
}

/// Returns the module of the RNN over `length` steps with `policy`, and its
/// gradient function @rnn_grad.
std::string buildModule(int64_t length, const std::string &policy) {
  std::string n = std::to_string(length);
  std::string h = "tensor<256xf32>";
  std::string text =
      "func.func @rnn(%h0: " + h + ", %x: tensor<" + n +
      "x256xf32>, %w: tensor<256x256xf32>) -> tensor<f32> {\n"
      "  %h = adjit.scan length = " +
      n + (policy.empty() ? "" : " checkpoint = " + policy) +
      " init(%h0 : " + h + ") xs(%x : tensor<" + n +
      "x256xf32>) consts(%w : tensor<256x256xf32>) -> (" + h +
      ") {\n"
      "  ^bb0(%c: " +
      h + ", %xi: " + h +
      ", %wi: tensor<256x256xf32>):\n"
      "    %m = adjit.reshape %c : tensor<256xf32> -> tensor<1x256xf32>\n"
      "    %p = adjit.matmul %m, %wi : tensor<1x256xf32>, "
      "tensor<256x256xf32> -> tensor<1x256xf32>\n"
      "    %q = adjit.reshape %p : tensor<1x256xf32> -> tensor<256xf32>\n"
      "    %s = adjit.add %q, %xi : tensor<256xf32>\n"
      "    %t = adjit.tanh %s : tensor<256xf32>\n"
      "    adjit.yield %t : tensor<256xf32>\n"
      "  }\n"
      "  %l = adjit.reduce_sum %h, dims = [0] : tensor<256xf32> -> "
      "tensor<f32>\n"
      "  return %l : tensor<f32>\n"
      "}\n";
  mlir::MLIRContext context(Engine::getDialectRegistry());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  if (!module)
    throw adjit::Error("adjit-bench-scan: the RNN module does not parse");
  mlir::adjit::GradientOptions options;
  options.wrt = llvm::SmallVector<int64_t>{0, 2};
  if (failed(mlir::adjit::generateGradient(*module, "rnn", options)))
    throw adjit::Error("adjit-bench-scan: adjit-autodiff failed");
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  return printed;
}

std::vector<float> randomValues(int64_t count, float scale, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(-scale, scale);
  std::vector<float> values(count);
  for (float &value : values)
    value = distribution(generator);
  return values;
}

struct Measurement {
  int64_t peakBytes = 0;
  double seconds = 0;
};

/// Compiles and runs the gradient in a child process (fork), so that the
/// JIT's buffer cache starts empty and every buffer of the first call comes
/// from malloc: its peak is the most bytes of distinct buffers the call holds
/// (blocks it frees go back to the cache and may serve a later request of
/// their size). Then times the call there, in the optimized tier.
Measurement measure(int64_t length, const Policy &policy) {
  int channel[2];
  if (pipe(channel) != 0)
    throw adjit::Error("adjit-bench-scan: pipe failed");
  pid_t child = fork();
  if (child < 0)
    throw adjit::Error("adjit-bench-scan: fork failed");
  if (child == 0) {
    close(channel[0]);
    EngineOptions options;
    options.diskCacheDirectory = "";
    Engine engine(options);
    auto compiled = engine.compile(buildModule(length, policy.syntax));
    std::vector<float> h0 = randomValues(kHidden, 0.5f, 1);
    std::vector<float> x = randomValues(length * kHidden, 0.5f, 2);
    std::vector<float> w = randomValues(kHidden * kHidden, 0.06f, 3);
    std::vector<BufferView> arguments{
        {h0.data(), {ElementType::F32, {kHidden}}, {}},
        {x.data(), {ElementType::F32, {length, kHidden}}, {}},
        {w.data(), {ElementType::F32, {kHidden, kHidden}}, {}}};
    Measurement result;
    adjit::testsupport::resetPeakHeapBytes();
    compiled->call("rnn_grad", arguments);
    result.peakBytes = adjit::testsupport::getPeakHeapBytes();
    // The times are the optimized tier's.
    adjit::bench::warmUpToOptimizedTier(
        engine, [&] { compiled->call("rnn_grad", arguments); });
    int samples =
        length * (policy.syntax == "recompute_all" ? length : 1) > 20000 ? 3
                                                                         : 9;
    result.seconds = adjit::bench::medianSeconds(
        [&] { compiled->call("rnn_grad", arguments); }, samples);
    bool written = write(channel[1], &result, sizeof(result)) == sizeof(result);
    _exit(written ? 0 : 1);
  }
  close(channel[1]);
  Measurement result;
  bool read = ::read(channel[0], &result, sizeof(result)) == sizeof(result);
  close(channel[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!read || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw adjit::Error("adjit-bench-scan: the measuring process failed");
  return result;
}

} // namespace

int main() {
  const std::vector<Policy> policies{{"store_all", "", 1000},
                                     {"every 10", "every 10", 1000},
                                     {"sqrt", "sqrt", 1000},
                                     {"recompute_all", "recompute_all", 100}};
  const std::vector<int64_t> lengths{10, 100, 1000};

  std::printf("adjit.scan gradient (tanh RNN cell, hidden %lld, f32; d "
              "sum(h_N) / d(h0, W)), carry C = %lld bytes\n",
              static_cast<long long>(kHidden),
              static_cast<long long>(kCarryBytes));
  std::printf("%-14s %6s %10s %12s %10s %12s %12s\n", "policy", "N", "taped C",
              "peak KiB", "peak / C", "ms", "/ store_all");
  std::vector<double> storeAllSeconds(lengths.size());
  std::vector<int64_t> storeAllPeak(lengths.size());
  double sqrtWorstRatio = 0;
  bool sqrtTapeWithin = true;
  for (const Policy &policy : policies) {
    for (size_t i = 0; i < lengths.size(); ++i) {
      int64_t length = lengths[i];
      if (length > policy.maxLength) {
        std::printf("%-14s %6lld %10s   (not run: N^2 = %lld recomputed "
                    "steps)\n",
                    policy.name, static_cast<long long>(length), "0",
                    static_cast<long long>(length * length));
        continue;
      }
      Measurement m = measure(length, policy);
      std::string name = policy.name;
      if (name == "store_all") {
        storeAllSeconds[i] = m.seconds;
        storeAllPeak[i] = m.peakBytes;
      }
      double ratio = m.seconds / storeAllSeconds[i];
      int64_t taped = tapedCarries(name == "every 10" ? "every" : name, length);
      if (name == "sqrt") {
        sqrtWorstRatio = std::max(sqrtWorstRatio, ratio);
        sqrtTapeWithin &= taped <= 2 * std::sqrt(static_cast<double>(length));
      }
      std::printf("%-14s %6lld %10lld %12.1f %10.1f %12.3f %11.2fx\n",
                  policy.name, static_cast<long long>(length),
                  static_cast<long long>(taped), m.peakBytes / 1024.0,
                  static_cast<double>(m.peakBytes) / kCarryBytes,
                  m.seconds * 1e3, ratio);
    }
  }
  double growth = static_cast<double>(storeAllPeak[2] - storeAllPeak[0]);
  double expected = 990.0 * kCarryBytes;
  std::printf("\nstore_all: peak(N=1000) - peak(N=10) = %.0f bytes, 990 C = "
              "%.0f bytes: %+.1f %% (target within 10 %%)\n",
              growth, expected, 100.0 * (growth - expected) / expected);
  std::printf("sqrt: tape <= 2 sqrt(N) carries: %s; time / store_all at most "
              "%.2fx (target <= 2x)\n",
              sqrtTapeWithin ? "yes" : "no", sqrtWorstRatio);
  return 0;
}
