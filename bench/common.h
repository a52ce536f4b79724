//===- common.h - timing helpers shared by the adjit benchmarks -*- C++ -*-===//

#ifndef ADJIT_BENCH_COMMON_H
#define ADJIT_BENCH_COMMON_H

#include <algorithm>
#include <chrono>
#include <vector>

namespace adjit::bench {

/// Returns the seconds `run` takes, the median of `samples` measurements
/// (after one warm-up run).
template <typename Run> double medianSeconds(Run run, int samples) {
  run();
  std::vector<double> times;
  for (int i = 0; i < samples; ++i) {
    auto start = std::chrono::steady_clock::now();
    run();
    auto stop = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double>(stop - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

/// Returns the seconds one call of `run` takes: the median over `samples`
/// batches of enough calls to last about `batchSeconds`.
template <typename Run>
double medianSecondsPerCall(Run run, int samples, double batchSeconds = 0.05) {
  run();
  auto start = std::chrono::steady_clock::now();
  run();
  double once =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  int calls =
      std::max(1, static_cast<int>(batchSeconds / std::max(once, 1e-9)));
  double batch = medianSeconds(
      [&] {
        for (int i = 0; i < calls; ++i)
          run();
      },
      samples);
  return batch / calls;
}

} // namespace adjit::bench

#endif // ADJIT_BENCH_COMMON_H
