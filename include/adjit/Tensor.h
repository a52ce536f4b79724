//===- Tensor.h - Eager tensors of the adjit user API -----------*- C++ -*-===//

#ifndef ADJIT_TENSOR_H
#define ADJIT_TENSOR_H

#include "adjit/Error.h"
#include "adjit/Semantics/Shape.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace adjit {

/// Element types of a tensor.
enum class Dtype : int8_t { Float32, Float64, Bool, Int64 };

/// LibTorch-style dtype constants.
constexpr Dtype kFloat32 = Dtype::Float32;
constexpr Dtype kFloat = Dtype::Float32;
constexpr Dtype kFloat64 = Dtype::Float64;
constexpr Dtype kDouble = Dtype::Float64;
constexpr Dtype kBool = Dtype::Bool;
constexpr Dtype kInt64 = Dtype::Int64;
constexpr Dtype kLong = Dtype::Int64;

/// Size in bytes of one element of \p dtype.
size_t elementSize(Dtype dtype);
/// The name of \p dtype as PyTorch prints it ("float32", "int64", ...).
const char *dtypeName(Dtype dtype);
/// True for Float32 and Float64.
inline bool isFloatingPoint(Dtype dtype) {
  return dtype == Dtype::Float32 || dtype == Dtype::Float64;
}
std::ostream &operator<<(std::ostream &os, Dtype dtype);

/// Formats a shape as "[2, 3]".
std::string shapeToString(const Shape &shape);

/// Options of the factory functions: element type and whether the created
/// tensor is an autograd leaf that requires grad.
class TensorOptions {
public:
  TensorOptions() = default;
  /// Implicit, so a Dtype can be passed where options are expected.
  TensorOptions(Dtype dtype) : dtype_(dtype) {}

  /// Returns a copy with the element type set.
  TensorOptions dtype(Dtype dtype) const {
    TensorOptions r = *this;
    r.dtype_ = dtype;
    return r;
  }
  /// Returns a copy with requires_grad set.
  TensorOptions requires_grad(bool requiresGrad) const {
    TensorOptions r = *this;
    r.requiresGrad_ = requiresGrad;
    return r;
  }
  Dtype dtype() const { return dtype_; }
  bool requires_grad() const { return requiresGrad_; }

private:
  Dtype dtype_ = Dtype::Float32;
  bool requiresGrad_ = false;
};

/// Options with the given element type.
inline TensorOptions dtype(Dtype dtype) { return TensorOptions().dtype(dtype); }
/// Options with requires_grad set.
inline TensorOptions requires_grad(bool requiresGrad = true) {
  return TensorOptions().requires_grad(requiresGrad);
}

struct TensorImpl;
class Node;

/// A strided, reference-counted n-dimensional array with autograd metadata.
/// Copies of a Tensor share the same data and metadata, as in LibTorch.
class Tensor {
public:
  /// An undefined tensor (defined() is false).
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  /// \name Queries
  /// @{
  bool defined() const { return impl_ != nullptr; }
  const Shape &sizes() const;
  const Shape &strides() const;
  /// Size of dimension \p dim (negative counts from the end).
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int64_t dim() const;
  int64_t numel() const;
  Dtype dtype() const;
  TensorOptions options() const;
  bool is_contiguous() const;
  bool is_floating_point() const { return isFloatingPoint(dtype()); }
  /// Typed pointer to the first element; T must match dtype().
  template <typename T> T *data_ptr() const;
  /// The value of a one-element tensor, converted to T.
  template <typename T> T item() const;
  /// The value of a one-element tensor as double.
  double item() const { return item<double>(); }
  /// The version counter of the underlying storage, bumped by in-place ops.
  uint64_t _version() const;
  /// True if both handles refer to the same tensor.
  bool is_same(const Tensor &other) const { return impl_ == other.impl_; }
  /// The data and metadata behind the handle (for the runtime and tracing
  /// frontends; not part of the user API).
  TensorImpl *unsafeGetImpl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl> &getIntrusivePtr() const { return impl_; }
  /// @}

  /// \name Autograd
  /// @{
  bool requires_grad() const;
  /// Sets requires_grad on a leaf; returns *this.
  Tensor &requires_grad_(bool requiresGrad = true);
  /// True for tensors without grad_fn (created by the user or under no-grad).
  bool is_leaf() const;
  /// The gradient accumulated by backward(); undefined until then.
  const Tensor &grad() const;
  /// Mutable access to the gradient slot (e.g. to reset it).
  Tensor &mutable_grad();
  /// The node that computes the gradient of the op that produced this tensor.
  std::shared_ptr<Node> grad_fn() const;
  /// Computes the gradient of this tensor w.r.t. the graph leaves and
  /// accumulates it into their grad(). \p gradient may be omitted for a
  /// one-element tensor. \p retainGraph defaults to \p createGraph.
  void backward(const Tensor &gradient = Tensor(),
                std::optional<bool> retainGraph = std::nullopt,
                bool createGraph = false) const;
  /// A new tensor sharing this data, cut off from the graph.
  Tensor detach() const;
  /// Detaches in place (makes this a leaf that does not require grad).
  Tensor &detach_();
  /// Makes backward() populate grad() of this non-leaf tensor (inserts a
  /// pass-through node, so grad_fn() becomes "RetainGradBackward").
  void retain_grad();
  /// @}

  /// \name Ops (see the free functions of the same name)
  /// @{
  /// The binary elementwise primitives of adjit/Semantics/Ops.def: add,
  /// sub, mul, div, pow, maximum, minimum.
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  Tensor name(const Tensor &other) const;
#include "adjit/Semantics/Ops.def"
  /// The unary elementwise primitives of adjit/Semantics/Ops.def: neg, exp,
  /// log, sqrt, tanh, sigmoid, relu, abs, sin, cos, log1p, expm1, erf, sign,
  /// floor, ceil, round, lgamma, digamma.
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp) Tensor name() const;
#include "adjit/Semantics/Ops.def"
  Tensor clamp(std::optional<double> min,
               std::optional<double> max = std::nullopt) const;
  Tensor clamp_min(double min) const;
  Tensor clamp_max(double max) const;
  Tensor var(const Shape &dims = {}, std::optional<double> correction = 1,
             bool keepdim = false) const;
  Tensor std(const Shape &dims = {}, std::optional<double> correction = 1,
             bool keepdim = false) const;
  Tensor pow(double exponent) const;
  Tensor matmul(const Tensor &other) const;
  Tensor mm(const Tensor &other) const { return matmul(other); }
  Tensor sum() const;
  Tensor sum(const Shape &dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(const Shape &dims, bool keepdim = false) const;
  Tensor prod() const;
  Tensor prod(int64_t dim, bool keepdim = false) const;
  Tensor max() const;
  Tensor amax(const Shape &dims = {}, bool keepdim = false) const;
  Tensor amin(const Shape &dims = {}, bool keepdim = false) const;
  Tensor min() const;
  Tensor logsumexp(const Shape &dims, bool keepdim = false) const;
  /// Max along \p dim: (values, int64 indices).
  std::pair<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  /// Min along \p dim: (values, int64 indices).
  std::pair<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax(int64_t dim, bool keepdim = false) const;
  Tensor argmin(int64_t dim, bool keepdim = false) const;
  Tensor reshape(const Shape &shape) const;
  Tensor view(const Shape &shape) const;
  Tensor flatten() const;
  // Pooling
  /// Flattens dims \p start_dim ... \p end_dim into one (a reshape).
  Tensor flatten(int64_t start_dim, int64_t end_dim = -1) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// Transpose of a tensor of at most 2 dimensions.
  Tensor t() const;
  Tensor permute(const Shape &dims) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start = std::nullopt,
               std::optional<int64_t> end = std::nullopt,
               int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor squeeze(int64_t dim) const;
  Tensor expand(const Shape &shape) const;
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor to(Dtype dtype) const;
  Tensor eq(const Tensor &other) const;
  Tensor ne(const Tensor &other) const;
  Tensor lt(const Tensor &other) const;
  Tensor le(const Tensor &other) const;
  Tensor gt(const Tensor &other) const;
  Tensor ge(const Tensor &other) const;
  /// Element access along the first dimension (a view).
  Tensor operator[](int64_t index) const { return select(0, index); }
  // Indexing
  Tensor index_select(int64_t dim, const Tensor &index) const;
  Tensor gather(int64_t dim, const Tensor &index) const;
  Tensor scatter_add(int64_t dim, const Tensor &index, const Tensor &src) const;
  Tensor index(const std::vector<Tensor> &indices) const;
  /// In place, as LibTorch's; not traceable (see adjit::index_put).
  const Tensor &index_put_(const std::vector<Tensor> &indices,
                           const Tensor &values, bool accumulate = false) const;

  // Sequence-model ops (lib/Runtime/SequenceOps.cpp, Attention.cpp); each
  // forwards to the free function of the same name.
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;
  Tensor squeeze() const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> split(const Shape &split_sizes, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;
  std::vector<Tensor> unbind(int64_t dim = 0) const;
  Tensor repeat(const Shape &repeats) const;
  Tensor bmm(const Tensor &other) const;
  Tensor cumsum(int64_t dim) const;
  Tensor tril(int64_t diagonal = 0) const;
  Tensor triu(int64_t diagonal = 0) const;
  // lib/Runtime/Einsum.cpp.
  Tensor diag(int64_t diagonal = 0) const;
  Tensor diag_embed(int64_t offset = 0, int64_t dim1 = -2,
                    int64_t dim2 = -1) const;
  Tensor masked_fill(const Tensor &mask, double value) const;
  Tensor masked_fill(const Tensor &mask, const Tensor &value) const;

  /// @}

  /// \name In-place ops (bump the version counter)
  ///
  /// Const, as in LibTorch: a Tensor is a handle, and `x.grad().zero_()`
  /// changes the tensor it refers to.
  /// @{
  const Tensor &add_(const Tensor &other, double alpha = 1.0) const;
  const Tensor &add_(double other) const;
  const Tensor &sub_(const Tensor &other, double alpha = 1.0) const;
  const Tensor &sub_(double other) const;
  const Tensor &mul_(const Tensor &other) const;
  const Tensor &mul_(double other) const;
  const Tensor &div_(const Tensor &other) const;
  const Tensor &div_(double other) const;
  const Tensor &zero_() const;
  const Tensor &fill_(double value) const;
  /// Copies \p src (broadcast, converted) into this tensor.
  const Tensor &copy_(const Tensor &src) const;
  /// @}

private:
  std::shared_ptr<TensorImpl> impl_;
};

//===----------------------------------------------------------------------===//
// Factories
//===----------------------------------------------------------------------===//

/// Nested braced values for tensor(): a number or a list of TensorData of
/// equal shapes, e.g. {{1, 2}, {3, 4}} (as LibTorch's TensorDataContainer).
class TensorData {
public:
  TensorData(double value) : values_{value} {}
  TensorData(std::initializer_list<TensorData> list);
  /// Shape of the nested lists ([] for a number).
  const Shape &shape() const { return shape_; }
  /// Values in row-major order.
  const std::vector<double> &values() const { return values_; }

private:
  Shape shape_;
  std::vector<double> values_;
};

/// A tensor from nested braced values (default dtype float32):
/// tensor({1, 2}), tensor({{1}, {2}}, kFloat64).
Tensor tensor(const TensorData &data, TensorOptions options = {});
/// A tensor of shape \p shape copying \p values (row-major).
Tensor from_vector(const std::vector<double> &values, const Shape &shape,
                   TensorOptions options = {});
/// A tensor of shape \p shape from a vector of another arithmetic type
/// (float, int64_t, int ...); values pass through double, so integers are
/// exact up to 2^53.
template <typename T, typename = std::enable_if_t<std::is_arithmetic_v<T> &&
                                                  !std::is_same_v<T, double>>>
Tensor from_vector(const std::vector<T> &values, const Shape &shape,
                   TensorOptions options = {}) {
  return from_vector(std::vector<double>(values.begin(), values.end()), shape,
                     options);
}
/// A tensor over memory it does not own (LibTorch's from_blob): \p data
/// holds elements of options.dtype() with \p strides (in elements, none
/// negative) for \p sizes. The tensor and its views share that memory;
/// \p deleter runs with \p data when the last of them dies, so it keeps
/// the memory's owner alive until then.
Tensor from_blob(void *data, const Shape &sizes, const Shape &strides,
                 std::function<void(void *)> deleter,
                 TensorOptions options = {});
/// A zero-dimensional tensor holding \p value.
Tensor scalar_tensor(double value, TensorOptions options = {});
/// An uninitialized tensor.
Tensor empty(const Shape &shape, TensorOptions options = {});
Tensor zeros(const Shape &shape, TensorOptions options = {});
Tensor ones(const Shape &shape, TensorOptions options = {});
Tensor full(const Shape &shape, double value, TensorOptions options = {});
/// Values start, start+step, ... below end.
Tensor arange(double start, double end, double step = 1.0,
              TensorOptions options = {});
Tensor arange(double end, TensorOptions options = {});
/// \p steps values evenly spaced from start to end inclusive.
Tensor linspace(double start, double end, int64_t steps,
                TensorOptions options = {});
/// Uniform samples in [0, 1) from the global generator.
Tensor rand(const Shape &shape, TensorOptions options = {});
/// Standard normal samples from the global generator.
Tensor randn(const Shape &shape, TensorOptions options = {});
/// A random permutation of 0..n-1 (int64).
Tensor randperm(int64_t n, TensorOptions options = kInt64);
Tensor zeros_like(const Tensor &t, std::optional<TensorOptions> options = {});
Tensor ones_like(const Tensor &t, std::optional<TensorOptions> options = {});
Tensor full_like(const Tensor &t, double value,
                 std::optional<TensorOptions> options = {});
Tensor rand_like(const Tensor &t, std::optional<TensorOptions> options = {});
Tensor randn_like(const Tensor &t, std::optional<TensorOptions> options = {});
/// Seeds the global random generators: rand/randn/randperm's, and
/// dropout's (seed \p seed, offset 0).
void manual_seed(uint64_t seed);

//===----------------------------------------------------------------------===//
// Ops. Each op has exactly one entry point here; methods and operators
// forward to these.
//===----------------------------------------------------------------------===//

/// The binary elementwise primitives, one per line of adjit/Semantics/Ops.def,
/// with NumPy broadcasting and type promotion: add, sub, mul, div, pow (div
/// and pow compute integers in float32), maximum and minimum (NaN-propagating;
/// at ties each operand gets half the gradient, as PyTorch).
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  Tensor name(const Tensor &a, const Tensor &b);
#include "adjit/Semantics/Ops.def"
/// The unary elementwise primitives, one per line of adjit/Semantics/Ops.def
/// (which says, per op, the dtype of the result and where it is
/// differentiable): neg, exp, log, sqrt, tanh, sigmoid, relu, abs, sin, cos,
/// log1p, expm1, erf, sign, floor, ceil, round, lgamma, digamma (round halves
/// to even; sign, floor, ceil and round have a zero gradient; lgamma's is
/// digamma, and differentiating digamma is an error).
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  Tensor name(const Tensor &a);
#include "adjit/Semantics/Ops.def"
Tensor pow(const Tensor &a, double exponent);
/// Matrix product with NumPy semantics: 1-D (dot), 2-D, batched with
/// broadcast batch dimensions.
Tensor matmul(const Tensor &a, const Tensor &b);
Tensor sum(const Tensor &a);
Tensor sum(const Tensor &a, const Shape &dims, bool keepdim = false);
/// Product of all elements, or over \p dim (kept with size 1 if \p keepdim).
/// Integer and bool tensors give int64. The gradient follows PyTorch where
/// elements are zero: a slice with one zero sends its gradient only to that
/// zero (the product of the others), a slice with two or more zeros none.
Tensor prod(const Tensor &a);
Tensor prod(const Tensor &a, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor &a);
Tensor mean(const Tensor &a, const Shape &dims, bool keepdim = false);
Tensor max(const Tensor &a);
/// The maximum along \p dim and its int64 index: the first of equal
/// elements, the first NaN if there is one (as PyTorch). The gradient of the
/// values goes to the chosen element.
std::pair<Tensor, Tensor> max(const Tensor &a, int64_t dim,
                              bool keepdim = false);
/// The minimum along \p dim and its int64 index, as max(dim).
std::pair<Tensor, Tensor> min(const Tensor &a, int64_t dim,
                              bool keepdim = false);
/// The index of max(dim) / min(dim).
Tensor argmax(const Tensor &a, int64_t dim, bool keepdim = false);
Tensor argmin(const Tensor &a, int64_t dim, bool keepdim = false);
/// Limits every element to [min, max] (either bound optional, not both; with
/// min > max every element is max). The gradient reaches x where
/// min <= x <= max and each bound where it was taken; NaN stays NaN with no
/// gradient.
Tensor clamp(const Tensor &x, std::optional<double> min,
             std::optional<double> max = std::nullopt);
/// clamp with tensor bounds, broadcast against x.
Tensor clamp(const Tensor &x, const std::optional<Tensor> &min,
             const std::optional<Tensor> &max);
Tensor clamp_min(const Tensor &x, double min);
Tensor clamp_max(const Tensor &x, double max);
/// Variance over \p dims (empty: all): the sum of squared deviations from
/// the mean divided by (count - correction); correction 1 (Bessel's) by
/// default, 0 for the biased estimate. (No `bool unbiased` overload: a
/// braced dim list such as {1} would convert to it.)
Tensor var(const Tensor &a, const Shape &dims = {},
           std::optional<double> correction = 1, bool keepdim = false);
/// Standard deviation, sqrt(var); its gradient is 0 where it is 0 (PyTorch).
Tensor std(const Tensor &a, const Shape &dims = {},
           std::optional<double> correction = 1, bool keepdim = false);
/// Maximum over \p dims (empty: all), NaN-propagating; tied maxima of a
/// group share its gradient evenly (PyTorch's amax).
Tensor amax(const Tensor &a, const Shape &dims = {}, bool keepdim = false);
/// Minimum over \p dims, as -amax(-a).
Tensor amin(const Tensor &a, const Shape &dims = {}, bool keepdim = false);
/// Minimum of all elements, as -max(-a).
Tensor min(const Tensor &a);
/// log(sum(exp(a))) over \p dims, computed stably (the maximum is
/// subtracted first); its gradient is softmax over the reduced dims.
Tensor logsumexp(const Tensor &a, const Shape &dims, bool keepdim = false);
/// Reduces a broadcast result back to \p shape by summing (differentiable).
Tensor sum_to(const Tensor &a, const Shape &shape);
Tensor reshape(const Tensor &a, const Shape &shape);
Tensor view(const Tensor &a, const Shape &shape);
Tensor transpose(const Tensor &a, int64_t dim0, int64_t dim1);
Tensor permute(const Tensor &a, const Shape &dims);
Tensor slice(const Tensor &a, int64_t dim, std::optional<int64_t> start,
             std::optional<int64_t> end, int64_t step = 1);
Tensor select(const Tensor &a, int64_t dim, int64_t index);
Tensor unsqueeze(const Tensor &a, int64_t dim);
Tensor squeeze(const Tensor &a, int64_t dim);
Tensor expand(const Tensor &a, const Shape &shape);
Tensor cat(const std::vector<Tensor> &tensors, int64_t dim = 0);
Tensor contiguous(const Tensor &a);
Tensor clone(const Tensor &a);
/// Converts to \p dtype (differentiable between floating-point types).
Tensor to(const Tensor &a, Dtype dtype);
Tensor eq(const Tensor &a, const Tensor &b);
Tensor ne(const Tensor &a, const Tensor &b);
Tensor lt(const Tensor &a, const Tensor &b);
Tensor le(const Tensor &a, const Tensor &b);
Tensor gt(const Tensor &a, const Tensor &b);
Tensor ge(const Tensor &a, const Tensor &b);
/// Elementwise choice: a where \p condition (bool) holds, else b.
Tensor where(const Tensor &condition, const Tensor &a, const Tensor &b);

//===----------------------------------------------------------------------===//
// Sequence-model ops: normalization, activations, masking and shape ops.
// Each is an exact composite of the ops above, so its gradients (of any
// order), its trace and its compiled gradient follow from theirs.
//===----------------------------------------------------------------------===//

/// Layer normalization over the trailing dims \p normalized_shape of
/// \p input (which must be a suffix of its shape): (x - mean) /
/// sqrt(var + eps) with the biased variance, times \p weight plus \p bias
/// (each of shape \p normalized_shape, or undefined). As
/// torch::layer_norm (lib/Runtime/LayerNorm.cpp).
Tensor layer_norm(const Tensor &input, const Shape &normalized_shape,
                  const Tensor &weight = Tensor(),
                  const Tensor &bias = Tensor(), double eps = 1e-5);
/// GELU: x * Phi(x) with the exact erf form (\p approximate "none"), or
/// PyTorch's tanh approximation ("tanh") (lib/Runtime/Activation.cpp).
Tensor gelu(const Tensor &x, const std::string &approximate = "none");
/// Stacks equally shaped tensors along a new dim \p dim (in
/// [-(rank + 1), rank]).
Tensor stack(const std::vector<Tensor> &tensors, int64_t dim = 0);
/// Pieces of \p split_size along \p dim (the last one may be smaller).
std::vector<Tensor> split(const Tensor &a, int64_t split_size, int64_t dim = 0);
/// Pieces of the given sizes along \p dim; they must add up to its size.
std::vector<Tensor> split(const Tensor &a, const Shape &split_sizes,
                          int64_t dim = 0);
/// At most \p chunks pieces of ceil(size / chunks) along \p dim.
std::vector<Tensor> chunk(const Tensor &a, int64_t chunks, int64_t dim = 0);
/// The slices along \p dim, with that dim removed.
std::vector<Tensor> unbind(const Tensor &a, int64_t dim = 0);
/// The \p length elements from \p start (negative counts from the end)
/// along \p dim: a view.
Tensor narrow(const Tensor &a, int64_t dim, int64_t start, int64_t length);
/// Tiles \p a \p repeats[i] times along dim i; extra leading repeats add
/// leading dims.
Tensor repeat(const Tensor &a, const Shape &repeats);
/// Removes every dim of size 1.
Tensor squeeze(const Tensor &a);
/// Batched matrix product of [B, n, m] and [B, m, p].
Tensor bmm(const Tensor &a, const Tensor &b);
/// Running sums along \p dim. Integer and bool inputs give int64.
Tensor cumsum(const Tensor &a, int64_t dim);
/// The lower (tril) or upper (triu) triangle of the last two dims, from
/// diagonal \p diagonal on (0 the main diagonal, > 0 above it); the rest is
/// zero.
Tensor tril(const Tensor &a, int64_t diagonal = 0);
Tensor triu(const Tensor &a, int64_t diagonal = 0);
/// \p a with \p value where the bool \p mask (broadcast to a's shape) holds.
Tensor masked_fill(const Tensor &a, const Tensor &mask, double value);
/// As above with a 0-d tensor \p value, which receives the gradient of the
/// filled elements.
Tensor masked_fill(const Tensor &a, const Tensor &mask, const Tensor &value);
/// where with a scalar operand (an integer tensor and a fractional scalar
/// give float32).
Tensor where(const Tensor &condition, double a, const Tensor &b);
Tensor where(const Tensor &condition, const Tensor &a, double b);
/// softmax(q k^T * scale + mask) v over the last two dims of [..., L, E]
/// queries, [..., S, E] keys and [..., S, Ev] values. \p attn_mask is bool
/// (true takes part) or floating-point (added), broadcast to [..., L, S];
/// \p is_causal masks key j > query i (for any L and S). \p scale defaults
/// to 1/sqrt(E); \p dropout_p > 0 applies dropout to the attention
/// weights. As torch::scaled_dot_product_attention (lib/Runtime/Attention.cpp).
Tensor scaled_dot_product_attention(const Tensor &query, const Tensor &key,
                                    const Tensor &value,
                                    const Tensor &attn_mask = Tensor(),
                                    double dropout_p = 0.0,
                                    bool is_causal = false,
                                    std::optional<double> scale = std::nullopt);
// Pooling
/// 2-D max pooling of an NCHW (or unbatched CHW) float tensor, with
/// LibTorch's arguments: a one-element list applies to both spatial dims, an
/// empty \p stride means stride = kernel_size, padding (at most half the
/// kernel) counts as -inf, and with \p ceil_mode the output size rounds up
/// while the last window starts inside the input or the left padding. The
/// gradient of each window goes to one element, PyTorch's choice: the first
/// maximum in row-major window order, or the last NaN if the window has one.
Tensor max_pool2d(const Tensor &input, const Shape &kernel_size,
                  const Shape &stride = {}, const Shape &padding = {0},
                  const Shape &dilation = {1}, bool ceil_mode = false);
/// 2-D average pooling (arguments as max_pool2d); with \p count_include_pad
/// the divisor counts padded positions inside the padded input.
Tensor avg_pool2d(const Tensor &input, const Shape &kernel_size,
                  const Shape &stride = {}, const Shape &padding = {0},
                  bool ceil_mode = false, bool count_include_pad = true);
/// Average pooling to \p output_size ({OH, OW}, or one value for both):
/// output o of an axis of size n averages [floor(o n / OH), ceil((o+1) n /
/// OH)).
Tensor adaptive_avg_pool2d(const Tensor &input, const Shape &output_size);
/// Flattens dims \p start_dim ... \p end_dim (negative counts from the end)
/// into one: a reshape (a view when the input is contiguous).
Tensor flatten(const Tensor &input, int64_t start_dim = 0,
               int64_t end_dim = -1);

// Indexing
// Indices are int64 tensors; every index must lie in [0, size) of the dim it
// indexes (negative indices are not supported), else adjit::Error names the
// op, the index and the size. A compiled function checks its index arguments
// on every call. Gradients flow to the indexed tensor, never to the indices.
/// The slices of \p input at the positions \p index (0-d or 1-D) along
/// \p dim: the result has input's shape with dim \p dim of index's size.
Tensor index_select(const Tensor &input, int64_t dim, const Tensor &index);
/// out[i][j][k] = input[index[i][j][k]][j][k] for dim 0 (alike for the
/// others): \p index has input's rank and is no larger in any other dim;
/// the result has index's shape. Its gradient is scatter_add.
Tensor gather(const Tensor &input, int64_t dim, const Tensor &index);
/// self plus, for every element of \p src (within index's shape), that
/// element added at self[index[i][j][k]][j][k] (dim 0; alike for the
/// others); src and self have one float or int64 dtype. The gradient w.r.t.
/// src is gather. The additions into zeros come first, then self is added.
Tensor scatter_add(const Tensor &self, int64_t dim, const Tensor &index,
                   const Tensor &src);
/// The rows of \p weight ([num, dim]) at \p indices (any shape): a tensor
/// of indices' shape + [dim]. With \p padding_idx >= 0 (as aten's
/// embedding, -1 means none) the rows read at that index get no gradient.
Tensor embedding(const Tensor &weight, const Tensor &indices,
                 int64_t padding_idx = -1);
/// int64 one-hot encoding: indices' shape + [num_classes], 1 at each index.
/// num_classes = -1 takes the largest index + 1 (eager only: it reads the
/// indices to the host).
Tensor one_hot(const Tensor &indices, int64_t num_classes = -1);
/// LibTorch's self.index({i0, i1, ...}) with one int64 tensor per leading
/// dim (at least one, at most self.dim()): the index tensors broadcast to a
/// shape B and the result is B + the remaining dims of self. Boolean masks,
/// slices and None are not supported and are rejected.
Tensor index(const Tensor &self, const std::vector<Tensor> &indices);
/// self with the positions that index() reads replaced by \p values
/// (broadcast to index()'s result shape), or with \p values added there if
/// \p accumulate (positions given twice then add twice). Without accumulate
/// every position must be given once (an error otherwise), and the op cannot
/// be traced (compiled code could not check that).
Tensor index_put(const Tensor &self, const std::vector<Tensor> &indices,
                 const Tensor &values, bool accumulate = false);
/// index_put in place (not traceable, as every in-place op).
const Tensor &index_put_(const Tensor &self, const std::vector<Tensor> &indices,
                         const Tensor &values, bool accumulate = false);

/// Gradient of slice: a zero tensor of \p inputShape with \p grad in the
/// slice (differentiable, used by slice's backward).
Tensor slice_backward(const Tensor &grad, const Shape &inputShape, int64_t dim,
                      int64_t start, int64_t end, int64_t step);
// Normalization and dropout (lib/Runtime/Normalization.cpp, Random.cpp).
/// Batch normalization of \p input ([N, C], [N, C, L] or [N, C, H, W]) per
/// channel C: (x - mean) / sqrt(var + eps) * weight + bias, with the biased
/// variance. Uses the batch statistics when \p training or when the running
/// statistics are undefined, the running statistics otherwise.
/// running_mean / running_var may be undefined Tensor(): then batch
/// statistics are used and nothing is updated (PyTorch's
/// track_running_stats=false). In training mode the running stats are
/// updated in place, under no_grad: r = (1 - momentum) * r + momentum *
/// batch_stat, with the UNBIASED batch variance for running_var (biased
/// variance for normalizing), as PyTorch does. weight/bias may be undefined.
/// Inside a traced function the update is a state write that the compiled
/// code returns and the call writes back (docs/jit.md).
Tensor batch_norm(const Tensor &input, const Tensor &weight, const Tensor &bias,
                  const Tensor &running_mean, const Tensor &running_var,
                  bool training, double momentum = 0.1, double eps = 1e-5);
/// Zeroes each element with probability p and scales the rest by 1/(1-p)
/// when `train`; identity otherwise (also for p = 0). The mask comes from
/// the counter-based generator that manual_seed seeds (Philox-4x32-10,
/// adjit/Semantics/Philox.h), which compiled code draws from identically.
Tensor dropout(const Tensor &input, double p = 0.5, bool train = true);

// Convolution
/// 2-D convolution (cross-correlation, as PyTorch) of `input` (NCHW, or
/// unbatched CHW) with `weight` ([out, in / groups, kH, kW]) plus `bias`
/// ([out], or undefined for none). `stride`, `padding` (zeros on both sides)
/// and `dilation` hold one value for both spatial dims or one per dim, as
/// LibTorch's ExpandingArray; `groups` splits the channels (depthwise:
/// groups == in channels). Float32 or float64, input and weight of one dtype.
Tensor conv2d(const Tensor &input, const Tensor &weight,
              const Tensor &bias = Tensor(), const Shape &stride = {1},
              const Shape &padding = {0}, const Shape &dilation = {1},
              int64_t groups = 1);
/// conv2d with padding "valid" (none) or "same" (the output has the input's
/// size; stride must be 1, as in PyTorch; an odd total padding puts the
/// extra zero on the right/bottom, as PyTorch).
Tensor conv2d(const Tensor &input, const Tensor &weight, const Tensor &bias,
              const Shape &stride, const std::string &padding,
              const Shape &dilation = {1}, int64_t groups = 1);
/// 1-D convolution of `input` (NCL, or unbatched CL) with `weight`
/// ([out, in / groups, kL]); the arguments are conv2d's with one spatial dim.
/// It is computed as conv2d on a unit height, which is exact.
Tensor conv1d(const Tensor &input, const Tensor &weight,
              const Tensor &bias = Tensor(), const Shape &stride = {1},
              const Shape &padding = {0}, const Shape &dilation = {1},
              int64_t groups = 1);
/// conv1d with padding "valid" or "same" (see conv2d).
Tensor conv1d(const Tensor &input, const Tensor &weight, const Tensor &bias,
              const Shape &stride, const std::string &padding,
              const Shape &dilation = {1}, int64_t groups = 1);

/// True if all elements are within atol + rtol * |b| of each other.
bool allclose(const Tensor &a, const Tensor &b, double rtol = 1e-5,
              double atol = 1e-8);
/// True if shapes and all elements are equal.
bool equal(const Tensor &a, const Tensor &b);

/// \name Operators (scalars adopt the tensor's dtype)
/// @{
Tensor operator+(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a, const Tensor &b);
Tensor operator*(const Tensor &a, const Tensor &b);
Tensor operator/(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a);
Tensor operator+(const Tensor &a, double b);
Tensor operator-(const Tensor &a, double b);
Tensor operator*(const Tensor &a, double b);
Tensor operator/(const Tensor &a, double b);
Tensor operator+(double a, const Tensor &b);
Tensor operator-(double a, const Tensor &b);
Tensor operator*(double a, const Tensor &b);
Tensor operator/(double a, const Tensor &b);
Tensor operator==(const Tensor &a, const Tensor &b);
Tensor operator!=(const Tensor &a, const Tensor &b);
Tensor operator<(const Tensor &a, const Tensor &b);
Tensor operator<=(const Tensor &a, const Tensor &b);
Tensor operator>(const Tensor &a, const Tensor &b);
Tensor operator>=(const Tensor &a, const Tensor &b);
Tensor operator==(const Tensor &a, double b);
Tensor operator!=(const Tensor &a, double b);
Tensor operator<(const Tensor &a, double b);
Tensor operator<=(const Tensor &a, double b);
Tensor operator>(const Tensor &a, double b);
Tensor operator>=(const Tensor &a, double b);
/// @}

/// Prints in PyTorch's style, e.g. "tensor([1.0000, 2.5000])".
std::ostream &operator<<(std::ostream &os, const Tensor &t);

} // namespace adjit

#endif // ADJIT_TENSOR_H
