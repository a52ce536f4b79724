//===- ShapeOps.cpp - Views, reshapes, cat, copies and conversions --------===//

#include "AutogradImpl.h"
#include "SliceBackwardNode.h"
#include "adjit/Runtime/OpObserver.h"

#include <algorithm>

using namespace adjit;

namespace {
/// Makes \p out, a slice or select of \p input, the output of its backward
/// node.
void recordSliceBackward(const Tensor &out, const Tensor &input, int64_t dim,
                         int64_t start, int64_t end, int64_t step,
                         bool selects) {
  auto node = std::allocate_shared<SliceBackwardNode>(
      SmallObjectAllocator<SliceBackwardNode>(), input.sizes(), dim, start, end,
      step, selects);
  setNextEdges(*node, {&input});
  out.unsafeGetImpl()->gradFn = std::move(node);
}
} // namespace

Tensor adjit::sum_to(const Tensor &a, const Shape &shape) {
  checkDefined("sum_to", a);
  const Shape &in = a.sizes();
  if (in == shape)
    return a;
  if (shape.size() > in.size())
    throw Error("sum_to: cannot reduce shape " + shapeToString(in) + " to " +
                shapeToString(shape));
  size_t lead = in.size() - shape.size();
  Shape dims;
  for (size_t i = 0; i < in.size(); ++i) {
    if (i < lead) {
      dims.push_back(static_cast<int64_t>(i));
      continue;
    }
    int64_t want = shape[i - lead];
    if (want == 1 && in[i] != 1)
      dims.push_back(static_cast<int64_t>(i));
    else if (want != in[i])
      throw Error("sum_to: cannot reduce shape " + shapeToString(in) + " to " +
                  shapeToString(shape));
  }
  Tensor r = dims.empty() ? a : sum(a, dims, /*keepdim=*/true);
  return r.sizes() == shape ? r : reshape(r, shape);
}

Tensor adjit::view(const Tensor &a, const Shape &shape) {
  if (runtime::getCurrentObserver())
    // The requested shape, so that a replay sees a view to another one.
    return runtime::observeAsOneOp(
        {runtime::OpKind::Reshape, "view", {a}, shape},
        [&] { return view(a, shape); });

  checkDefined("view", a);
  Shape target =
      checkedShape(semantics::inferReshape("view", a.sizes(), shape));
  if (!a.is_contiguous())
    throw Error("view: the input of shape " + shapeToString(a.sizes()) +
                " with strides " + shapeToString(a.strides()) +
                " is not contiguous; use reshape instead");
  Shape strides = contiguousStrides(target);
  Tensor out =
      makeView(a, target, std::move(strides), a.unsafeGetImpl()->offset);
  if (shouldRecord(a)) {
    Shape in = a.sizes();
    recordOp(out, "ViewBackward0", {&a}, {},
             [in](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {reshape(g, in)};
             });
  }
  return out;
}

Tensor adjit::reshape(const Tensor &a, const Shape &shape) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Reshape, "reshape", {a}, shape},
        [&] { return reshape(a, shape); });

  checkDefined("reshape", a);
  Shape target =
      checkedShape(semantics::inferReshape("reshape", a.sizes(), shape));
  if (a.is_contiguous())
    return view(a, target);
  return view(clone(a), target);
}

namespace {
/// Reports the permute of `a` by the wrapped dims `wrapped` to the current
/// observer, running `body` for it; throws (naming `dims`) unless they are a
/// permutation of a's dims. Allocates nothing, so that a replay of
/// transposes allocates nothing.
template <typename Body>
Tensor observePermute(const Tensor &a, runtime::OpInts wrapped,
                      const Shape &dims, Body body) {
  if (!semantics::isPermutation(wrapped.data(), wrapped.size(), a.dim()))
    checkedShape(semantics::permutation("permute", dims, a.sizes()));
  return runtime::observeAsOneOp(
      {runtime::OpKind::Permute, "permute", {a}, std::move(wrapped)}, body);
}
} // namespace

Tensor adjit::permute(const Tensor &a, const Shape &dims) {
  checkDefined("permute", a);
  int64_t rank = a.dim();
  if (runtime::getCurrentObserver()) {
    runtime::OpInts wrapped;
    for (int64_t dim : dims)
      wrapped.push_back(semantics::wrapPermutedDim(dim, rank));
    return observePermute(a, std::move(wrapped), dims,
                          [&] { return permute(a, dims); });
  }
  Shape wrapped =
      checkedShape(semantics::permutation("permute", dims, a.sizes()));
  const TensorImpl &impl = *a.unsafeGetImpl();
  Shape shape(rank), strides(rank), inverse(rank);
  for (int64_t i = 0; i < rank; ++i) {
    shape[i] = impl.shape[wrapped[i]];
    strides[i] = impl.strides[wrapped[i]];
    inverse[wrapped[i]] = i;
  }
  Tensor out = makeView(a, std::move(shape), std::move(strides), impl.offset);
  if (shouldRecord(a))
    recordOp(
        out, "PermuteBackward0", {&a}, {},
        [inverse](const Tensor &g, SavedTensors, const Node &) -> GradList {
          return {permute(g, inverse)};
        });
  return out;
}

Tensor adjit::transpose(const Tensor &a, int64_t dim0, int64_t dim1) {
  checkDefined("transpose", a);
  int64_t rank = a.dim();
  if (rank == 0)
    return a;
  int64_t d0 = wrapDim("transpose", dim0, rank);
  int64_t d1 = wrapDim("transpose", dim1, rank);
  if (runtime::getCurrentObserver()) {
    // The permute, reported without a list of dims on the heap.
    runtime::OpInts swapped;
    for (int64_t i = 0; i < rank; ++i)
      swapped.push_back(i == d0 ? d1 : i == d1 ? d0 : i);
    return observePermute(a, std::move(swapped), {},
                          [&] { return transpose(a, dim0, dim1); });
  }
  Shape dims(rank);
  for (int64_t i = 0; i < rank; ++i)
    dims[i] = i;
  std::swap(dims[d0], dims[d1]);
  return permute(a, dims);
}

Tensor adjit::slice(const Tensor &a, int64_t dim, std::optional<int64_t> start,
                    std::optional<int64_t> end, int64_t step) {
  checkDefined("slice", a);
  semantics::SliceBounds bounds = checkedShape(
      semantics::sliceDim("slice", a.sizes(), dim, start, end, step));
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Slice,
         "slice",
         {a},
         {bounds.dim, bounds.start, bounds.end, step}},
        [&] { return slice(a, dim, start, end, step); });

  const TensorImpl &impl = *a.unsafeGetImpl();
  int64_t d = bounds.dim, s = bounds.start, e = bounds.end;
  Shape shape = impl.shape, strides = impl.strides;
  shape[d] = bounds.length;
  strides[d] *= step;
  Tensor out = makeView(a, std::move(shape), std::move(strides),
                        impl.offset + s * impl.strides[d]);
  if (shouldRecord(a))
    recordSliceBackward(out, a, d, s, e, step, /*selects=*/false);
  return out;
}

Tensor adjit::slice_backward(const Tensor &grad, const Shape &inputShape,
                             int64_t dim, int64_t start, int64_t end,
                             int64_t step) {
  runtime::notifyUnsupported("slice_backward",
                             "it writes into a tensor it made");
  checkDefined("slice_backward", grad);
  Tensor out = zeros(inputShape, grad.dtype());
  {
    Tensor region = slice(out.detach(), dim, start, end, step);
    if (region.sizes() != grad.sizes())
      throw Error(
          "slice_backward: gradient of shape " + shapeToString(grad.sizes()) +
          " does not fit slice of shape " + shapeToString(region.sizes()));
    copyData(*region.unsafeGetImpl(), *grad.unsafeGetImpl());
  }
  if (shouldRecord(grad))
    recordOp(out, "SliceBackwardBackward0", {&grad}, {},
             [dim, start, end, step](const Tensor &g, SavedTensors,
                                     const Node &) -> GradList {
               return {slice(g, dim, start, end, step)};
             });
  return out;
}

Tensor adjit::select(const Tensor &a, int64_t dim, int64_t index) {
  checkDefined("select", a);
  if (a.dim() == 0)
    throw Error("select: cannot index a zero-dimensional tensor");
  int64_t d = wrapDim("select", dim, a.dim());
  int64_t size = a.size(d);
  if (index < -size || index >= size)
    throw Error("select: index " + std::to_string(index) +
                " is out of bounds for dimension " + std::to_string(d) +
                " with size " + std::to_string(size));
  int64_t i = index < 0 ? index + size : index;
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Select, "select", {a}, {d, i}},
        [&] { return select(a, dim, index); });
  const TensorImpl &impl = *a.unsafeGetImpl();
  Shape shape = impl.shape, strides = impl.strides;
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  Tensor out = makeView(a, std::move(shape), std::move(strides),
                        impl.offset + i * impl.strides[d]);
  if (shouldRecord(a))
    recordSliceBackward(out, a, d, i, i + 1, 1, /*selects=*/true);
  return out;
}

Tensor adjit::unsqueeze(const Tensor &a, int64_t dim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Reshape, "unsqueeze", {a}, {dim}},
        [&] { return unsqueeze(a, dim); });

  checkDefined("unsqueeze", a);
  int64_t d = wrapDim("unsqueeze", dim, a.dim() + 1);
  const TensorImpl &impl = *a.unsafeGetImpl();
  Shape shape = impl.shape, strides = impl.strides;
  int64_t stride = d < a.dim() ? impl.shape[d] * impl.strides[d] : int64_t(1);
  shape.insert(shape.begin() + d, 1);
  strides.insert(strides.begin() + d, stride);
  Tensor out = makeView(a, std::move(shape), std::move(strides), impl.offset);
  if (shouldRecord(a))
    recordOp(out, "UnsqueezeBackward0", {&a}, {},
             [d](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {squeeze(g, d)};
             });
  return out;
}

Tensor adjit::squeeze(const Tensor &a, int64_t dim) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Reshape, "squeeze", {a}, {dim}},
        [&] { return squeeze(a, dim); });

  checkDefined("squeeze", a);
  if (a.dim() == 0)
    return a;
  int64_t d = wrapDim("squeeze", dim, a.dim());
  if (a.size(d) != 1)
    return a;
  const TensorImpl &impl = *a.unsafeGetImpl();
  Shape shape = impl.shape, strides = impl.strides;
  shape.erase(shape.begin() + d);
  strides.erase(strides.begin() + d);
  Tensor out = makeView(a, std::move(shape), std::move(strides), impl.offset);
  if (shouldRecord(a))
    recordOp(out, "SqueezeBackward1", {&a}, {},
             [d](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {unsqueeze(g, d)};
             });
  return out;
}

Tensor adjit::expand(const Tensor &a, const Shape &shape) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Expand, "expand", {a}},
                                   [&] { return expand(a, shape); });

  checkDefined("expand", a);
  const TensorImpl &impl = *a.unsafeGetImpl();
  if (shape.size() < impl.shape.size())
    throw Error("expand: the target shape " + shapeToString(shape) +
                " has fewer dimensions than the tensor of shape " +
                shapeToString(impl.shape));
  size_t lead = shape.size() - impl.shape.size();
  Shape outShape(shape.size()), strides(shape.size(), 0);
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i < lead) {
      if (shape[i] < 0)
        throw Error("expand: -1 is not allowed in a new leading dimension; "
                    "target shape " +
                    shapeToString(shape));
      outShape[i] = shape[i];
      continue;
    }
    int64_t have = impl.shape[i - lead];
    int64_t want = shape[i] == -1 ? have : shape[i];
    if (have == want) {
      outShape[i] = want;
      strides[i] = impl.strides[i - lead];
    } else if (have == 1 && want >= 0) {
      outShape[i] = want;
    } else {
      throw Error("expand: the expanded size " + std::to_string(want) +
                  " must match the existing size " + std::to_string(have) +
                  " at non-singleton dimension " + std::to_string(i) +
                  "; target shape " + shapeToString(shape) + ", tensor shape " +
                  shapeToString(impl.shape));
    }
  }
  if (outShape == impl.shape)
    return a;
  Tensor out =
      makeView(a, std::move(outShape), std::move(strides), impl.offset);
  if (shouldRecord(a)) {
    Shape in = impl.shape;
    recordOp(out, "ExpandBackward0", {&a}, {},
             [in](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {sum_to(g, in)};
             });
  }
  return out;
}

Tensor adjit::clone(const Tensor &a) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Identity, "clone", {a}},
                                   [&] { return clone(a); });

  checkDefined("clone", a);
  Tensor out = makeEmpty(a.sizes(), a.dtype());
  copyData(*out.unsafeGetImpl(), *a.unsafeGetImpl());
  if (shouldRecord(a))
    recordOp(out, "CloneBackward0", {&a}, {},
             [](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {g};
             });
  return out;
}

Tensor adjit::contiguous(const Tensor &a) {
  checkDefined("contiguous", a);
  return a.is_contiguous() ? a : clone(a);
}

Tensor adjit::to(const Tensor &a, Dtype dtype) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Convert, "to", {a}},
                                   [&] { return to(a, dtype); });

  checkDefined("to", a);
  if (a.dtype() == dtype)
    return a;
  Tensor out = makeEmpty(a.sizes(), dtype);
  copyData(*out.unsafeGetImpl(), *a.unsafeGetImpl());
  if (isFloatingPoint(dtype) && shouldRecord(a)) {
    Dtype from = a.dtype();
    recordOp(out, "ToCopyBackward0", {&a}, {},
             [from](const Tensor &g, SavedTensors, const Node &) -> GradList {
               return {to(g, from)};
             });
  }
  return out;
}

Tensor adjit::cat(const std::vector<Tensor> &tensors, int64_t dim) {
  std::vector<Shape> shapes;
  shapes.reserve(tensors.size());
  for (const Tensor &t : tensors) {
    checkDefined("cat", t);
    shapes.push_back(t.sizes());
  }
  semantics::Concatenation concatenation =
      checkedShape(semantics::catShape("cat", shapes, dim));
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Cat, "cat", tensors, {concatenation.dim}},
        [&] { return cat(tensors, dim); });

  int64_t d = concatenation.dim;
  Dtype dt = tensors[0].dtype();
  for (const Tensor &t : tensors)
    dt = promoteTypes(dt, t.dtype());
  std::vector<Tensor> inputs;
  inputs.reserve(tensors.size());
  for (const Tensor &t : tensors)
    inputs.push_back(to(t, dt));
  Tensor out = makeEmpty(concatenation.shape, dt);
  std::vector<int64_t> offsets;
  offsets.reserve(inputs.size() + 1);
  int64_t off = 0;
  bool record = false;
  Tensor untracked = out.detach();
  for (const Tensor &t : inputs) {
    Tensor region = slice(untracked, d, off, off + t.size(d));
    copyData(*region.unsafeGetImpl(), *t.unsafeGetImpl());
    offsets.push_back(off);
    off += t.size(d);
    record = record || shouldRecord(t);
  }
  if (record) {
    offsets.push_back(off);
    recordOpList(out, "CatBackward0", inputs, {},
                 [d, offsets = std::move(offsets)](
                     const Tensor &g, SavedTensors, const Node &n) -> GradList {
                   std::vector<Tensor> grads(offsets.size() - 1);
                   for (size_t i = 0; i + 1 < offsets.size(); ++i)
                     if (n.needsInputGrad(i))
                       grads[i] = slice(g, d, offsets[i], offsets[i + 1]);
                   return grads;
                 });
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Methods
//===----------------------------------------------------------------------===//

Tensor Tensor::reshape(const Shape &s) const {
  return adjit::reshape(*this, s);
}
Tensor Tensor::view(const Shape &s) const { return adjit::view(*this, s); }
Tensor Tensor::flatten() const { return adjit::reshape(*this, {-1}); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const {
  return adjit::transpose(*this, d0, d1);
}
Tensor Tensor::t() const {
  checkDefined("t", *this);
  if (dim() > 2)
    throw Error("t: expects a tensor with at most 2 dimensions, got shape " +
                shapeToString(sizes()) + "; use transpose");
  return dim() < 2 ? *this : adjit::transpose(*this, 0, 1);
}
Tensor Tensor::permute(const Shape &dims) const {
  return adjit::permute(*this, dims);
}
Tensor Tensor::slice(int64_t dim, std::optional<int64_t> start,
                     std::optional<int64_t> end, int64_t step) const {
  return adjit::slice(*this, dim, start, end, step);
}
Tensor Tensor::select(int64_t dim, int64_t index) const {
  return adjit::select(*this, dim, index);
}
Tensor Tensor::unsqueeze(int64_t d) const { return adjit::unsqueeze(*this, d); }
Tensor Tensor::squeeze(int64_t d) const { return adjit::squeeze(*this, d); }
Tensor Tensor::expand(const Shape &s) const { return adjit::expand(*this, s); }
Tensor Tensor::contiguous() const { return adjit::contiguous(*this); }
Tensor Tensor::clone() const { return adjit::clone(*this); }
Tensor Tensor::to(Dtype dtype) const { return adjit::to(*this, dtype); }
