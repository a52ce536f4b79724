//===- CrossEntropy.h - cross_entropy with LibTorch's options ---*- C++ -*-===//

#ifndef ADJIT_NN_CROSSENTROPY_H
#define ADJIT_NN_CROSSENTROPY_H

#include "adjit/NN.h"

namespace adjit {
namespace nn {
namespace functional {

/// Options of cross_entropy (LibTorch's CrossEntropyFuncOptions): per-class
/// weights, the target value that is ignored, the reduction and the amount
/// of label smoothing.
class CrossEntropyFuncOptions {
public:
  /// A floating-point tensor of shape [C] (undefined: every class 1).
  CrossEntropyFuncOptions &weight(const Tensor &v) {
    return weight_ = v, *this;
  }
  /// Targets equal to this value get zero loss and zero gradient and do not
  /// count towards the mean (any value; PyTorch's default -100).
  CrossEntropyFuncOptions &ignore_index(int64_t v) {
    return ignoreIndex_ = v, *this;
  }
  CrossEntropyFuncOptions &reduction(Reduction v) {
    return reduction_ = v, *this;
  }
  /// In [0, 1]: the target distribution is (1 - s) times the target's
  /// one-hot row plus s / C everywhere.
  CrossEntropyFuncOptions &label_smoothing(double v) {
    return labelSmoothing_ = v, *this;
  }
  const Tensor &weight() const { return weight_; }
  int64_t ignore_index() const { return ignoreIndex_; }
  Reduction reduction() const { return reduction_; }
  double label_smoothing() const { return labelSmoothing_; }

private:
  Tensor weight_;
  int64_t ignoreIndex_ = -100;
  Reduction reduction_ = Reduction::Mean;
  double labelSmoothing_ = 0.0;
};

/// Cross entropy of logits \p input ([N, C], [N, C, d1, ...] or unbatched
/// [C]) with PyTorch 1.13's semantics, as an exact composite of
/// log_softmax over dim 1, comparisons and reductions:
/// - int64 class \p target ([N], [N, d1, ...] or []): the loss of an element
///   is -sum_c w_c q_c log p_c with q the smoothed one-hot row of its target
///   and w the weights; ignored targets give 0; the mean divides by the sum
///   of the weights of the targets that are not ignored (their count without
///   weights; NaN if there are none). Targets must lie in [0, C) or equal
///   ignore_index, eagerly and on every compiled call.
/// - floating-point class probabilities \p target of the input's shape: the
///   loss of an element is -sum_c w_c q_c log p_c with q the smoothed target
///   row; the mean divides by the number of elements (ignore_index does not
///   apply).
Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     const CrossEntropyFuncOptions &options);

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_CROSSENTROPY_H
