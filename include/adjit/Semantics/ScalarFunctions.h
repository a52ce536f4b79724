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

#include <cmath>
#include <cstdlib>

namespace adjit::semantics::scalar {

using namespace std;

template <typename T> T neg(T x) { return static_cast<T>(-x); }

/// 1 / (1 + exp(-x)): exp(-x) overflows to +inf for very negative x, giving
/// exactly 0, and underflows for large x, giving exactly 1. The compiled
/// code computes the same expression.
template <typename T> T sigmoid(T x) {
  return T(1) / (T(1) + static_cast<T>(std::exp(-x)));
}

/// max(x, 0), propagating NaN.
template <typename T> T relu(T x) { return x > T(0) || x != x ? x : T(0); }

/// -1, 0 or 1; sign(NaN) is 0 and sign(-0.0) is 0.
template <typename T> T sign(T x) {
  return static_cast<T>((T(0) < x) - (x < T(0)));
}

template <typename T> T add(T a, T b) { return static_cast<T>(a + b); }
template <typename T> T sub(T a, T b) { return static_cast<T>(a - b); }
template <typename T> T mul(T a, T b) { return static_cast<T>(a * b); }
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

} // namespace adjit::semantics::scalar

#endif // ADJIT_SEMANTICS_SCALARFUNCTIONS_H
