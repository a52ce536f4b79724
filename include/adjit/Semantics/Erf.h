//===- Erf.h - f32 erf shared by eager and compiled code --------*- C++ -*-===//
//
// erf of an f32 value as a fixed sequence of IEEE operations (widening to
// f64, multiplications, fused multiply-adds, additions, comparisons,
// selections, |x|, copysign and one rounding back to f32), written once over
// a builder `B` so that the eager kernel (ScalarErfBuilder below, host
// arithmetic; lib/Runtime/ErfKernel.cpp runs it with FMA instructions where
// the CPU has them) and the compiled code (the lowering of `adjit.erf` on
// f32, which builds arith and math ops) compute the same value bit for bit.
// The fused multiply-adds are exact operations (one rounding), so they are
// the same on every target; no other operation may be fused (no contraction)
// and no fast-math flag may be set on either side.
//
// Algorithm, in f64: for |x| < 1, x * P(x^2) with P of degree 7 (relative
// error below 4e-11); for 1 <= |x| <= 4, copysign(Q(|x| - 2.5), x) with Q of
// degree 16 (absolute error below 8e-10); above 4 (and for +-inf),
// copysign(1, x), which is erf(x) rounded to f32 from |x| > 3.92 on. The
// polynomials are Chebyshev interpolants of erf, evaluated by Horner's
// scheme with fused multiply-adds. NaN stays NaN, -0 stays -0, subnormals
// are x * 2/sqrt(pi) rounded once. Rounding the f64 value to f32 gives at
// most 1 ulp of difference from glibc's erff, and from erf computed in f64
// and rounded, over all f32 inputs (docs/architecture.md, "erf on f32").
//
// A builder provides `using Value = ...` and: widen (an f32 Value) -> f64,
// narrow (f64) -> f32 rounded to nearest even, add mul copysign (Value,
// Value), fma (Value a, Value b, Value c) -> a * b + c rounded once, abs
// (Value), less (Value, Value) -> mask (ordered: false for NaN), select
// (mask, Value, Value), constant (Value like, double) -> an f64 value.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_ERF_H
#define ADJIT_SEMANTICS_ERF_H

#include <cmath>
#include <cstddef>
#include <utility>

namespace adjit::semantics {

namespace erf_detail {

/// P(u) = erf(sqrt(u)) / sqrt(u) on 0 <= u <= 1, lowest degree first.
inline constexpr double kSmall[] = {
    0x1.20dd7504045d1p+0,  -0x1.81274665752a6p-2, 0x1.ce2f08febe208p-4,
    -0x1.b829c8978ba00p-6, 0x1.562a60df65000p-8,  -0x1.bccf667020000p-11,
    0x1.d887516200000p-14, -0x1.445f4a8000000p-17};

/// Q(s) = erf(2.5 + s) on -1.5 <= s <= 1.5, lowest degree first.
inline constexpr double kLarge[] = {
    0x1.ffcaa8f4c9bf0p-1,   0x1.1d82e5a44e90cp-9,  -0x1.64e3d3da977fep-8,
    0x1.119ea84a27acbp-7,   -0x1.1a8a199f69d4dp-7, 0x1.90db44d7fe44dp-8,
    -0x1.6ec44d2d12974p-9,  0x1.1d7ed55f85fcbp-11, 0x1.107e1f8d6ec3ap-12,
    -0x1.09bdb346b2ae7p-12, 0x1.4fa381854645dp-14, 0x1.0463402770236p-17,
    -0x1.fc7bd29764484p-17, 0x1.d09933aa44c66p-19, 0x1.8b009e4eec705p-21,
    -0x1.790efff9b37d7p-22, 0x1.26590df50ece4p-26};

/// Horner's scheme c[N-1], then fma(r, v, c[k]) for k = N-2 down to 0,
/// unrolled.
template <typename B, typename V, std::size_t N, std::size_t... I>
[[gnu::always_inline]] inline V horner(B &b, V v, const double (&c)[N],
                                       std::index_sequence<I...>) {
  V r = b.constant(v, c[N - 1]);
  ((r = b.fma(r, v, b.constant(v, c[N - 2 - I]))), ...);
  return r;
}
template <typename B, typename V, std::size_t N>
[[gnu::always_inline]] inline V horner(B &b, V v, const double (&c)[N]) {
  return horner(b, v, c, std::make_index_sequence<N - 1>());
}

} // namespace erf_detail

/// erf(x) of the f32 value \p x, built with \p b (see the file comment).
/// Always inlined, so that the eager kernel's loop vectorizes.
template <typename B, typename F32>
[[gnu::always_inline]] inline auto erfF32(B &b, F32 x) {
  using namespace erf_detail;
  auto wide = b.widen(x);
  auto magnitude = b.abs(wide);
  // |x| < 1: x * P(x^2); x^2 is exact in f64.
  auto small = b.mul(wide, horner(b, b.mul(wide, wide), kSmall));
  // 1 <= |x| <= 4: Q(|x| - 2.5); above 4: 1. NaN takes the polynomial.
  auto one = b.constant(wide, 1.0);
  auto shifted = b.add(magnitude, b.constant(wide, -2.5));
  auto large = b.select(b.less(b.constant(wide, 4.0), magnitude), one,
                        horner(b, shifted, kLarge));
  auto result =
      b.select(b.less(magnitude, one), small, b.copysign(large, wide));
  return b.narrow(result);
}

/// Host arithmetic for erfF32: the eager kernel's element function, branch
/// free so that its loop vectorizes (with FMA instructions only where it is
/// compiled for them, see lib/Runtime/ErfKernel.cpp).
struct ScalarErfBuilder {
  using Value = double;
  double widen(float x) { return static_cast<double>(x); }
  float narrow(double x) { return static_cast<float>(x); }
  double add(double a, double b) { return a + b; }
  double mul(double a, double b) { return a * b; }
  /// An FMA instruction where the function is compiled for one, else the C
  /// library's fma: both round once.
  double fma(double a, double b, double c) { return std::fma(a, b, c); }
  double abs(double a) { return std::fabs(a); }
  double copysign(double a, double b) { return std::copysign(a, b); }
  /// a < b, false for NaN, without raising "invalid": a quiet comparison
  /// lets the compiler if-convert the selections and vectorize the loop.
  bool less(double a, double b) { return __builtin_isless(a, b); }
  double select(bool mask, double a, double b) { return mask ? a : b; }
  double constant(double, double value) { return value; }
};

/// erf of an f32 value, as the eager kernels and the compiled code compute it.
[[gnu::always_inline]] inline float erfF32(float x) {
  ScalarErfBuilder builder;
  return erfF32(builder, x);
}

} // namespace adjit::semantics

#endif // ADJIT_SEMANTICS_ERF_H
