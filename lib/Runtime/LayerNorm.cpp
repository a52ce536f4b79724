//===- LayerNorm.cpp - layer_norm as a composite of primitives ------------===//
//
// layer_norm is a fixed composition of differentiable primitives (mean,
// subtraction, multiplication, sqrt, division), as batch_norm is, so its
// eager gradient (of any order), its trace and its compiled gradient all
// follow from theirs.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"

using namespace adjit;

namespace {
constexpr const char *kOp = "layer_norm";

/// Throws unless `tensor` is undefined or a floating-point tensor of shape
/// `normalized`.
void checkAffine(const Tensor &tensor, const char *what,
                 const Shape &normalized, const Tensor &input) {
  if (!tensor.defined())
    return;
  if (tensor.sizes() != normalized)
    throw Error(std::string(kOp) + ": " + what + " should have shape " +
                shapeToString(normalized) + " (normalized_shape), got " +
                shapeToString(tensor.sizes()) + " (input shape " +
                shapeToString(input.sizes()) + ")");
  checkFloatingPoint(kOp, what, tensor);
}
} // namespace

Tensor adjit::layer_norm(const Tensor &input, const Shape &normalized_shape,
                         const Tensor &weight, const Tensor &bias, double eps) {
  checkDefined(kOp, input);
  int64_t k = static_cast<int64_t>(normalized_shape.size());
  bool suffix = k >= 1 && k <= input.dim();
  for (int64_t i = 0; suffix && i < k; ++i)
    suffix = normalized_shape[i] == input.size(input.dim() - k + i);
  if (!suffix)
    throw Error(std::string(kOp) + ": normalized_shape " +
                shapeToString(normalized_shape) +
                " must be a non-empty suffix of the input's shape " +
                shapeToString(input.sizes()));
  if (!input.is_floating_point())
    throw Error(std::string(kOp) + ": expected a floating-point input, got " +
                dtypeName(input.dtype()) + " of shape " +
                shapeToString(input.sizes()));
  checkAffine(weight, "weight", normalized_shape, input);
  checkAffine(bias, "bias", normalized_shape, input);
  if (!(eps >= 0))
    throw Error(std::string(kOp) + ": eps must be non-negative, got " +
                std::to_string(eps));

  // The statistics are over the trailing k dims; the variance is biased.
  Shape dims;
  for (int64_t d = input.dim() - k; d < input.dim(); ++d)
    dims.push_back(d);
  Tensor centered = input - mean(input, dims, /*keepdim=*/true);
  Tensor variance = mean(centered * centered, dims, /*keepdim=*/true);
  Tensor result = centered / sqrt(variance + eps);
  if (weight.defined())
    result = result * weight;
  if (bias.defined())
    result = result + bias;
  return result;
}
