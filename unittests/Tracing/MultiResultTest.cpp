//===- MultiResultTest.cpp - jit::compile of functions of several results -===//

#include "TracingTestUtil.h"

#include <gtest/gtest.h>

using namespace adjit;

namespace {

using test::errorOf;
using test::expectClose;

TEST(JitMultiResult, ValuesOfMixedDtypesMatchEager) {
  manual_seed(3);
  Tensor x = randn({4, 3}), w = randn({3, 2}, Dtype::Float64);
  auto fn = [&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
    Tensor h = in[0].to(Dtype::Float64).matmul(w).tanh();
    return {h.sum(), h, h.argmax(1), h > 0.0, in[0] * 2.0};
  };
  std::vector<Tensor> eager = fn({x});
  jit::CompiledMultiFunction compiled = jit::compile(fn, "several");
  for (int call = 0; call < 2; ++call) {
    std::vector<Tensor> results = compiled(x);
    ASSERT_EQ(results.size(), eager.size());
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].dtype(), eager[i].dtype()) << "result " << i;
      EXPECT_EQ(results[i].sizes(), eager[i].sizes()) << "result " << i;
    }
    expectClose(results[0], eager[0]);
    expectClose(results[1], eager[1]);
    EXPECT_TRUE(equal(results[2], eager[2]));
    EXPECT_TRUE(equal(results[3], eager[3]));
    expectClose(results[4], eager[4]);
  }
  EXPECT_EQ(compiled.getStats().compilations, 1);
  EXPECT_EQ(compiled.getStats().cacheHits, 1);
  EXPECT_NE(compiled.getLastIR().find("-> (tensor<f64>, tensor<4x2xf64>, "
                                      "tensor<4xi64>, tensor<4x2xi1>, "
                                      "tensor<4x3xf32>)"),
            std::string::npos)
      << compiled.getLastIR();
}

TEST(JitMultiResult, InputsCapturedTensorsAndDuplicatesAreReturnedAsValues) {
  Tensor x = from_vector(std::vector<double>{1, 2, 3}, {3});
  Tensor c = from_vector(std::vector<double>{5, 7}, {2});
  jit::CompiledMultiFunction compiled =
      jit::compile([&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        Tensor y = in[0] * 2.0;
        return {in[0], c, y, y, in[0]};
      });
  for (int call = 0; call < 2; ++call) {
    std::vector<Tensor> results = compiled(x);
    ASSERT_EQ(results.size(), 5u);
    expectClose(results[0], x);
    expectClose(results[1], c);
    expectClose(results[2], x * 2.0);
    expectClose(results[3], x * 2.0);
    expectClose(results[4], x);
    // Each result owns its elements: writing one changes no other tensor.
    results[0].add_(1.0);
    results[1].add_(1.0);
    results[2].add_(1.0);
    expectClose(x, from_vector(std::vector<double>{1, 2, 3}, {3}));
    expectClose(c, from_vector(std::vector<double>{5, 7}, {2}));
    expectClose(results[3], x * 2.0);
    expectClose(results[4], x);
  }
}

TEST(JitMultiResult, SeveralResultsAreNotDifferentiated) {
  Tensor w = from_vector(std::vector<double>{1, -2}, {2}).requires_grad_();
  Tensor x = from_vector(std::vector<double>{3, 4}, {2});
  jit::CompiledMultiFunction compiled =
      jit::compile([&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        Tensor loss = (in[0] * w).sum();
        return {loss, loss * 2.0};
      });
  std::vector<Tensor> results = compiled(x);
  expectClose(results[0], from_vector(std::vector<double>{-5}, {}));
  expectClose(results[1], from_vector(std::vector<double>{-10}, {}));
  EXPECT_FALSE(w.grad().defined());
  for (const Tensor &result : results) {
    EXPECT_FALSE(result.requires_grad());
    EXPECT_NE(errorOf([&] { result.backward(); }), "no error");
  }
  EXPECT_EQ(compiled.getLastIR().find("_grad"), std::string::npos);
}

TEST(JitMultiResult, OneScalarResultAccumulatesGradientsAsBefore) {
  Tensor w = from_vector(std::vector<double>{1, -2}, {2}).requires_grad_();
  Tensor x = from_vector(std::vector<double>{3, 4}, {2});
  jit::CompiledMultiFunction compiled =
      jit::compile([&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        return {(in[0] * w * w).sum()};
      });
  std::vector<Tensor> results = compiled(x);
  expectClose(results[0], from_vector(std::vector<double>{19}, {}));
  expectClose(w.grad(), from_vector(std::vector<double>{6, -16}, {2}));
}

TEST(JitMultiResult, ReplayNoticesAChangedNumberOfResults) {
  bool both = true;
  Tensor x = ones({2});
  jit::CompiledMultiFunction compiled =
      jit::compile([&](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        Tensor y = in[0] + 1.0;
        if (both)
          return {y, in[0]};
        return {y};
      });
  EXPECT_EQ(compiled(x).size(), 2u);
  both = false;
  EXPECT_EQ(compiled(x).size(), 1u);
  EXPECT_EQ(compiled.getStats().compilations, 2);
  EXPECT_EQ(compiled.getStats().lastReason,
            "the function returns 1 tensor, but returned 2 when traced");
}

TEST(JitMultiResult, NoResultIsAnError) {
  jit::CompiledMultiFunction compiled = jit::compile(
      [](const std::vector<Tensor> &) { return std::vector<Tensor>{}; },
      "empty");
  EXPECT_EQ(errorOf([&] { compiled(ones({1})); }),
            "jit::compile: the traced function 'empty' returned no tensor");
}

TEST(JitMultiResult, TraceReturnsEveryResult) {
  std::string ir = jit::trace(
      [](const std::vector<Tensor> &in) -> std::vector<Tensor> {
        return {in[0].exp(), in[0]};
      },
      {ones({2})}, "pair");
  EXPECT_NE(ir.find("func.func @pair(%arg0: tensor<2xf32>) -> "
                    "(tensor<2xf32>, tensor<2xf32>)"),
            std::string::npos)
      << ir;
}

} // namespace
