//===- TraceEdgeCasesTest.cpp - traced programs found by adjit-difftest ---===//
//
// Each test is a small program on which adjit-difftest once found eager
// autograd and jit::compile to disagree; the two must now agree.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;

namespace {

/// Runs `function` on `input` with eager autograd and with jit::compile and
/// expects the same loss and gradient.
void expectJitMatchesEager(const jit::TensorFunction &function,
                           const Tensor &input) {
  Tensor eagerInput = input.clone().requires_grad_();
  Tensor eagerLoss = function({eagerInput});
  eagerLoss.backward();

  Tensor jitInput = input.clone().requires_grad_();
  jit::CompiledFunction compiled = jit::compile(function, "edge_case");
  Tensor jitLoss = compiled(jitInput);
  EXPECT_TRUE(allclose(jitLoss, eagerLoss.detach(), 1e-12, 1e-12))
      << "jit " << jitLoss << " eager " << eagerLoss;
  ASSERT_TRUE(jitInput.grad().defined());
  EXPECT_TRUE(allclose(jitInput.grad(), eagerInput.grad(), 1e-12, 1e-12))
      << "jit " << jitInput.grad() << " eager " << eagerInput.grad();
}

TEST(TraceEdgeCases, LogSoftmaxOfZeroDimTensor) {
  // A 0-d tensor is one row of one element: log_softmax gives 0, softmax 1.
  auto function = [](const std::vector<Tensor> &in) {
    return nn::functional::log_softmax(in[0], 0) +
           nn::functional::softmax(in[0], -1) * in[0];
  };
  expectJitMatchesEager(function, scalar_tensor(0.7, kFloat64));
  std::string ir = jit::trace(function, {scalar_tensor(0.7, kFloat64)});
  EXPECT_NE(ir.find("adjit.reduce_max"), std::string::npos) << ir;
}

} // namespace
