//===- MlpWorkload.h - the benchmarks' MLP and its batch --------*- C++ -*-===//

#ifndef ADJIT_BENCH_MLPWORKLOAD_H
#define ADJIT_BENCH_MLPWORKLOAD_H

#include "adjit/adjit.h"

#include <vector>

namespace adjit::bench {

/// The MLP 784-256-256-10 (ReLU) of the JIT benchmarks, a batch of 64
/// random inputs and its class targets (i % 10).
struct MlpWorkload {
  nn::Sequential model{nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 256),
                       nn::ReLU(), nn::Linear(256, 10)};
  Tensor x = randn({64, 784});
  Tensor target = [] {
    std::vector<double> classes;
    for (int i = 0; i < 64; ++i)
      classes.push_back(i % 10);
    return from_vector(classes, {64}, kInt64);
  }();
};

} // namespace adjit::bench

#endif // ADJIT_BENCH_MLPWORKLOAD_H
