//===- TensorImpl.h - Tensor storage and metadata (internal) ----*- C++ -*-===//

#ifndef ADJIT_LIB_RUNTIME_TENSORIMPL_H
#define ADJIT_LIB_RUNTIME_TENSORIMPL_H

#include "adjit/Autograd.h"
#include "adjit/Error.h"
#include "adjit/Runtime/ParallelFor.h"
#include "adjit/Semantics/ShapeRules.h"
#include "adjit/Tensor.h"

#include <array>
#include <cstddef>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace adjit {

/// Returns a buffer of at least \p nbytes (64-byte aligned from 256 bytes
/// on), recycling buffers of the same size (see Allocator.cpp).
void *allocateBuffer(size_t nbytes);
/// Returns a buffer obtained from allocateBuffer.
void freeBuffer(void *data, size_t nbytes);

/// A reference-counted buffer shared by a tensor and its views. The version
/// counter lives here so that views and their base share it.
struct Storage {
  explicit Storage(size_t nbytes);
  /// Storage over \p nbytes of memory the tensor does not own at \p data,
  /// kept alive by \p owner until the storage dies (from_blob).
  Storage(void *data, size_t nbytes, std::shared_ptr<void> owner);
  ~Storage();
  Storage(const Storage &) = delete;
  Storage &operator=(const Storage &) = delete;

  void *data = nullptr;
  size_t nbytes = 0;
  uint64_t version = 0;
  /// The owner of external memory (from_blob); null if the storage owns data.
  std::shared_ptr<void> owner;
  /// Set when the storage owns elements it adopted from compiled code
  /// (runtime::adoptElements): `releaseAdopted(adoptedAllocation)` frees
  /// them, instead of freeBuffer.
  void (*releaseAdopted)(void *allocation) = nullptr;
  void *adoptedAllocation = nullptr;

  /// Frees the elements (not the inline ones) as their owner requires.
  void releaseData();
  /// Small tensors (scalars, vectors of up to 16 doubles) live inline,
  /// saving a malloc: a recorded graph of small ops (an RNN cell over a long
  /// sequence) keeps tens of thousands of them alive, and each buffer of its
  /// own would come from malloc's slow path and cost a cache miss to reach.
  /// Aligned as malloc aligns (as small buffers are, see Allocator.cpp): a
  /// stricter alignment would make every Storage an aligned allocation, and
  /// those are slow once many tensors are alive (a recorded graph).
  alignas(alignof(std::max_align_t)) char inlineData[128];
};

namespace detail {
/// Returns a fresh creation serial (see runtime::getCreationSerial).
uint64_t takeCreationSerial();
} // namespace detail

/// Data and metadata behind a Tensor handle.
struct TensorImpl {
  /// Orders tensors by creation; a copy of an impl keeps the serial.
  uint64_t serial = detail::takeCreationSerial();
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;
  int64_t offset = 0; ///< In elements.
  int64_t numel = 1;
  Dtype dtype = Dtype::Float32;
  /// Set on leaves by the user; non-leaves require grad through gradFn.
  bool requiresGrad = false;
  /// True if the storage is shared with another tensor created by a view op.
  bool isView = false;
  bool retainsGrad = false;
  std::shared_ptr<Node> gradFn;
  Tensor grad;
  /// The AccumulateGrad node of a leaf, shared by all uses of the leaf (it
  /// refers back to the leaf weakly).
  std::shared_ptr<Node> gradAccumulator;

  char *bytes() const {
    return static_cast<char *>(storage->data) + offset * elementSize(dtype);
  }
  template <typename T> T *data() const {
    return reinterpret_cast<T *>(storage->data) + offset;
  }
};

//===----------------------------------------------------------------------===//
// Helpers shared by the runtime's op files.
//===----------------------------------------------------------------------===//

/// True if \p t is laid out row-major without gaps.
bool isContiguous(const TensorImpl &t);
/// A contiguous tensor with \p t's values converted to \p dtype, without
/// recording autograd (returns \p t itself if nothing changes).
Tensor castTo(const Tensor &t, Dtype dtype);
/// Number of elements of \p shape.
int64_t numelOf(const Shape &shape);
/// Row-major strides of \p shape.
Shape contiguousStrides(const Shape &shape);
/// A new contiguous tensor with uninitialized data (moving \p shape in).
Tensor makeEmpty(Shape shape, Dtype dtype);
/// A new view of \p base's storage with the given geometry.
Tensor makeView(const Tensor &base, Shape shape, Shape strides, int64_t offset);
/// The value of a shape rule's result (see adjit/Semantics/ShapeRules.h);
/// throws adjit::Error with the rule's message if it failed.
template <typename T> T checkedShape(semantics::ShapeResult<T> result) {
  if (!result.ok())
    throw Error(result.error);
  return std::move(result.value);
}
/// Wraps a possibly negative dimension index (semantics::normalizeDim);
/// throws naming \p op.
int64_t wrapDim(const char *op, int64_t dim, int64_t rank);
/// NumPy broadcast of two shapes (semantics::broadcastShapes); throws naming
/// \p op.
Shape broadcastShapes(const char *op, const Shape &a, const Shape &b);
/// Strides of \p t seen as broadcast to \p shape (0 on broadcast dims).
Shape broadcastStrides(const TensorImpl &t, const Shape &shape);
/// The dtype two operands are promoted to (bool < int64 < f32 < f64).
Dtype promoteTypes(Dtype a, Dtype b);
/// Throws unless \p t is defined.
void checkDefined(const char *op, const Tensor &t);
/// Throws unless \p t (the argument \p what of \p op) is floating-point.
void checkFloatingPoint(const char *op, const char *what, const Tensor &t);
/// Copies \p src into \p dst (same shape after broadcasting), converting
/// the element type; ignores autograd.
void copyData(const TensorImpl &dst, const TensorImpl &src);
/// True if any tensor requires grad and grad mode is on.
bool shouldRecord(const Tensor &a);
bool shouldRecord(const Tensor &a, const Tensor &b);
/// A scalar tensor of \p dtype (for operators with a scalar operand).
Tensor scalarLike(double value, Dtype dtype);
/// Sets dropout's generator state (runtime::getRandomState()) to seed
/// \p seed and offset 0 (Random.cpp; manual_seed calls it).
void seedRandomState(uint64_t seed);
/// The product over \p dims (empty: all; negative dims count from the end),
/// keeping them with size 1 if \p keepdim: prod(a) and prod(a, dim) over any
/// set of dims, as the gradient of prod needs it. Integer and bool inputs
/// give int64; floats multiply in their own dtype, in row-major order of the
/// reduced elements, as the compiled `adjit.reduce_prod` does.
Tensor prodOverDims(const Tensor &a, const Shape &dims, bool keepdim);

/// Arithmetic of the in-place kernels.
enum class InPlaceKind { Add, Sub, Mul, Div };
/// self = self op (alpha * other) elementwise, in place and without
/// autograd; \p other has self's dtype and broadcasts to self's shape.
void inPlaceKernel(InPlaceKind kind, const Tensor &self, const Tensor &other,
                   double alpha);

/// Calls body(offsets, n, innerStrides) for the innermost rows \p firstRow
/// to \p lastRow (exclusive, in row-major order) of \p shape, given
/// per-operand strides; offsets are in elements. A 0-d shape has one row of
/// one element.
template <size_t N, typename Body>
void forEachRowIn(const Shape &shape, const std::array<const int64_t *, N> &st,
                  std::array<int64_t, N> base, int64_t firstRow,
                  int64_t lastRow, Body &&body) {
  int64_t rank = static_cast<int64_t>(shape.size());
  if (rank == 0) {
    std::array<int64_t, N> inner{};
    if (firstRow < lastRow)
      body(base, int64_t(1), inner);
    return;
  }
  for (int64_t d : shape)
    if (d == 0)
      return;
  std::array<int64_t, N> inner;
  for (size_t k = 0; k < N; ++k)
    inner[k] = st[k][rank - 1];
  int64_t n = shape[rank - 1];
  // The row counter, at firstRow; a Shape keeps the common ranks off the
  // heap.
  Shape counter(static_cast<size_t>(rank), 0);
  std::array<int64_t, N> off = base;
  for (int64_t d = rank - 2, rest = firstRow; d >= 0 && rest > 0; --d) {
    counter[d] = rest % shape[d];
    rest /= shape[d];
    for (size_t k = 0; k < N; ++k)
      off[k] += counter[d] * st[k][d];
  }
  for (int64_t r = firstRow; r < lastRow; ++r) {
    body(off, n, inner);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++counter[d] < shape[d]) {
        for (size_t k = 0; k < N; ++k)
          off[k] += st[k][d];
        break;
      }
      for (size_t k = 0; k < N; ++k)
        off[k] -= st[k][d] * (shape[d] - 1);
      counter[d] = 0;
    }
  }
}

/// The number of innermost rows of \p shape (1 for a 0-d shape).
inline int64_t rowCount(const Shape &shape) {
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < shape.size(); ++d)
    rows *= shape[d];
  return shape.empty() || shape.back() != 0 ? rows : 0;
}

/// Calls body(offsets, n, innerStrides) for each innermost row of \p shape
/// given per-operand strides; offsets are in elements.
template <size_t N, typename Body>
void forEachRow(const Shape &shape, const std::array<const int64_t *, N> &st,
                std::array<int64_t, N> base, Body &&body) {
  forEachRowIn<N>(shape, st, base, 0, rowCount(shape), body);
}

/// forEachRow with the rows split among the threads of libomp's pool
/// (runtime::parallelFor) when there are many elements and
/// \p mayUseThreads: for bodies that write disjoint elements of a row and
/// read nothing another row writes.
template <size_t N, typename Body>
void parallelForEachRow(const Shape &shape,
                        const std::array<const int64_t *, N> &st,
                        std::array<int64_t, N> base, Body &&body,
                        bool mayUseThreads = true) {
  int64_t rows = rowCount(shape);
  int64_t perThread = runtime::unitsPerThread(shape.empty() ? 1 : shape.back());
  runtime::parallelFor(rows, mayUseThreads ? perThread : rows, 1,
                       [&](int64_t first, int64_t last) {
                         forEachRowIn<N>(shape, st, base, first, last, body);
                       });
}

/// Whether two elements of \p t share memory: a stride of 0 over a dim of
/// several elements (an expanded tensor).
inline bool hasSharedElements(const TensorImpl &t) {
  for (size_t d = 0; d < t.shape.size(); ++d)
    if (t.shape[d] > 1 && t.strides[d] == 0)
      return true;
  return false;
}

} // namespace adjit

/// Runs the statements with `scalar_t` bound to the C++ type of \p DTYPE.
#define ADJIT_DISPATCH_ALL(DTYPE, ...)                                         \
  switch (DTYPE) {                                                             \
  case ::adjit::Dtype::Float32: {                                              \
    using scalar_t = float;                                                    \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  case ::adjit::Dtype::Float64: {                                              \
    using scalar_t = double;                                                   \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  case ::adjit::Dtype::Int64: {                                                \
    using scalar_t = int64_t;                                                  \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  case ::adjit::Dtype::Bool: {                                                 \
    using scalar_t = bool;                                                     \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  }

/// Like ADJIT_DISPATCH_ALL for float32 and float64 only.
#define ADJIT_DISPATCH_FLOAT(DTYPE, ...)                                       \
  switch (DTYPE) {                                                             \
  case ::adjit::Dtype::Float32: {                                              \
    using scalar_t = float;                                                    \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  case ::adjit::Dtype::Float64: {                                              \
    using scalar_t = double;                                                   \
    __VA_ARGS__;                                                               \
    break;                                                                     \
  }                                                                            \
  default:                                                                     \
    break;                                                                     \
  }

#endif // ADJIT_LIB_RUNTIME_TENSORIMPL_H
