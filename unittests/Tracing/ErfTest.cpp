//===- ErfTest.cpp - erf: one f32 algorithm for eager and compiled code ---===//
//
// f32 erf is the algorithm of adjit/Semantics/Erf.h both in the eager kernel
// and in compiled code: the two agree bit for bit over a dense sweep of f32
// (every 1024th bit pattern, which holds zeros, subnormals, infinities and
// NaNs, and every value around the algorithm's breakpoints), and the values
// are within 1 ulp of erf rounded from f64 and 2 ulp of the C library's
// erff. f64 erf is the C library's on both sides. The exact GELU, built on
// erf, agrees bit for bit too.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/Semantics/Erf.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

using namespace adjit;
using adjit::test::identical;

namespace {

float fromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// The f32 values ordered as integers: adjacent floats differ by 1, and
/// -0 and +0 are both 0.
int64_t orderedKey(float value) {
  uint32_t bits = bitsOf(value);
  int64_t magnitude = bits & 0x7fffffffu;
  return (bits >> 31) ? -magnitude : magnitude;
}

/// The number of f32 values from a to b (neither NaN).
int64_t ulpDistance(float a, float b) {
  return std::abs(orderedKey(a) - orderedKey(b));
}

/// Every 1024th f32 bit pattern, every value within 2048 of the
/// algorithm's breakpoints (1, 4) and of a few others (0.5, 2, and 3.92,
/// from where erf rounds to 1), of both signs, and the extremes.
std::vector<float> sweepPoints() {
  std::vector<float> points;
  for (uint64_t bits = 0; bits < (uint64_t(1) << 32); bits += 1024)
    points.push_back(fromBits(static_cast<uint32_t>(bits)));
  for (float center : {0.5f, 1.0f, 2.0f, 3.92f, 4.0f})
    for (float sign : {1.0f, -1.0f})
      for (int64_t k = -2048; k <= 2048; ++k)
        points.push_back(
            fromBits(static_cast<uint32_t>(bitsOf(sign * center) + k)));
  for (float sign : {1.0f, -1.0f})
    for (float value :
         {std::numeric_limits<float>::denorm_min(),
          std::numeric_limits<float>::min(), std::numeric_limits<float>::max(),
          std::numeric_limits<float>::infinity(), 0.0f})
      points.push_back(sign * value);
  points.push_back(std::numeric_limits<float>::quiet_NaN());
  return points;
}

Tensor float32Tensor(std::vector<float> &values) {
  return from_blob(
      values.data(), {int64_t(values.size())}, {1}, [](void *) {},
      dtype(kFloat32));
}

/// The f32 elements of a 1-D tensor.
std::vector<float> elementsOf(const Tensor &t) {
  Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(),
                            c.data_ptr<float>() + c.numel());
}

/// `f(x)` eagerly and compiled; expects the results to be the same bits
/// (any NaN matching any NaN) and returns the eager one.
std::vector<float>
expectIdenticalEagerAndCompiled(std::vector<float> &points,
                                Tensor (*f)(const Tensor &)) {
  NoGradGuard noGrad;
  Tensor x = float32Tensor(points);
  std::vector<float> eager = elementsOf(f(x));
  std::vector<float> compiled = elementsOf(
      jit::compile([f](const std::vector<Tensor> &in) { return f(in[0]); })(x));
  EXPECT_EQ(eager.size(), points.size());
  EXPECT_EQ(compiled.size(), points.size());
  int64_t mismatches = 0;
  for (size_t i = 0; i < points.size() && i < compiled.size(); ++i) {
    bool same = std::isnan(eager[i]) ? std::isnan(compiled[i])
                                     : bitsOf(eager[i]) == bitsOf(compiled[i]);
    if (!same && ++mismatches <= 10)
      ADD_FAILURE() << "at x = " << std::hexfloat << points[i] << ": eager "
                    << eager[i] << ", compiled " << compiled[i];
  }
  EXPECT_EQ(mismatches, 0);
  return eager;
}

Tensor exactGelu(const Tensor &x) { return gelu(x); }

TEST(Erf, Float32EagerAndCompiledAreIdentical) {
  std::vector<float> points = sweepPoints();
  Tensor (*erfOf)(const Tensor &) = &adjit::erf;
  expectIdenticalEagerAndCompiled(points, erfOf);
}

// The eager kernel runs a build of the algorithm for the CPU (with FMA
// instructions where it has them); this test's own build of it (std::fma,
// the C library's fma on the baseline target) computes the same values.
TEST(Erf, Float32EagerKernelIsTheAlgorithmOnEveryBuild) {
  std::vector<float> points = sweepPoints();
  NoGradGuard noGrad;
  std::vector<float> values = elementsOf(erf(float32Tensor(points)));
  int64_t mismatches = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    float expected = semantics::erfF32(points[i]);
    bool same = std::isnan(expected) ? std::isnan(values[i])
                                     : bitsOf(values[i]) == bitsOf(expected);
    if (!same && ++mismatches <= 10)
      ADD_FAILURE() << "at x = " << std::hexfloat << points[i] << ": kernel "
                    << values[i] << ", algorithm " << expected;
  }
  EXPECT_EQ(mismatches, 0);
}

// A strided view's elements take the same values as contiguous ones.
TEST(Erf, Float32OfAStridedViewIsErfOfItsElements) {
  NoGradGuard noGrad;
  Tensor x = randn({37, 23}) * 2.0;
  Tensor strided = x.t();
  ASSERT_FALSE(strided.is_contiguous());
  std::vector<float> ofView = elementsOf(erf(strided).reshape({-1}));
  std::vector<float> ofCopy =
      elementsOf(erf(strided.contiguous()).reshape({-1}));
  ASSERT_EQ(ofView.size(), ofCopy.size());
  for (size_t i = 0; i < ofView.size(); ++i)
    EXPECT_EQ(bitsOf(ofView[i]), bitsOf(ofCopy[i])) << i;
}

TEST(Erf, Float32IsWithinOneUlpOfTheCorrectlyRoundedValue) {
  std::vector<float> points = sweepPoints();
  NoGradGuard noGrad;
  std::vector<float> values = elementsOf(erf(float32Tensor(points)));
  int64_t worstRounded = 0, worstLibm = 0;
  for (size_t i = 0; i < points.size(); ++i) {
    float x = points[i];
    if (std::isnan(x)) {
      EXPECT_TRUE(std::isnan(values[i]));
      continue;
    }
    float rounded = static_cast<float>(std::erf(static_cast<double>(x)));
    worstRounded = std::max(worstRounded, ulpDistance(values[i], rounded));
    worstLibm = std::max(worstLibm, ulpDistance(values[i], std::erf(x)));
    // Odd, with the sign of zero kept.
    EXPECT_EQ(std::signbit(values[i]), std::signbit(x)) << x;
  }
  EXPECT_LE(worstRounded, 1);
  EXPECT_LE(worstLibm, 2);
  // The limits are exact.
  std::vector<float> limits = {std::numeric_limits<float>::infinity(),
                               -std::numeric_limits<float>::infinity(),
                               4.0f,
                               3.95f,
                               1e30f,
                               -1e30f};
  std::vector<float> atLimits = elementsOf(erf(float32Tensor(limits)));
  for (size_t i = 0; i < limits.size(); ++i)
    EXPECT_EQ(atLimits[i], std::copysign(1.0f, limits[i]))
        << "at x = " << limits[i] << ": " << std::hexfloat << atLimits[i];
  // The smallest subnormal: 2/sqrt(pi) times it rounds back to it.
  std::vector<float> tiny = {std::numeric_limits<float>::denorm_min()};
  EXPECT_EQ(elementsOf(erf(float32Tensor(tiny)))[0],
            std::numeric_limits<float>::denorm_min());
}

TEST(Erf, Float64IsTheCLibrarysEagerAndCompiled) {
  std::vector<double> points = {0.0, -0.0, 0.5,    -0.5,   1.0,   2.0,
                                3.9, 6.0,  1e-310, -1e300, 0.125, -2.75};
  points.push_back(std::numeric_limits<double>::quiet_NaN());
  points.push_back(-std::numeric_limits<double>::infinity());
  NoGradGuard noGrad;
  Tensor x = from_vector(points, {int64_t(points.size())}, kFloat64);
  Tensor eager = erf(x);
  Tensor compiled =
      jit::compile([](const std::vector<Tensor> &in) { return erf(in[0]); })(x);
  for (size_t i = 0; i < points.size(); ++i) {
    double expected = std::erf(points[i]);
    EXPECT_TRUE(identical(eager[i].item(), expected)) << points[i];
    EXPECT_TRUE(identical(compiled[i].item(), expected)) << points[i];
    EXPECT_EQ(std::signbit(eager[i].item()), std::signbit(expected));
  }
}

TEST(Erf, Float32ExactGeluEagerAndCompiledAreIdentical) {
  std::vector<float> points = sweepPoints();
  std::vector<float> values =
      expectIdenticalEagerAndCompiled(points, exactGelu);
  // x Phi(x) within a few ulp of the f64 formula where 1 + erf does not
  // cancel (it does for x < -1).
  for (float x : {-1.0f, -0.25f, 0.25f, 0.75f, 1.5f, 5.0f}) {
    std::vector<float> one = {x};
    double exact = x * 0.5 * (1.0 + std::erf(x * M_SQRT1_2));
    NoGradGuard noGrad;
    EXPECT_NEAR(elementsOf(gelu(float32Tensor(one)))[0], exact,
                1e-6 * std::abs(exact))
        << x;
  }
  EXPECT_EQ(values.size(), points.size());
}

} // namespace
