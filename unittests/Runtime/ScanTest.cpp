//===- ScanTest.cpp - jit::scan run eagerly, with autograd ----------------===//

#include "TestUtil.h"

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(EagerScanTest, MatchesTheLoopItRuns) {
  Tensor h0 = tensor({1.0, -2.0}), xs = tensor({1.0, 2.0, 3.0}).view({3, 1});
  auto [carry, ys] = jit::scan(
      [](const std::vector<Tensor> &c,
         const std::vector<Tensor> &x) -> runtime::ScanResult {
        Tensor next = c[0] * 0.5 + x[0];
        return {{next, c[1] + 1.0}, {next.sum(), c[1]}};
      },
      {h0, zeros({})}, {xs});
  // h: [1, -2] -> [1.5, 0] -> [2.75, 2] -> [4.375, 4]
  expectTensor(carry[0], {2}, {4.375, 4.0});
  expectTensor(carry[1], {}, {3.0});
  expectTensor(ys[0], {3}, {1.5, 4.75, 8.375});
  expectTensor(ys[1], {3}, {0.0, 1.0, 2.0});
}

TEST(EagerScanTest, LengthZeroReturnsTheInitAndEmptyStacks) {
  Tensor h0 = tensor({1.0, 2.0});
  auto [carry, ys] = jit::scan(
      [](const Tensor &c, const Tensor &x) {
        return std::make_pair(c + x, (c * x).view({1, 2}));
      },
      h0, zeros({0, 2}));
  expectTensor(carry, {2}, {1.0, 2.0});
  EXPECT_EQ(ys.sizes(), Shape({0, 1, 2}));
  // No scanned tensor: the length is given.
  auto [counted, none] = jit::scan(
      [](const std::vector<Tensor> &c,
         const std::vector<Tensor> &) -> runtime::ScanResult {
        return {{c[0] + 1.0}, {}};
      },
      {zeros({})}, {}, 4);
  expectTensor(counted[0], {}, {4.0});
  EXPECT_TRUE(none.empty());
}

TEST(EagerScanTest, GradcheckFirstAndSecondOrder) {
  manual_seed(3);
  Tensor w = (randn({3, 3}, kFloat64) * 0.5).requires_grad_();
  Tensor h0 = randn({3}, kFloat64).requires_grad_();
  Tensor xs = randn({4, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](const std::vector<Tensor> &in) {
        auto [h, ys] = jit::scan(
            [&](const Tensor &c, const Tensor &x) {
              Tensor next = tanh(matmul(in[0], c) + x);
              return std::make_pair(next, next * c);
            },
            in[1], in[2]);
        return h.sum() + (ys * ys).sum();
      },
      {w, h0, xs});
}

} // namespace
