//===- ScalarFunctions.h - host scalar bodies of elementwise ops -*- C++
//-*-===//
//
// The value of one element of each primitive of Ops.def, as the eager
// kernels compute it. `scalar::name(x)` is the function defined here or, when
// none is, the C library's (`std::name`), found through the using-directive.
// The compiled code computes the same functions with the `math` dialect ops
// named in Ops.def.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_SCALARFUNCTIONS_H
#define ADJIT_SEMANTICS_SCALARFUNCTIONS_H

#include "adjit/Semantics/Erf.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <math.h>
#include <type_traits>

namespace adjit::semantics::scalar {

using namespace std;

template <typename T> T neg(T x) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    return static_cast<T>(-static_cast<std::make_unsigned_t<T>>(x));
  else
    return static_cast<T>(-x);
}

/// 1 / (1 + exp(-x)): exp(-x) overflows to +inf for very negative x, giving
/// exactly 0, and underflows for large x, giving exactly 1. The compiled
/// code computes the same expression.
template <typename T> T sigmoid(T x) {
  return T(1) / (T(1) + static_cast<T>(std::exp(-x)));
}

/// erf(x): on f32 the algorithm of Erf.h, whose operations the lowering of
/// `adjit.erf` builds too (the C library's erff is not vectorizable and the
/// upstream approximation differs from it); on f64 the C library's. Always
/// inlined, so that the eager kernel's loop vectorizes.
template <typename T> [[gnu::always_inline]] inline T erf(T x) {
  if constexpr (std::is_same_v<T, float>)
    return erfF32(x);
  else
    return static_cast<T>(std::erf(x));
}

/// max(x, 0), propagating NaN.
template <typename T> T relu(T x) { return x > T(0) || x != x ? x : T(0); }

/// -1, 0 or 1; sign(NaN) is 0 and sign(-0.0) is 0.
template <typename T> T sign(T x) {
  return static_cast<T>((T(0) < x) - (x < T(0)));
}

/// The operation `op` on signed integers, wrapping around on overflow as
/// PyTorch's integer tensors and the compiled code's integer ops do (done in
/// the unsigned type: signed overflow is undefined in C++); on other types
/// `op` itself.
template <typename T, typename Op> T wrapping(T a, T b, Op op) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return static_cast<T>(op(a, b));
  }
}

/// |x|; on signed integers |min| wraps to min, as PyTorch's abs (std::abs
/// of it is undefined).
template <typename T> T abs(T x) {
  if constexpr (std::is_integral_v<T> && std::is_signed_v<T>)
    return x < T(0) ? neg(x) : x;
  else
    return static_cast<T>(std::abs(x));
}

template <typename T> T add(T a, T b) {
  return wrapping(a, b, [](auto p, auto q) { return p + q; });
}
template <typename T> T sub(T a, T b) {
  return wrapping(a, b, [](auto p, auto q) { return p - q; });
}
template <typename T> T mul(T a, T b) {
  return wrapping(a, b, [](auto p, auto q) { return p * q; });
}
template <typename T> T div(T a, T b) { return static_cast<T>(a / b); }
/// The larger operand, NaN if either is NaN.
template <typename T> T maximum(T a, T b) {
  return a != a ? a : (b != b || a < b ? b : a);
}
/// The smaller operand, NaN if either is NaN.
template <typename T> T minimum(T a, T b) {
  return a != a ? a : (b != b || b < a ? b : a);
}

/// Rounds half to even, as torch.round.
template <typename T> T round(T x) { return std::nearbyint(x); }

/// log|Gamma(x)|: +inf at 0 and the negative integers (and at +-inf), as
/// torch.lgamma. The C library's reentrant lgamma_r/lgammaf_r, which compute
/// what lgamma does without writing the global signgam (compiled loops may
/// run on several threads).
template <typename T> T lgamma(T x) {
  int sign;
  if constexpr (std::is_same_v<T, float>)
    return ::lgammaf_r(x, &sign);
  else
    return static_cast<T>(::lgamma_r(static_cast<double>(x), &sign));
}

/// The digamma function psi(x) = d/dx lgamma(x), computed in T (Cephes'
/// psi, as PyTorch's calc_digamma): -inf at +0 and +inf at -0, NaN at the
/// negative integers and -inf, the reflection psi(1 - x) - pi / tan(pi x)
/// below 0, the recurrence psi(x) = psi(x + 1) - 1 / x up to 10 and the
/// asymptotic series from there.
template <typename T> T digamma(T x) {
  if constexpr (!std::is_floating_point_v<T>) {
    return static_cast<T>(digamma(static_cast<double>(x)));
  } else {
    const T pi = static_cast<T>(3.14159265358979323846);
    const T psi10 = static_cast<T>(2.25175258906672110764);
    if (x == T(0))
      return std::copysign(std::numeric_limits<T>::infinity(), -x);
    if (x < T(0)) {
      if (x == std::trunc(x))
        return std::numeric_limits<T>::quiet_NaN();
      // tan(pi r) of the fractional part r is more accurate than tan(pi x).
      T whole;
      T r = std::modf(x, &whole);
      return digamma(T(1) - x) - pi / std::tan(pi * r);
    }
    T result = 0;
    while (x < T(10)) {
      result -= T(1) / x;
      x += T(1);
    }
    if (x == T(10))
      return result + psi10;
    static const T coefficients[] = {static_cast<T>(8.33333333333333333333E-2),
                                     static_cast<T>(-2.10927960927960927961E-2),
                                     static_cast<T>(7.57575757575757575758E-3),
                                     static_cast<T>(-4.16666666666666666667E-3),
                                     static_cast<T>(3.96825396825396825397E-3),
                                     static_cast<T>(-8.33333333333333333333E-3),
                                     static_cast<T>(8.33333333333333333333E-2)};
    T series = 0;
    if (x < static_cast<T>(1.0e17)) {
      T z = T(1) / (x * x);
      T polynomial = 0;
      for (T c : coefficients)
        polynomial = polynomial * z + c;
      series = z * polynomial;
    }
    return result + std::log(x) - (T(0.5) / x) - series;
  }
}

} // namespace adjit::semantics::scalar

#endif // ADJIT_SEMANTICS_SCALARFUNCTIONS_H
