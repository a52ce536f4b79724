//===- AllocationCountTest.cpp - heap allocations of a compiled call ------===//
//
// Counts the C allocator's calls (AdjitTestingAllocationCounter interposes
// it; operator new goes through malloc) during steady-state calls of
// compiled training steps. The test is a binary of its own so that the
// interposition touches no other test.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/JIT/Engine.h"
#include "adjit/Testing/AllocationCounter.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

using namespace adjit;

/// OpenBLAS's thread count and threading model (2: its OpenMP build), from
/// OpenBLAS's cblas.h.
extern "C" int openblas_get_num_threads(void);
extern "C" int openblas_get_parallel(void);

namespace {

/// The heap allocations per call of `call` over `calls` calls.
template <typename Call> double allocationsPerCall(Call &&call, int calls) {
  int64_t before = testsupport::getAllocationCalls();
  for (int i = 0; i < calls; ++i)
    call();
  return static_cast<double>(testsupport::getAllocationCalls() - before) /
         calls;
}

/// The heap allocations per call of `call` in steady state, printed as those
/// of `what`. The first calls compile and fill the caches, and reach the
/// tier-up threshold ($ADJIT_TIER_UP_AFTER); the optimized tier's code
/// (compiled on a background thread, whose allocations would count too)
/// replaces the fast tier's before counting.
template <typename Call>
double steadyStateAllocations(Call &&call, const char *what) {
  uint64_t threshold =
      std::max<uint64_t>(1, jit::EngineOptions().tierUpAfterCalls);
  for (uint64_t i = 0; i < threshold; ++i)
    call();
  jit::waitForTierUps();
  for (int i = 0; i < 3; ++i)
    call();
  double first = allocationsPerCall(call, 20);
  // More calls, later in the program's history, allocate no more.
  for (int i = 0; i < 50; ++i)
    call();
  double later = allocationsPerCall(call, 20);
  std::printf("%s: %.1f heap allocations per call\n", what, later);
  ::testing::Test::RecordProperty("allocations_per_call",
                                  std::to_string(later));
  EXPECT_EQ(later, first);
  return later;
}

/// Skips every test where the counter cannot count (sanitizer builds).
class AllocationCountTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!testsupport::isCountingAllocations())
      GTEST_SKIP() << "the sanitizer's runtime owns the allocator here";
  }
};

TEST_F(AllocationCountTest, TheCounterSeesAllocations) {
  // Called through volatile pointers, which the compiler cannot elide.
  void *(*volatile allocate)(size_t) = malloc;
  void (*volatile release)(void *) = free;
  double perCall = allocationsPerCall([&] { release(allocate(100)); }, 10);
  EXPECT_EQ(perCall, 1.0);
}

TEST_F(AllocationCountTest, MlpTrainStep) {
  manual_seed(0);
  nn::Sequential model(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 256),
                       nn::ReLU(), nn::Linear(256, 10));
  Tensor x = randn({64, 784});
  std::vector<double> classes;
  for (int i = 0; i < 64; ++i)
    classes.push_back(i % 10);
  Tensor target = from_vector(classes, {64}, kInt64);
  jit::TrainStep step(
      [model](const std::vector<Tensor> &in) mutable {
        return nn::functional::cross_entropy(model->forward(in[0]), in[1]);
      },
      optim::SGDOptions(0.01));
  double perCall =
      steadyStateAllocations([&] { step(x, target); }, "MLP TrainStep");
  // The step's 5 products large enough for threads are split among the
  // pool's threads by runtime::gemm, each block a single-threaded sgemm,
  // which allocates nothing. OpenBLAS's own threaded level-3 driver
  // allocates a job array (512 KiB) in every product it threads: with any
  // build but OpenBLAS's OpenMP one (which ThreadPoolTest checks is the one
  // linked), runtime::gemm leaves the threads to it, and those 5
  // allocations remain (docs/jit.md, "Memory: allocation per call"). So
  // does ADJIT_SPLIT_GEMM=0, which this test does not expect.
  bool openBlasThreads =
      openblas_get_parallel() != 2 && openblas_get_num_threads() > 1;
  EXPECT_EQ(perCall, openBlasThreads ? 5.0 : 0.0);
}

TEST_F(AllocationCountTest, SixtyFourTensors) {
  // Calls with many arguments and results (beyond any inline capacity of
  // the call path's lists) allocate nothing either.
  std::vector<Tensor> parameters, constants;
  for (int i = 0; i < 64; ++i) {
    parameters.push_back(full({1}, 0.5 + i, requires_grad()));
    constants.push_back(full({1}, 0.5 + i));
  }
  Tensor x = ones({1});
  jit::CompiledFunction sum = jit::compile(
      [constants](const std::vector<Tensor> &in) {
        Tensor total = in[0];
        for (const Tensor &constant : constants)
          total = total + constant;
        // A 0-d result: a new tensor of rank 1 or more allocates its shape
        // and stride lists.
        return total.sum();
      },
      "sum_of_64");
  EXPECT_EQ(steadyStateAllocations([&] { sum(x); }, "64 captured tensors"),
            0.0);
  for (const char *optimizer : {"sgd", "adam"}) {
    auto loss = [parameters](const std::vector<Tensor> &in) {
      Tensor total = in[0].sum();
      for (const Tensor &parameter : parameters)
        total = total + parameter.sum();
      return total;
    };
    std::optional<jit::TrainStep> step;
    if (std::string(optimizer) == "sgd")
      step.emplace(loss, optim::SGDOptions(1e-3), "step_of_64");
    else
      step.emplace(loss, optim::AdamOptions(1e-3), "step_of_64");
    EXPECT_EQ(steadyStateAllocations([&] { (*step)(x); },
                                     "TrainStep of 64 parameters"),
              0.0)
        << optimizer;
    // Every parameter was trained: each step moved it by the learning rate
    // (SGD: the gradient is 1; Adam: its first steps move by about lr).
    NoGradGuard noGrad;
    EXPECT_LT(parameters[0].item<double>(), 0.5) << optimizer;
    EXPECT_LT(parameters[63].item<double>(), 63.5) << optimizer;
  }
}

/// The dims of the GMM's reductions, made once: a braced list such as `{1}`
/// passed as a Shape is a vector the caller allocates on every call, which
/// would count too.
const Shape kDims0 = {0}, kDims1 = {1}, kDims2 = {2};

/// The negative log-likelihood of `x` ([N, D]) under a Gaussian mixture of
/// K components with weights softmax(alphas) ([K]), means `means` ([K, D])
/// and diagonal precisions exp(logPrecisions) ([K, D]), with ADBench's
/// Wishart prior (gamma 1, m 0) on the precisions: ADBench's GMM objective
/// with diagonal covariances.
Tensor gmmObjective(const Tensor &x, const Tensor &alphas, const Tensor &means,
                    const Tensor &logPrecisions) {
  int64_t n = x.size(0);
  Tensor scaled =
      (unsqueeze(x, 1) - unsqueeze(means, 0)) * exp(logPrecisions); // [N,K,D]
  Tensor logDensities = alphas + sum(logPrecisions, kDims1) -
                        0.5 * sum(scaled * scaled, kDims2); // [N, K]
  Tensor prior = 0.5 * sum(exp(logPrecisions) * exp(logPrecisions));
  return static_cast<double>(n) * logsumexp(alphas, kDims0) -
         sum(logsumexp(logDensities, kDims1)) + prior;
}

TEST_F(AllocationCountTest, GmmGradient) {
  manual_seed(0);
  Tensor x = randn({100, 2});
  Tensor alphas = randn({5}).requires_grad_(true);
  Tensor means = randn({5, 2}).requires_grad_(true);
  Tensor logPrecisions = (0.1 * randn({5, 2})).requires_grad_(true);
  jit::CompiledFunction objective = jit::compile(
      [=](const std::vector<Tensor> &in) {
        return gmmObjective(in[0], alphas, means, logPrecisions);
      },
      "gmm");
  // The gradients accumulate into .grad(), as backward() would.
  int calls = 0;
  auto call = [&] {
    objective(x);
    ++calls;
  };
  // The objective has no matrix products: nothing allocates.
  EXPECT_EQ(steadyStateAllocations(call, "GMM gradient"), 0.0);
  // The accumulated gradients are those of the eager objective, each call's.
  NoGradGuard noGrad;
  std::vector<Tensor> parameters = {alphas, means, logPrecisions};
  std::vector<Tensor> accumulated;
  for (Tensor &parameter : parameters) {
    accumulated.push_back(parameter.grad().clone());
    parameter.mutable_grad() = Tensor();
  }
  {
    AutoGradMode gradMode(true);
    gmmObjective(x, alphas, means, logPrecisions).backward();
  }
  for (size_t i = 0; i < parameters.size(); ++i) {
    Tensor difference =
        accumulated[i] / static_cast<double>(calls) - parameters[i].grad();
    double scale = 1 + max(abs(parameters[i].grad())).item<double>();
    EXPECT_LT(max(abs(difference)).item<double>(), 1e-4 * scale)
        << "parameter " << i;
  }
}

/// The eager backward pass of a recorded chain of small unary and binary ops
/// (an RNN cell's, unrolled): the nodes hand their gradients over in lists
/// that hold two in place, and the engine's work lists keep their capacity,
/// so the pass allocates nothing per node once the free lists of small
/// objects are warm.
TEST_F(AllocationCountTest, EagerBackwardOfAChainOfSmallOps) {
  Tensor w = full({4}, 0.5, requires_grad());
  Tensor b = full({4}, 0.1, requires_grad());
  auto backwardOnce = [&] {
    Tensor h = ones({4});
    for (int i = 0; i < 500; ++i)
      h = (h * w + b).tanh();
    Tensor loss = h.sum();
    int64_t before = testsupport::getAllocationCalls();
    loss.backward();
    return testsupport::getAllocationCalls() - before;
  };
  for (int i = 0; i < 3; ++i)
    backwardOnce();
  int64_t allocations = backwardOnce();
  std::printf("eager backward over 1,501 nodes: %lld heap allocations\n",
              static_cast<long long>(allocations));
  // One list per node (1,501) before; now the engine's own few.
  EXPECT_LT(allocations, 100);
  EXPECT_TRUE(w.grad().defined());
}

} // namespace
