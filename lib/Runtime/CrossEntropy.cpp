//===- CrossEntropy.cpp - cross_entropy as a composite of primitives ------===//
//
// cross_entropy with class indices or class probabilities, per-class
// weights, an ignored target value and label smoothing, as PyTorch 1.13
// computes it. It is a fixed composition of log_softmax, comparisons,
// products, where and sums, so its eager gradient of any order, its trace
// and its compiled gradient all follow from theirs. The only thing it adds
// is the range check of the class indices, which a compiled function
// repeats on every call.
//
//===----------------------------------------------------------------------===//

#include "adjit/NN/CrossEntropy.h"
#include "TensorImpl.h"
#include "adjit/Runtime/OpObserver.h"

#include <algorithm>

using namespace adjit;
using namespace adjit::nn::functional;

namespace {
constexpr const char *kOp = "cross_entropy";

/// Throws unless `target` fits the logits `input`: int64 classes of the
/// input's shape without dim 1 (dim 0 for an unbatched input), or
/// floating-point probabilities of the input's shape.
void checkTarget(const Tensor &input, const Tensor &target) {
  bool probabilities = target.is_floating_point();
  if (!probabilities && target.dtype() != Dtype::Int64)
    throw Error(std::string(kOp) +
                ": expected int64 class targets or floating-point class "
                "probabilities, got " +
                dtypeName(target.dtype()) + " of shape " +
                shapeToString(target.sizes()) + " (input shape " +
                shapeToString(input.sizes()) + ")");
  // Compared in place: the check runs on every replay of a compiled loss.
  const Shape &logits = input.sizes(), &targets = target.sizes();
  auto classDim = static_cast<ptrdiff_t>(input.dim() == 1 ? 0 : 1);
  bool fits = probabilities
                  ? targets == logits
                  : targets.size() + 1 == logits.size() &&
                        std::equal(logits.begin(), logits.begin() + classDim,
                                   targets.begin()) &&
                        std::equal(logits.begin() + classDim + 1, logits.end(),
                                   targets.begin() + classDim);
  if (!fits)
    throw Error(std::string(kOp) +
                ": expected logits [N, C, d...] (or [C]) with class targets "
                "[N, d...] (or []) or probabilities of the logits' shape, got "
                "shapes " +
                shapeToString(input.sizes()) + " and " +
                shapeToString(target.sizes()));
}

/// The loss of batched logits `input` ([N, C, d...]) whose arguments were
/// checked: per element of [N, d...] for Reduction::None.
Tensor batchedLoss(const Tensor &input, const Tensor &target,
                   const CrossEntropyFuncOptions &options) {
  Dtype dtype = input.dtype();
  int64_t classes = input.size(1);
  // A per-class value [C] broadcast over the input: as it is for logits
  // [N, C], viewed as [1, C, 1, ...] for more dims.
  auto perClass = [&](const Tensor &value) {
    if (input.dim() == 2)
      return value;
    Shape classShape(static_cast<size_t>(input.dim()), 1);
    classShape[1] = classes;
    return value.view(classShape);
  };
  Tensor logp = log_softmax(input, 1);
  Tensor weight = options.weight().defined()
                      ? perClass(to(options.weight(), dtype))
                      : Tensor();
  double smoothing = options.label_smoothing();
  // q: the target distribution of each element, times the class weights.
  auto smoothAndWeigh = [&](Tensor q) {
    if (smoothing > 0)
      q = q * (1 - smoothing) + smoothing / static_cast<double>(classes);
    return weight.defined() ? q * weight : q;
  };
  static const Shape classDim = {1};
  auto elementLoss = [&](const Tensor &q) {
    return neg(sum(logp * q, classDim));
  };

  Reduction reduction = options.reduction();
  if (target.is_floating_point()) {
    Tensor loss = elementLoss(smoothAndWeigh(to(target, dtype)));
    return reduction == Reduction::Mean  ? mean(loss)
           : reduction == Reduction::Sum ? sum(loss)
                                         : loss;
  }

  Tensor onehot = to(eq(perClass(arange(static_cast<double>(classes), kInt64)),
                        unsqueeze(target, 1)),
                     dtype);
  // Where rather than a product with the mask: an ignored element's logits
  // never reach its loss, even when they are not finite.
  Tensor kept = target != static_cast<double>(options.ignore_index());
  Tensor loss = where(kept, elementLoss(smoothAndWeigh(onehot)), 0.0);
  if (reduction != Reduction::Mean)
    return reduction == Reduction::Sum ? sum(loss) : loss;
  // The weights of the kept targets (their count without weights).
  Tensor total = weight.defined()
                     ? sum(where(kept, sum(onehot * weight, classDim), 0.0))
                     : sum(to(kept, dtype));
  return sum(loss) / total;
}
} // namespace

Tensor
adjit::nn::functional::cross_entropy(const Tensor &input, const Tensor &target,
                                     const CrossEntropyFuncOptions &options) {
  checkDefined(kOp, input);
  checkDefined(kOp, target);
  if (!input.is_floating_point())
    throw Error(std::string(kOp) + ": expected floating-point logits, got " +
                dtypeName(input.dtype()) + " of shape " +
                shapeToString(input.sizes()));
  if (input.dim() == 0)
    throw Error(std::string(kOp) +
                ": expected logits [N, C, d...] or [C], got a 0-d tensor");
  checkTarget(input, target);
  bool unbatched = input.dim() == 1;
  int64_t classes = input.size(unbatched ? 0 : 1);
  double smoothing = options.label_smoothing();
  if (!(smoothing >= 0 && smoothing <= 1))
    throw Error(std::string(kOp) + ": label_smoothing must be in [0, 1], got " +
                std::to_string(smoothing));
  const Tensor &weight = options.weight();
  if (weight.defined()) {
    checkFloatingPoint(kOp, "weight", weight);
    if (weight.sizes() != Shape{classes})
      throw Error(std::string(kOp) + ": weight should have shape [" +
                  std::to_string(classes) + "] (one per class), got " +
                  shapeToString(weight.sizes()) + " (input shape " +
                  shapeToString(input.sizes()) + ")");
  }
  if (!target.is_floating_point()) {
    // A compiled function repeats this check before each call (the one-hot
    // rows would silently be zero for a target out of range).
    runtime::IndexRangeCheck targetsInRange{kOp, "target", classes, "classes",
                                            options.ignore_index()};
    runtime::notifyIndexCheck(targetsInRange, target);
    targetsInRange.verify(target);
  }
  if (!unbatched)
    return batchedLoss(input, target, options);
  Tensor loss = batchedLoss(unsqueeze(input, 0), unsqueeze(target, 0), options);
  return options.reduction() == Reduction::None ? squeeze(loss, 0) : loss;
}

Tensor adjit::nn::functional::cross_entropy(const Tensor &input,
                                            const Tensor &target,
                                            Reduction reduction) {
  return cross_entropy(input, target,
                       CrossEntropyFuncOptions().reduction(reduction));
}
