//===- Loss.h - MSELoss, CrossEntropyLoss, BCEWithLogitsLoss ---*- C++ -*-===//

#ifndef ADJIT_NN_LOSS_H
#define ADJIT_NN_LOSS_H

#include "adjit/NN.h"
#include "adjit/NN/CrossEntropy.h"

namespace adjit {
namespace nn {

/// Options of the losses whose only option is the reduction (LibTorch's
/// MSELossOptions, BCEWithLogitsLossOptions): `MSELossOptions(Sum)` or
/// `MSELossOptions().reduction(Sum)`.
class ReductionLossOptions {
public:
  ReductionLossOptions(
      functional::Reduction reduction = functional::Reduction::Mean)
      : reduction_(reduction) {}
  ReductionLossOptions &reduction(functional::Reduction v) {
    return reduction_ = v, *this;
  }
  functional::Reduction reduction() const { return reduction_; }

private:
  functional::Reduction reduction_;
};
using MSELossOptions = ReductionLossOptions;
using BCEWithLogitsLossOptions = ReductionLossOptions;

/// functional::mse_loss as a module: `loss(input, target)`.
class MSELossImpl : public Module {
public:
  explicit MSELossImpl(const MSELossOptions &options = {});
  Tensor forward(const Tensor &input, const Tensor &target);
  MSELossOptions options;
};
ADJIT_MODULE(MSELoss);

/// functional::binary_cross_entropy_with_logits as a module (no `weight` or
/// `pos_weight`).
class BCEWithLogitsLossImpl : public Module {
public:
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions &options = {});
  Tensor forward(const Tensor &input, const Tensor &target);
  BCEWithLogitsLossOptions options;
};
ADJIT_MODULE(BCEWithLogitsLoss);

/// Options of CrossEntropyLoss (LibTorch's CrossEntropyLossOptions): those of
/// functional::cross_entropy.
using CrossEntropyLossOptions = functional::CrossEntropyFuncOptions;

/// functional::cross_entropy as a module, as LibTorch's CrossEntropyLoss:
/// the class weights, if given, are the buffer "weight" (so `to(dtype)`
/// converts them with the model).
class CrossEntropyLossImpl : public Module {
public:
  explicit CrossEntropyLossImpl(const CrossEntropyLossOptions &options = {});
  Tensor forward(const Tensor &input, const Tensor &target);
  CrossEntropyLossOptions options;
  /// The class weights (undefined without them).
  Tensor weight;
};
ADJIT_MODULE(CrossEntropyLoss);

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_LOSS_H
