//===- ShapeRules.h - Shape rules of tensor ops, written once ---*- C++ -*-===//
//
// The shape semantics of adjit's tensor ops (PyTorch's rules): broadcasting,
// dimension wrapping, reductions, reshape with -1, slice clamping,
// permutations, concatenation and the matmul of vectors, matrices and
// batches. The eager runtime, the tracer (TraceBuilder) and the dialect's
// verifiers use these functions, so eager and compiled code cannot disagree
// on a shape.
//
// Plain C++17 without MLIR or LLVM: a rule returns its result or an error
// message (it never throws). The runtime throws adjit::Error with the
// message; the tracer emits it as an MLIR diagnostic.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_SHAPERULES_H
#define ADJIT_SEMANTICS_SHAPERULES_H

#include "adjit/Semantics/Shape.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace adjit::semantics {

/// Sizes of a tensor's dimensions, outermost first.
using adjit::Shape;

/// The value a rule computed, or the message saying why the request is
/// invalid (naming the op, the shapes involved and what would be valid).
template <typename T> struct ShapeResult {
  T value{};
  std::string error;

  /// True if the rule succeeded (`value` is meaningful).
  bool ok() const { return error.empty(); }

  /// A successful result holding \p value.
  static ShapeResult success(T value) { return {std::move(value), {}}; }
  /// A failed result carrying \p message (which must not be empty).
  static ShapeResult failure(std::string message) {
    return {T{}, std::move(message)};
  }
};

/// Formats a shape as PyTorch prints sizes: "[2, 3]".
std::string formatShape(const Shape &shape);

/// The NumPy broadcast of two shapes (aligned at the trailing dimension; each
/// pair of sizes equal or one of them 1).
ShapeResult<Shape> broadcastShapes(std::string_view op, const Shape &lhs,
                                   const Shape &rhs);

/// Wraps a possibly negative dimension index of a rank-\p rank tensor into
/// [0, rank). As in PyTorch, a 0-d tensor accepts dims 0 and -1 (both give 0).
ShapeResult<int64_t> normalizeDim(std::string_view op, int64_t dim,
                                  int64_t rank);

/// Wraps each of \p dims (see normalizeDim) and sorts them; a dimension that
/// appears twice is an error.
ShapeResult<Shape> normalizeDims(std::string_view op, const Shape &dims,
                                 int64_t rank);

/// What a reduction (sum, mean, amax) over some dimensions does to a shape.
struct Reduction {
  /// The reduced dimensions of the operand, sorted, each in [0, rank). Empty
  /// for a 0-d operand (its dims 0 and -1 reduce nothing).
  Shape dims;
  /// The result's shape.
  Shape shape;
  /// The result's shape with the reduced dimensions kept as size 1.
  Shape keptShape;
  /// How many operand elements are combined into each result element (the
  /// divisor of mean).
  int64_t count = 1;
};

/// The reduction of a tensor of \p shape over \p dims (negative dims count
/// from the end; an empty list reduces over every dimension), keeping the
/// reduced dimensions with size 1 if \p keepDim.
ShapeResult<Reduction> reducedShape(std::string_view op, const Shape &shape,
                                    const Shape &dims, bool keepDim);

/// The shape of a reshape of a tensor of \p shape to \p newShape, in which
/// one entry may be -1 (inferred from the element count).
ShapeResult<Shape> inferReshape(std::string_view op, const Shape &shape,
                                const Shape &newShape);

/// Bounds of a slice along one dimension, clamped as Python clamps them.
struct SliceBounds {
  /// The dimension sliced (set by sliceDim; 0 from clampSlice).
  int64_t dim = 0;
  /// First index taken, in [0, size].
  int64_t start = 0;
  /// One past the last index considered, in [start, size].
  int64_t end = 0;
  /// Number of elements taken: ceil((end - start) / step).
  int64_t length = 0;
};

/// Python's slice clamping of `[start:end:step]` over a dimension of \p size:
/// negative bounds count from the end, bounds beyond either end are clamped,
/// and a missing start or end means the whole dimension. \p step must be
/// positive.
ShapeResult<SliceBounds> clampSlice(std::string_view op, int64_t size,
                                    std::optional<int64_t> start,
                                    std::optional<int64_t> end, int64_t step);

/// A slice of dimension \p dim (possibly negative) of a tensor of \p shape:
/// the wrapped dimension and its clamped bounds. A 0-d tensor cannot be
/// sliced.
ShapeResult<SliceBounds> sliceDim(std::string_view op, const Shape &shape,
                                  int64_t dim, std::optional<int64_t> start,
                                  std::optional<int64_t> end, int64_t step);

/// Number of elements of `[start:end:step]` for 0 <= start <= end, step >= 1.
int64_t sliceLength(int64_t start, int64_t end, int64_t step);

/// True if \p permutation holds each of 0, ..., rank - 1 exactly once.
bool isPermutation(const Shape &permutation, int64_t rank);
/// The same for the \p size dims at \p permutation; allocates nothing up
/// to rank 64.
bool isPermutation(const int64_t *permutation, size_t size, int64_t rank);

/// Wraps the dim \p dim of a permute of a tensor of rank \p rank (negative
/// dims count from the end), as permutation() does before checking.
inline int64_t wrapPermutedDim(int64_t dim, int64_t rank) {
  return dim < 0 ? dim + rank : dim;
}

/// Wraps the dims of a permute of a tensor of \p shape (negative dims count
/// from the end) and checks they are a permutation of its dimensions.
ShapeResult<Shape> permutation(std::string_view op, const Shape &dims,
                               const Shape &shape);

/// True if \p lhs and \p rhs have one rank and equal sizes in every
/// dimension but \p dim.
bool sameShapeExceptDim(const Shape &lhs, const Shape &rhs, int64_t dim);

/// Concatenation along one dimension.
struct Concatenation {
  /// The wrapped dimension.
  int64_t dim = 0;
  /// The result's shape.
  Shape shape;
};

/// The concatenation of tensors of \p shapes along \p dim (possibly
/// negative): one rank, equal sizes in every other dimension.
ShapeResult<Concatenation>
catShape(std::string_view op, const std::vector<Shape> &shapes, int64_t dim);

/// How PyTorch's matmul of a tensor of shape lhs and one of shape rhs (both
/// at least 1-D) becomes one batched product of matrices.
struct MatmulPlan {
  /// The operands as matrices: a 1-D lhs of [K] becomes [1, K], a 1-D rhs of
  /// [K] becomes [K, 1]; others are unchanged.
  Shape lhsMatrix, rhsMatrix;
  /// Rows of the lhs, the contracted size, columns of the rhs.
  int64_t m = 0, k = 0, n = 0;
  /// The broadcast of the two operands' batch dimensions (all but the last
  /// two of lhsMatrix and rhsMatrix).
  Shape batch;
  /// The operands broadcast to batch + [M, K] and batch + [K, N].
  Shape lhsBroadcast, rhsBroadcast;
  /// The batched product's shape: batch + [M, N].
  Shape productShape;
  /// The result's shape: productShape without the M of a 1-D lhs and the N
  /// of a 1-D rhs.
  Shape resultShape;
};

/// The plan of `matmul(lhs, rhs)`: dot product of vectors, matrix-vector,
/// matrix-matrix and batched products with broadcast batch dimensions.
ShapeResult<MatmulPlan> matmulPlan(const Shape &lhs, const Shape &rhs);

// Convolution

/// The attributes of a convolution over `stride.size()` spatial dimensions
/// (1 or 2), resolved as the kernel uses them: one entry per spatial
/// dimension, the padding split into the zeros before (`paddingLow`) and
/// after (`paddingHigh`) the input.
struct ConvolutionAttrs {
  Shape stride, paddingLow, paddingHigh, dilation;
  int64_t groups = 1;
};

/// The shape of the convolution of `input` ([N, C, spatial...], or unbatched
/// [C, spatial...]) with `weight` ([O, C / groups, kernel...]): [N, O,
/// out...] (unbatched: [O, out...]) with out = (in + low + high - dilation *
/// (kernel - 1) - 1) / stride + 1. Fails naming `op` and the shapes if the
/// ranks, channels, groups, strides, paddings or dilations do not fit, or a
/// dilated kernel is larger than the padded input.
ShapeResult<Shape> convolutionShape(std::string_view op, const Shape &input,
                                    const Shape &weight,
                                    const ConvolutionAttrs &attrs);

} // namespace adjit::semantics

#endif // ADJIT_SEMANTICS_SHAPERULES_H
