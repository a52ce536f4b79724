//===- InPlace.cpp - In-place ops, version counter and history rebase -----===//

#include "AutogradImpl.h"
#include "adjit/Runtime/OpObserver.h"

using namespace adjit;

namespace {
/// Rejects in-place ops autograd cannot handle while recording.
void checkInPlaceAllowed(const char *op, const Tensor &self) {
  if (self.is_leaf() && self.requires_grad())
    throw Error(std::string(op) + ": a leaf tensor that requires grad (shape " +
                shapeToString(self.sizes()) +
                ") is being used in an in-place operation; wrap the update in "
                "a NoGradGuard");
  if (self.unsafeGetImpl()->isView && self.requires_grad())
    throw Error(std::string(op) +
                ": in-place operations on views of tensors that require grad "
                "are not supported (shape " +
                shapeToString(self.sizes()) + "); clone() the view first");
}

void bumpVersion(const Tensor &t) { ++t.unsafeGetImpl()->storage->version; }

/// The out-of-place op recorded for an in-place op.
Tensor outOfPlace(InPlaceKind kind, const Tensor &a, const Tensor &b) {
  switch (kind) {
  case InPlaceKind::Add:
    return add(a, b);
  case InPlaceKind::Sub:
    return sub(a, b);
  case InPlaceKind::Mul:
    return mul(a, b);
  case InPlaceKind::Div:
    return div(a, b);
  }
  return Tensor();
}

/// Computes self = self op (alpha * other) in place. When recording, the op
/// is recorded out of place (on a copy of self if its backward needs the old
/// value) and self's history is rebased onto the new node.
const Tensor &inPlaceBinary(const char *op, InPlaceKind kind,
                            const Tensor &self, const Tensor &otherIn,
                            double alpha = 1.0) {
  checkDefined(op, self);
  checkDefined(op, otherIn);
  // Operands of one shape (a gradient added to .grad()) need no broadcast.
  if (self.sizes() != otherIn.sizes()) {
    Shape shape = broadcastShapes(op, self.sizes(), otherIn.sizes());
    if (shape != self.sizes())
      throw Error(std::string(op) + ": output with shape " +
                  shapeToString(self.sizes()) +
                  " doesn't match the broadcast shape " + shapeToString(shape) +
                  " of operands " + shapeToString(self.sizes()) + " and " +
                  shapeToString(otherIn.sizes()));
  }
  Dtype dt = promoteTypes(self.dtype(), otherIn.dtype());
  if (kind == InPlaceKind::Div && !isFloatingPoint(dt))
    dt = Dtype::Float32;
  if (dt == Dtype::Bool)
    dt = Dtype::Int64;
  if (dt != self.dtype())
    throw Error(std::string(op) + ": result type " + dtypeName(dt) +
                " can't be cast to the desired output type " +
                dtypeName(self.dtype()));
  if (GradMode::is_enabled() &&
      (self.requires_grad() || otherIn.requires_grad())) {
    checkInPlaceAllowed(op, self);
    Tensor other = to(otherIn, self.dtype());
    if (alpha != 1.0)
      other = mul(other, scalarLike(alpha, other.dtype()));
    bool needsOldSelf = kind == InPlaceKind::Mul || kind == InPlaceKind::Div;
    Tensor result = outOfPlace(kind, needsOldSelf ? clone(self) : self, other);
    copyData(*self.unsafeGetImpl(), *result.unsafeGetImpl());
    bumpVersion(self);
    self.unsafeGetImpl()->gradFn = result.unsafeGetImpl()->gradFn;
    return self;
  }
  inPlaceKernel(kind, self, castTo(otherIn, self.dtype()), alpha);
  bumpVersion(self);
  return self;
}
} // namespace

const Tensor &Tensor::add_(const Tensor &other, double alpha) const {
  runtime::notifyUnsupported("add_", "in-place ops cannot be traced");

  return inPlaceBinary("add_", InPlaceKind::Add, *this, other, alpha);
}
const Tensor &Tensor::add_(double other) const {
  runtime::notifyUnsupported("add_", "in-place ops cannot be traced");

  checkDefined("add_", *this);
  return add_(scalarLike(other, dtype()));
}
const Tensor &Tensor::sub_(const Tensor &other, double alpha) const {
  runtime::notifyUnsupported("sub_", "in-place ops cannot be traced");

  return inPlaceBinary("sub_", InPlaceKind::Sub, *this, other, alpha);
}
const Tensor &Tensor::sub_(double other) const {
  runtime::notifyUnsupported("sub_", "in-place ops cannot be traced");

  checkDefined("sub_", *this);
  return sub_(scalarLike(other, dtype()));
}
const Tensor &Tensor::mul_(const Tensor &other) const {
  runtime::notifyUnsupported("mul_", "in-place ops cannot be traced");

  return inPlaceBinary("mul_", InPlaceKind::Mul, *this, other);
}
const Tensor &Tensor::mul_(double other) const {
  runtime::notifyUnsupported("mul_", "in-place ops cannot be traced");

  checkDefined("mul_", *this);
  return mul_(scalarLike(other, dtype()));
}
const Tensor &Tensor::div_(const Tensor &other) const {
  runtime::notifyUnsupported("div_", "in-place ops cannot be traced");

  return inPlaceBinary("div_", InPlaceKind::Div, *this, other);
}
const Tensor &Tensor::div_(double other) const {
  runtime::notifyUnsupported("div_", "in-place ops cannot be traced");

  checkDefined("div_", *this);
  return div_(scalarLike(other, dtype()));
}

const Tensor &Tensor::fill_(double value) const {
  runtime::notifyUnsupported("fill_", "in-place ops cannot be traced");

  checkDefined("fill_", *this);
  bool record = GradMode::is_enabled() && requires_grad();
  if (record)
    checkInPlaceAllowed("fill_", *this);
  Tensor v = scalarLike(value, dtype());
  copyData(*impl_, *v.unsafeGetImpl());
  bumpVersion(*this);
  if (record)
    // The old history no longer contributes to the value.
    recordOp(*this, "FillBackward0", {}, {},
             [](const Tensor &, SavedTensors, const Node &) -> GradList {
               return {};
             });
  return *this;
}

const Tensor &Tensor::zero_() const {
  runtime::notifyUnsupported("zero_", "in-place ops cannot be traced");

  checkDefined("zero_", *this);
  return fill_(0.0);
}

const Tensor &Tensor::copy_(const Tensor &src) const {
  runtime::notifyUnsupported("copy_", "in-place ops cannot be traced");

  checkDefined("copy_", *this);
  checkDefined("copy_", src);
  Shape shape = broadcastShapes("copy_", sizes(), src.sizes());
  if (shape != sizes())
    throw Error("copy_: source of shape " + shapeToString(src.sizes()) +
                " cannot be broadcast to the destination shape " +
                shapeToString(sizes()));
  bool record =
      GradMode::is_enabled() && (requires_grad() || src.requires_grad());
  if (record)
    checkInPlaceAllowed("copy_", *this);
  copyData(*impl_, *src.unsafeGetImpl());
  bumpVersion(*this);
  if (record) {
    Shape srcShape = src.sizes();
    Dtype srcDtype = src.dtype();
    recordOp(*this, "CopyBackwards", {&src}, {},
             [srcShape, srcDtype](const Tensor &g, SavedTensors,
                                  const Node &n) -> GradList {
               if (!n.needsInputGrad(0))
                 return {Tensor()};
               return {adjit::to(sum_to(g, srcShape), srcDtype)};
             });
  }
  return *this;
}
