//===- Reductions.cpp - sum, prod, mean, max and whole-tensor comparisons -===//

#include "AutogradImpl.h"
#include "EagerRuleBuilder.h"
#include "adjit/Runtime/OpObserver.h"
#include "adjit/Semantics/ScalarFunctions.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace adjit;

namespace {
/// The input arranged as [kept..., reduced...] contiguous rows: returns the
/// copy, the number of rows and the row length.
Tensor rowsForReduction(const Tensor &a, const Shape &dims, Dtype dtype,
                        int64_t &rows, int64_t &rowLen) {
  int64_t rank = a.dim();
  // Shape keeps up to six entries inline: no allocation per reduction.
  Shape reduced(std::max<int64_t>(rank, 1), 0);
  for (int64_t d : dims)
    reduced[d] = 1;
  const TensorImpl &impl = *a.unsafeGetImpl();
  Shape order, shape, strides;
  rows = 1;
  rowLen = 1;
  for (int pass = 0; pass < 2; ++pass)
    for (int64_t d = 0; d < rank; ++d)
      if ((reduced[d] != 0) == (pass == 1)) {
        order.push_back(d);
        shape.push_back(impl.shape[d]);
        strides.push_back(impl.strides[d]);
        (pass ? rowLen : rows) *= impl.shape[d];
      }
  Tensor permuted = makeView(a, shape, strides, impl.offset);
  return castTo(permuted, dtype);
}

/// Reduces each of the \p rows contiguous rows of \p rowLen elements of
/// \p src into one element of \p out: `acc = combine(acc, element)` from
/// \p init in the accumulator type Acc, then converted to T. Many rows are
/// split among the pool's threads; each row is reduced in order on one.
template <typename T, typename Acc, typename Combine>
void reduceRows(const Tensor &src, const Tensor &out, int64_t rows,
                int64_t rowLen, Acc init, Combine combine) {
  const T *x = src.unsafeGetImpl()->data<T>();
  T *o = out.unsafeGetImpl()->data<T>();
  runtime::parallelFor(rows, runtime::unitsPerThread(rowLen), 16,
                       [=](int64_t first, int64_t last) {
                         for (int64_t r = first; r < last; ++r) {
                           Acc acc = init;
                           const T *row = x + r * rowLen;
                           for (int64_t k = 0; k < rowLen; ++k)
                             acc = combine(acc, static_cast<Acc>(row[k]));
                           o[r] = static_cast<T>(acc);
                         }
                       });
}

/// Reduces the \p count contiguous rows of \p columns elements at \p x
/// column by column into \p o: o[j] combines x[i * columns + j] for i in
/// order, from \p init in the accumulator type Acc. That is the order in
/// which reduceRows reduces the rows of the transposed input, so the values
/// are the same, without the transposed copy; the columns are split among
/// the pool's threads.
template <typename T, typename Acc, typename Combine>
void reduceColumns(const T *x, T *o, int64_t count, int64_t columns, Acc init,
                   Combine combine) {
  runtime::parallelFor(
      columns, runtime::unitsPerThread(count), 16,
      [=](int64_t first, int64_t last) {
        constexpr int64_t kBlock = 256;
        Acc acc[kBlock];
        for (int64_t start = first; start < last; start += kBlock) {
          int64_t width = std::min(kBlock, last - start);
          for (int64_t j = 0; j < width; ++j)
            acc[j] = init;
          for (int64_t i = 0; i < count; ++i) {
            const T *row = x + i * columns + start;
            for (int64_t j = 0; j < width; ++j)
              acc[j] = combine(acc[j], static_cast<Acc>(row[j]));
          }
          for (int64_t j = 0; j < width; ++j)
            o[start + j] = static_cast<T>(acc[j]);
        }
      });
}

/// Sums: floats in double, integers (and bools) in int64, wrapping around
/// on overflow as PyTorch's.
struct Summation {
  template <typename T>
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, int64_t>;
  static constexpr int kInit = 0;
  template <typename A> static A combine(A acc, A v) {
    return semantics::scalar::add(acc, v);
  }
};

/// Products: floats in their own type, integers in uint64_t, so that they
/// wrap around on overflow, as PyTorch's.
struct Multiplication {
  template <typename T>
  using Acc = std::conditional_t<std::is_floating_point_v<T>, T, uint64_t>;
  static constexpr int kInit = 1;
  template <typename A> static A combine(A acc, A v) { return acc * v; }
};

/// Reduces \p a over \p dimsIn (all if empty) with \p Accumulation, in
/// \p a's dtype (int64 for integers and bools), without autograd; \p op
/// names the op in errors. Sets \p dims to the reduced dims, normalized.
template <typename Accumulation>
Tensor reduceOverDims(const char *op, const Tensor &a, const Shape &dimsIn,
                      bool keepdim, Shape &dims) {
  checkDefined(op, a);
  semantics::Reduction reduction =
      checkedShape(semantics::reducedShape(op, a.sizes(), dimsIn, keepdim));
  dims = reduction.dims;
  Dtype dt = a.is_floating_point() ? a.dtype() : Dtype::Int64;
  Tensor out = makeEmpty(reduction.shape, dt);
  // Leading dims of a contiguous input (a bias gradient's rows): reduced
  // column by column, in place.
  int64_t rank = a.dim();
  bool leading = !dims.empty() && static_cast<int64_t>(dims.size()) < rank &&
                 a.dtype() == dt && a.is_contiguous();
  int64_t count = 1;
  for (size_t i = 0; leading && i < dims.size(); ++i) {
    leading = dims[i] == static_cast<int64_t>(i);
    count *= a.size(dims[i]);
  }
  if (leading) {
    int64_t columns = count == 0 ? out.numel() : a.numel() / count;
    ADJIT_DISPATCH_ALL(dt, {
      using acc_t = typename Accumulation::template Acc<scalar_t>;
      reduceColumns<scalar_t>(
          a.unsafeGetImpl()->data<scalar_t>(),
          out.unsafeGetImpl()->data<scalar_t>(), count, columns,
          acc_t(Accumulation::kInit), [](acc_t acc, acc_t v) {
            return Accumulation::template combine<acc_t>(acc, v);
          });
    });
    return out;
  }
  int64_t rows, rowLen;
  Tensor src = rowsForReduction(a, dims, dt, rows, rowLen);
  ADJIT_DISPATCH_ALL(dt, {
    using acc_t = typename Accumulation::template Acc<scalar_t>;
    reduceRows<scalar_t>(src, out, rows, rowLen, acc_t(Accumulation::kInit),
                         [](acc_t acc, acc_t v) {
                           return Accumulation::template combine<acc_t>(acc, v);
                         });
  });
  return out;
}

/// Inserts size-1 dims at the (sorted) reduced \p dims.
Tensor unsqueezeDims(Tensor g, const Shape &dims) {
  for (int64_t d : dims)
    g = unsqueeze(g, d);
  return g;
}
} // namespace

namespace {
/// The dims a reduction reports to an observer, resolved as
/// semantics::reducedShape resolves them: none for all dims, else the
/// normalized, sorted ones (without dim 0 of a 0-d tensor). Throws for
/// invalid dims. Up to twelve dims allocate nothing, so that a replay of
/// reductions allocates nothing.
runtime::OpInts resolvedDims(const char *op, const Tensor &a, const Shape &dims,
                             bool keepdim) {
  checkDefined(op, a);
  int64_t rank = a.dim();
  std::array<int64_t, 12> sorted;
  bool valid = dims.size() <= sorted.size();
  for (size_t i = 0; valid && i < dims.size(); ++i) {
    semantics::ShapeResult<int64_t> dim =
        semantics::normalizeDim(op, dims[i], rank);
    valid = dim.ok();
    sorted[i] = dim.value;
  }
  std::sort(sorted.begin(), sorted.begin() + (valid ? dims.size() : 0));
  if (valid &&
      std::adjacent_find(sorted.begin(), sorted.begin() + dims.size()) ==
          sorted.begin() + dims.size()) {
    runtime::OpInts resolved;
    for (size_t i = 0; i < dims.size(); ++i)
      if (sorted[i] < rank)
        resolved.push_back(sorted[i]);
    return resolved;
  }
  // Invalid (the rule throws its message), or more dims than fit.
  return checkedShape(semantics::reducedShape(op, a.sizes(), dims, keepdim))
      .dims;
}
} // namespace

Tensor adjit::sum(const Tensor &a, const Shape &dimsIn, bool keepdim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Sum,
                                    "sum",
                                    {a},
                                    resolvedDims("sum", a, dimsIn, keepdim),
                                    keepdim},
                                   [&] { return sum(a, dimsIn, keepdim); });

  Shape dims;
  Tensor out = reduceOverDims<Summation>("sum", a, dimsIn, keepdim, dims);
  bool all = dimsIn.empty();
  if (shouldRecord(a)) {
    Shape in = a.sizes();
    recordOp(out, all && !keepdim ? "SumBackward0" : "SumBackward1", {&a}, {},
             [in, dims, keepdim](const Tensor &g, SavedTensors,
                                 const Node &) -> GradList {
               Tensor gk = keepdim ? g : unsqueezeDims(g, dims);
               return {expand(gk, in)};
             });
  }
  return out;
}

Tensor adjit::sum(const Tensor &a) { return sum(a, Shape{}, false); }

Tensor adjit::prodOverDims(const Tensor &a, const Shape &dimsIn, bool keepdim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Prod,
         "prod",
         {a},
         resolvedDims("prod", a, dimsIn, keepdim),
         keepdim},
        [&] { return prodOverDims(a, dimsIn, keepdim); });

  Shape dims;
  Tensor out = reduceOverDims<Multiplication>("prod", a, dimsIn, keepdim, dims);
  bool all = dimsIn.empty();
  if (shouldRecord(a)) {
    recordOp(out, all && !keepdim ? "ProdBackward0" : "ProdBackward1", {&a},
             {SavedVariable(a)},
             [dims, keepdim](const Tensor &g, SavedTensors s,
                             const Node &) -> GradList {
               EagerRuleBuilder builder;
               Tensor gk = keepdim ? g : unsqueezeDims(g, dims);
               return {
                   semantics::derivatives::Prod::vjp(builder, gk, s[0], dims)};
             });
  }
  return out;
}

Tensor adjit::prod(const Tensor &a) { return prodOverDims(a, Shape{}, false); }

Tensor adjit::prod(const Tensor &a, int64_t dim, bool keepdim) {
  return prodOverDims(a, Shape{dim}, keepdim);
}

Tensor adjit::mean(const Tensor &a, const Shape &dimsIn, bool keepdim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Mean,
                                    "mean",
                                    {a},
                                    resolvedDims("mean", a, dimsIn, keepdim),
                                    keepdim},
                                   [&] { return mean(a, dimsIn, keepdim); });

  checkDefined("mean", a);
  if (!a.is_floating_point())
    throw Error(std::string("mean: expected a floating-point tensor, got ") +
                dtypeName(a.dtype()) + " of shape " + shapeToString(a.sizes()));
  semantics::Reduction reduction =
      checkedShape(semantics::reducedShape("mean", a.sizes(), dimsIn, keepdim));
  return div(sum(a, dimsIn, keepdim),
             scalarLike(static_cast<double>(reduction.count), a.dtype()));
}

Tensor adjit::mean(const Tensor &a) { return mean(a, Shape{}, false); }

Tensor adjit::max(const Tensor &a) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Amax, "max", {a}},
                                   [&] { return max(a); });

  checkDefined("max", a);
  if (a.numel() == 0)
    throw Error("max: cannot reduce an empty tensor of shape " +
                shapeToString(a.sizes()));
  Tensor flat = castTo(a, a.dtype());
  Tensor out = makeEmpty({}, a.dtype());
  ADJIT_DISPATCH_ALL(a.dtype(), {
    const scalar_t *x = flat.unsafeGetImpl()->data<scalar_t>();
    scalar_t m = x[0];
    for (int64_t i = 1; i < a.numel(); ++i) {
      if constexpr (std::is_floating_point_v<scalar_t>)
        if (std::isnan(m))
          break;
      if (!(x[i] <= m))
        m = x[i];
    }
    *out.unsafeGetImpl()->data<scalar_t>() = m;
  });
  if (shouldRecord(a))
    recordOp(out, "MaxBackward1", {&a}, {SavedVariable(a)},
             [](const Tensor &g, SavedTensors s, const Node &) -> GradList {
               // The gradient is shared evenly between tied maxima.
               Tensor x = s[0].detach();
               Tensor mask = castTo(eq(x, max(x)), g.dtype());
               return {div(mul(g, mask), sum(mask))};
             });
  return out;
}

Tensor adjit::amax(const Tensor &a, const Shape &dimsIn, bool keepdim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Amax,
                                    "amax",
                                    {a},
                                    resolvedDims("amax", a, dimsIn, keepdim),
                                    keepdim},
                                   [&] { return amax(a, dimsIn, keepdim); });

  checkDefined("amax", a);
  semantics::Reduction reduction =
      checkedShape(semantics::reducedShape("amax", a.sizes(), dimsIn, keepdim));
  const Shape &dims = reduction.dims;
  for (int64_t d : dims)
    if (a.size(d) == 0)
      throw Error("amax: cannot reduce over dimension " + std::to_string(d) +
                  " of size 0 (shape " + shapeToString(a.sizes()) + ")");
  int64_t rows, rowLen;
  Tensor src = rowsForReduction(a, dims, a.dtype(), rows, rowLen);
  Tensor out = makeEmpty(reduction.shape, a.dtype());
  ADJIT_DISPATCH_ALL(a.dtype(), {
    const scalar_t *x = src.unsafeGetImpl()->data<scalar_t>();
    scalar_t *o = out.unsafeGetImpl()->data<scalar_t>();
    for (int64_t r = 0; r < rows; ++r) {
      const scalar_t *row = x + r * rowLen;
      scalar_t m = row[0];
      for (int64_t k = 1; k < rowLen; ++k) {
        if constexpr (std::is_floating_point_v<scalar_t>)
          if (std::isnan(m))
            break;
        if (!(row[k] <= m))
          m = row[k];
      }
      o[r] = m;
    }
  });
  if (shouldRecord(a)) {
    Shape in = a.sizes();
    recordOp(out, "AmaxBackward0", {&a}, {SavedVariable(a)},
             [in, dims, keepdim](const Tensor &g, SavedTensors s,
                                 const Node &) -> GradList {
               // The gradient is shared evenly between tied maxima of each
               // reduced group, as reduce_max's adjoint does.
               Tensor x = s[0].detach();
               Tensor mask =
                   castTo(eq(x, amax(x, dims, /*keepdim=*/true)), g.dtype());
               Tensor gk = keepdim ? g : unsqueezeDims(g, dims);
               return {div(mul(gk, mask), sum(mask, dims, /*keepdim=*/true))};
             });
  }
  return out;
}

Tensor adjit::amin(const Tensor &a, const Shape &dims, bool keepdim) {
  checkDefined("amin", a);
  // -max(-x): exact, ties share the gradient, NaN propagates.
  return neg(amax(neg(a), dims, keepdim));
}

Tensor adjit::min(const Tensor &a) {
  checkDefined("min", a);
  if (a.numel() == 0)
    throw Error("min: cannot reduce an empty tensor of shape " +
                shapeToString(a.sizes()));
  return neg(max(neg(a)));
}

Tensor adjit::logsumexp(const Tensor &a, const Shape &dims, bool keepdim) {
  checkDefined("logsumexp", a);
  if (!a.is_floating_point())
    throw Error(std::string("logsumexp: expected a floating-point tensor, "
                            "got ") +
                dtypeName(a.dtype()) + " of shape " + shapeToString(a.sizes()));
  // log(sum(exp(x - m))) + m with m the maximum, taken as a constant (its
  // gradient cancels exactly; PyTorch does the same), and 0 where it is
  // infinite so that rows of -inf give -inf rather than NaN.
  Tensor m = amax(a, dims, /*keepdim=*/true).detach();
  Tensor zero = scalarLike(0, a.dtype());
  Tensor inf = scalarLike(INFINITY, a.dtype());
  Tensor shift = where(eq(abs(m), inf), zero, m);
  Tensor total = log(sum(exp(a - shift), dims, /*keepdim=*/true)) + shift;
  if (keepdim)
    return total;
  // The reduced dims (resolved as the reductions resolve them, none for
  // all) dropped: one by squeeze, which reports no list on the heap.
  runtime::OpInts reduced = resolvedDims("logsumexp", a, dims, keepdim);
  if (reduced.size() == 1 && !dims.empty())
    return squeeze(total, reduced[0]);
  Shape shape;
  for (int64_t dim = 0; dim < a.dim() && !dims.empty(); ++dim)
    if (std::find(reduced.begin(), reduced.end(), dim) == reduced.end())
      shape.push_back(a.size(dim));
  return reshape(total, shape);
}

Tensor Tensor::amax(const Shape &dims, bool keepdim) const {
  return adjit::amax(*this, dims, keepdim);
}
Tensor Tensor::amin(const Shape &dims, bool keepdim) const {
  return adjit::amin(*this, dims, keepdim);
}
Tensor Tensor::min() const { return adjit::min(*this); }
Tensor Tensor::logsumexp(const Shape &dims, bool keepdim) const {
  return adjit::logsumexp(*this, dims, keepdim);
}

namespace {
/// max(dim) (`isMax`) or min(dim): the extremum of each row along `dim` and
/// its index. Of equal elements the first is chosen; a NaN beats every
/// number, and of several NaNs the first is chosen (as PyTorch).
std::pair<Tensor, Tensor> extremumAlongDim(const char *op, bool isMax,
                                           const Tensor &a, int64_t dim,
                                           bool keepdim) {
  checkDefined(op, a);
  semantics::Reduction reduction =
      checkedShape(semantics::reducedShape(op, a.sizes(), {dim}, keepdim));
  Shape dims = reduction.dims;
  if (reduction.count == 0)
    throw Error(std::string(op) + ": cannot reduce over dimension " +
                std::to_string(dims[0]) + " of size 0 (shape " +
                shapeToString(a.sizes()) + ")");
  int64_t rows, rowLen;
  Tensor src = rowsForReduction(a, dims, a.dtype(), rows, rowLen);
  const Shape &outShape = reduction.shape;
  Tensor values = makeEmpty(outShape, a.dtype());
  Tensor indices = makeEmpty(outShape, Dtype::Int64);
  int64_t *idx = indices.unsafeGetImpl()->data<int64_t>();
  ADJIT_DISPATCH_ALL(a.dtype(), {
    const scalar_t *x = src.unsafeGetImpl()->data<scalar_t>();
    scalar_t *v = values.unsafeGetImpl()->data<scalar_t>();
    for (int64_t r = 0; r < rows; ++r) {
      const scalar_t *row = x + r * rowLen;
      int64_t best = 0;
      for (int64_t k = 1; k < rowLen; ++k) {
        if constexpr (std::is_floating_point_v<scalar_t>)
          if (std::isnan(row[best]))
            break;
        // Strictly better, or NaN.
        if (isMax ? !(row[k] <= row[best]) : !(row[k] >= row[best]))
          best = k;
      }
      v[r] = row[best];
      idx[r] = best;
    }
  });
  if (shouldRecord(a)) {
    Shape in = a.sizes();
    recordOp(values, isMax ? "MaxBackward0" : "MinBackward0", {&a},
             {SavedVariable(indices)},
             [in, dims, keepdim](const Tensor &g, SavedTensors s,
                                 const Node &) -> GradList {
               if (in.empty())
                 return {g};
               // The chosen element, where its position along dim equals
               // the index, receives the adjoint (adjit.argmax's rule).
               int64_t d = dims[0];
               Tensor gk = keepdim ? g : unsqueeze(g, d);
               Tensor ik = keepdim ? s[0] : unsqueeze(s[0], d);
               Shape posShape(in.size(), 1);
               posShape[d] = in[d];
               Tensor positions =
                   arange(static_cast<double>(in[d]), kInt64).view(posShape);
               Tensor mask = expand(eq(positions, ik), in);
               EagerRuleBuilder builder;
               return {semantics::derivatives::Where::vjp(
                           builder, expand(gk, in), mask, true, false)
                           .lhs};
             });
  }
  return {values, indices};
}

/// Runs max(dim) or min(dim), reporting both results to the current
/// observer, if any, as `kind`.
std::pair<Tensor, Tensor> observedExtremumAlongDim(runtime::OpKind kind,
                                                   const char *op,
                                                   const Tensor &a, int64_t dim,
                                                   bool keepdim) {
  bool isMax = kind == runtime::OpKind::MaxDim;
  runtime::OpObserver *observer = runtime::getCurrentObserver();
  if (!observer)
    return extremumAlongDim(op, isMax, a, dim, keepdim);
  // Reported as two ops, the values ({dim, 0}) and the indices ({dim, 1}),
  // with the dim resolved (a 0-d tensor keeps the dim it was given).
  runtime::OpInts resolved = resolvedDims(op, a, {dim}, keepdim);
  int64_t d = resolved.empty() ? dim : resolved[0];
  runtime::OpRecord values{kind, op, {a}, {d, 0}, keepdim};
  runtime::OpRecord indices{kind, op, {a}, {d, 1}, keepdim};
  if (observer->isReplaying())
    return {observer->replay(values), observer->replay(indices)};
  std::pair<Tensor, Tensor> results;
  {
    runtime::ObserverScope unobserved(nullptr);
    results = extremumAlongDim(op, isMax, a, dim, keepdim);
  }
  values.output = results.first;
  indices.output = results.second;
  observer->observe(values);
  observer->observe(indices);
  return results;
}
} // namespace

std::pair<Tensor, Tensor> adjit::max(const Tensor &a, int64_t dim,
                                     bool keepdim) {
  return observedExtremumAlongDim(runtime::OpKind::MaxDim, "max", a, dim,
                                  keepdim);
}

std::pair<Tensor, Tensor> adjit::min(const Tensor &a, int64_t dim,
                                     bool keepdim) {
  return observedExtremumAlongDim(runtime::OpKind::MinDim, "min", a, dim,
                                  keepdim);
}

Tensor adjit::argmax(const Tensor &a, int64_t dim, bool keepdim) {
  return observedExtremumAlongDim(runtime::OpKind::MaxDim, "argmax", a, dim,
                                  keepdim)
      .second;
}

Tensor adjit::argmin(const Tensor &a, int64_t dim, bool keepdim) {
  return observedExtremumAlongDim(runtime::OpKind::MinDim, "argmin", a, dim,
                                  keepdim)
      .second;
}

bool adjit::allclose(const Tensor &a, const Tensor &b, double rtol,
                     double atol) {
  runtime::notifyUnsupported("allclose", "it reads tensor values to the host");
  checkDefined("allclose", a);
  checkDefined("allclose", b);
  Shape shape = broadcastShapes("allclose", a.sizes(), b.sizes());
  Tensor x = castTo(expand(a.detach(), shape), Dtype::Float64);
  Tensor y = castTo(expand(b.detach(), shape), Dtype::Float64);
  const double *px = x.unsafeGetImpl()->data<double>();
  const double *py = y.unsafeGetImpl()->data<double>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (std::isnan(px[i]) || std::isnan(py[i]))
      return false;
    if (px[i] == py[i])
      continue;
    if (std::fabs(px[i] - py[i]) > atol + rtol * std::fabs(py[i]))
      return false;
  }
  return true;
}

bool adjit::equal(const Tensor &a, const Tensor &b) {
  runtime::notifyUnsupported("equal", "it reads tensor values to the host");
  checkDefined("equal", a);
  checkDefined("equal", b);
  if (a.sizes() != b.sizes())
    return false;
  Tensor x = castTo(a, Dtype::Float64), y = castTo(b, Dtype::Float64);
  const double *px = x.unsafeGetImpl()->data<double>();
  const double *py = y.unsafeGetImpl()->data<double>();
  for (int64_t i = 0; i < x.numel(); ++i)
    if (!(px[i] == py[i]))
      return false;
  return true;
}

Tensor Tensor::sum() const { return adjit::sum(*this); }
Tensor Tensor::sum(const Shape &dims, bool keepdim) const {
  return adjit::sum(*this, dims, keepdim);
}
Tensor Tensor::prod() const { return adjit::prod(*this); }
Tensor Tensor::prod(int64_t dim, bool keepdim) const {
  return adjit::prod(*this, dim, keepdim);
}
Tensor Tensor::mean() const { return adjit::mean(*this); }
Tensor Tensor::mean(const Shape &dims, bool keepdim) const {
  return adjit::mean(*this, dims, keepdim);
}
Tensor Tensor::max() const { return adjit::max(*this); }
std::pair<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const {
  return adjit::max(*this, dim, keepdim);
}
std::pair<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const {
  return adjit::min(*this, dim, keepdim);
}
Tensor Tensor::argmax(int64_t dim, bool keepdim) const {
  return adjit::argmax(*this, dim, keepdim);
}
Tensor Tensor::argmin(int64_t dim, bool keepdim) const {
  return adjit::argmin(*this, dim, keepdim);
}
