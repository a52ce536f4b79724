//===- Indexing.cpp - gather, scatter_add and the ops made of them --------===//
//
// Two primitives read and sum elements at int64 indices along one dimension:
// gather and its transpose, scatter into zeros with addition. Each is the
// other's gradient, so gradients of every order are exact. index_select,
// embedding, index and index_put are compositions of them with shape and
// elementwise ops; one_hot is a comparison with arange. Every op checks its
// user-given indices against the indexed size before it reads them (and a
// compiled function repeats that check on each call); the primitives assume
// checked indices.
//
//===----------------------------------------------------------------------===//

#include "AutogradImpl.h"
#include "adjit/Runtime/OpObserver.h"

#include <numeric>
#include <set>

using namespace adjit;

namespace {
const char *kIndexedUnit = "elements in the indexed dim";

/// Throws unless \p index is a defined int64 tensor.
void checkIndexTensor(const char *op, const Tensor &index) {
  checkDefined(op, index);
  if (index.dtype() != Dtype::Int64)
    throw Error(std::string(op) + ": expected an int64 index tensor, got " +
                dtypeName(index.dtype()) + " of shape " +
                shapeToString(index.sizes()));
}

/// Checks that every element of the user-given \p index lies in
/// [0, bound), and has a compiled function check it on every call.
void checkIndexValues(const char *op, const Tensor &index, int64_t bound,
                      const char *unit = kIndexedUnit) {
  runtime::IndexRangeCheck inRange{op, "index", bound, unit};
  runtime::notifyIndexCheck(inRange, index);
  inRange.verify(index);
}

/// Calls fn(p, offset) for every position p (row-major) of an index of
/// \p indexShape with values \p idx along \p dim: offset is the element's
/// position in a contiguous tensor of strides \p strides.
template <typename Fn>
void forEachIndexed(const Shape &indexShape, const Shape &strides, int64_t dim,
                    const int64_t *idx, Fn fn) {
  int64_t rank = static_cast<int64_t>(indexShape.size());
  int64_t n = numelOf(indexShape);
  std::vector<int64_t> counter(rank, 0);
  for (int64_t p = 0; p < n; ++p) {
    int64_t offset = 0;
    for (int64_t d = 0; d < rank; ++d)
      offset += (d == dim ? idx[p] : counter[d]) * strides[d];
    fn(p, offset);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++counter[d] < indexShape[d])
        break;
      counter[d] = 0;
    }
  }
}

Tensor scatterAddPrimitive(const Tensor &source, int64_t dim,
                           const Tensor &index, const Shape &shape);

/// out[..., i_dim, ...] = input[..., index[...], ...] (checked indices).
Tensor gatherPrimitive(const Tensor &input, int64_t dim, const Tensor &index) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Gather, "gather", {input, index}, {dim}},
        [&] { return gatherPrimitive(input, dim, index); });
  Tensor x = input.contiguous();
  Tensor idx = index.contiguous();
  Tensor out = makeEmpty(index.sizes(), input.dtype());
  Shape strides = contiguousStrides(input.sizes());
  ADJIT_DISPATCH_ALL(input.dtype(), {
    const scalar_t *src = x.unsafeGetImpl()->data<scalar_t>();
    scalar_t *dst = out.unsafeGetImpl()->data<scalar_t>();
    forEachIndexed(index.sizes(), strides, dim,
                   idx.unsafeGetImpl()->data<int64_t>(),
                   [&](int64_t p, int64_t offset) { dst[p] = src[offset]; });
  });
  if (shouldRecord(input)) {
    Shape inputShape = input.sizes();
    recordOp(out, "GatherBackward0", {&input}, {SavedVariable(index)},
             [dim, inputShape](const Tensor &g, SavedTensors s,
                               const Node &) -> GradList {
               return {scatterAddPrimitive(g, dim, s[0], inputShape)};
             });
  }
  return out;
}

/// Zeros of \p shape with every element of \p source added at its position,
/// index[...] along \p dim, in row-major order of the source (checked
/// indices of the source's shape).
Tensor scatterAddPrimitive(const Tensor &source, int64_t dim,
                           const Tensor &index, const Shape &shape) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::ScatterAdd, "scatter_add", {source, index}, {dim}},
        [&] { return scatterAddPrimitive(source, dim, index, shape); });
  Tensor src = source.contiguous();
  Tensor idx = index.contiguous();
  Tensor out = zeros(shape, source.dtype());
  Shape strides = contiguousStrides(shape);
  ADJIT_DISPATCH_ALL(source.dtype(), {
    if constexpr (!std::is_same_v<scalar_t, bool>) {
      const scalar_t *from = src.unsafeGetImpl()->data<scalar_t>();
      scalar_t *dst = out.unsafeGetImpl()->data<scalar_t>();
      forEachIndexed(
          index.sizes(), strides, dim, idx.unsafeGetImpl()->data<int64_t>(),
          [&](int64_t p, int64_t offset) { dst[offset] += from[p]; });
    }
  });
  if (shouldRecord(source))
    recordOp(out, "ScatterAddBackward0", {&source}, {SavedVariable(index)},
             [dim](const Tensor &g, SavedTensors s, const Node &) -> GradList {
               return {gatherPrimitive(g, dim, s[0])};
             });
  return out;
}

/// The rows of \p input (checked indices \p index, 1-D) along \p dim: the
/// gather at the index expanded across the other dims.
Tensor selectAlong(const Tensor &input, int64_t dim, const Tensor &index) {
  Shape viewShape(input.dim(), 1);
  viewShape[dim] = index.numel();
  Shape outShape = input.sizes();
  outShape[dim] = index.numel();
  return gatherPrimitive(input, dim,
                         expand(reshape(index, viewShape), outShape));
}

/// Throws if \p t is 0-d.
void checkRankAtLeastOne(const char *op, const Tensor &t, const char *what) {
  if (t.dim() == 0)
    throw Error(std::string(op) + ": expected " + what +
                " of rank >= 1, got a 0-d tensor");
}

/// The linear positions in the leading dims of \p self that \p indices (one
/// int64 tensor per leading dim, broadcast together) pick, after checking
/// them: a 1-D int64 tensor, with the broadcast shape in \p broadcast.
Tensor linearPositions(const char *op, const Tensor &self,
                       const std::vector<Tensor> &indices, Shape &broadcast) {
  checkDefined(op, self);
  if (indices.empty() || static_cast<int64_t>(indices.size()) > self.dim())
    throw Error(
        std::string(op) + ": expected 1 to " + std::to_string(self.dim()) +
        " index tensors for a tensor of shape " + shapeToString(self.sizes()) +
        ", got " + std::to_string(indices.size()));
  broadcast = {};
  for (size_t k = 0; k < indices.size(); ++k) {
    checkDefined(op, indices[k]);
    if (indices[k].dtype() == Dtype::Bool)
      throw Error(
          std::string(op) + ": boolean mask indices are not supported (index " +
          std::to_string(k) + " of shape " + shapeToString(indices[k].sizes()) +
          "); use int64 positions or where()");
    checkIndexTensor(op, indices[k]);
    broadcast = broadcastShapes(op, broadcast, indices[k].sizes());
  }
  Tensor linear;
  for (size_t k = 0; k < indices.size(); ++k) {
    checkIndexValues(op, indices[k], self.size(static_cast<int64_t>(k)));
    Tensor position = expand(indices[k], broadcast);
    linear = k == 0 ? position
                    : add(mul(linear, scalarLike(self.size(k), Dtype::Int64)),
                          position);
  }
  return reshape(linear, {-1});
}

/// \p self with its first \p k dims flattened into one.
Tensor flattenLeading(const Tensor &self, size_t k) {
  Shape shape = {-1};
  shape.insert(shape.end(), self.sizes().begin() + k, self.sizes().end());
  return reshape(self, shape);
}

/// \p broadcast followed by the dims of \p self after the first \p k.
Shape indexedShape(const Shape &broadcast, const Tensor &self, size_t k) {
  Shape shape = broadcast;
  shape.insert(shape.end(), self.sizes().begin() + k, self.sizes().end());
  return shape;
}
} // namespace

Tensor adjit::gather(const Tensor &input, int64_t dim, const Tensor &index) {
  checkDefined("gather", input);
  checkIndexTensor("gather", index);
  checkRankAtLeastOne("gather", input, "an input");
  int64_t d = wrapDim("gather", dim, input.dim());
  if (index.dim() != input.dim())
    throw Error("gather: index of shape " + shapeToString(index.sizes()) +
                " must have the rank of the input of shape " +
                shapeToString(input.sizes()));
  for (int64_t k = 0; k < input.dim(); ++k)
    if (k != d && index.size(k) > input.size(k))
      throw Error("gather: index of shape " + shapeToString(index.sizes()) +
                  " is larger than the input of shape " +
                  shapeToString(input.sizes()) + " in dim " +
                  std::to_string(k) + " (only dim " + std::to_string(d) +
                  " is gathered)");
  checkIndexValues("gather", index, input.size(d));
  return gatherPrimitive(input, d, index);
}

Tensor adjit::scatter_add(const Tensor &self, int64_t dim, const Tensor &index,
                          const Tensor &src) {
  checkDefined("scatter_add", self);
  checkDefined("scatter_add", src);
  checkIndexTensor("scatter_add", index);
  checkRankAtLeastOne("scatter_add", self, "self");
  int64_t d = wrapDim("scatter_add", dim, self.dim());
  if (self.dtype() != src.dtype() || self.dtype() == Dtype::Bool)
    throw Error(std::string("scatter_add: expected self and src of one "
                            "float or int64 dtype, got ") +
                dtypeName(self.dtype()) + " and " + dtypeName(src.dtype()));
  if (index.dim() != self.dim() || src.dim() != self.dim())
    throw Error("scatter_add: self " + shapeToString(self.sizes()) +
                ", index " + shapeToString(index.sizes()) + " and src " +
                shapeToString(src.sizes()) + " must have one rank");
  Tensor source = src;
  for (int64_t k = 0; k < self.dim(); ++k) {
    if (index.size(k) > src.size(k) || (k != d && index.size(k) > self.size(k)))
      throw Error("scatter_add: index of shape " +
                  shapeToString(index.sizes()) + " is larger than src " +
                  shapeToString(src.sizes()) + " or self " +
                  shapeToString(self.sizes()) + " in dim " + std::to_string(k));
    if (index.size(k) < src.size(k))
      source = slice(source, k, 0, index.size(k));
  }
  checkIndexValues("scatter_add", index, self.size(d));
  return add(self, scatterAddPrimitive(source, d, index, self.sizes()));
}

Tensor adjit::index_select(const Tensor &input, int64_t dim,
                           const Tensor &index) {
  checkDefined("index_select", input);
  checkIndexTensor("index_select", index);
  if (index.dim() > 1)
    throw Error("index_select: expected a 0-d or 1-D index, got shape " +
                shapeToString(index.sizes()));
  if (input.dim() == 0)
    return reshape(index_select(reshape(input, {1}), 0, index), {});
  int64_t d = wrapDim("index_select", dim, input.dim());
  checkIndexValues("index_select", index, input.size(d));
  return selectAlong(input, d, reshape(index, {-1}));
}

Tensor adjit::embedding(const Tensor &weight, const Tensor &indices,
                        int64_t padding_idx) {
  checkDefined("embedding", weight);
  checkIndexTensor("embedding", indices);
  if (weight.dim() != 2)
    throw Error("embedding: expected a 2-D weight [num_embeddings, "
                "embedding_dim], got shape " +
                shapeToString(weight.sizes()));
  checkIndexValues("embedding", indices, weight.size(0), "embeddings");
  Shape shape = indices.sizes();
  shape.push_back(weight.size(1));
  Tensor rows = reshape(selectAlong(weight, 0, reshape(indices, {-1})), shape);
  if (padding_idx < 0)
    return rows;
  if (padding_idx >= weight.size(0))
    throw Error("embedding: padding_idx " + std::to_string(padding_idx) +
                " is out of range for " + std::to_string(weight.size(0)) +
                " embeddings");
  // The padding row's value, with no gradient flowing back to it.
  Tensor isPadding = unsqueeze(
      eq(indices, scalarLike(static_cast<double>(padding_idx), Dtype::Int64)),
      -1);
  return where(isPadding, rows.detach(), rows);
}

Tensor adjit::one_hot(const Tensor &indices, int64_t num_classes) {
  checkIndexTensor("one_hot", indices);
  if (num_classes < -1)
    throw Error("one_hot: num_classes must be -1 or non-negative, got " +
                std::to_string(num_classes));
  if (num_classes == -1) {
    runtime::notifyUnsupported(
        "one_hot", "num_classes = -1 reads the largest index to the host");
    if (indices.numel() == 0)
      throw Error("one_hot: cannot infer num_classes from an empty tensor; "
                  "pass num_classes");
    num_classes = max(indices).item<int64_t>() + 1;
  }
  checkIndexValues("one_hot", indices, num_classes, "classes");
  Tensor classes = arange(static_cast<double>(num_classes), kInt64);
  return to(eq(unsqueeze(indices, -1), classes), kInt64);
}

Tensor adjit::index(const Tensor &self, const std::vector<Tensor> &indices) {
  Shape broadcast;
  Tensor linear = linearPositions("index", self, indices, broadcast);
  Tensor rows = selectAlong(flattenLeading(self, indices.size()), 0, linear);
  return reshape(rows, indexedShape(broadcast, self, indices.size()));
}

Tensor adjit::index_put(const Tensor &self, const std::vector<Tensor> &indices,
                        const Tensor &values, bool accumulate) {
  Shape broadcast;
  Tensor linear = linearPositions("index_put", self, indices, broadcast);
  checkDefined("index_put", values);
  if (self.dtype() == Dtype::Bool)
    throw Error("index_put: bool tensors are not supported (shape " +
                shapeToString(self.sizes()) + ")");
  if (values.dtype() != self.dtype())
    throw Error(std::string("index_put: values of dtype ") +
                dtypeName(values.dtype()) + " must have self's dtype " +
                dtypeName(self.dtype()));
  Shape target = indexedShape(broadcast, self, indices.size());
  if (broadcastShapes("index_put", target, values.sizes()) != target)
    throw Error("index_put: values of shape " + shapeToString(values.sizes()) +
                " cannot be broadcast to the indexed shape " +
                shapeToString(target));
  size_t k = indices.size();
  Tensor flat = flattenLeading(self, k);
  Tensor rows = flattenLeading(expand(values, target), broadcast.size());
  Shape viewShape(flat.dim(), 1);
  viewShape[0] = linear.numel();
  Tensor position = expand(reshape(linear, viewShape), rows.sizes());
  Tensor added = scatterAddPrimitive(rows, 0, position, flat.sizes());
  if (accumulate)
    return reshape(add(flat, added), self.sizes());
  // Each position is written at most once, so the sum is the value written.
  runtime::notifyUnsupported("index_put",
                             "accumulate=false cannot check in compiled code "
                             "that the indexed positions are distinct");
  {
    runtime::ObserverScope unobserved(nullptr);
    Tensor positions = linear.contiguous();
    const int64_t *p = positions.unsafeGetImpl()->data<int64_t>();
    std::set<int64_t> seen;
    for (int64_t i = 0; i < positions.numel(); ++i)
      if (!seen.insert(p[i]).second)
        throw Error("index_put: position " + std::to_string(p[i]) +
                    " of the indexed dims is written twice; with "
                    "accumulate=false the result would depend on the order");
  }
  Tensor written =
      ne(scatterAddPrimitive(ones_like(rows), 0, position, flat.sizes()),
         zeros({}, self.dtype()));
  return reshape(where(written, added, flat), self.sizes());
}

const Tensor &adjit::index_put_(const Tensor &self,
                                const std::vector<Tensor> &indices,
                                const Tensor &values, bool accumulate) {
  runtime::notifyUnsupported("index_put_", "in-place ops cannot be traced");
  return self.copy_(index_put(self, indices, values, accumulate));
}

Tensor Tensor::index_select(int64_t dim, const Tensor &index) const {
  return adjit::index_select(*this, dim, index);
}
Tensor Tensor::gather(int64_t dim, const Tensor &index) const {
  return adjit::gather(*this, dim, index);
}
Tensor Tensor::scatter_add(int64_t dim, const Tensor &index,
                           const Tensor &src) const {
  return adjit::scatter_add(*this, dim, index, src);
}
Tensor Tensor::index(const std::vector<Tensor> &indices) const {
  return adjit::index(*this, indices);
}
const Tensor &Tensor::index_put_(const std::vector<Tensor> &indices,
                                 const Tensor &values, bool accumulate) const {
  return adjit::index_put_(*this, indices, values, accumulate);
}
