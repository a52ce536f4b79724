//===- AllocationCountTest.cpp - heap allocations of a compiled call ------===//
//
// Counts the C allocator's calls (AdjitTestingAllocationCounter interposes
// it; operator new goes through malloc) during steady-state calls of
// compiled training steps. The test is a binary of its own so that the
// interposition touches no other test.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/Testing/AllocationCounter.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cstdio>

using namespace adjit;

namespace {

/// The heap allocations per call of `call` over `calls` calls.
template <typename Call> double allocationsPerCall(Call &&call, int calls) {
  int64_t before = testsupport::getAllocationCalls();
  for (int i = 0; i < calls; ++i)
    call();
  return static_cast<double>(testsupport::getAllocationCalls() - before) /
         calls;
}

TEST(AllocationCountTest, TheCounterSeesAllocations) {
  // Called through volatile pointers, which the compiler cannot elide.
  void *(*volatile allocate)(size_t) = malloc;
  void (*volatile release)(void *) = free;
  double perCall = allocationsPerCall([&] { release(allocate(100)); }, 10);
  EXPECT_EQ(perCall, 1.0);
}

TEST(AllocationCountTest, MlpTrainStep) {
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
  auto call = [&] { step(x, target); };
  // The first calls compile and fill the caches; the optimized tier's code
  // (compiled on a background thread, whose allocations would count too)
  // replaces the fast tier's before counting.
  call();
  jit::waitForTierUps();
  for (int i = 0; i < 3; ++i)
    call();
  double first = allocationsPerCall(call, 20);
  // More calls, later in the program's history, allocate no more.
  for (int i = 0; i < 50; ++i)
    call();
  double later = allocationsPerCall(call, 20);
  std::printf("MLP TrainStep: %.1f heap allocations per call\n", later);
  RecordProperty("allocations_per_call", std::to_string(later));
  EXPECT_EQ(later, first);
}

} // namespace
