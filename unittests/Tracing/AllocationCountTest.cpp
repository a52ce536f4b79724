//===- AllocationCountTest.cpp - heap allocations of a compiled call ------===//
//
// Interposes the C allocation functions for this executable (operator new
// goes through malloc) and counts the calls made during steady-state calls
// of compiled training steps. The test is a binary of its own so that the
// interposition touches no other test.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <cstdio>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace {
/// Whether allocations are counted now, and how many were.
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void count() {
  if (counting.load(std::memory_order_relaxed))
    allocations.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

extern "C" {
void *malloc(size_t size) {
  count();
  return __libc_malloc(size);
}
void *calloc(size_t count_, size_t size) {
  count();
  return __libc_calloc(count_, size);
}
void *realloc(void *pointer, size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void *memalign(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void *aligned_alloc(size_t alignment, size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void **result, size_t alignment, size_t size) {
  count();
  void *pointer = __libc_memalign(alignment, size);
  if (!pointer)
    return 12; // ENOMEM
  *result = pointer;
  return 0;
}
void free(void *pointer) { __libc_free(pointer); }
}

using namespace adjit;

namespace {

/// The heap allocations per call of `call` over `calls` calls.
template <typename Call> double allocationsPerCall(Call &&call, int calls) {
  allocations = 0;
  counting = true;
  for (int i = 0; i < calls; ++i)
    call();
  counting = false;
  return static_cast<double>(allocations.load()) / calls;
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
