//===- SequenceOps.cpp - shape, masking and scan ops as composites --------===//
//
// stack, split, chunk, unbind, narrow, repeat, squeeze(), bmm, cumsum, tril,
// triu, masked_fill and where with a scalar operand. Each is a fixed
// composition of primitives (cat, slice, select, reshape, expand, matmul,
// where and constants), so its eager gradient of any order, its trace and
// its compiled gradient all follow from theirs: nothing here has a kernel
// or a derivative of its own.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"
#include "adjit/NN.h"

#include <cmath>

using namespace adjit;

namespace {

/// A 0-d constant of `value` in the dtype an operator with a tensor of
/// `dtype` gives: the tensor's if floating point, else int64 for an integral
/// value and float32 for a fractional one.
Tensor scalarFor(Dtype dtype, double value) {
  if (!isFloatingPoint(dtype))
    dtype = value == std::floor(value) ? Dtype::Int64 : Dtype::Float32;
  return scalar_tensor(value, dtype);
}

/// The [rows, cols] mask of the elements (i, j) with j - i >= diagonal
/// (`upper`) or j - i <= diagonal (lower), as a constant of `dtype` (1 and 0).
Tensor triangleMask(int64_t rows, int64_t cols, int64_t diagonal, bool upper,
                    Dtype dtype = kBool) {
  std::vector<double> mask(static_cast<size_t>(rows * cols));
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask[i * cols + j] = upper ? j - i >= diagonal : j - i <= diagonal;
  return from_vector(mask, {rows, cols}, dtype);
}

Tensor triangle(const char *op, const Tensor &a, int64_t diagonal, bool upper) {
  checkDefined(op, a);
  if (a.dim() < 2)
    throw Error(std::string(op) +
                ": expected a tensor of at least 2 dims, got shape " +
                shapeToString(a.sizes()));
  Tensor mask = triangleMask(a.size(-2), a.size(-1), diagonal, upper);
  return where(mask, a, scalar_tensor(0, a.dtype()));
}

/// Checks `mask` against `a` for masked_fill: bool, broadcastable to a's
/// shape without growing it.
void checkMask(const Tensor &a, const Tensor &mask) {
  checkDefined("masked_fill", a);
  checkDefined("masked_fill", mask);
  if (mask.dtype() != Dtype::Bool)
    throw Error(std::string("masked_fill: expected a bool mask, got ") +
                dtypeName(mask.dtype()) + " of shape " +
                shapeToString(mask.sizes()) + " (input shape " +
                shapeToString(a.sizes()) + ")");
  bool fits = mask.dim() <= a.dim();
  for (int64_t i = 1; fits && i <= mask.dim(); ++i) {
    int64_t m = mask.size(-i);
    fits = m == 1 || m == a.size(-i);
  }
  if (!fits)
    throw Error("masked_fill: mask of shape " + shapeToString(mask.sizes()) +
                " does not broadcast to the input's shape " +
                shapeToString(a.sizes()));
}

} // namespace

Tensor adjit::stack(const std::vector<Tensor> &tensors, int64_t dim) {
  if (tensors.empty())
    throw Error("stack: expected a non-empty list of tensors");
  for (size_t i = 0; i < tensors.size(); ++i) {
    checkDefined("stack", tensors[i]);
    if (tensors[i].sizes() != tensors[0].sizes())
      throw Error("stack: expected tensors of equal shape, got " +
                  shapeToString(tensors[0].sizes()) + " at entry 0 and " +
                  shapeToString(tensors[i].sizes()) + " at entry " +
                  std::to_string(i));
  }
  int64_t d = wrapDim("stack", dim, tensors[0].dim() + 1);
  std::vector<Tensor> pieces;
  pieces.reserve(tensors.size());
  for (const Tensor &t : tensors)
    pieces.push_back(unsqueeze(t, d));
  return cat(pieces, d);
}

std::vector<Tensor> adjit::split(const Tensor &a, int64_t split_size,
                                 int64_t dim) {
  checkDefined("split", a);
  if (a.dim() == 0)
    throw Error("split: expected a tensor of at least 1 dim, got a 0-d tensor");
  int64_t d = wrapDim("split", dim, a.dim());
  int64_t n = a.size(d);
  if (split_size < 0 || (split_size == 0 && n > 0))
    throw Error("split: split_size must be positive, got " +
                std::to_string(split_size) + " for dim " + std::to_string(d) +
                " of shape " + shapeToString(a.sizes()));
  if (n == 0)
    return {a};
  std::vector<Tensor> pieces;
  for (int64_t start = 0; start < n; start += split_size)
    pieces.push_back(slice(a, d, start, std::min(start + split_size, n)));
  return pieces;
}

std::vector<Tensor> adjit::split(const Tensor &a, const Shape &split_sizes,
                                 int64_t dim) {
  checkDefined("split", a);
  if (a.dim() == 0)
    throw Error("split: expected a tensor of at least 1 dim, got a 0-d tensor");
  int64_t d = wrapDim("split", dim, a.dim());
  int64_t total = 0;
  bool negative = false;
  for (int64_t size : split_sizes) {
    total += size;
    negative = negative || size < 0;
  }
  if (negative || total != a.size(d))
    throw Error("split: sizes " + shapeToString(split_sizes) +
                " must be non-negative and add up to " +
                std::to_string(a.size(d)) + ", the size of dim " +
                std::to_string(d) + " of shape " + shapeToString(a.sizes()));
  std::vector<Tensor> pieces;
  int64_t start = 0;
  for (int64_t size : split_sizes) {
    pieces.push_back(slice(a, d, start, start + size));
    start += size;
  }
  return pieces;
}

std::vector<Tensor> adjit::chunk(const Tensor &a, int64_t chunks, int64_t dim) {
  checkDefined("chunk", a);
  if (chunks <= 0)
    throw Error("chunk: the number of chunks must be positive, got " +
                std::to_string(chunks) + " (input shape " +
                shapeToString(a.sizes()) + ")");
  if (a.dim() == 0)
    throw Error("chunk: expected a tensor of at least 1 dim, got a 0-d tensor");
  int64_t d = wrapDim("chunk", dim, a.dim());
  int64_t n = a.size(d);
  // As PyTorch: pieces of ceil(n / chunks), so there may be fewer of them.
  return split(a, std::max<int64_t>((n + chunks - 1) / chunks, n ? 1 : 0), d);
}

std::vector<Tensor> adjit::unbind(const Tensor &a, int64_t dim) {
  checkDefined("unbind", a);
  if (a.dim() == 0)
    throw Error("unbind: expected a tensor of at least 1 dim, got a 0-d "
                "tensor");
  int64_t d = wrapDim("unbind", dim, a.dim());
  std::vector<Tensor> slices;
  for (int64_t i = 0; i < a.size(d); ++i)
    slices.push_back(select(a, d, i));
  return slices;
}

Tensor adjit::narrow(const Tensor &a, int64_t dim, int64_t start,
                     int64_t length) {
  checkDefined("narrow", a);
  if (a.dim() == 0)
    throw Error("narrow: expected a tensor of at least 1 dim, got a 0-d "
                "tensor");
  int64_t d = wrapDim("narrow", dim, a.dim());
  int64_t n = a.size(d);
  if (start < -n || start > n || length < 0 ||
      (start < 0 ? start + n : start) + length > n)
    throw Error("narrow: start " + std::to_string(start) + " and length " +
                std::to_string(length) + " exceed dim " + std::to_string(d) +
                " of shape " + shapeToString(a.sizes()));
  if (start < 0)
    start += n;
  return slice(a, d, start, start + length);
}

Tensor adjit::repeat(const Tensor &a, const Shape &repeats) {
  checkDefined("repeat", a);
  int64_t rank = static_cast<int64_t>(repeats.size());
  bool negative = false;
  for (int64_t r : repeats)
    negative = negative || r < 0;
  if (rank < a.dim() || negative)
    throw Error("repeat: repeats " + shapeToString(repeats) +
                " must be non-negative, one per dim of shape " +
                shapeToString(a.sizes()) + " or more");
  // [r0, s0, r1, s1, ...] from [1, s0, 1, s1, ...], then merged pairwise.
  Shape padded(rank - a.dim(), 1);
  padded.insert(padded.end(), a.sizes().begin(), a.sizes().end());
  Shape interleaved, expanded, result;
  for (int64_t i = 0; i < rank; ++i) {
    interleaved.insert(interleaved.end(), {1, padded[i]});
    expanded.insert(expanded.end(), {repeats[i], padded[i]});
    result.push_back(repeats[i] * padded[i]);
  }
  return reshape(expand(reshape(a, interleaved), expanded), result);
}

Tensor adjit::squeeze(const Tensor &a) {
  checkDefined("squeeze", a);
  Tensor result = a;
  for (int64_t d = a.dim() - 1; d >= 0; --d)
    if (a.size(d) == 1)
      result = squeeze(result, d);
  return result;
}

Tensor adjit::bmm(const Tensor &a, const Tensor &b) {
  checkDefined("bmm", a);
  checkDefined("bmm", b);
  if (a.dim() != 3 || b.dim() != 3 || a.size(0) != b.size(0) ||
      a.size(2) != b.size(1))
    throw Error("bmm: expected [B, n, m] and [B, m, p] tensors, got " +
                shapeToString(a.sizes()) + " and " + shapeToString(b.sizes()));
  return matmul(a, b);
}

Tensor adjit::cumsum(const Tensor &a, int64_t dim) {
  checkDefined("cumsum", a);
  if (a.dim() == 0) {
    wrapDim("cumsum", dim, 1);
    return isFloatingPoint(a.dtype()) ? clone(a) : to(a, kInt64);
  }
  int64_t d = wrapDim("cumsum", dim, a.dim());
  // Integers are summed exactly in float64 (up to 2^53) and given as int64.
  Dtype dtype = a.dtype();
  Tensor x = isFloatingPoint(dtype) ? a : to(a, kFloat64);
  // The running sums are a product with a triangle of ones, with no
  // transposes: x U along the last dim (U[i][j] = 1 for i <= j), else
  // L [pre, n, post] over the dims around d (L[i][j] = 1 for j <= i).
  int64_t n = a.size(d);
  Tensor sums;
  if (d == a.dim() - 1) {
    Tensor upper = triangleMask(n, n, 0, /*upper=*/true, x.dtype());
    sums = matmul(x, upper);
  } else {
    int64_t pre = 1, post = 1;
    for (int64_t i = 0; i < d; ++i)
      pre *= a.size(i);
    for (int64_t i = d + 1; i < a.dim(); ++i)
      post *= a.size(i);
    Tensor lower = triangleMask(n, n, 0, /*upper=*/false, x.dtype());
    sums = reshape(matmul(lower, reshape(x, {pre, n, post})), a.sizes());
  }
  return isFloatingPoint(dtype) ? sums : to(sums, kInt64);
}

Tensor adjit::tril(const Tensor &a, int64_t diagonal) {
  return triangle("tril", a, diagonal, /*upper=*/false);
}

Tensor adjit::triu(const Tensor &a, int64_t diagonal) {
  return triangle("triu", a, diagonal, /*upper=*/true);
}

Tensor adjit::masked_fill(const Tensor &a, const Tensor &mask, double value) {
  checkMask(a, mask);
  return where(mask, scalar_tensor(value, a.dtype()), a);
}

Tensor adjit::masked_fill(const Tensor &a, const Tensor &mask,
                          const Tensor &value) {
  checkMask(a, mask);
  checkDefined("masked_fill", value);
  if (value.dim() != 0)
    throw Error("masked_fill: expected a 0-d value tensor, got shape " +
                shapeToString(value.sizes()) + " (input shape " +
                shapeToString(a.sizes()) + ")");
  return where(mask, to(value, a.dtype()), a);
}

Tensor adjit::where(const Tensor &condition, double a, const Tensor &b) {
  checkDefined("where", b);
  return where(condition, scalarFor(b.dtype(), a), b);
}

Tensor adjit::where(const Tensor &condition, const Tensor &a, double b) {
  checkDefined("where", a);
  return where(condition, a, scalarFor(a.dtype(), b));
}

//===----------------------------------------------------------------------===//
// Methods
//===----------------------------------------------------------------------===//

Tensor Tensor::softmax(int64_t dim) const {
  return nn::functional::softmax(*this, dim);
}
Tensor Tensor::log_softmax(int64_t dim) const {
  return nn::functional::log_softmax(*this, dim);
}
Tensor Tensor::squeeze() const { return adjit::squeeze(*this); }
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return adjit::narrow(*this, dim, start, length);
}
std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return adjit::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::split(const Shape &split_sizes, int64_t dim) const {
  return adjit::split(*this, split_sizes, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const {
  return adjit::chunk(*this, chunks, dim);
}
std::vector<Tensor> Tensor::unbind(int64_t dim) const {
  return adjit::unbind(*this, dim);
}
Tensor Tensor::repeat(const Shape &repeats) const {
  return adjit::repeat(*this, repeats);
}
Tensor Tensor::bmm(const Tensor &other) const {
  return adjit::bmm(*this, other);
}
Tensor Tensor::cumsum(int64_t dim) const { return adjit::cumsum(*this, dim); }
Tensor Tensor::tril(int64_t diagonal) const {
  return adjit::tril(*this, diagonal);
}
Tensor Tensor::triu(int64_t diagonal) const {
  return adjit::triu(*this, diagonal);
}
Tensor Tensor::masked_fill(const Tensor &mask, double value) const {
  return adjit::masked_fill(*this, mask, value);
}
Tensor Tensor::masked_fill(const Tensor &mask, const Tensor &value) const {
  return adjit::masked_fill(*this, mask, value);
}
