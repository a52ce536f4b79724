//===- TensorImpl.cpp - Storage, shape helpers and tensor queries ---------===//

#include "TensorImpl.h"
#include "ResetGrad.h"
#include "SmallObjectPool.h"
#include "adjit/Runtime/OpObserver.h"

#include <cstring>
#include <new>
#include <sstream>

using namespace adjit;

//===----------------------------------------------------------------------===//
// Dtype and shapes
//===----------------------------------------------------------------------===//

size_t adjit::elementSize(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return 4;
  case Dtype::Float64:
  case Dtype::Int64:
    return 8;
  case Dtype::Bool:
    return 1;
  }
  return 1;
}

const char *adjit::dtypeName(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return "float32";
  case Dtype::Float64:
    return "float64";
  case Dtype::Int64:
    return "int64";
  case Dtype::Bool:
    return "bool";
  }
  return "?";
}

std::ostream &adjit::operator<<(std::ostream &os, Dtype dtype) {
  return os << dtypeName(dtype);
}

std::string adjit::shapeToString(const Shape &shape) {
  return semantics::formatShape(shape);
}

int64_t adjit::numelOf(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Shape adjit::contiguousStrides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= std::max<int64_t>(shape[i], 1);
  }
  return strides;
}

int64_t adjit::wrapDim(const char *op, int64_t dim, int64_t rank) {
  return checkedShape(semantics::normalizeDim(op, dim, rank));
}

Shape adjit::broadcastShapes(const char *op, const Shape &a, const Shape &b) {
  return checkedShape(semantics::broadcastShapes(op, a, b));
}

Shape adjit::broadcastStrides(const TensorImpl &t, const Shape &shape) {
  Shape strides(shape.size(), 0);
  size_t lead = shape.size() - t.shape.size();
  for (size_t i = 0; i < t.shape.size(); ++i)
    strides[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
  return strides;
}

Dtype adjit::promoteTypes(Dtype a, Dtype b) {
  auto rank = [](Dtype d) {
    switch (d) {
    case Dtype::Bool:
      return 0;
    case Dtype::Int64:
      return 1;
    case Dtype::Float32:
      return 2;
    case Dtype::Float64:
      return 3;
    }
    return 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

void adjit::checkDefined(const char *op, const Tensor &t) {
  if (!t.defined())
    throw Error(std::string(op) + ": expected a defined tensor, got an "
                                  "undefined one");
}

void adjit::checkFloatingPoint(const char *op, const char *what,
                               const Tensor &t) {
  if (!t.is_floating_point())
    throw Error(std::string(op) + ": " + what +
                " must be a floating-point tensor, got " +
                dtypeName(t.dtype()) + " of shape " + shapeToString(t.sizes()));
}

bool adjit::shouldRecord(const Tensor &a) {
  return GradMode::is_enabled() && a.requires_grad();
}

bool adjit::shouldRecord(const Tensor &a, const Tensor &b) {
  return GradMode::is_enabled() && (a.requires_grad() || b.requires_grad());
}

//===----------------------------------------------------------------------===//
// Storage and construction
//===----------------------------------------------------------------------===//

Storage::Storage(size_t n)
    : data(n <= sizeof(inlineData) ? inlineData : allocateBuffer(n)),
      nbytes(n) {}

Storage::Storage(void *external, size_t n, std::shared_ptr<void> externalOwner)
    : data(external), nbytes(n), owner(std::move(externalOwner)) {}

Storage::~Storage() { releaseData(); }

void Storage::releaseData() {
  if (releaseAdopted)
    releaseAdopted(adoptedAllocation);
  else if (owner)
    owner.reset();
  else if (data != inlineData)
    freeBuffer(data, nbytes);
  releaseAdopted = nullptr;
  adoptedAllocation = nullptr;
}

Tensor adjit::makeEmpty(Shape shape, Dtype dtype) {
  // The size in bytes, which must fit in int64_t (so do the element count
  // and every stride): an overflow would allocate a small buffer for a
  // huge shape.
  int64_t nbytes = static_cast<int64_t>(elementSize(dtype));
  for (int64_t d : shape) {
    if (d < 0)
      throw Error("empty: negative dimension in shape " + shapeToString(shape));
    if (__builtin_mul_overflow(nbytes, d, &nbytes))
      throw Error("empty: shape " + shapeToString(shape) + " of " +
                  dtypeName(dtype) +
                  " has too many elements (its size in bytes overflows "
                  "int64)");
  }
  // Every op an observer is told about runs its kernels unobserved, so an
  // observer sees only tensors made by ops it is not told about: ops that
  // a trace would miss and a shape-only replay cannot run.
  if (runtime::getCurrentObserver())
    runtime::notifyUnsupported("an op that is not traced",
                               ("it computes a tensor of shape " +
                                shapeToString(shape) +
                                " that the trace would not record")
                                   .c_str());
  auto impl =
      std::allocate_shared<TensorImpl>(SmallObjectAllocator<TensorImpl>());
  impl->numel = numelOf(shape);
  impl->storage = std::allocate_shared<Storage>(SmallObjectAllocator<Storage>(),
                                                static_cast<size_t>(nbytes));
  impl->strides = contiguousStrides(shape);
  impl->shape = std::move(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor adjit::makeView(const Tensor &base, Shape shape, Shape strides,
                       int64_t offset) {
  const TensorImpl &b = *base.unsafeGetImpl();
  auto impl =
      std::allocate_shared<TensorImpl>(SmallObjectAllocator<TensorImpl>());
  impl->storage = b.storage;
  impl->numel = numelOf(shape);
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = b.dtype;
  impl->isView = true;
  return Tensor(std::move(impl));
}

void adjit::copyData(const TensorImpl &dst, const TensorImpl &src) {
  // Rows are copied on several threads only if no two elements of dst
  // share memory, so that each element has one writer, and if src is other
  // memory (a copy between overlapping views of one buffer keeps the
  // one-thread order).
  bool mayUseThreads = src.storage != dst.storage && !hasSharedElements(dst);
  Shape srcStrides = broadcastStrides(src, dst.shape);
  std::array<const int64_t *, 2> st = {dst.strides.data(), srcStrides.data()};
  ADJIT_DISPATCH_ALL(dst.dtype, {
    using dst_t = scalar_t;
    dst_t *d = static_cast<dst_t *>(dst.storage->data);
    ADJIT_DISPATCH_ALL(src.dtype, {
      const scalar_t *s = static_cast<const scalar_t *>(src.storage->data);
      auto copyRow = [&](const std::array<int64_t, 2> &off, int64_t n,
                         const std::array<int64_t, 2> &inner) {
        dst_t *o = d + off[0];
        const scalar_t *i = s + off[1];
        if (inner[0] == 1 && inner[1] == 1) {
          for (int64_t k = 0; k < n; ++k)
            o[k] = static_cast<dst_t>(i[k]);
          return;
        }
        for (int64_t k = 0; k < n; ++k)
          o[k * inner[0]] = static_cast<dst_t>(i[k * inner[1]]);
      };
      parallelForEachRow<2>(dst.shape, st, {dst.offset, src.offset}, copyRow,
                            mayUseThreads);
    });
  });
}

//===----------------------------------------------------------------------===//
// Tensor queries
//===----------------------------------------------------------------------===//

const Shape &Tensor::sizes() const {
  checkDefined("sizes", *this);
  return impl_->shape;
}

const Shape &Tensor::strides() const {
  checkDefined("strides", *this);
  return impl_->strides;
}

int64_t Tensor::size(int64_t d) const {
  checkDefined("size", *this);
  if (impl_->shape.empty())
    throw Error("size: a zero-dimensional tensor has no dimension " +
                std::to_string(d));
  return impl_->shape[wrapDim("size", d, dim())];
}

int64_t Tensor::stride(int64_t d) const {
  checkDefined("stride", *this);
  if (impl_->shape.empty())
    throw Error("stride: a zero-dimensional tensor has no dimension " +
                std::to_string(d));
  return impl_->strides[wrapDim("stride", d, dim())];
}

int64_t Tensor::dim() const {
  checkDefined("dim", *this);
  return static_cast<int64_t>(impl_->shape.size());
}

int64_t Tensor::numel() const {
  checkDefined("numel", *this);
  return impl_->numel;
}

Dtype Tensor::dtype() const {
  checkDefined("dtype", *this);
  return impl_->dtype;
}

TensorOptions Tensor::options() const { return TensorOptions(dtype()); }

bool adjit::isContiguous(const TensorImpl &t) {
  int64_t expected = 1;
  for (size_t i = t.shape.size(); i-- > 0;) {
    if (t.shape[i] == 1)
      continue;
    if (t.strides[i] != expected)
      return false;
    expected *= t.shape[i];
  }
  return true;
}

Tensor adjit::castTo(const Tensor &t, Dtype dtype) {
  if (t.dtype() == dtype && isContiguous(*t.unsafeGetImpl()))
    return t;
  Tensor out = makeEmpty(t.sizes(), dtype);
  copyData(*out.unsafeGetImpl(), *t.unsafeGetImpl());
  return out;
}

bool Tensor::is_contiguous() const {
  checkDefined("is_contiguous", *this);
  return isContiguous(*impl_);
}

uint64_t Tensor::_version() const {
  checkDefined("_version", *this);
  return impl_->storage->version;
}

namespace {
template <typename T> Dtype dtypeOf();
template <> Dtype dtypeOf<float>() { return Dtype::Float32; }
template <> Dtype dtypeOf<double>() { return Dtype::Float64; }
template <> Dtype dtypeOf<int64_t>() { return Dtype::Int64; }
template <> Dtype dtypeOf<bool>() { return Dtype::Bool; }
} // namespace

template <typename T> T *Tensor::data_ptr() const {
  runtime::notifyUnsupported("data_ptr", "it reads tensor values to the host");

  checkDefined("data_ptr", *this);
  if (dtypeOf<T>() != impl_->dtype)
    throw Error(std::string("data_ptr: expected a tensor of dtype ") +
                dtypeName(dtypeOf<T>()) + ", got " + dtypeName(impl_->dtype));
  return impl_->data<T>();
}

template <typename T> T Tensor::item() const {
  runtime::notifyUnsupported("item", "it reads a tensor value to the host");

  checkDefined("item", *this);
  if (impl_->numel != 1)
    throw Error("item: a tensor with " + std::to_string(impl_->numel) +
                " elements (shape " + shapeToString(impl_->shape) +
                ") cannot be converted to a scalar");
  T result{};
  ADJIT_DISPATCH_ALL(impl_->dtype,
                     { result = static_cast<T>(*impl_->data<scalar_t>()); });
  return result;
}

namespace adjit {
template float *Tensor::data_ptr<float>() const;
template double *Tensor::data_ptr<double>() const;
template int64_t *Tensor::data_ptr<int64_t>() const;
template bool *Tensor::data_ptr<bool>() const;
template float Tensor::item<float>() const;
template double Tensor::item<double>() const;
template int64_t Tensor::item<int64_t>() const;
template bool Tensor::item<bool>() const;
} // namespace adjit

void adjit::resetGrad(const Tensor &t, bool setToNone) {
  Tensor &g = t.unsafeGetImpl()->grad;
  if (!g.defined())
    return;
  if (setToNone) {
    g = Tensor();
  } else {
    g = g.detach();
    g.zero_();
  }
}
