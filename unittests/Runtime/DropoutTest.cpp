//===- DropoutTest.cpp - Philox and eager dropout -------------------------===//

#include "TestUtil.h"

#include "adjit/Runtime/OpObserver.h"
#include "adjit/Semantics/Philox.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;
namespace philox = adjit::semantics::philox;

namespace {

using Words = std::array<uint32_t, 4>;

TEST(PhiloxTest, KnownAnswers) {
  // The known-answer tests of Random123's philox4x32_10.
  EXPECT_EQ(philox::philox4x32({0, 0, 0, 0}, {0, 0}),
            (Words{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox::philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                               {0xffffffff, 0xffffffff}),
            (Words{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox::philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                               {0xa4093822, 0x299f31d0}),
            (Words{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
  // The stream: counter offset + index, low word first.
  EXPECT_EQ(philox::randomBits(0, 0, 0), 0x6627e8d5u);
  EXPECT_EQ(philox::randomBits(5, 1ull << 32, 7),
            philox::philox4x32({7, 1, 0, 0}, {5, 0})[0]);
}

/// The generator's offset.
int64_t offset() { return runtime::getRandomState()[1].item<int64_t>(); }

TEST(DropoutTest, KeepsAboutOneMinusPAndScalesExactly) {
  manual_seed(3);
  Tensor x = full({100000}, 1.5);
  for (double p : {0.1, 0.5, 0.8}) {
    Tensor y = dropout(x, p);
    std::vector<double> v = values(y);
    auto scaled = static_cast<float>(1.5f * static_cast<float>(1 / (1 - p)));
    int64_t kept = 0;
    for (double value : v) {
      if (value != 0) {
        ++kept;
        EXPECT_EQ(value, scaled);
      }
    }
    // The standard deviation of the fraction is below 0.0016.
    EXPECT_NEAR(static_cast<double>(kept) / v.size(), 1 - p, 0.01) << p;
  }
}

TEST(DropoutTest, MaskFollowsPhiloxAndAdvancesTheOffset) {
  manual_seed(42);
  EXPECT_EQ(runtime::getRandomState()[0].item<int64_t>(), 42);
  EXPECT_EQ(offset(), 0);
  Tensor x = ones({3, 5}, kFloat64);
  Tensor first = dropout(x, 0.3);
  EXPECT_EQ(offset(), 15);
  std::vector<double> v = values(first);
  for (int64_t i = 0; i < 15; ++i) {
    bool keeps =
        philox::uniformFromBits(philox::randomBits(42, 0, i)) < 1.0 - 0.3;
    EXPECT_EQ(v[i], keeps ? 1 / 0.7 : 0.0) << i;
  }
  Tensor second = dropout(x, 0.3);
  EXPECT_EQ(offset(), 30);
  EXPECT_FALSE(equal(first, second));
  // Reseeding repeats the masks.
  manual_seed(42);
  EXPECT_TRUE(equal(dropout(x, 0.3), first));
  EXPECT_TRUE(equal(dropout(x, 0.3), second));
}

TEST(DropoutTest, IdentityWithoutTrainingOrProbability) {
  manual_seed(1);
  Tensor x = randn({4, 4}).requires_grad_();
  EXPECT_TRUE(dropout(x, 0.5, /*train=*/false).is_same(x));
  EXPECT_TRUE(dropout(x, 0.0).is_same(x));
  EXPECT_EQ(offset(), 0);
  // p = 1 drops everything (x * 0, as PyTorch).
  expectTensor(dropout(x, 1.0), {4, 4}, std::vector<double>(16, 0.0), 0);
}

TEST(DropoutTest, GradientIsTheSameMask) {
  manual_seed(9);
  Tensor x = randn({6, 5}, kFloat64).requires_grad_();
  Tensor y = dropout(x, 0.4);
  y.backward(ones({6, 5}, kFloat64));
  std::vector<double> out = values(y), grad = values(x.grad());
  for (size_t i = 0; i < out.size(); ++i)
    EXPECT_EQ(grad[i], out[i] == 0 ? 0.0 : 1 / 0.6) << i;
  // With the mask fixed by reseeding, first and second order gradcheck.
  auto fn = [](const std::vector<Tensor> &v) {
    manual_seed(5);
    return dropout(v[0] * v[0], 0.4);
  };
  EXPECT_TRUE(autograd::gradcheck(fn, {x}));
  auto gradFn = [&](const std::vector<Tensor> &v) {
    Tensor out = fn(v);
    Tensor g = autograd::grad({out}, v, {ones({6, 5}, kFloat64)}, true,
                              /*createGraph=*/true)[0];
    return (g * g).sum();
  };
  EXPECT_TRUE(autograd::gradcheck(gradFn, {x}));
}

TEST(DropoutTest, Errors) {
  Tensor x = zeros({2, 3});
  EXPECT_ADJIT_ERROR(dropout(x, -0.1),
                     "dropout: probability has to be between 0 and 1, but "
                     "got -0.100000 (input shape [2, 3])");
  EXPECT_ADJIT_ERROR(dropout(x, 1.5), "between 0 and 1, but got 1.500000");
  EXPECT_ADJIT_ERROR(dropout(x, std::nan("")), "between 0 and 1, but got nan");
  EXPECT_ADJIT_ERROR(dropout(zeros({2}, kInt64), 0.5),
                     "dropout: expected a floating-point input, got int64 of "
                     "shape [2]");
}

} // namespace
