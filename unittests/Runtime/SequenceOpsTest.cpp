//===- SequenceOpsTest.cpp - eager shape, masking and scan ops ------------===//

#include "TestUtil.h"

#include <functional>

using namespace adjit;
using namespace adjit::test;

namespace {

Tensor iota(const Shape &shape, Dtype dtype = kFloat64) {
  int64_t n = 1;
  for (int64_t s : shape)
    n *= s;
  return arange(0, n, 1, dtype).reshape(shape);
}

TEST(SequenceOpsTest, StackSplitChunkUnbindNarrow) {
  Tensor a = iota({2, 3}), b = iota({2, 3}) + 10;
  expectTensor(stack({a, b}), {2, 2, 3},
               {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15});
  expectTensor(stack({a, b}, -1), {2, 3, 2},
               {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15});
  expectTensor(stack({a, b}, 1), {2, 2, 3},
               {0, 1, 2, 10, 11, 12, 3, 4, 5, 13, 14, 15});

  Tensor x = iota({7, 2});
  std::vector<Tensor> pieces = x.split(3);
  ASSERT_EQ(pieces.size(), 3u);
  expectTensor(pieces[2], {1, 2}, {12, 13});
  pieces = split(x, Shape{1, 6}, 0);
  ASSERT_EQ(pieces.size(), 2u);
  expectTensor(pieces[1], {6, 2}, values(x.slice(0, 1)));
  pieces = x.split(1, -1);
  ASSERT_EQ(pieces.size(), 2u);
  expectTensor(pieces[1], {7, 1}, {1, 3, 5, 7, 9, 11, 13});
  // chunk: pieces of ceil(7 / 3) = 3, so 3 chunks; ceil(7 / 6) = 2 gives 4.
  EXPECT_EQ(x.chunk(3).size(), 3u);
  EXPECT_EQ(x.chunk(6).size(), 4u);
  EXPECT_EQ(x.chunk(7).size(), 7u);
  expectTensor(x.chunk(2, 1)[1], {7, 1}, {1, 3, 5, 7, 9, 11, 13});

  std::vector<Tensor> rows = iota({2, 3}).unbind(1);
  ASSERT_EQ(rows.size(), 3u);
  expectTensor(rows[2], {2}, {2, 5});

  expectTensor(x.narrow(0, 2, 2), {2, 2}, {4, 5, 6, 7});
  expectTensor(x.narrow(0, -2, 2), {2, 2}, {10, 11, 12, 13});
  expectTensor(x.narrow(1, 1, 0), {7, 0}, {});
  // narrow is a view.
  EXPECT_EQ(x.narrow(0, 2, 2).data_ptr<double>(), x.data_ptr<double>() + 4);
}

TEST(SequenceOpsTest, RepeatSqueezeBmm) {
  Tensor x = iota({2, 2});
  expectTensor(x.repeat({1, 2}), {2, 4}, {0, 1, 0, 1, 2, 3, 2, 3});
  expectTensor(x.repeat({2, 1}), {4, 2}, {0, 1, 2, 3, 0, 1, 2, 3});
  expectTensor(x.repeat({2, 1, 1}), {2, 2, 2}, {0, 1, 2, 3, 0, 1, 2, 3});
  expectTensor(iota({3}).repeat({0}), {0}, {});

  Tensor y = iota({1, 3, 1, 2});
  EXPECT_EQ(y.squeeze().sizes(), (Shape{3, 2}));
  EXPECT_EQ(zeros({1, 1}).squeeze().sizes(), Shape{});
  EXPECT_EQ(zeros({2}).squeeze().sizes(), Shape{2});

  Tensor a = iota({2, 2, 3}), b = iota({2, 3, 1});
  expectTensor(a.bmm(b), {2, 2, 1}, values(matmul(a, b)));
  expectTensor(bmm(a, b), {2, 2, 1}, {5, 14, 86, 122});
}

TEST(SequenceOpsTest, CumsumTrilTriu) {
  Tensor x = iota({2, 3});
  expectTensor(x.cumsum(1), {2, 3}, {0, 1, 3, 3, 7, 12});
  expectTensor(x.cumsum(0), {2, 3}, {0, 1, 2, 3, 5, 7});
  expectTensor(x.cumsum(-1), {2, 3}, {0, 1, 3, 3, 7, 12});
  Tensor ints = iota({4}, kInt64);
  EXPECT_EQ(ints.cumsum(0).dtype(), kInt64);
  expectTensor(ints.cumsum(0), {4}, {0, 1, 3, 6});
  EXPECT_EQ(cumsum(ones({3}, kBool), 0).dtype(), kInt64);
  EXPECT_EQ(iota({2, 3}, kFloat32).cumsum(0).dtype(), kFloat32);

  Tensor m = iota({3, 4}) + 1;
  expectTensor(m.tril(), {3, 4}, {1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0});
  expectTensor(m.triu(), {3, 4}, {1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12});
  expectTensor(m.tril(1), {3, 4}, {1, 2, 0, 0, 5, 6, 7, 0, 9, 10, 11, 12});
  expectTensor(m.triu(-1), {3, 4}, {1, 2, 3, 4, 5, 6, 7, 8, 0, 10, 11, 12});
  expectTensor(m.triu(5), {3, 4}, std::vector<double>(12, 0.0));
  // Batched: the last two dims.
  Tensor batch = stack({m, m * 2});
  expectTensor(tril(batch)[1], {3, 4}, values(m.tril() * 2));
  EXPECT_EQ(tril(ones({2, 2}, kBool)).dtype(), kBool);
}

TEST(SequenceOpsTest, MaskedFillAndWhereWithScalars) {
  Tensor x = iota({2, 3});
  Tensor mask = from_vector({1, 0, 1}, {3}, kBool);
  expectTensor(x.masked_fill(mask, -1), {2, 3}, {-1, 1, -1, -1, 4, -1});
  expectTensor(x.masked_fill(mask, scalar_tensor(7, kFloat64)), {2, 3},
               {7, 1, 7, 7, 4, 7});
  Tensor ints = iota({3}, kInt64);
  EXPECT_EQ(ints.masked_fill(mask, 5).dtype(), kInt64);
  Tensor cond = x > 2.0;
  expectTensor(where(cond, 1.5, x), {2, 3}, {0, 1, 2, 1.5, 1.5, 1.5});
  expectTensor(where(cond, x, -1), {2, 3}, {-1, -1, -1, 3, 4, 5});
  EXPECT_EQ(where(ints > 0.0, ints, 2).dtype(), kInt64);
  EXPECT_EQ(where(ints > 0.0, ints, 2.5).dtype(), kFloat32);

  // The gradient of the filled elements goes to the value, the rest to x.
  Tensor xg = leaf({1, 2, 3}, {3});
  Tensor value = leaf({4}, {});
  Tensor filled = xg.masked_fill(mask, value);
  (filled * from_vector({1, 2, 3}, {3}, kFloat64)).sum().backward();
  expectTensor(xg.grad(), {3}, {0, 2, 0});
  expectTensor(value.grad(), {}, {4});
}

TEST(SequenceOpsTest, Errors) {
  Tensor x = zeros({2, 3});
  EXPECT_ADJIT_ERROR(stack({x, zeros({3})}),
                     "stack: expected tensors of equal shape, got [2, 3] at "
                     "entry 0 and [3] at entry 1");
  EXPECT_ADJIT_ERROR(stack({}), "stack: expected a non-empty list of tensors");
  EXPECT_ADJIT_ERROR(stack({x}, 3), "stack");
  EXPECT_ADJIT_ERROR(x.split(0), "split: split_size must be positive, got 0 "
                                 "for dim 0 of shape [2, 3]");
  EXPECT_ADJIT_ERROR(x.split(Shape{1, 1}, 1),
                     "split: sizes [1, 1] must be non-negative and add up to "
                     "3, the size of dim 1 of shape [2, 3]");
  EXPECT_ADJIT_ERROR(x.chunk(0), "chunk: the number of chunks must be "
                                 "positive, got 0 (input shape [2, 3])");
  EXPECT_ADJIT_ERROR(zeros({}).unbind(), "unbind: expected a tensor of at "
                                         "least 1 dim");
  EXPECT_ADJIT_ERROR(x.narrow(1, 2, 2), "narrow: start 2 and length 2 exceed "
                                        "dim 1 of shape [2, 3]");
  EXPECT_ADJIT_ERROR(x.narrow(1, -4, 1), "narrow: start -4");
  EXPECT_ADJIT_ERROR(x.repeat({2}), "repeat: repeats [2] must be "
                                    "non-negative, one per dim of shape "
                                    "[2, 3] or more");
  EXPECT_ADJIT_ERROR(bmm(zeros({2, 2, 3}), zeros({3, 3, 1})),
                     "bmm: expected [B, n, m] and [B, m, p] tensors, got "
                     "[2, 2, 3] and [3, 3, 1]");
  EXPECT_ADJIT_ERROR(bmm(x, x), "bmm: expected");
  EXPECT_ADJIT_ERROR(x.cumsum(2), "cumsum");
  EXPECT_ADJIT_ERROR(zeros({3}).tril(), "tril: expected a tensor of at least "
                                        "2 dims, got shape [3]");
  EXPECT_ADJIT_ERROR(zeros({3}).triu(), "triu: expected");
  EXPECT_ADJIT_ERROR(x.masked_fill(zeros({3}), 1),
                     "masked_fill: expected a bool mask, got float32 of shape "
                     "[3] (input shape [2, 3])");
  EXPECT_ADJIT_ERROR(x.masked_fill(ones({2}, kBool), 1),
                     "masked_fill: mask of shape [2] does not broadcast to "
                     "the input's shape [2, 3]");
  EXPECT_ADJIT_ERROR(zeros({3}).masked_fill(ones({2, 3}, kBool), 1),
                     "masked_fill: mask of shape [2, 3] does not broadcast");
  EXPECT_ADJIT_ERROR(x.masked_fill(ones({3}, kBool), zeros({1})),
                     "masked_fill: expected a 0-d value tensor, got shape [1]");
  EXPECT_ADJIT_ERROR(where(x, 1.0, x), "where: expected a condition of dtype "
                                       "bool");
}

TEST(SequenceOpsTest, GradcheckFirstAndSecondOrder) {
  manual_seed(11);
  Tensor a = randn({2, 3}, kFloat64).requires_grad_();
  Tensor b = randn({2, 3}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder([](auto &in) { return stack(in, 1); }, {a, b});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return in[0].split(2, 1)[1] * in[0].chunk(2, 1)[0].sum();
      },
      {a});
  checkFirstAndSecondOrder(
      [](auto &in) { return in[0].unbind(0)[1] * in[0].narrow(1, 1, 2).sum(); },
      {a});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return in[0].repeat({2, 1, 2});
      },
      {a});
  checkFirstAndSecondOrder(
      [](auto &in) {
        return in[0].reshape({1, 2, 1, 3}).squeeze();
      },
      {a});
  checkFirstAndSecondOrder([](auto &in) { return in[0].cumsum(1); }, {a});
  checkFirstAndSecondOrder([](auto &in) { return in[0].cumsum(0); }, {a});
  checkFirstAndSecondOrder(
      [](auto &in) { return in[0].tril(1) * in[1].triu(); }, {a, b});
  Tensor mask = from_vector({0, 1, 1}, {3}, kBool);
  checkFirstAndSecondOrder(
      [&](auto &in) {
        return where(mask, 2.0, in[0] * in[0]).masked_fill(mask == 0.0, -1) +
               where(mask, in[1], 0.5);
      },
      {a, b});
  Tensor p = randn({2, 2, 3}, kFloat64).requires_grad_();
  Tensor q = randn({2, 3, 2}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder([](auto &in) { return bmm(in[0], in[1]); }, {p, q});
}

} // namespace
