//===- ScalarRuleBuilder.h - derivatives evaluated per element --*- C++ -*-===//
//
// The builder with which eager autograd evaluates a unary derivative of
// adjit/Semantics/Derivatives.h element by element, in one pass over the
// gradient, when no graph of the backward is recorded. Each operation is the
// scalar function the eager kernel of that op applies, in the same element
// type and order, so the values are those of the decomposed formula that
// EagerRuleBuilder builds (and create_graph records).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_RUNTIME_SCALARRULEBUILDER_H
#define ADJIT_LIB_RUNTIME_SCALARRULEBUILDER_H

#include "adjit/Error.h"
#include "adjit/Semantics/Derivatives.h"
#include "adjit/Semantics/ScalarFunctions.h"

namespace adjit {

/// Builds the value of a derivative formula for one element of type \p T;
/// masks are T(1) and T(0).
template <typename T> struct ScalarRuleBuilder {
  using Value = T;

  T add(T a, T b) { return semantics::scalar::add(a, b); }
  T sub(T a, T b) { return semantics::scalar::sub(a, b); }
  T mul(T a, T b) { return semantics::scalar::mul(a, b); }
  T div(T a, T b) { return semantics::scalar::div(a, b); }
  T pow(T a, T b) { return static_cast<T>(semantics::scalar::pow(a, b)); }
  T neg(T a) { return semantics::scalar::neg(a); }
  T exp(T a) { return static_cast<T>(semantics::scalar::exp(a)); }
  T log(T a) { return static_cast<T>(semantics::scalar::log(a)); }
  T sin(T a) { return static_cast<T>(semantics::scalar::sin(a)); }
  T cos(T a) { return static_cast<T>(semantics::scalar::cos(a)); }
  T sign(T a) { return semantics::scalar::sign(a); }
  T digamma(T a) { return static_cast<T>(semantics::scalar::digamma(a)); }
  [[noreturn]] T unsupported(const char *message) { throw Error(message); }
  T select(T mask, T a, T b) { return mask != T(0) ? a : b; }
  T compare(semantics::Predicate predicate, T a, T b) {
    switch (predicate) {
    case semantics::Predicate::Eq:
      return a == b;
    case semantics::Predicate::Ne:
      return a != b;
    case semantics::Predicate::Lt:
      return a < b;
    case semantics::Predicate::Le:
      return a <= b;
    case semantics::Predicate::Gt:
      return a > b;
    case semantics::Predicate::Ge:
      return a >= b;
    }
    return T(0);
  }
  T constant(T, double value) { return static_cast<T>(value); }
  T zerosLike(T) { return T(0); }
};

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_SCALARRULEBUILDER_H
