//===- LibTorchSteps.h - the training steps of JitBench in LibTorch -*- C++
//-*-===//

#ifndef ADJIT_BENCH_JIT_LIBTORCHSTEPS_H
#define ADJIT_BENCH_JIT_LIBTORCHSTEPS_H

#include <functional>
#include <string>

namespace adjit::bench {

/// The workloads of the jit benchmark.
enum class TrainingWorkload { LinearRegression, Mlp };

/// Returns one LibTorch eager training step (zero_grad, loss, backward, SGD
/// step with learning rate 0.01) of `workload` on data and a model of the
/// same shapes as adjit's, created on the first call; LibTorch computes with
/// `threads` intra-op threads.
std::function<void()> makeLibTorchStep(TrainingWorkload workload, int threads);

/// LibTorch's version string.
std::string getLibTorchVersion();

} // namespace adjit::bench

#endif // ADJIT_BENCH_JIT_LIBTORCHSTEPS_H
