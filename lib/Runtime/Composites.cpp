//===- Composites.cpp - ops built from the differentiable primitives
//-------===//
//
// Each op here is a fixed composition of primitives, so its eager gradient,
// its trace and its compiled gradient all follow from theirs: nothing here
// has a kernel or a derivative of its own. Where PyTorch's gradient differs
// from the plain composition at a singular point, the composition is shaped
// so that it agrees (see the comments and docs/autodiff.md).
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"

#include <algorithm>
#include <cmath>

using namespace adjit;

namespace {

/// A 0-d tensor of `like`'s dtype (float32 for an integer tensor and a
/// fractional value), as a scalar operand of an operator.
Tensor boundOf(const Tensor &like, double value) {
  Dtype dtype = like.dtype();
  if (!isFloatingPoint(dtype) && value != std::floor(value))
    dtype = Dtype::Float32;
  return scalarLike(value, dtype == Dtype::Bool ? Dtype::Int64 : dtype);
}

/// clamp with optional lower and upper bounds. x below the lower bound
/// takes it, then above the upper bound takes that (so with min > max every
/// element is max, as in PyTorch). The gradient reaches x where
/// min <= x <= max (bounds inclusive) and the bound elsewhere; a NaN x stays
/// NaN and gets no gradient, as in PyTorch.
Tensor clampBetween(const char *op, const Tensor &x, const Tensor &lower,
                    const Tensor &upper) {
  checkDefined(op, x);
  if (!lower.defined() && !upper.defined())
    throw Error(std::string(op) +
                ": at least one of 'min' and 'max' must be given (input "
                "shape " +
                shapeToString(x.sizes()) + ")");
  if (x.dtype() == Dtype::Bool)
    throw Error(std::string(op) + ": not supported on a bool tensor of shape " +
                shapeToString(x.sizes()));
  Tensor result = x;
  if (lower.defined())
    result = where(lt(x, lower), lower, result);
  if (upper.defined())
    result = where(gt(result, upper), upper, result);
  if (!isFloatingPoint(result.dtype()))
    return result;
  // NaN: the value is x's, with no gradient.
  return where(ne(x, x), x.detach(), result);
}

/// Sum of squared deviations from the mean over `dims`, divided by
/// (count - correction).
Tensor varianceOf(const char *op, const Tensor &a, const Shape &dims,
                  double correction, bool keepdim) {
  checkDefined(op, a);
  if (!a.is_floating_point())
    throw Error(std::string(op) + ": expected a floating-point tensor, got " +
                dtypeName(a.dtype()) + " of shape " + shapeToString(a.sizes()));
  Tensor deviation = a - mean(a, dims, /*keepdim=*/true);
  Tensor squares = sum(deviation * deviation, dims, keepdim);
  double count = static_cast<double>(a.numel()) /
                 static_cast<double>(std::max<int64_t>(squares.numel(), 1));
  if (a.numel() == 0)
    count = 0;
  return squares / (count - correction);
}

} // namespace

Tensor adjit::clamp(const Tensor &x, std::optional<double> min,
                    std::optional<double> max) {
  checkDefined("clamp", x);
  return clampBetween("clamp", x, min ? boundOf(x, *min) : Tensor(),
                      max ? boundOf(x, *max) : Tensor());
}

Tensor adjit::clamp(const Tensor &x, const std::optional<Tensor> &min,
                    const std::optional<Tensor> &max) {
  return clampBetween("clamp", x, min ? *min : Tensor(), max ? *max : Tensor());
}

Tensor adjit::clamp_min(const Tensor &x, double min) {
  checkDefined("clamp_min", x);
  return clampBetween("clamp_min", x, boundOf(x, min), Tensor());
}

Tensor adjit::clamp_max(const Tensor &x, double max) {
  checkDefined("clamp_max", x);
  return clampBetween("clamp_max", x, Tensor(), boundOf(x, max));
}

Tensor adjit::var(const Tensor &a, const Shape &dims,
                  std::optional<double> correction, bool keepdim) {
  return varianceOf("var", a, dims, correction.value_or(1), keepdim);
}

namespace {
/// sqrt(v), with a zero gradient where v == 0 (PyTorch's std_backward masks
/// the infinite derivative of sqrt there): the sqrt branch sees 1 where
/// v == 0, and the select sends no gradient to it.
Tensor standardDeviationOf(const Tensor &variance) {
  Tensor zero = scalarLike(0, variance.dtype());
  Tensor one = scalarLike(1, variance.dtype());
  Tensor isZero = eq(variance, zero);
  return where(isZero, variance * zero, sqrt(where(isZero, one, variance)));
}
} // namespace

Tensor adjit::std(const Tensor &a, const Shape &dims,
                  std::optional<double> correction, bool keepdim) {
  return standardDeviationOf(var(a, dims, correction, keepdim));
}

Tensor Tensor::clamp(std::optional<double> min,
                     std::optional<double> max) const {
  return adjit::clamp(*this, min, max);
}
Tensor Tensor::clamp_min(double min) const {
  return adjit::clamp_min(*this, min);
}
Tensor Tensor::clamp_max(double max) const {
  return adjit::clamp_max(*this, max);
}
Tensor Tensor::var(const Shape &dims, std::optional<double> correction,
                   bool keepdim) const {
  return adjit::var(*this, dims, correction, keepdim);
}
Tensor Tensor::std(const Shape &dims, std::optional<double> correction,
                   bool keepdim) const {
  return adjit::std(*this, dims, correction, keepdim);
}
