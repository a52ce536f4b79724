//===- EagerRuleBuilder.h - derivatives built from eager ops ----*- C++ -*-===//
//
// The builder with which eager autograd instantiates the derivatives of
// adjit/Semantics/Derivatives.h: every operation is a differentiable eager op,
// so a backward pass run with create_graph records its own graph.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_RUNTIME_EAGERRULEBUILDER_H
#define ADJIT_LIB_RUNTIME_EAGERRULEBUILDER_H

#include "TensorImpl.h"

#include "adjit/Semantics/Derivatives.h"

namespace adjit {

/// Builds the values of a derivative formula as eager tensors. Constants are
/// 0-d tensors that broadcast.
struct EagerRuleBuilder {
  using Value = Tensor;

  Tensor add(const Tensor &a, const Tensor &b) { return adjit::add(a, b); }
  Tensor sub(const Tensor &a, const Tensor &b) { return adjit::sub(a, b); }
  Tensor mul(const Tensor &a, const Tensor &b) { return adjit::mul(a, b); }
  Tensor div(const Tensor &a, const Tensor &b) { return adjit::div(a, b); }
  Tensor pow(const Tensor &a, const Tensor &b) { return adjit::pow(a, b); }
  Tensor neg(const Tensor &a) { return adjit::neg(a); }
  Tensor exp(const Tensor &a) { return adjit::exp(a); }
  Tensor log(const Tensor &a) { return adjit::log(a); }
  Tensor sin(const Tensor &a) { return adjit::sin(a); }
  Tensor cos(const Tensor &a) { return adjit::cos(a); }
  Tensor sign(const Tensor &a) { return adjit::sign(a); }
  Tensor digamma(const Tensor &a) { return adjit::digamma(a); }
  [[noreturn]] Tensor unsupported(const char *message) { throw Error(message); }
  Tensor select(const Tensor &mask, const Tensor &a, const Tensor &b) {
    return adjit::where(mask, a, b);
  }
  Tensor compare(semantics::Predicate predicate, const Tensor &a,
                 const Tensor &b) {
    switch (predicate) {
    case semantics::Predicate::Eq:
      return adjit::eq(a, b);
    case semantics::Predicate::Ne:
      return adjit::ne(a, b);
    case semantics::Predicate::Lt:
      return adjit::lt(a, b);
    case semantics::Predicate::Le:
      return adjit::le(a, b);
    case semantics::Predicate::Gt:
      return adjit::gt(a, b);
    case semantics::Predicate::Ge:
      return adjit::ge(a, b);
    }
    return Tensor();
  }
  Tensor constant(const Tensor &like, double value) {
    return scalarLike(value, like.dtype());
  }
  Tensor zerosLike(const Tensor &like) { return zeros_like(like); }
  Tensor reduceSumKept(const Tensor &x, const Shape &dims) {
    return adjit::sum(x, dims, /*keepdim=*/true);
  }
  Tensor reduceProdKept(const Tensor &x, const Shape &dims) {
    return prodOverDims(x, dims, /*keepdim=*/true);
  }
};

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_EAGERRULEBUILDER_H
