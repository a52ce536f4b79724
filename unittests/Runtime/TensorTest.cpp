//===- TensorTest.cpp - Factories, queries, printing, in-place ops --------===//

#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(TensorTest, FromInitializerLists) {
  Tensor a = tensor({1, 2, 3});
  EXPECT_EQ(a.dtype(), kFloat32);
  expectTensor(a, {3}, {1, 2, 3});
  Tensor b = tensor({{1, 2, 3}, {4, 5, 6}}, kFloat64);
  EXPECT_EQ(b.dtype(), kFloat64);
  EXPECT_EQ(b.dim(), 2);
  EXPECT_EQ(b.numel(), 6);
  EXPECT_EQ(b.size(0), 2);
  EXPECT_EQ(b.size(-1), 3);
  EXPECT_EQ(b.strides(), (Shape{3, 1}));
  EXPECT_EQ(b.stride(0), 3);
  EXPECT_TRUE(b.is_contiguous());
  expectTensor(b, {2, 3}, {1, 2, 3, 4, 5, 6});
  expectTensor(tensor({{7}, {8}}), {2, 1}, {7, 8});
  expectTensor(tensor({{{1, 2}}, {{3, 4}}}), {2, 1, 2}, {1, 2, 3, 4});
  expectTensor(tensor(2.5), {}, {2.5});
  expectTensor(from_vector({1, 2, 3, 4}, {2, 2}, kInt64), {2, 2}, {1, 2, 3, 4});
  std::vector<float> floats = {0.5f, 1.5f};
  expectTensor(from_vector(floats, {2}), {2}, {0.5, 1.5});
  std::vector<int64_t> labels = {2, 0, 1};
  Tensor l = from_vector(labels, {3}, kInt64);
  EXPECT_EQ(l.dtype(), kInt64);
  expectTensor(l, {3}, {2, 0, 1});
}

TEST(TensorTest, ConstantFactories) {
  expectTensor(zeros({2, 2}), {2, 2}, {0, 0, 0, 0});
  expectTensor(ones({3}, kInt64), {3}, {1, 1, 1});
  expectTensor(full({2}, 2.5, kFloat64), {2}, {2.5, 2.5});
  expectTensor(arange(4), {4}, {0, 1, 2, 3});
  expectTensor(arange(1, 2, 0.25), {4}, {1, 1.25, 1.5, 1.75});
  expectTensor(arange(5, 0, -2), {3}, {5, 3, 1});
  expectTensor(linspace(0, 1, 5), {5}, {0, 0.25, 0.5, 0.75, 1});
  expectTensor(scalar_tensor(4.5), {}, {4.5});
  EXPECT_EQ(empty({2, 3}).sizes(), (Shape{2, 3}));
  EXPECT_EQ(ones({2}, kBool).dtype(), kBool);
}

TEST(TensorTest, LikeFactories) {
  Tensor a = tensor({{1, 2}, {3, 4}}, kFloat64);
  Tensor z = zeros_like(a);
  EXPECT_EQ(z.dtype(), kFloat64);
  expectTensor(z, {2, 2}, {0, 0, 0, 0});
  expectTensor(ones_like(a, kInt64), {2, 2}, {1, 1, 1, 1});
  EXPECT_EQ(ones_like(a, kInt64).dtype(), kInt64);
  expectTensor(full_like(a, 7), {2, 2}, {7, 7, 7, 7});
  EXPECT_EQ(rand_like(a).sizes(), (Shape{2, 2}));
  EXPECT_EQ(randn_like(a).dtype(), kFloat64);
}

TEST(TensorTest, RandomIsSeededAndInRange) {
  manual_seed(123);
  std::vector<double> first = values(rand({100}));
  manual_seed(123);
  std::vector<double> second = values(rand({100}));
  EXPECT_EQ(first, second);
  for (double v : first) {
    EXPECT_GE(v, 0.0);
    EXPECT_LT(v, 1.0);
  }
  manual_seed(7);
  Tensor n = randn({20000}, kFloat64);
  double m = n.mean().item();
  double var = ((n - m) * (n - m)).mean().item();
  EXPECT_NEAR(m, 0.0, 0.03);
  EXPECT_NEAR(var, 1.0, 0.05);
  std::vector<double> perm = values(randperm(10));
  std::sort(perm.begin(), perm.end());
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(perm[i], i);
}

TEST(TensorTest, ItemAndElementAccess) {
  Tensor a = tensor({{1, 2, 3}, {4, 5, 6}});
  EXPECT_EQ(a[1][2].item<float>(), 6.0f);
  EXPECT_EQ(a[0][-1].item<int64_t>(), 3);
  EXPECT_EQ(a.sum().item(), 21.0);
  EXPECT_EQ(tensor({3}, kInt64).item<int64_t>(), 3);
  EXPECT_EQ(a.data_ptr<float>()[4], 5.0f);
  // Writing through a view changes the base.
  a[1][0].fill_(40);
  expectTensor(a, {2, 3}, {1, 2, 3, 40, 5, 6});
}

TEST(TensorTest, PrintsLikePyTorch) {
  EXPECT_EQ(str(tensor({1, 2, 3})), "tensor([1., 2., 3.])");
  EXPECT_EQ(str(tensor({1.5, -2.25})), "tensor([ 1.5000, -2.2500])");
  EXPECT_EQ(str(tensor({{1, 2}, {3, 4}})), "tensor([[1., 2.],\n"
                                           "        [3., 4.]])");
  EXPECT_EQ(str(tensor({1, 2}, kInt64)), "tensor([1, 2])");
  EXPECT_EQ(str(tensor({1, 0}, kBool)), "tensor([ True, False])");
  EXPECT_EQ(str(tensor({0.5}, kFloat64)), "tensor([0.5000], dtype=float64)");
  EXPECT_EQ(str(scalar_tensor(2.5)), "tensor(2.5000)");
  EXPECT_EQ(str(tensor({1e-5, 1000})), "tensor([1.0000e-05, 1.0000e+03])");
  EXPECT_EQ(str(ones({2}, requires_grad())),
            "tensor([1., 1.], requires_grad=True)");
  Tensor x = ones({2}, requires_grad());
  EXPECT_EQ(str(x + x), "tensor([2., 2.], grad_fn=<AddBackward0>)");
  EXPECT_EQ(str(ones({1, 2, 2})), "tensor([[[1., 1.],\n"
                                  "         [1., 1.]]])");
  EXPECT_EQ(str(zeros({0})), "tensor([])");
  EXPECT_EQ(str(Tensor()), "[ undefined tensor ]");
  // Large tensors are summarized.
  EXPECT_EQ(str(arange(2000)),
            "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])");
}

TEST(TensorTest, InPlaceOpsBumpVersion) {
  Tensor a = tensor({1, 2, 3});
  EXPECT_EQ(a._version(), 0u);
  a.add_(tensor({1, 1, 1}));
  expectTensor(a, {3}, {2, 3, 4});
  EXPECT_EQ(a._version(), 1u);
  a.sub_(1.0);
  expectTensor(a, {3}, {1, 2, 3});
  a.mul_(tensor({2}));
  expectTensor(a, {3}, {2, 4, 6});
  a.div_(2.0);
  expectTensor(a, {3}, {1, 2, 3});
  a.add_(tensor({1, 1, 1}), 2.0);
  expectTensor(a, {3}, {3, 4, 5});
  a.sub_(tensor({1, 1, 1}), 3.0);
  expectTensor(a, {3}, {0, 1, 2});
  a.fill_(7);
  expectTensor(a, {3}, {7, 7, 7});
  a.zero_();
  expectTensor(a, {3}, {0, 0, 0});
  a.copy_(tensor({5}));
  expectTensor(a, {3}, {5, 5, 5});
  EXPECT_EQ(a._version(), 9u);
  // Views share the version counter of their base.
  Tensor v = a.slice(0, 1);
  v.add_(1.0);
  EXPECT_EQ(a._version(), 10u);
  expectTensor(a, {3}, {5, 6, 6});
}

TEST(TensorTest, InPlaceOnStridedView) {
  Tensor a = zeros({2, 3});
  a.t().add_(tensor({1, 2}));
  expectTensor(a, {2, 3}, {1, 1, 1, 2, 2, 2});
}

TEST(TensorTest, ConversionAndClone) {
  Tensor a = tensor({1.7, -2.2});
  Tensor i = a.to(kInt64);
  EXPECT_EQ(i.dtype(), kInt64);
  expectTensor(i, {2}, {1, -2});
  expectTensor(tensor({0, 2}).to(kBool), {2}, {0, 1});
  Tensor c = a.clone();
  c.fill_(0);
  expectTensor(a, {2}, {1.7, -2.2});
  EXPECT_TRUE(a.to(kFloat32).is_same(a));
}

TEST(TensorTest, AllcloseAndEqual) {
  EXPECT_TRUE(allclose(tensor({1, 2}), tensor({1, 2.000001})));
  EXPECT_FALSE(allclose(tensor({1, 2}), tensor({1, 2.1})));
  EXPECT_TRUE(equal(tensor({1, 2}), tensor({1, 2}, kInt64)));
  EXPECT_FALSE(equal(tensor({1, 2}), tensor({1, 2, 3})));
}

} // namespace

namespace {

TEST(TensorTest, FromBlobSharesMemoryAndRunsTheDeleterOnce) {
  std::vector<double> memory = {1, 2, 3, 4, 5, 6};
  int deleted = 0;
  {
    // Every other element of a 3x2 row-major block: a [3] column view.
    Tensor t = from_blob(
        memory.data(), {3}, {2},
        [&](void *p) {
          EXPECT_EQ(p, memory.data());
          ++deleted;
        },
        kFloat64);
    expectTensor(t, {3}, {1, 3, 5});
    EXPECT_EQ(t.data_ptr<double>(), memory.data());
    Tensor view = t.slice(0, 1);
    t = Tensor();
    EXPECT_EQ(deleted, 0); // the view keeps the memory
    view.mul_(10.0);
    EXPECT_EQ(memory[2], 30);
    EXPECT_EQ(memory[4], 50);
  }
  EXPECT_EQ(deleted, 1);
}

TEST(TensorTest, FromBlobRejectsBadGeometryAndStillReleases) {
  float value = 0;
  int deleted = 0;
  auto deleter = [&](void *) { ++deleted; };
  EXPECT_THROW(from_blob(&value, {2}, {-1}, deleter), Error);
  EXPECT_THROW(from_blob(&value, {2, 2}, {1}, deleter), Error);
  EXPECT_THROW(from_blob(nullptr, {2}, {1}, deleter), Error);
  EXPECT_EQ(deleted, 3);
  expectTensor(from_blob(nullptr, {0}, {1}, nullptr), {0}, {});
}

} // namespace
