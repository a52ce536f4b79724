//===- Derivatives.h - the derivative of every elementwise primitive -*- C++
//-*-===//
//
// The vector-Jacobian product of each primitive of Ops.def (and of the
// binary primitives), written once over a builder `B` so that eager autograd
// (B builds Tensors with the differentiable eager ops, so create_graph works)
// and the `adjit` dialect's adjoint rules (B builds adjit ops) compute the
// same expression, operation by operation. Conventions at singular points
// are PyTorch's; docs/autodiff.md tabulates them.
//
// A builder provides `using Value = ...` and, on Values of one shape (the
// eager builder also broadcasts):
//   add sub mul div (Value, Value), neg exp log sin cos sign digamma (Value),
//   pow (Value, Value), compare (Predicate, Value, Value) -> mask,
//   select (mask, Value, Value), constant (Value like, double) -> a value of
//   like's element type that broadcasts to like's shape (the eager builder
//   makes a 0-d tensor), zerosLike (Value like) -> zeros of like's shape,
//   unsupported (const char *message) -> an error with the message instead
//   of a value (the eager builder throws adjit::Error; the dialect's reports
//   a diagnostic, and the adjoint rule fails).
//
// Unary primitives: `struct Kind { static constexpr bool usesResult;
// static Value vjp(B &, Value g, Value x, Value r); }` with g the adjoint of
// the result r = Kind(x); r is only valid if usesResult. Binary primitives
// return the adjoints of both operands (null/undefined where not needed).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_DERIVATIVES_H
#define ADJIT_SEMANTICS_DERIVATIVES_H

#include <utility>

namespace adjit::semantics {

/// Elementwise comparisons (ordered: false with a NaN operand, except Ne).
enum class Predicate { Eq, Ne, Lt, Le, Gt, Ge };

namespace derivatives {

template <typename B> using ValueOf = typename B::Value;

//===----------------------------------------------------------------------===//
// Unary primitives
//===----------------------------------------------------------------------===//

struct Neg {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B>) {
    return b.neg(g);
  }
};

struct Exp {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> r) {
    return b.mul(g, r);
  }
};

/// g / x: +-inf at x = 0, NaN below.
struct Log {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.div(g, x);
  }
};

/// g / (2 r): +inf at x = 0.
struct Sqrt {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> r) {
    V twice = b.mul(b.constant(r, 2.0), r);
    return b.div(g, twice);
  }
};

struct Tanh {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> r) {
    V square = b.mul(r, r);
    V one = b.constant(r, 1.0);
    return b.mul(g, b.sub(one, square));
  }
};

struct Sigmoid {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> r) {
    V one = b.constant(r, 1.0);
    return b.mul(g, b.mul(r, b.sub(one, r)));
  }
};

/// 0 where x <= 0, else g (PyTorch's threshold_backward on relu(x) <= 0,
/// which is x <= 0: relu'(0) = 0, and a NaN input passes g).
struct Relu {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    V off = b.compare(Predicate::Le, x, b.constant(x, 0.0));
    return b.select(off, b.constant(g, 0.0), g);
  }
};

/// g * sign(x): abs'(0) = 0.
struct Abs {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.mul(g, b.sign(x));
  }
};

struct Sin {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.mul(g, b.cos(x));
  }
};

struct Cos {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.mul(g, b.neg(b.sin(x)));
  }
};

/// g / (x + 1).
struct Log1p {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.div(g, b.add(x, b.constant(x, 1.0)));
  }
};

/// g * (r + 1).
struct Expm1 {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> r) {
    return b.mul(g, b.add(r, b.constant(r, 1.0)));
  }
};

/// 2 / sqrt(pi) * exp(-x^2) * g.
struct Erf {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    constexpr double twoOverSqrtPi = 1.12837916709551257390;
    V density = b.exp(b.neg(b.mul(x, x)));
    return b.mul(b.mul(b.constant(x, twoOverSqrtPi), density), g);
  }
};

/// g * digamma(x): -inf at +0, +inf at -0, NaN at the negative integers
/// (PyTorch).
struct Lgamma {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B>) {
    return b.mul(g, b.digamma(x));
  }
};

/// The derivative of digamma is polygamma(1, x), which adjit does not have:
/// differentiating digamma (or lgamma twice) is an error, never a guess.
struct Digamma {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B>, ValueOf<B>, ValueOf<B>) {
    return b.unsupported("not supported: gradient of digamma (it needs "
                         "polygamma(1, x), which adjit does not have)");
  }
};

/// Piecewise constant: the gradient is zero everywhere (PyTorch's
/// convention at the steps too).
struct PiecewiseConstant {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B>) {
    return b.zerosLike(g);
  }
};
struct Sign : PiecewiseConstant {};
struct Floor : PiecewiseConstant {};
struct Ceil : PiecewiseConstant {};
struct Round : PiecewiseConstant {};

//===----------------------------------------------------------------------===//
// Reductions. The builder also provides, for a Value x and the reduced dims
// (sorted, as the op has them): reduceSumKept and reduceProdKept (x, dims),
// the sum or product over dims as a value that broadcasts back to x's shape
// (the eager builder keeps the dims with size 1, the dialect's broadcasts).
// The result adjoint g is passed in that form as well.
//===----------------------------------------------------------------------===//

/// The product over `dims`, with PyTorch's gradient where elements are zero:
/// a slice without zeros gets g * r / x; in a slice with exactly one zero
/// only that position gets a gradient, g times the product of the others;
/// a slice with two or more zeros gets none. The product of the others is
/// the product of the slice with its zeros replaced by one, so the three
/// cases are selected by the slice's count of zeros.
struct Prod {
  template <typename B, typename Dims, typename V = ValueOf<B>>
  static V vjp(B &b, ValueOf<B> g, ValueOf<B> x, const Dims &dims) {
    V zero = b.constant(x, 0.0);
    V one = b.constant(x, 1.0);
    V isZero = b.compare(Predicate::Eq, x, zero);
    V zeroCount = b.reduceSumKept(b.select(isZero, one, zero), dims);
    V others = b.reduceProdKept(b.select(isZero, one, x), dims);
    V scaled = b.mul(g, others);
    V noZero = b.div(scaled, x);
    V atZero = b.select(isZero, scaled, b.constant(scaled, 0.0));
    V oneZero = b.select(
        b.compare(Predicate::Eq, zeroCount, b.constant(zeroCount, 1.0)), atZero,
        b.constant(atZero, 0.0));
    return b.select(
        b.compare(Predicate::Eq, zeroCount, b.constant(zeroCount, 0.0)), noZero,
        oneZero);
  }
};

//===----------------------------------------------------------------------===//
// Binary primitives. Operands have one shape (the eager builder broadcasts;
// the caller reduces each adjoint to its operand's shape).
//===----------------------------------------------------------------------===//

template <typename V> struct Adjoints { V lhs, rhs; };

struct Add {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &, ValueOf<B> g, ValueOf<B>, ValueOf<B>, ValueOf<B>,
                         bool needLhs, bool needRhs) {
    return {needLhs ? g : V(), needRhs ? g : V()};
  }
};

struct Sub {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B>, ValueOf<B>,
                         bool needLhs, bool needRhs) {
    return {needLhs ? g : V(), needRhs ? b.neg(g) : V()};
  }
};

struct Mul {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B> y,
                         ValueOf<B>, bool needLhs, bool needRhs) {
    return {needLhs ? b.mul(g, y) : V(), needRhs ? b.mul(g, x) : V()};
  }
};

/// g / y and -(g * (r / y)), as PyTorch.
struct Div {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B>, ValueOf<B> y,
                         ValueOf<B> r, bool needLhs, bool needRhs) {
    Adjoints<V> result{V(), V()};
    if (needLhs)
      result.lhs = b.div(g, y);
    if (needRhs)
      result.rhs = b.neg(b.mul(g, b.div(r, y)));
    return result;
  }
};

/// d/dx = g * (y * x^(y - 1)), exactly 0 where y == 0;
/// d/dy = g * (r * log(x)), exactly 0 where x == 0 and y >= 0 (PyTorch's
/// pow_backward_self and pow_backward_exponent).
struct Pow {
  static constexpr bool usesResult = true;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B> y,
                         ValueOf<B> r, bool needLhs, bool needRhs) {
    Adjoints<V> result{V(), V()};
    if (needLhs) {
      V power = b.pow(x, b.sub(y, b.constant(y, 1.0)));
      V dx = b.mul(g, b.mul(y, power));
      V zeroExponent = b.compare(Predicate::Eq, y, b.constant(y, 0.0));
      result.lhs = b.select(zeroExponent, b.constant(dx, 0.0), dx);
    }
    if (needRhs) {
      V dy = b.mul(g, b.mul(r, b.log(x)));
      V zeroBase = b.compare(Predicate::Eq, x, b.constant(x, 0.0));
      V nonNegative = b.compare(Predicate::Ge, y, b.constant(y, 0.0));
      V atZero = b.select(nonNegative, b.constant(dy, 0.0), dy);
      result.rhs = b.select(zeroBase, atZero, dy);
    }
    return result;
  }
};

/// `loses` is the predicate under which the lhs is not chosen (Lt for
/// maximum, Gt for minimum); at ties each operand gets half of g.
template <Predicate loses, Predicate wins> struct Extremum {
  static constexpr bool usesResult = false;
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B> x, ValueOf<B> y,
                         ValueOf<B>, bool needLhs, bool needRhs) {
    V tie = b.compare(Predicate::Eq, x, y);
    V shared = b.select(tie, b.mul(g, b.constant(g, 0.5)), g);
    V zeros = b.constant(shared, 0.0);
    Adjoints<V> result{V(), V()};
    if (needLhs)
      result.lhs = b.select(b.compare(loses, x, y), zeros, shared);
    if (needRhs)
      result.rhs = b.select(b.compare(wins, x, y), zeros, shared);
    return result;
  }
};
using Maximum = Extremum<Predicate::Lt, Predicate::Gt>;
using Minimum = Extremum<Predicate::Gt, Predicate::Lt>;

/// The adjoint goes to the chosen side.
struct Where {
  template <typename B, typename V = ValueOf<B>>
  static Adjoints<V> vjp(B &b, ValueOf<B> g, ValueOf<B> condition,
                         bool needOnTrue, bool needOnFalse) {
    V zeros = b.constant(g, 0.0);
    return {needOnTrue ? b.select(condition, g, zeros) : V(),
            needOnFalse ? b.select(condition, zeros, g) : V()};
  }
};

} // namespace derivatives
} // namespace adjit::semantics

#endif // ADJIT_SEMANTICS_DERIVATIVES_H
