//===- TracingErrorTest.cpp - what jit::trace and jit::compile refuse -----===//
//
// Every construct that a trace cannot represent, or that would make a later
// call take another path, is an adjit::Error naming the op and the reason
// (docs/errors.md lists them). The basic cases (item, randn, add_, detach,
// NoGradGuard) are in CompiledFunctionTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>

using namespace adjit;

namespace {

std::string errorOf(const std::function<void()> &body) {
  try {
    body();
  } catch (const Error &error) {
    return error.what();
  }
  return "no error";
}

/// The error of compiling and calling `function` on a tensor<2xf32> input.
std::string compileError(const jit::TensorFunction &function) {
  return errorOf([&] { jit::compile(function)(ones({2})); });
}

TEST(TracingErrorTest, HostReadsAndRandomness) {
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              Tensor doubled = in[0] * 2.0;
              (void)doubled.data_ptr<float>();
              return doubled.sum();
            }),
            "data_ptr: not supported inside a traced function (it reads "
            "tensor values to the host)");
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              return (in[0] * rand({2})).sum();
            }),
            "rand: not supported inside a traced function (its random values "
            "would be fixed when traced)");
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              (void)randperm(2);
              return in[0].sum();
            }),
            "randperm: not supported inside a traced function (its random "
            "values would be fixed when traced)");
}

TEST(TracingErrorTest, ExtremumAlongDimChecksItsDim) {
  // The eager op's message, which the trace repeats.
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              return in[0].argmax(1).to(kFloat32);
            }),
            errorOf([] { (void)ones({2}).argmax(1); }));
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              return in[0].slice(0, 0, 0).max(0).first;
            }),
            "max: cannot reduce over dimension 0 of size 0 (shape [0])");
}

TEST(TracingErrorTest, InPlaceOpsAndBackward) {
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              Tensor t = in[0] * 2.0;
              t.zero_();
              return t.sum();
            }),
            "zero_: not supported inside a traced function (in-place ops "
            "cannot be traced)");
  EXPECT_EQ(compileError([](const std::vector<Tensor> &in) {
              Tensor t = in[0] * 2.0;
              t.copy_(in[0]);
              return t.sum();
            }),
            "copy_: not supported inside a traced function (in-place ops "
            "cannot be traced)");
  Tensor w = ones({2}, requires_grad());
  EXPECT_EQ(compileError([&](const std::vector<Tensor> &in) {
              Tensor loss = (in[0] * w).sum();
              loss.backward();
              return loss;
            }),
            "backward: not supported inside a traced function (compiled "
            "functions differentiate their result themselves)");
}

TEST(TracingErrorTest, ResultsAndCapturedTensors) {
  EXPECT_EQ(
      compileError([](const std::vector<Tensor> &) { return Tensor(); }),
      "jit::compile: the traced function 'step' returned an undefined tensor");
  // A captured tensor that requires grad must be a leaf: the compiled code
  // has nowhere to accumulate its gradient.
  Tensor w = ones({2}, requires_grad());
  Tensor nonLeaf = w * 3.0;
  EXPECT_EQ(compileError([&](const std::vector<Tensor> &in) {
              return (in[0] * nonLeaf).sum();
            }),
            "jit::compile: argument 1 of 'step' (shape [2]) requires grad but "
            "is not a "
            "leaf; compiled functions accumulate gradients into leaves only");
  EXPECT_EQ(
      errorOf([&] {
        jit::trace(
            [](const std::vector<Tensor> &in) { return in[0] * rand({2}); },
            {ones({2})});
      }),
      "rand: not supported inside a traced function (its random values "
      "would be fixed when traced)");
}

TEST(TracingErrorTest, TrainStepNeedsSomethingToTrain) {
  jit::TrainStep step(
      [](const std::vector<Tensor> &in) { return (in[0] * 2.0).sum(); },
      optim::SGDOptions(0.01));
  EXPECT_EQ(
      errorOf([&] { step(ones({2})); }),
      "jit::TrainStep: 'train_step' has nothing to train (the loss must have "
      "one element, grad mode must be on, and a tensor it uses must "
      "require grad)");
}

} // namespace
