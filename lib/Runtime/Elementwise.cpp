//===- Elementwise.cpp - Broadcasting elementwise ops and their gradients -===//

#include "AutogradImpl.h"
#include "EagerRuleBuilder.h"
#include "ErfKernel.h"
#include "ScalarRuleBuilder.h"
#include "adjit/Runtime/OpObserver.h"
#include "adjit/Semantics/ScalarFunctions.h"

#include <cmath>
#include <optional>
#include <string_view>

using namespace adjit;

namespace {

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

/// out[i] = f(a[i], b[i]) with broadcasting; out is fresh and contiguous,
/// or (in-place ops) a strided view that a or b may be. Many elements are
/// split among the pool's threads if `mayUseThreads`: the caller's promise
/// that computing an element of out reads no other element of out and that
/// no two elements of out share memory.
template <typename Out, typename In, typename F>
void binaryKernel(const TensorImpl &out, const TensorImpl &a,
                  const TensorImpl &b, F f, bool mayUseThreads = true) {
  int64_t perThread = mayUseThreads ? runtime::kElementsPerThread : out.numel;
  Out *o = out.data<Out>();
  const In *pa = static_cast<const In *>(a.storage->data);
  const In *pb = static_cast<const In *>(b.storage->data);
  if (a.numel == out.numel && b.numel == out.numel && isContiguous(out) &&
      isContiguous(a) && isContiguous(b)) {
    const In *x = pa + a.offset, *y = pb + b.offset;
    runtime::parallelFor(out.numel, perThread, 16,
                         [o, x, y, &f](int64_t begin, int64_t end) {
                           for (int64_t i = begin; i < end; ++i)
                             o[i] = static_cast<Out>(f(x[i], y[i]));
                         });
    return;
  }
  Shape sa = broadcastStrides(a, out.shape);
  Shape sb = broadcastStrides(b, out.shape);
  std::array<const int64_t *, 3> st = {out.strides.data(), sa.data(),
                                       sb.data()};
  auto row = [&](const std::array<int64_t, 3> &off, int64_t n,
                 const std::array<int64_t, 3> &inner) {
    Out *po = o + off[0];
    const In *x = pa + off[1], *y = pb + off[2];
    int64_t io = inner[0], ia = inner[1], ib = inner[2];
    if (io != 1) { // only for in-place ops on strided views
      for (int64_t k = 0; k < n; ++k)
        po[k * io] = static_cast<Out>(f(x[k * ia], y[k * ib]));
    } else if (ia == 1 && ib == 1) {
      for (int64_t k = 0; k < n; ++k)
        po[k] = static_cast<Out>(f(x[k], y[k]));
    } else if (ia == 0 && ib == 1) {
      In xv = *x;
      for (int64_t k = 0; k < n; ++k)
        po[k] = static_cast<Out>(f(xv, y[k]));
    } else if (ia == 1 && ib == 0) {
      In yv = *y;
      for (int64_t k = 0; k < n; ++k)
        po[k] = static_cast<Out>(f(x[k], yv));
    } else {
      for (int64_t k = 0; k < n; ++k)
        po[k] = static_cast<Out>(f(x[k * ia], y[k * ib]));
    }
  };
  parallelForEachRow<3>(out.shape, st, {0, a.offset, b.offset}, row,
                        mayUseThreads);
}

/// out[i] = f(a[i]); out is fresh and contiguous with a's shape.
template <typename Out, typename In, typename F>
void unaryKernel(const TensorImpl &out, const TensorImpl &a, F f) {
  Out *o = out.data<Out>();
  if (isContiguous(a)) {
    const In *x = a.data<In>();
    // The bounds and pointers in locals: stores through o (of integer types)
    // could otherwise alias them, and the loop would not vectorize.
    runtime::parallelFor(out.numel, runtime::kElementsPerThread, 16,
                         [o, x, &f](int64_t begin, int64_t end) {
                           for (int64_t i = begin; i < end; ++i)
                             o[i] = static_cast<Out>(f(x[i]));
                         });
    return;
  }
  const In *pa = static_cast<const In *>(a.storage->data);
  std::array<const int64_t *, 2> st = {out.strides.data(), a.strides.data()};
  parallelForEachRow<2>(out.shape, st, {0, a.offset},
                        [&](const std::array<int64_t, 2> &off, int64_t n,
                            const std::array<int64_t, 2> &inner) {
                          for (int64_t k = 0; k < n; ++k)
                            o[off[0] + k] =
                                static_cast<Out>(f(pa[off[1] + k * inner[1]]));
                        });
}

/// sum_to(g, *shape) if a shape is given, else g.
Tensor reduceTo(const Tensor &g, const std::optional<Shape> &shape) {
  return shape ? sum_to(g, *shape) : g;
}

/// The autograd node of the binary primitive `Kind`: "KindBackward0" (given
/// as `node`), except PyTorch's "PowBackward1" for pow of two tensors.
const char *binaryNodeName(std::string_view kind, const char *node) {
  return kind == "Pow" ? "PowBackward1" : node;
}

enum class BinaryResult { Promoted, Float };

/// The operands are saved only if `savesOperands` (add and sub need none,
/// so in-place changes of their operands do not invalidate the graph).
template <typename Derivative>
void recordBinary(Tensor &out, const char *nodeName, const Tensor &a,
                  const Tensor &b, std::optional<Shape> as,
                  std::optional<Shape> bs, bool savesOperands,
                  Tensor (*forward)(const Tensor &, const Tensor &)) {
  SavedList saved;
  if (savesOperands)
    saved = {SavedVariable(a), SavedVariable(b)};
  recordOp(
      out, nodeName, {&a, &b}, std::move(saved),
      [as, bs, forward](const Tensor &g, SavedTensors s,
                        const Node &n) -> GradList {
        EagerRuleBuilder builder;
        Tensor x = s.empty() ? Tensor() : s[0];
        Tensor y = s.empty() ? Tensor() : s[1];
        // The result, recomputed differentiably for create_graph.
        Tensor r = forward ? forward(x, y) : Tensor();
        auto adjoints = Derivative::vjp(
            builder, g, x, y, r, n.needsInputGrad(0), n.needsInputGrad(1));
        return {adjoints.lhs.defined() ? reduceTo(adjoints.lhs, as) : Tensor(),
                adjoints.rhs.defined() ? reduceTo(adjoints.rhs, bs) : Tensor()};
      });
}

/// Computes `body` of each pair of broadcast elements, without recording
/// autograd; `a` and `b` have one dtype.
template <typename Body>
Tensor binaryForward(const Tensor &a, const Tensor &b, Shape shape, Body body) {
  Tensor out = makeEmpty(std::move(shape), a.dtype());
  const TensorImpl &o = *out.unsafeGetImpl();
  const TensorImpl &x = *a.unsafeGetImpl(), &y = *b.unsafeGetImpl();
  ADJIT_DISPATCH_ALL(a.dtype(), {
    binaryKernel<scalar_t, scalar_t>(
        o, x, y, [&](scalar_t p, scalar_t q) { return body(p, q); });
  });
  return out;
}

/// Converts operands to a common dtype (differentiably) and returns it.
Dtype prepareOperands(const char *op, BinaryResult result, Tensor &a,
                      Tensor &b) {
  checkDefined(op, a);
  checkDefined(op, b);
  Dtype dt = promoteTypes(a.dtype(), b.dtype());
  if (dt == Dtype::Bool)
    dt = Dtype::Int64;
  if (result == BinaryResult::Float && !isFloatingPoint(dt))
    dt = Dtype::Float32;
  if (a.dtype() != dt)
    a = to(a, dt);
  if (b.dtype() != dt)
    b = to(b, dt);
  return dt;
}

/// A binary primitive of Ops.def: promotes and broadcasts the operands,
/// computes `body` per element and records the derivative of
/// adjit/Semantics/Derivatives.h.
template <typename Derivative, typename Body>
Tensor binaryOp(const char *op, const char *nodeName, BinaryResult result,
                bool savesOperands,
                Tensor (*forward)(const Tensor &, const Tensor &), Body body,
                Tensor a, Tensor b) {
  prepareOperands(op, result, a, b);
  Tensor out =
      binaryForward(a, b, broadcastShapes(op, a.sizes(), b.sizes()), body);
  if (!shouldRecord(a, b))
    return out;
  const Shape &shape = out.sizes();
  // Operands already of the result's shape need no reduction (and the
  // node then stores no shapes).
  std::optional<Shape> as, bs;
  if (a.sizes() != shape)
    as = a.sizes();
  if (b.sizes() != shape)
    bs = b.sizes();
  recordBinary<Derivative>(out, nodeName, a, b, as, bs, savesOperands,
                           Derivative::usesResult ? forward : nullptr);
  return out;
}

/// Applies `body` to every element of `a` (float32, float64 or int64).
template <typename Body> Tensor unaryForward(const Tensor &a, Body body) {
  Tensor out = makeEmpty(a.sizes(), a.dtype());
  const TensorImpl &o = *out.unsafeGetImpl(), &x = *a.unsafeGetImpl();
  switch (a.dtype()) {
  case Dtype::Float32:
    unaryKernel<float, float>(o, x, body);
    break;
  case Dtype::Float64:
    unaryKernel<double, double>(o, x, body);
    break;
  case Dtype::Int64:
    unaryKernel<int64_t, int64_t>(o, x, body);
    break;
  case Dtype::Bool:
    break;
  }
  return out;
}

/// erf of the f32 tensor `a`, by the kernel of ErfKernel.h (which runs the
/// algorithm of adjit/Semantics/Erf.h with FMA instructions where the CPU
/// has them) on `a`'s elements, or on a contiguous copy of them, split among
/// the pool's threads when there are many.
Tensor erfFloat32(const Tensor &a) {
  Tensor out = makeEmpty(a.sizes(), Dtype::Float32);
  const TensorImpl &o = *out.unsafeGetImpl(), &x = *a.unsafeGetImpl();
  Tensor copy;
  const float *in = x.data<float>();
  if (!isContiguous(x)) {
    copy = makeEmpty(a.sizes(), Dtype::Float32);
    copyData(*copy.unsafeGetImpl(), x);
    in = copy.unsafeGetImpl()->data<float>();
  }
  float *result = o.data<float>();
  runtime::parallelFor(o.numel, runtime::kElementsPerThread, 16,
                       [in, result](int64_t begin, int64_t end) {
                         runtime::erfF32(in + begin, result + begin,
                                         end - begin);
                       });
  return out;
}

/// The vector-Jacobian product of the unary primitive `Derivative` for the
/// gradient \p g of body(\p x), evaluated element by element (x is f32 or
/// f64, g of its dtype and shape): the values of the decomposed formula,
/// without its intermediate tensors.
template <typename Derivative, typename Body>
Tensor unaryVjpPerElement(const Tensor &g, const Tensor &x, Body body) {
  Tensor out = makeEmpty(x.sizes(), x.dtype());
  auto run = [&](auto zero) {
    using T = decltype(zero);
    ScalarRuleBuilder<T> builder;
    binaryKernel<T, T>(*out.unsafeGetImpl(), *g.unsafeGetImpl(),
                       *x.unsafeGetImpl(), [&](T gv, T xv) {
                         T r = Derivative::usesResult ? static_cast<T>(body(xv))
                                                      : T(0);
                         return Derivative::vjp(builder, gv, xv, r);
                       });
  };
  if (x.dtype() == Dtype::Float32)
    run(float());
  else
    run(double());
  return out;
}

enum class UnaryResult { Float, Same };

/// A unary primitive of Ops.def: converts integer inputs of Float ops to
/// float32, rejects bool inputs of Same ops, computes `body` per element and
/// records the derivative of adjit/Semantics/Derivatives.h.
template <typename Derivative, typename Body>
Tensor unaryOp(const char *op, const char *nodeName, UnaryResult result,
               Tensor a, Tensor (*forward)(const Tensor &), Body body) {
  checkDefined(op, a);
  if (result == UnaryResult::Float && !a.is_floating_point())
    a = castTo(a, Dtype::Float32);
  if (a.dtype() == Dtype::Bool)
    throw Error(std::string(op) + ": not supported on a bool tensor of shape " +
                shapeToString(a.sizes()));
  Tensor out;
  if constexpr (std::is_same_v<Derivative, semantics::derivatives::Erf>)
    if (a.dtype() == Dtype::Float32)
      out = erfFloat32(a);
  if (!out.defined())
    out = unaryForward(a, body);
  if (!shouldRecord(a))
    return out;
  recordOp(out, nodeName, {&a}, {SavedVariable(a)},
           [forward, body](const Tensor &g, SavedTensors s,
                           const Node &) -> GradList {
             // Without create_graph: the same formula in one pass.
             if (!GradMode::is_enabled() && g.numel() > 0 &&
                 g.sizes() == s[0].sizes() && g.dtype() == s[0].dtype() &&
                 s[0].is_floating_point())
               return {unaryVjpPerElement<Derivative>(g, s[0], body)};
             EagerRuleBuilder builder;
             // The result, recomputed differentiably for create_graph.
             Tensor r = Derivative::usesResult ? forward(s[0]) : Tensor();
             return {Derivative::vjp(builder, g, s[0], r)};
           });
  return out;
}
enum class CompareKind { Eq, Ne, Lt, Le, Gt, Ge };

Tensor compareOp(const char *op, CompareKind kind, const Tensor &a,
                 const Tensor &b) {
  checkDefined(op, a);
  checkDefined(op, b);
  Shape shape = broadcastShapes(op, a.sizes(), b.sizes());
  Dtype dt = promoteTypes(a.dtype(), b.dtype());
  Tensor x = castTo(a, dt), y = castTo(b, dt);
  Tensor out = makeEmpty(std::move(shape), Dtype::Bool);
  const TensorImpl &o = *out.unsafeGetImpl();
  const TensorImpl &xi = *x.unsafeGetImpl(), &yi = *y.unsafeGetImpl();
  ADJIT_DISPATCH_ALL(dt, {
    using T = scalar_t;
    switch (kind) {
    case CompareKind::Eq:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p == q; });
      break;
    case CompareKind::Ne:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p != q; });
      break;
    case CompareKind::Lt:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p < q; });
      break;
    case CompareKind::Le:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p <= q; });
      break;
    case CompareKind::Gt:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p > q; });
      break;
    case CompareKind::Ge:
      binaryKernel<bool, T>(o, xi, yi, [](T p, T q) { return p >= q; });
      break;
    }
  });
  return out;
}

/// A scalar operand takes the tensor's dtype (float32 for a fractional value
/// with an integral tensor).
Tensor scalarOperand(const Tensor &t, double value) {
  checkDefined("scalar operand", t);
  Dtype dt = t.dtype();
  if (!isFloatingPoint(dt) && value != std::floor(value))
    dt = Dtype::Float32;
  if (dt == Dtype::Bool)
    dt = Dtype::Int64;
  return scalarLike(value, dt);
}

} // namespace

void adjit::inPlaceKernel(InPlaceKind kind, const Tensor &self,
                          const Tensor &other, double alpha) {
  const TensorImpl &o = *self.unsafeGetImpl(), &y = *other.unsafeGetImpl();
  // Threads only where each element of self is computed from itself and
  // other alone: self's elements do not share memory, and other is self or
  // has memory of its own (an overlapping view of self would make the
  // elements depend on the order they are computed in).
  bool mayUseThreads = (y.storage != o.storage ||
                        (y.offset == o.offset && y.strides == o.strides &&
                         y.shape == o.shape)) &&
                       !hasSharedElements(o);
  ADJIT_DISPATCH_ALL(self.dtype(), {
    using T = scalar_t;
    T s = static_cast<T>(alpha);
    switch (kind) {
    case InPlaceKind::Add:
      if (alpha == 1.0)
        binaryKernel<T, T>(
            o, o, y, [](T p, T q) { return p + q; }, mayUseThreads);
      else
        binaryKernel<T, T>(
            o, o, y, [s](T p, T q) { return p + s * q; }, mayUseThreads);
      break;
    case InPlaceKind::Sub:
      if (alpha == 1.0)
        binaryKernel<T, T>(
            o, o, y, [](T p, T q) { return p - q; }, mayUseThreads);
      else
        binaryKernel<T, T>(
            o, o, y, [s](T p, T q) { return p - s * q; }, mayUseThreads);
      break;
    case InPlaceKind::Mul:
      binaryKernel<T, T>(
          o, o, y, [](T p, T q) { return p * q; }, mayUseThreads);
      break;
    case InPlaceKind::Div:
      binaryKernel<T, T>(
          o, o, y, [](T p, T q) { return p / q; }, mayUseThreads);
      break;
    }
  });
}

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  Tensor adjit::name(const Tensor &a, const Tensor &b) {                       \
    if (runtime::getCurrentObserver())                                         \
      return runtime::observeAsOneOp({runtime::OpKind::Kind, #name, {a, b}},   \
                                     [&] { return adjit::name(a, b); });       \
    Tensor (*self)(const Tensor &, const Tensor &) = &adjit::name;             \
    return binaryOp<semantics::derivatives::Kind>(                             \
        #name, binaryNodeName(#Kind, #Kind "Backward0"), BinaryResult::Result, \
        SavesOperands, self,                                                   \
        [](auto p, auto q) { return semantics::scalar::name(p, q); }, a, b);   \
  }                                                                            \
  Tensor Tensor::name(const Tensor &other) const {                             \
    return adjit::name(*this, other);                                          \
  }
#include "adjit/Semantics/Ops.def"

Tensor adjit::pow(const Tensor &a, double exponent) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::PowScalar, "pow", {a}, {}, false, 0, exponent},
        [&] { return pow(a, exponent); });

  checkDefined("pow", a);
  Tensor x = a.is_floating_point() ? a : castTo(a, Dtype::Float32);
  Tensor out = binaryForward(
      x, scalarLike(exponent, x.dtype()), x.sizes(),
      [](auto p, auto q) { return semantics::scalar::pow(p, q); });
  if (!shouldRecord(x))
    return out;
  recordOp(
      out, "PowBackward0", {&x}, {SavedVariable(x)},
      [exponent](const Tensor &g, SavedTensors s, const Node &) -> GradList {
        EagerRuleBuilder builder;
        Tensor y = scalarLike(exponent, s[0].dtype());
        return {semantics::derivatives::Pow::vjp(builder, g, s[0], y, Tensor(),
                                                 true, false)
                    .lhs};
      });
  return out;
}

#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  Tensor adjit::name(const Tensor &a) {                                        \
    if (runtime::getCurrentObserver())                                         \
      return runtime::observeAsOneOp({runtime::OpKind::Kind, #name, {a}},      \
                                     [&] { return adjit::name(a); });          \
    return unaryOp<semantics::derivatives::Kind>(                              \
        #name, #Kind "Backward0", UnaryResult::Result, a, &adjit::name,        \
        [](auto v) { return semantics::scalar::name(v); });                    \
  }                                                                            \
  Tensor Tensor::name() const { return adjit::name(*this); }
#include "adjit/Semantics/Ops.def"

Tensor adjit::eq(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "eq", {a, b}, {}, false, 0},
        [&] { return eq(a, b); });
  return compareOp("eq", CompareKind::Eq, a, b);
}
Tensor adjit::ne(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "ne", {a, b}, {}, false, 1},
        [&] { return ne(a, b); });
  return compareOp("ne", CompareKind::Ne, a, b);
}
Tensor adjit::lt(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "lt", {a, b}, {}, false, 2},
        [&] { return lt(a, b); });
  return compareOp("lt", CompareKind::Lt, a, b);
}
Tensor adjit::le(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "le", {a, b}, {}, false, 3},
        [&] { return le(a, b); });
  return compareOp("le", CompareKind::Le, a, b);
}
Tensor adjit::gt(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "gt", {a, b}, {}, false, 4},
        [&] { return gt(a, b); });
  return compareOp("gt", CompareKind::Gt, a, b);
}
Tensor adjit::ge(const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Compare, "ge", {a, b}, {}, false, 5},
        [&] { return ge(a, b); });
  return compareOp("ge", CompareKind::Ge, a, b);
}

Tensor adjit::where(const Tensor &condition, const Tensor &a, const Tensor &b) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Where, "where", {condition, a, b}},
        [&] { return where(condition, a, b); });

  checkDefined("where", condition);
  checkDefined("where", a);
  checkDefined("where", b);
  if (condition.dtype() != Dtype::Bool)
    throw Error(std::string("where: expected a condition of dtype bool, got ") +
                dtypeName(condition.dtype()));
  Shape shape = broadcastShapes("where", condition.sizes(),
                                broadcastShapes("where", a.sizes(), b.sizes()));
  Dtype dt = promoteTypes(a.dtype(), b.dtype());
  Tensor x = a.dtype() == dt ? a : to(a, dt);
  Tensor y = b.dtype() == dt ? b : to(b, dt);
  Tensor out = makeEmpty(shape, dt);
  const TensorImpl &o = *out.unsafeGetImpl(), &c = *condition.unsafeGetImpl(),
                   &xi = *x.unsafeGetImpl(), &yi = *y.unsafeGetImpl();
  Shape sc = broadcastStrides(c, shape), sx = broadcastStrides(xi, shape),
        sy = broadcastStrides(yi, shape);
  std::array<const int64_t *, 4> st = {o.strides.data(), sc.data(), sx.data(),
                                       sy.data()};
  const bool *pc = static_cast<const bool *>(c.storage->data);
  ADJIT_DISPATCH_ALL(dt, {
    scalar_t *po = o.data<scalar_t>();
    const scalar_t *px = static_cast<const scalar_t *>(xi.storage->data);
    const scalar_t *py = static_cast<const scalar_t *>(yi.storage->data);
    parallelForEachRow<4>(shape, st, {0, c.offset, xi.offset, yi.offset},
                          [&](const std::array<int64_t, 4> &off, int64_t n,
                              const std::array<int64_t, 4> &in) {
                            for (int64_t k = 0; k < n; ++k)
                              po[off[0] + k] = pc[off[1] + k * in[1]]
                                                   ? px[off[2] + k * in[2]]
                                                   : py[off[3] + k * in[3]];
                          });
  });
  if (!shouldRecord(x, y))
    return out;
  Shape xs = x.sizes(), ys = y.sizes();
  recordOp(
      out, "WhereBackward0", {&x, &y}, {SavedVariable(condition)},
      [xs, ys](const Tensor &g, SavedTensors s, const Node &n) -> GradList {
        EagerRuleBuilder builder;
        auto adjoints = semantics::derivatives::Where::vjp(
            builder, g, s[0], n.needsInputGrad(0), n.needsInputGrad(1));
        return {adjoints.lhs.defined() ? sum_to(adjoints.lhs, xs) : Tensor(),
                adjoints.rhs.defined() ? sum_to(adjoints.rhs, ys) : Tensor()};
      });
  return out;
}

//===----------------------------------------------------------------------===//
// Operators and methods
//===----------------------------------------------------------------------===//

Tensor adjit::operator+(const Tensor &a, const Tensor &b) { return add(a, b); }
Tensor adjit::operator-(const Tensor &a, const Tensor &b) { return sub(a, b); }
Tensor adjit::operator*(const Tensor &a, const Tensor &b) { return mul(a, b); }
Tensor adjit::operator/(const Tensor &a, const Tensor &b) { return div(a, b); }
Tensor adjit::operator-(const Tensor &a) { return neg(a); }
Tensor adjit::operator+(const Tensor &a, double b) {
  return add(a, scalarOperand(a, b));
}
Tensor adjit::operator-(const Tensor &a, double b) {
  return sub(a, scalarOperand(a, b));
}
Tensor adjit::operator*(const Tensor &a, double b) {
  return mul(a, scalarOperand(a, b));
}
Tensor adjit::operator/(const Tensor &a, double b) {
  return div(a, scalarOperand(a, b));
}
Tensor adjit::operator+(double a, const Tensor &b) {
  return add(scalarOperand(b, a), b);
}
Tensor adjit::operator-(double a, const Tensor &b) {
  return sub(scalarOperand(b, a), b);
}
Tensor adjit::operator*(double a, const Tensor &b) {
  return mul(scalarOperand(b, a), b);
}
Tensor adjit::operator/(double a, const Tensor &b) {
  return div(scalarOperand(b, a), b);
}
Tensor adjit::operator==(const Tensor &a, const Tensor &b) { return eq(a, b); }
Tensor adjit::operator!=(const Tensor &a, const Tensor &b) { return ne(a, b); }
Tensor adjit::operator<(const Tensor &a, const Tensor &b) { return lt(a, b); }
Tensor adjit::operator<=(const Tensor &a, const Tensor &b) { return le(a, b); }
Tensor adjit::operator>(const Tensor &a, const Tensor &b) { return gt(a, b); }
Tensor adjit::operator>=(const Tensor &a, const Tensor &b) { return ge(a, b); }
Tensor adjit::operator==(const Tensor &a, double b) {
  return eq(a, scalarOperand(a, b));
}
Tensor adjit::operator!=(const Tensor &a, double b) {
  return ne(a, scalarOperand(a, b));
}
Tensor adjit::operator<(const Tensor &a, double b) {
  return lt(a, scalarOperand(a, b));
}
Tensor adjit::operator<=(const Tensor &a, double b) {
  return le(a, scalarOperand(a, b));
}
Tensor adjit::operator>(const Tensor &a, double b) {
  return gt(a, scalarOperand(a, b));
}
Tensor adjit::operator>=(const Tensor &a, double b) {
  return ge(a, scalarOperand(a, b));
}

Tensor Tensor::pow(double e) const { return adjit::pow(*this, e); }
Tensor Tensor::eq(const Tensor &o) const { return adjit::eq(*this, o); }
Tensor Tensor::ne(const Tensor &o) const { return adjit::ne(*this, o); }
Tensor Tensor::lt(const Tensor &o) const { return adjit::lt(*this, o); }
Tensor Tensor::le(const Tensor &o) const { return adjit::le(*this, o); }
Tensor Tensor::gt(const Tensor &o) const { return adjit::gt(*this, o); }
Tensor Tensor::ge(const Tensor &o) const { return adjit::ge(*this, o); }
