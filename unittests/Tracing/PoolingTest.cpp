//===- PoolingTest.cpp - pooling and flatten eager against compiled -------===//
//
// max_pool2d, avg_pool2d, adaptive_avg_pool2d and flatten traced into adjit
// IR, differentiated by adjit-autodiff and compiled: values and gradients
// identical to the eager ones, bit for bit, in f32 and f64, at ordinary
// inputs and at ties, -inf and NaN.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/Runtime/OpObserver.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <limits>

using namespace adjit;
using adjit::test::expectSameGradient;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Pool = std::function<Tensor(const Tensor &)>;

/// Expects `a` and `b` to have one shape, dtype and the same bits.
void expectIdentical(const Tensor &a, const Tensor &b) {
  ASSERT_EQ(a.sizes(), b.sizes());
  ASSERT_EQ(a.dtype(), b.dtype());
  EXPECT_TRUE(runtime::haveIdenticalElements(a.detach().contiguous(),
                                             b.detach().contiguous()))
      << a << "\nvs\n"
      << b;
}

/// Values of `shape` from a fixed pattern with repeats (ties) and both
/// signs.
std::vector<double> patterned(const Shape &shape, int modulus = 7) {
  int64_t count = 1;
  for (int64_t d : shape)
    count *= d;
  std::vector<double> v;
  for (int64_t i = 0; i < count; ++i)
    v.push_back(((i * 5) % modulus - 3) * 0.37);
  return v;
}

/// Checks that `pool` of x (of `shape`, holding `v`) and the gradient of a
/// weighted sum of it are identical eagerly and compiled.
void expectSamePooling(const std::vector<double> &v, const Shape &shape,
                       const Pool &pool, Dtype dtype) {
  Tensor input = from_vector(v, shape, dtype);
  jit::CompiledFunction f =
      jit::compile([&](const std::vector<Tensor> &in) { return pool(in[0]); });
  expectIdentical(f(input), pool(input));
  expectSameGradient(
      v,
      [&](const Tensor &x) {
        // In f64, where the products and their sum are exact whatever the
        // order of summation (the compiled sum may reassociate).
        Tensor y = pool(x.view(shape)).to(kFloat64);
        Tensor w = arange(y.numel(), kFloat64).view(y.sizes()) * 0.25 + 1.0;
        return (y * w).sum();
      },
      dtype);
}

struct Config {
  const char *name;
  Shape shape;
  Pool pool;
};

std::vector<Config> configs() {
  return {
      {"max 2", {2, 3, 4, 4}, [](auto &x) { return max_pool2d(x, {2}); }},
      {"max overlapping",
       {2, 2, 5, 5},
       [](auto &x) { return max_pool2d(x, {3}, {1}); }},
      {"max padded",
       {1, 2, 5, 6},
       [](auto &x) { return max_pool2d(x, {3}, {2}, {1}); }},
      {"max dilated",
       {1, 2, 6, 7},
       [](auto &x) {
         return max_pool2d(x, {2, 3}, {1, 2}, {1}, {2, 1});
       }},
      {"max ceil",
       {2, 5, 5},
       [](auto &x) { return max_pool2d(x, {2}, {2}, {0}, {1}, true); }},
      {"avg padded",
       {2, 2, 5, 5},
       [](auto &x) { return avg_pool2d(x, {3}, {2}, {1}); }},
      {"avg no pad count",
       {1, 2, 5, 6},
       [](auto &x) { return avg_pool2d(x, {3}, {2}, {1}, false, false); }},
      {"avg ceil",
       {2, 5, 5},
       [](auto &x) {
         return avg_pool2d(x, {2, 3}, {2}, {1}, true);
       }},
      {"adaptive 7 to 3",
       {1, 2, 7, 7},
       [](auto &x) { return adaptive_avg_pool2d(x, {3}); }},
      {"adaptive up",
       {2, 2, 3},
       [](auto &x) {
         return adaptive_avg_pool2d(x, {3, 4});
       }},
      {"flatten", {2, 3, 2, 2}, [](auto &x) { return flatten(x, 1, 2) * 2.0; }},
  };
}

TEST(PoolingCompiled, ValuesAndGradientsAreIdenticalToEager) {
  for (Dtype dtype : {kFloat32, kFloat64})
    for (const Config &config : configs()) {
      SCOPED_TRACE(std::string(config.name) + " " + dtypeName(dtype));
      expectSamePooling(patterned(config.shape), config.shape, config.pool,
                        dtype);
    }
}

TEST(PoolingCompiled, TiesInfinityAndNaNChooseAsEagerly) {
  auto pairs = [](const Tensor &x) { return max_pool2d(x, {1, 2}, {1}); };
  std::vector<double> g =
      expectSameGradient({3, 3, 1, 3}, [&](const Tensor &x) {
        return (pairs(x.view({1, 1, 1, 4})) *
                tensor({{{{1.0, 10.0, 100.0}}}}, kFloat64))
            .sum();
      });
  EXPECT_EQ(g, (std::vector<double>{1, 10, 0, 100}));
  // -inf windows choose their first element; the last NaN of a window wins.
  g = expectSameGradient({-kInf, -kInf, -kInf, kNaN, 1, kNaN, 2, kInf},
                         [&](const Tensor &x) {
                           return pairs(x.view({1, 1, 2, 4})).sum();
                         });
  EXPECT_EQ(g[0], 1);
  EXPECT_EQ(g[1], 1);
  EXPECT_EQ(g[2], 0);
  EXPECT_EQ(g[3], 1);
  EXPECT_EQ(g[4], 0);
  EXPECT_EQ(g[5], 2);
  EXPECT_EQ(g[7], 1);
  // Overlapping windows sharing their maximum, in f32.
  std::vector<double> shared = {1, 2, 3, 4, 9, 5, 6, 7, 9};
  expectSamePooling(
      shared, {1, 1, 3, 3}, [](auto &x) { return max_pool2d(x, {2}, {1}); },
      kFloat32);
  for (Dtype dtype : {kFloat32, kFloat64})
    for (const Config &config : configs()) {
      SCOPED_TRACE(std::string(config.name) + " with ties");
      std::vector<double> v = patterned(config.shape, 3);
      v[1] = kNaN;
      v[v.size() / 2] = -kInf;
      expectSamePooling(v, config.shape, config.pool, dtype);
    }
}

TEST(PoolingCompiled, TracesAsPoolingOps) {
  jit::CompiledFunction f = jit::compile([](const std::vector<Tensor> &in) {
    return (max_pool2d(in[0], {2}) + avg_pool2d(in[0], {2}) +
            adaptive_avg_pool2d(in[0], {2}))
        .flatten(1)
        .sum();
  });
  Tensor x = randn({2, 3, 4, 4}, dtype(kFloat32).requires_grad(true));
  f(x);
  std::string ir = f.getLastIR();
  for (const char *op :
       {"adjit.max_pool2d_indices", "adjit.max_pool2d_gather",
        "adjit.max_pool2d_scatter", "adjit.avg_pool2d ",
        "adjit.avg_pool2d_backward", "adjit.adaptive_avg_pool2d ",
        "adjit.adaptive_avg_pool2d_backward"})
    EXPECT_NE(ir.find(op), std::string::npos) << op << " missing in\n" << ir;
}

TEST(PoolingCompiled, BadArgumentsFailWhenTraced) {
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return max_pool2d(in[0], {3}); });
  EXPECT_EQ(adjit::test::errorOf([&] {
              f(zeros({1, 1, 2, 2}));
            }),
            "max_pool2d: the input of shape [1, 1, 2, 2] gives an output of "
            "size 0x0, which is too small (the kernel is larger than the "
            "padded input)");
}

} // namespace
