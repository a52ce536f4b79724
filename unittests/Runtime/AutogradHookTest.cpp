//===- AutogradHookTest.cpp - Gradient hooks and engine callbacks ---------===//

#include "adjit/Autograd.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace adjit;

namespace {

TEST(AutogradHookTest, PostAccumulateGradHookSeesTheGradient) {
  Tensor w = ones({3}, requires_grad());
  std::vector<std::string> log;
  uint64_t first =
      autograd::register_post_accumulate_grad_hook(w, [&](const Tensor &leaf) {
        EXPECT_TRUE(leaf.is_same(w));
        ASSERT_TRUE(leaf.grad().defined());
        log.push_back("first " + std::to_string(leaf.grad().sum().item()));
      });
  autograd::register_post_accumulate_grad_hook(
      w, [&](const Tensor &) { log.push_back("second"); });
  (w * 2.0).sum().backward();
  EXPECT_EQ(log, (std::vector<std::string>{"first 6.000000", "second"}));
  // Accumulating into an existing gradient runs the hooks again.
  autograd::remove_post_accumulate_grad_hook(w, first);
  log.clear();
  (w * 3.0).sum().backward();
  EXPECT_EQ(log, (std::vector<std::string>{"second"}));
  EXPECT_EQ(w.grad().sum().item(), 15.0);
  // autograd::grad does not accumulate, so no hook runs.
  log.clear();
  autograd::grad({(w * w).sum()}, {w});
  EXPECT_TRUE(log.empty());
}

// A leaf's gradient is accumulated as soon as it is complete, before the
// rest of backward: a gradient hook can start communicating it while the
// gradients of earlier layers are still being computed.
TEST(AutogradHookTest, GradientsAccumulateAsSoonAsTheyAreReady) {
  Tensor w1 = ones({4, 4}, requires_grad());
  Tensor w2 = ones({4, 4}, requires_grad());
  Tensor w3 = ones({4, 4}, requires_grad());
  // A first backward creates the accumulators before the graph below is
  // recorded, as a parameter's outlives the steps.
  matmul(matmul(matmul(ones({1, 4}), w1), w2), w3).sum().backward();
  Tensor h1 = tanh(matmul(ones({1, 4}), w1));
  h1.retain_grad();
  std::vector<std::string> order;
  for (auto [name, w] : {std::pair{"w1", w1}, {"w2", w2}, {"w3", w3}})
    autograd::register_post_accumulate_grad_hook(
        w, [&order, &h1, name = std::string(name)](const Tensor &) {
          order.push_back(name +
                          (h1.grad().defined() ? " after h1" : " before h1"));
        });
  Tensor h2 = tanh(matmul(h1, w2));
  tanh(matmul(h2, w3)).sum().backward();
  EXPECT_EQ(order, (std::vector<std::string>{"w3 before h1", "w2 before h1",
                                             "w1 after h1"}));
}

TEST(AutogradHookTest, QueuedCallbacksRunAfterBackward) {
  Tensor w = ones({2}, requires_grad());
  std::vector<std::string> log;
  autograd::register_post_accumulate_grad_hook(w, [&](const Tensor &) {
    log.push_back("hook");
    autograd::queue_callback([&] {
      log.push_back("callback");
      autograd::queue_callback([&] { log.push_back("nested"); });
    });
  });
  (w * w).sum().backward();
  EXPECT_EQ(log, (std::vector<std::string>{"hook", "callback", "nested"}));
}

TEST(AutogradHookTest, Errors) {
  auto message = [](auto fn) {
    try {
      fn();
    } catch (const Error &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message([] { autograd::queue_callback([] {}); }),
            "queue_callback: no backward pass is running on this thread; "
            "callbacks can only be queued from inside one (e.g. from a hook)");
  Tensor w = ones({2}, requires_grad());
  EXPECT_EQ(message([&] {
              autograd::register_post_accumulate_grad_hook(
                  w * 2.0, [](const Tensor &) {});
            }),
            "register_post_accumulate_grad_hook: the tensor must be a leaf "
            "that requires grad, got the result of MulBackward0");
  EXPECT_EQ(message([] {
              autograd::register_post_accumulate_grad_hook(
                  ones({2}), [](const Tensor &) {});
            }),
            "register_post_accumulate_grad_hook: the tensor must be a leaf "
            "that requires grad, got a leaf that does not require grad");
}

} // namespace
