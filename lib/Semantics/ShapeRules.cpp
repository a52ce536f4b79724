//===- ShapeRules.cpp - Shape rules of tensor ops, written once -----------===//

#include "adjit/Semantics/ShapeRules.h"

#include <algorithm>

using namespace adjit::semantics;

namespace {
/// "op: " followed by \p text.
std::string message(std::string_view op, const std::string &text) {
  return std::string(op) + ": " + text;
}

/// The message of two shapes that do not broadcast; \p what, if not empty,
/// says where they come from.
std::string notBroadcastable(std::string_view op, const Shape &lhs,
                             const Shape &rhs, const std::string &what) {
  return message(op, "shapes " + formatShape(lhs) + " and " + formatShape(rhs) +
                         " are not broadcastable (" + what +
                         "aligned at the last dimension, sizes must be equal "
                         "or 1)");
}

/// The shape without its last \p count dimensions.
Shape dropBack(const Shape &shape, size_t count) {
  return Shape(shape.begin(), shape.end() - std::min(count, shape.size()));
}

/// \p shape followed by \p rows and \p cols.
Shape withMatrix(Shape shape, int64_t rows, int64_t cols) {
  shape.push_back(rows);
  shape.push_back(cols);
  return shape;
}
} // namespace

std::string adjit::semantics::formatShape(const Shape &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

ShapeResult<Shape> adjit::semantics::broadcastShapes(std::string_view op,
                                                     const Shape &lhs,
                                                     const Shape &rhs) {
  if (lhs == rhs)
    return ShapeResult<Shape>::success(lhs);
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l != r && l != 1 && r != 1)
      return ShapeResult<Shape>::failure(notBroadcastable(op, lhs, rhs, ""));
    result[i] = l == 1 ? r : l;
  }
  return ShapeResult<Shape>::success(std::move(result));
}

ShapeResult<int64_t> adjit::semantics::normalizeDim(std::string_view op,
                                                    int64_t dim, int64_t rank) {
  // A 0-d tensor has one valid dim, 0 (or -1), as in PyTorch.
  int64_t wrapRank = std::max<int64_t>(rank, 1);
  if (dim < -wrapRank || dim >= wrapRank)
    return ShapeResult<int64_t>::failure(message(
        op, "dimension " + std::to_string(dim) +
                " is out of range for a tensor of " + std::to_string(rank) +
                " dimensions (expected to be in [" + std::to_string(-wrapRank) +
                ", " + std::to_string(wrapRank - 1) + "])"));
  return ShapeResult<int64_t>::success(dim < 0 ? dim + wrapRank : dim);
}

ShapeResult<Shape> adjit::semantics::normalizeDims(std::string_view op,
                                                   const Shape &dims,
                                                   int64_t rank) {
  Shape result;
  for (int64_t dim : dims) {
    ShapeResult<int64_t> wrapped = normalizeDim(op, dim, rank);
    if (!wrapped.ok())
      return ShapeResult<Shape>::failure(std::move(wrapped.error));
    if (std::find(result.begin(), result.end(), wrapped.value) != result.end())
      return ShapeResult<Shape>::failure(
          message(op, "dim " + std::to_string(wrapped.value) +
                          " appears multiple times in the list of dims " +
                          formatShape(dims)));
    result.push_back(wrapped.value);
  }
  std::sort(result.begin(), result.end());
  return ShapeResult<Shape>::success(std::move(result));
}

ShapeResult<Reduction> adjit::semantics::reducedShape(std::string_view op,
                                                      const Shape &shape,
                                                      const Shape &dims,
                                                      bool keepDim) {
  int64_t rank = static_cast<int64_t>(shape.size());
  Reduction reduction;
  if (dims.empty()) {
    for (int64_t dim = 0; dim < rank; ++dim)
      reduction.dims.push_back(dim);
  } else {
    ShapeResult<Shape> normalized = normalizeDims(op, dims, rank);
    if (!normalized.ok())
      return ShapeResult<Reduction>::failure(std::move(normalized.error));
    // The dim 0 of a 0-d tensor reduces nothing.
    for (int64_t dim : normalized.value)
      if (dim < rank)
        reduction.dims.push_back(dim);
  }
  for (int64_t dim = 0; dim < rank; ++dim) {
    bool reduced =
        std::binary_search(reduction.dims.begin(), reduction.dims.end(), dim);
    if (reduced)
      reduction.count *= shape[dim];
    else
      reduction.shape.push_back(shape[dim]);
    reduction.keptShape.push_back(reduced ? 1 : shape[dim]);
  }
  if (keepDim)
    reduction.shape = reduction.keptShape;
  return ShapeResult<Reduction>::success(std::move(reduction));
}

ShapeResult<Shape> adjit::semantics::inferReshape(std::string_view op,
                                                  const Shape &shape,
                                                  const Shape &newShape) {
  int64_t numel = 1;
  for (int64_t size : shape)
    numel *= size;
  Shape result = newShape;
  int64_t known = 1;
  std::optional<size_t> inferred;
  for (size_t i = 0; i < result.size(); ++i) {
    if (result[i] == -1) {
      if (inferred)
        return ShapeResult<Shape>::failure(
            message(op, "only one dimension can be inferred in shape " +
                            formatShape(newShape)));
      inferred = i;
    } else if (result[i] < 0) {
      return ShapeResult<Shape>::failure(
          message(op, "invalid dimension " + std::to_string(result[i]) +
                          " in shape " + formatShape(newShape) +
                          " (sizes are >= 0, with at most one -1)"));
    } else {
      known *= result[i];
    }
  }
  bool valid;
  if (inferred) {
    valid = known != 0 && numel % known == 0;
    if (valid)
      result[*inferred] = numel / known;
  } else {
    valid = known == numel;
  }
  if (!valid)
    return ShapeResult<Shape>::failure(message(
        op, "shape " + formatShape(newShape) +
                " is invalid for input of size " + std::to_string(numel) +
                " (input shape " + formatShape(shape) + ")"));
  return ShapeResult<Shape>::success(std::move(result));
}

int64_t adjit::semantics::sliceLength(int64_t start, int64_t end,
                                      int64_t step) {
  return (end - start + step - 1) / step;
}

ShapeResult<SliceBounds>
adjit::semantics::clampSlice(std::string_view op, int64_t size,
                             std::optional<int64_t> start,
                             std::optional<int64_t> end, int64_t step) {
  if (step < 1)
    return ShapeResult<SliceBounds>::failure(
        message(op, "step must be positive, got " + std::to_string(step)));
  auto clamp = [size](std::optional<int64_t> bound, int64_t missing) {
    if (!bound)
      return missing;
    int64_t index = *bound < 0 ? *bound + size : *bound;
    return std::clamp<int64_t>(index, 0, size);
  };
  SliceBounds bounds;
  bounds.start = clamp(start, 0);
  bounds.end = std::max(clamp(end, size), bounds.start);
  bounds.length = sliceLength(bounds.start, bounds.end, step);
  return ShapeResult<SliceBounds>::success(bounds);
}

ShapeResult<SliceBounds>
adjit::semantics::sliceDim(std::string_view op, const Shape &shape, int64_t dim,
                           std::optional<int64_t> start,
                           std::optional<int64_t> end, int64_t step) {
  if (shape.empty())
    return ShapeResult<SliceBounds>::failure(
        message(op, "cannot slice a zero-dimensional tensor"));
  ShapeResult<int64_t> wrapped =
      normalizeDim(op, dim, static_cast<int64_t>(shape.size()));
  if (!wrapped.ok())
    return ShapeResult<SliceBounds>::failure(std::move(wrapped.error));
  ShapeResult<SliceBounds> bounds =
      clampSlice(op, shape[wrapped.value], start, end, step);
  bounds.value.dim = wrapped.value;
  return bounds;
}

bool adjit::semantics::isPermutation(const Shape &permutation, int64_t rank) {
  return isPermutation(permutation.data(), permutation.size(), rank);
}

bool adjit::semantics::isPermutation(const int64_t *permutation, size_t size,
                                     int64_t rank) {
  if (static_cast<int64_t>(size) != rank)
    return false;
  // The dims seen, as bits up to rank 64 (every real tensor), else a list.
  uint64_t seenBits = 0;
  std::vector<bool> seen(rank > 64 ? rank : 0, false);
  for (size_t i = 0; i < size; ++i) {
    int64_t dim = permutation[i];
    if (dim < 0 || dim >= rank)
      return false;
    if (rank <= 64) {
      uint64_t bit = uint64_t(1) << dim;
      if (seenBits & bit)
        return false;
      seenBits |= bit;
      continue;
    }
    if (seen[dim])
      return false;
    seen[dim] = true;
  }
  return true;
}

ShapeResult<Shape> adjit::semantics::permutation(std::string_view op,
                                                 const Shape &dims,
                                                 const Shape &shape) {
  int64_t rank = static_cast<int64_t>(shape.size());
  Shape wrapped;
  wrapped.reserve(dims.size());
  for (int64_t dim : dims)
    wrapped.push_back(wrapPermutedDim(dim, rank));
  if (!isPermutation(wrapped, rank))
    return ShapeResult<Shape>::failure(message(
        op, "dims " + formatShape(dims) +
                " is not a permutation of the dimensions of a tensor of "
                "shape " +
                formatShape(shape) + " (expected each of 0 to " +
                std::to_string(rank - 1) +
                " once; negative dims count from the end)"));
  return ShapeResult<Shape>::success(std::move(wrapped));
}

bool adjit::semantics::sameShapeExceptDim(const Shape &lhs, const Shape &rhs,
                                          int64_t dim) {
  if (lhs.size() != rhs.size())
    return false;
  for (size_t i = 0; i < lhs.size(); ++i)
    if (static_cast<int64_t>(i) != dim && lhs[i] != rhs[i])
      return false;
  return true;
}

ShapeResult<Concatenation>
adjit::semantics::catShape(std::string_view op,
                           const std::vector<Shape> &shapes, int64_t dim) {
  if (shapes.empty())
    return ShapeResult<Concatenation>::failure(
        message(op, "expected a non-empty list of tensors"));
  const Shape &first = shapes.front();
  if (first.empty())
    return ShapeResult<Concatenation>::failure(
        message(op, "zero-dimensional tensors cannot be concatenated"));
  ShapeResult<int64_t> wrapped =
      normalizeDim(op, dim, static_cast<int64_t>(first.size()));
  if (!wrapped.ok())
    return ShapeResult<Concatenation>::failure(std::move(wrapped.error));
  Concatenation result{wrapped.value, first};
  result.shape[result.dim] = 0;
  for (const Shape &shape : shapes) {
    if (!sameShapeExceptDim(first, shape, result.dim))
      return ShapeResult<Concatenation>::failure(
          message(op, "sizes of tensors must match except in dimension " +
                          std::to_string(result.dim) + "; got " +
                          formatShape(first) + " and " + formatShape(shape)));
    result.shape[result.dim] += shape[result.dim];
  }
  return ShapeResult<Concatenation>::success(std::move(result));
}

ShapeResult<MatmulPlan> adjit::semantics::matmulPlan(const Shape &lhs,
                                                     const Shape &rhs) {
  auto fail = [](const std::string &text) {
    return ShapeResult<MatmulPlan>::failure(message("matmul", text));
  };
  if (lhs.empty() || rhs.empty())
    return fail("both arguments need to be at least 1-D, got shapes " +
                formatShape(lhs) + " and " + formatShape(rhs));
  MatmulPlan plan;
  plan.lhsMatrix = lhs;
  plan.rhsMatrix = rhs;
  if (lhs.size() == 1)
    plan.lhsMatrix.insert(plan.lhsMatrix.begin(), 1);
  if (rhs.size() == 1)
    plan.rhsMatrix.push_back(1);
  size_t lhsRank = plan.lhsMatrix.size(), rhsRank = plan.rhsMatrix.size();
  plan.m = plan.lhsMatrix[lhsRank - 2];
  plan.k = plan.lhsMatrix[lhsRank - 1];
  plan.n = plan.rhsMatrix[rhsRank - 1];
  int64_t rhsK = plan.rhsMatrix[rhsRank - 2];
  std::string mismatch =
      " (" + std::to_string(plan.k) + " != " + std::to_string(rhsK) + ")";
  if (plan.k != rhsK && lhs.size() == 1 && rhs.size() == 1)
    return fail("1-D tensors of shapes " + formatShape(lhs) + " and " +
                formatShape(rhs) + " have different lengths" + mismatch);
  if (plan.k != rhsK)
    return fail("shapes " + formatShape(lhs) + " and " + formatShape(rhs) +
                " cannot be multiplied" + mismatch);
  Shape lhsBatch = dropBack(plan.lhsMatrix, 2);
  Shape rhsBatch = dropBack(plan.rhsMatrix, 2);
  ShapeResult<Shape> batch = broadcastShapes("matmul", lhsBatch, rhsBatch);
  if (!batch.ok())
    return ShapeResult<MatmulPlan>::failure(
        notBroadcastable("matmul", lhsBatch, rhsBatch,
                         "the batch dimensions of " + formatShape(lhs) +
                             " and " + formatShape(rhs) + "; "));
  plan.batch = std::move(batch.value);
  plan.lhsBroadcast = withMatrix(plan.batch, plan.m, plan.k);
  plan.rhsBroadcast = withMatrix(plan.batch, plan.k, plan.n);
  plan.productShape = withMatrix(plan.batch, plan.m, plan.n);
  plan.resultShape = plan.batch;
  if (lhs.size() > 1)
    plan.resultShape.push_back(plan.m);
  if (rhs.size() > 1)
    plan.resultShape.push_back(plan.n);
  return ShapeResult<MatmulPlan>::success(std::move(plan));
}

// Convolution

ShapeResult<Shape>
adjit::semantics::convolutionShape(std::string_view op, const Shape &input,
                                   const Shape &weight,
                                   const ConvolutionAttrs &attrs) {
  auto fail = [&](const std::string &text) {
    return ShapeResult<Shape>::failure(message(op, text));
  };
  size_t spatial = attrs.stride.size();
  if (spatial < 1 || spatial > 2 || attrs.paddingLow.size() != spatial ||
      attrs.paddingHigh.size() != spatial || attrs.dilation.size() != spatial)
    return fail("expected 1 or 2 spatial dimensions, with one stride, "
                "padding and dilation for each");
  auto any = [](const Shape &values, auto predicate) {
    return std::any_of(values.begin(), values.end(), predicate);
  };
  if (attrs.groups <= 0)
    return fail("groups must be positive, got " + std::to_string(attrs.groups));
  if (any(attrs.stride, [](int64_t v) { return v <= 0; }))
    return fail("stride must be positive, got " + formatShape(attrs.stride));
  if (any(attrs.paddingLow, [](int64_t v) { return v < 0; }) ||
      any(attrs.paddingHigh, [](int64_t v) { return v < 0; }))
    return fail("padding must be non-negative, got " +
                formatShape(attrs.paddingLow) + " before and " +
                formatShape(attrs.paddingHigh) + " after the input");
  if (any(attrs.dilation, [](int64_t v) { return v <= 0; }))
    return fail("dilation must be positive, got " +
                formatShape(attrs.dilation));
  std::string dims = std::to_string(spatial + 2) + "-D";
  std::string kernel = spatial == 1 ? "kL" : "kH, kW";
  if (weight.size() != spatial + 2)
    return fail("expected a " + dims +
                " weight [out_channels, in_channels / groups, " + kernel +
                "], got " + formatShape(weight));
  if (input.size() != spatial + 1 && input.size() != spatial + 2)
    return fail("expected a " + std::to_string(spatial + 1) +
                "-D (unbatched) or " + dims + " (batched) input, got " +
                formatShape(input));
  bool batched = input.size() == spatial + 2;
  size_t channelDim = batched ? 1 : 0;
  int64_t channels = input[channelDim];
  if (weight[1] * attrs.groups != channels)
    return fail("input " + formatShape(input) + " has " +
                std::to_string(channels) + " channels but weight " +
                formatShape(weight) + " with groups " +
                std::to_string(attrs.groups) + " expects " +
                std::to_string(weight[1] * attrs.groups) +
                " (weight.size(1) * groups)");
  if (weight[0] % attrs.groups != 0)
    return fail("weight " + formatShape(weight) + " has " +
                std::to_string(weight[0]) + " output channels, which groups " +
                std::to_string(attrs.groups) + " does not divide");
  Shape result;
  if (batched)
    result.push_back(input[0]);
  result.push_back(weight[0]);
  for (size_t d = 0; d < spatial; ++d) {
    int64_t padded =
        input[channelDim + 1 + d] + attrs.paddingLow[d] + attrs.paddingHigh[d];
    int64_t extent = attrs.dilation[d] * (weight[2 + d] - 1) + 1;
    if (weight[2 + d] < 1 || extent > padded)
      return fail("kernel size " + std::to_string(weight[2 + d]) +
                  " (dilated: " + std::to_string(extent) +
                  ") is larger than the padded input size " +
                  std::to_string(padded) + " in spatial dim " +
                  std::to_string(d) + " (input " + formatShape(input) +
                  ", weight " + formatShape(weight) + ")");
    result.push_back((padded - extent) / attrs.stride[d] + 1);
  }
  return ShapeResult<Shape>::success(std::move(result));
}
