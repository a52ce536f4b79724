//===- BenchUtil.h - Timing helpers of the eager benchmarks -----*- C++ -*-===//

#ifndef ADJIT_BENCH_EAGER_BENCHUTIL_H
#define ADJIT_BENCH_EAGER_BENCHUTIL_H

#include <algorithm>
#include <chrono>
#include <vector>

namespace adjit::bench {

/// Median over \p repeats runs of the time per call of \p body in
/// nanoseconds, after one warm-up run; each run calls body \p iters times.
template <typename Body>
double medianNsPerCall(long iters, Body &&body, int repeats = 7) {
  for (long i = 0; i < iters / 4 + 1; ++i)
    body();
  std::vector<double> samples;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; ++i)
      body();
    auto end = std::chrono::steady_clock::now();
    samples.push_back(
        std::chrono::duration<double, std::nano>(end - start).count() /
        static_cast<double>(iters));
  }
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

/// Names of the benchmarks, shared by the adjit and LibTorch sides.
enum class Case {
  AddRequiresGrad,
  AddNoGrad,
  MulSumBackward,
  IrisStep,
  MnistStep,
  Matmul512,
  NumCases
};

} // namespace adjit::bench

#endif // ADJIT_BENCH_EAGER_BENCHUTIL_H
