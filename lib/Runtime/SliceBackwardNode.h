//===- SliceBackwardNode.h - Backward of slice and select -------*- C++ -*-===//
//
// The backward node of a view that is one region of its input: slice (and
// narrow, split, chunk, which are slices) and select. The input's gradient
// is the output's gradient inside the region and zero outside it.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_RUNTIME_SLICEBACKWARDNODE_H
#define ADJIT_LIB_RUNTIME_SLICEBACKWARDNODE_H

#include "TensorImpl.h"

namespace adjit {

/// The backward of slice(input, dim, start, end, step) or, if \p selects,
/// of select(input, dim, start) (end = start + 1, step = 1).
///
/// apply() builds the dense gradient, a zero tensor of the input's shape
/// with the output's gradient copied into the region, in differentiable ops
/// (create_graph uses it). Outside create_graph the engine instead adds the
/// output's gradient into region() of the input's gradient buffer in place,
/// so that a tensor sliced many times (an RNN's parameters, read once per
/// step) gets one buffer rather than one zero tensor per use.
class SliceBackwardNode final : public Node {
public:
  SliceBackwardNode(Shape inputShape, int64_t dim, int64_t start, int64_t end,
                    int64_t step, bool selects)
      : inputShape_(std::move(inputShape)), dim_(dim), start_(start), end_(end),
        step_(step), selects_(selects) {}
  const char *name() const override {
    return selects_ ? "SelectBackward0" : "SliceBackward0";
  }
  GradList apply(const Tensor &grad) override {
    return {slice_backward(selects_ ? unsqueeze(grad, dim_) : grad, inputShape_,
                           dim_, start_, end_, step_)};
  }
  /// The shape of the input, and of its gradient.
  const Shape &inputShape() const { return inputShape_; }
  /// True if \p gradShape is the shape of the output.
  bool fitsOutput(const Shape &gradShape) const {
    if (gradShape.size() + (selects_ ? 1 : 0) != inputShape_.size())
      return false;
    size_t j = 0;
    for (size_t i = 0; i < inputShape_.size(); ++i) {
      if (static_cast<int64_t>(i) != dim_) {
        if (gradShape[j++] != inputShape_[i])
          return false;
      } else if (!selects_ && gradShape[j++] !=
                                  semantics::sliceLength(start_, end_, step_)) {
        return false;
      }
    }
    return true;
  }
  /// The view of \p inputGrad (of the input's shape) that the output's
  /// gradient belongs to; it has the output's shape.
  Tensor region(const Tensor &inputGrad) const {
    return selects_ ? select(inputGrad, dim_, start_)
                    : slice(inputGrad, dim_, start_, end_, step_);
  }

private:
  Shape inputShape_;
  int64_t dim_, start_, end_, step_;
  bool selects_;
};

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_SLICEBACKWARDNODE_H
