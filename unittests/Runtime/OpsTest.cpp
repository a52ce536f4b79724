//===- OpsTest.cpp - Forward values of every op ---------------------------===//

#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(OpsTest, ArithmeticWithBroadcasting) {
  Tensor a = tensor({{1, 2, 3}, {4, 5, 6}});
  Tensor row = tensor({10, 20, 30});
  Tensor col = tensor({{1}, {2}});
  expectTensor(a + row, {2, 3}, {11, 22, 33, 14, 25, 36});
  expectTensor(a - col, {2, 3}, {0, 1, 2, 2, 3, 4});
  expectTensor(a * col, {2, 3}, {1, 2, 3, 8, 10, 12});
  expectTensor(a / row, {2, 3}, {0.1, 0.1, 0.1, 0.4, 0.25, 0.2});
  expectTensor(col + row, {2, 3}, {11, 21, 31, 12, 22, 32});
  expectTensor(-a, {2, 3}, {-1, -2, -3, -4, -5, -6});
  expectTensor(add(a, a), {2, 3}, {2, 4, 6, 8, 10, 12});
  expectTensor(a.sub(row), {2, 3}, {-9, -18, -27, -6, -15, -24});
}

TEST(OpsTest, ScalarOperands) {
  Tensor a = tensor({1, 2, 4});
  expectTensor(a + 1, {3}, {2, 3, 5});
  expectTensor(1 + a, {3}, {2, 3, 5});
  expectTensor(a - 1, {3}, {0, 1, 3});
  expectTensor(1 - a, {3}, {0, -1, -3});
  expectTensor(a * 2, {3}, {2, 4, 8});
  expectTensor(2 * a, {3}, {2, 4, 8});
  expectTensor(a / 2, {3}, {0.5, 1, 2});
  expectTensor(4 / a, {3}, {4, 2, 1});
  EXPECT_EQ((a * 2).dtype(), kFloat32);
  EXPECT_EQ((tensor({1}, kFloat64) * 2).dtype(), kFloat64);
}

TEST(OpsTest, TypePromotion) {
  Tensor i = tensor({1, 2}, kInt64);
  EXPECT_EQ((i + i).dtype(), kInt64);
  expectTensor(i + i, {2}, {2, 4});
  EXPECT_EQ((i + tensor({0.5, 0.5})).dtype(), kFloat32);
  expectTensor(i / i, {2}, {1, 1});
  EXPECT_EQ((i / i).dtype(), kFloat32);
  EXPECT_EQ((tensor({1}) + tensor({1}, kFloat64)).dtype(), kFloat64);
  EXPECT_EQ((i * 1.5).dtype(), kFloat32);
  expectTensor(i * 1.5, {2}, {1.5, 3});
}

TEST(OpsTest, UnaryMath) {
  Tensor x = tensor({-1, 0.5, 2}, kFloat64);
  expectTensor(exp(x), {3}, {std::exp(-1.0), std::exp(0.5), std::exp(2.0)});
  expectTensor(log(abs(x)), {3}, {0, std::log(0.5), std::log(2.0)});
  expectTensor(sqrt(abs(x)), {3}, {1, std::sqrt(0.5), std::sqrt(2.0)});
  expectTensor(tanh(x), {3}, {std::tanh(-1.0), std::tanh(0.5), std::tanh(2.0)});
  expectTensor(sigmoid(x), {3},
               {1 / (1 + std::exp(1.0)), 1 / (1 + std::exp(-0.5)),
                1 / (1 + std::exp(-2.0))});
  expectTensor(relu(x), {3}, {0, 0.5, 2});
  expectTensor(abs(x), {3}, {1, 0.5, 2});
  expectTensor(sign(tensor({-3, 0, 2})), {3}, {-1, 0, 1});
  expectTensor(pow(x, 2.0), {3}, {1, 0.25, 4});
  expectTensor(pow(tensor({2, 3}), tensor({3, 2})), {2}, {8, 9});
  expectTensor(x.exp().log(), {3}, {-1, 0.5, 2}, 1e-12);
  // Stable sigmoid at the extremes.
  expectTensor(sigmoid(tensor({-1000, 1000})), {2}, {0, 1});
  // Integer inputs of float-only functions become float32.
  EXPECT_EQ(exp(tensor({0}, kInt64)).dtype(), kFloat32);
  expectTensor(abs(tensor({-2, 3}, kInt64)), {2}, {2, 3});
}

TEST(OpsTest, MatmulShapes) {
  Tensor a = tensor({{1, 2}, {3, 4}, {5, 6}}); // [3, 2]
  Tensor b = tensor({{1, 0, 2}, {0, 1, 3}});   // [2, 3]
  expectTensor(matmul(a, b), {3, 3}, {1, 2, 8, 3, 4, 18, 5, 6, 28});
  expectTensor(matmul(tensor({1, 2}), tensor({3, 4})), {}, {11});
  expectTensor(matmul(a, tensor({1, 1})), {3}, {3, 7, 11});
  expectTensor(matmul(tensor({1, 1, 1}), a), {2}, {9, 12});
  // Transposed operands are read in place.
  expectTensor(matmul(b.t(), a.t()), {3, 3}, {1, 3, 5, 2, 4, 6, 8, 18, 28});
  // Batched: [2, 3, 2] @ [2, 3] broadcasts the matrix over the batch.
  Tensor batch = cat({a.unsqueeze(0), (a * 2).unsqueeze(0)}, 0);
  Tensor r = matmul(batch, b);
  expectTensor(r, {2, 3, 3},
               {1, 2, 8, 3, 4, 18, 5, 6, 28, 2, 4, 16, 6, 8, 36, 10, 12, 56});
  // [2, 1, 3, 2] @ [4, 2, 1] -> [2, 4, 3, 1].
  Tensor x = arange(12, kFloat64).view({2, 1, 3, 2});
  Tensor y = arange(8, kFloat64).view({4, 2, 1});
  Tensor z = matmul(x, y);
  EXPECT_EQ(z.sizes(), (Shape{2, 4, 3, 1}));
  // z[1][2][0][0] = x[1][0][0] . y[2][:, 0] = 6 * 4 + 7 * 5.
  EXPECT_EQ(z[1][2][0][0].item(), 59.0);
  expectTensor(matmul(tensor({{1, 2}}, kFloat64), tensor({{3}, {4}}, kFloat64)),
               {1, 1}, {11});
  EXPECT_EQ(a.mm(b).sizes(), (Shape{3, 3}));
  expectTensor(matmul(zeros({2, 0}), zeros({0, 3})), {2, 3},
               {0, 0, 0, 0, 0, 0});
}

TEST(OpsTest, Reductions) {
  Tensor a = tensor({{1, 5, 3}, {4, 2, 6}});
  expectTensor(a.sum(), {}, {21});
  expectTensor(a.sum({0}), {3}, {5, 7, 9});
  expectTensor(a.sum({1}, true), {2, 1}, {9, 12});
  expectTensor(a.sum({-1, 0}), {}, {21});
  expectTensor(a.mean(), {}, {3.5});
  expectTensor(a.mean({0}), {3}, {2.5, 3.5, 4.5});
  expectTensor(a.mean({1}, true), {2, 1}, {3, 4});
  expectTensor(a.max(), {}, {6});
  auto [values, indices] = a.max(1);
  expectTensor(values, {2}, {5, 6});
  expectTensor(indices, {2}, {1, 2});
  EXPECT_EQ(indices.dtype(), kInt64);
  auto [v0, i0] = a.max(0, true);
  expectTensor(v0, {1, 3}, {4, 5, 6});
  expectTensor(i0, {1, 3}, {1, 0, 1});
  expectTensor(a.argmax(1), {2}, {1, 2});
  auto [minima, minIndices] = a.min(0);
  expectTensor(minima, {3}, {1, 2, 3});
  expectTensor(minIndices, {3}, {0, 1, 0});
  expectTensor(a.argmin(1, true), {2, 1}, {0, 1});
  // The first of ties, the first NaN.
  expectTensor(tensor({2, 1, 1, 2}).argmin(0), {}, {1});
  expectTensor(tensor({2, NAN, 3, NAN}).argmin(0), {}, {1});
  expectTensor(tensor({2, NAN, 3, NAN}).argmax(0), {}, {1});
  EXPECT_EQ(tensor({1, 2}, kInt64).sum().dtype(), kInt64);
  EXPECT_EQ(tensor({1, 1}, kBool).sum().item<int64_t>(), 2);
  // Reductions over a transposed view.
  expectTensor(a.t().sum({1}), {3}, {5, 7, 9});
  EXPECT_TRUE(std::isnan(tensor({1, NAN, 3}).max().item()));
}

TEST(OpsTest, ViewsAndShapes) {
  Tensor a = arange(6).view({2, 3});
  expectTensor(a.reshape({3, 2}), {3, 2}, {0, 1, 2, 3, 4, 5});
  expectTensor(a.view({-1}), {6}, {0, 1, 2, 3, 4, 5});
  expectTensor(a.reshape({3, -1}), {3, 2}, {0, 1, 2, 3, 4, 5});
  Tensor t = a.transpose(0, 1);
  EXPECT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.strides(), (Shape{1, 3}));
  expectTensor(t, {3, 2}, {0, 3, 1, 4, 2, 5});
  expectTensor(t.reshape({6}), {6}, {0, 3, 1, 4, 2, 5});
  expectTensor(t.contiguous(), {3, 2}, {0, 3, 1, 4, 2, 5});
  EXPECT_TRUE(t.contiguous().is_contiguous());
  expectTensor(a.t(), {3, 2}, {0, 3, 1, 4, 2, 5});
  Tensor b = arange(24).view({2, 3, 4});
  Tensor p = b.permute({2, 0, 1});
  EXPECT_EQ(p.sizes(), (Shape{4, 2, 3}));
  EXPECT_EQ(p[3][1][2].item(), b[1][2][3].item());
  expectTensor(a.slice(1, 1), {2, 2}, {1, 2, 4, 5});
  expectTensor(a.slice(1, 0, 3, 2), {2, 2}, {0, 2, 3, 5});
  expectTensor(a.slice(1, -2, std::nullopt), {2, 2}, {1, 2, 4, 5});
  expectTensor(a.slice(0, 5, 9), {0, 3}, {});
  expectTensor(a.select(1, 2), {2}, {2, 5});
  expectTensor(a[1], {3}, {3, 4, 5});
  expectTensor(a.unsqueeze(0), {1, 2, 3}, {0, 1, 2, 3, 4, 5});
  expectTensor(a.unsqueeze(-1), {2, 3, 1}, {0, 1, 2, 3, 4, 5});
  expectTensor(a.unsqueeze(1).squeeze(1), {2, 3}, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(a.squeeze(0).sizes(), (Shape{2, 3}));
  expectTensor(tensor({1, 2}).expand({2, 2}), {2, 2}, {1, 2, 1, 2});
  expectTensor(tensor({{1}, {2}}).expand({-1, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  expectTensor(a.flatten(), {6}, {0, 1, 2, 3, 4, 5});
  // Views share storage.
  a.view({6})[0].fill_(9);
  EXPECT_EQ(a[0][0].item(), 9.0);
}

TEST(OpsTest, Cat) {
  Tensor a = tensor({{1, 2}, {3, 4}});
  Tensor b = tensor({{5, 6}});
  expectTensor(cat({a, b}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expectTensor(cat({a, a.t()}, 1), {2, 4}, {1, 2, 1, 3, 3, 4, 2, 4});
  expectTensor(cat({a, tensor({{7}, {8}}, kFloat64)}, -1), {2, 3},
               {1, 2, 7, 3, 4, 8});
  EXPECT_EQ(cat({a, tensor({{7}, {8}}, kFloat64)}, -1).dtype(), kFloat64);
}

TEST(OpsTest, ComparisonsAndWhere) {
  Tensor a = tensor({1, 2, 3});
  Tensor b = tensor({3, 2, 1});
  expectTensor(a == b, {3}, {0, 1, 0});
  expectTensor(a != b, {3}, {1, 0, 1});
  expectTensor(a < b, {3}, {1, 0, 0});
  expectTensor(a <= b, {3}, {1, 1, 0});
  expectTensor(a > b, {3}, {0, 0, 1});
  expectTensor(a >= b, {3}, {0, 1, 1});
  expectTensor(a > 1.5, {3}, {0, 1, 1});
  expectTensor(a == 2, {3}, {0, 1, 0});
  expectTensor(a < 2, {3}, {1, 0, 0});
  expectTensor(a <= 2, {3}, {1, 1, 0});
  expectTensor(a >= 2, {3}, {0, 1, 1});
  expectTensor(a != 2, {3}, {1, 0, 1});
  EXPECT_EQ((a < b).dtype(), kBool);
  expectTensor(where(a > b, a, b), {3}, {3, 2, 3});
  expectTensor(where(tensor({{1}, {0}}, kBool), a, scalar_tensor(0)), {2, 3},
               {1, 2, 3, 0, 0, 0});
  expectTensor(a.eq(tensor({1}, kInt64)), {3}, {1, 0, 0});
}

TEST(OpsTest, SumToAndSliceBackward) {
  Tensor g = arange(6).view({2, 3});
  expectTensor(sum_to(g, {3}), {3}, {3, 5, 7});
  expectTensor(sum_to(g, {2, 1}), {2, 1}, {3, 12});
  expectTensor(sum_to(g, {1, 1}), {1, 1}, {15});
  expectTensor(sum_to(g, {}), {}, {15});
  EXPECT_TRUE(sum_to(g, {2, 3}).is_same(g));
  expectTensor(slice_backward(tensor({1, 2}), {5}, 0, 1, 5, 2), {5},
               {0, 1, 0, 2, 0});
  EXPECT_ADJIT_ERROR(sum_to(g, {4}),
                     "sum_to: cannot reduce shape [2, 3] to [4]");
}

} // namespace
