//===- Loss.cpp - Loss modules --------------------------------------------===//

#include "adjit/NN/Loss.h"

using namespace adjit;
using namespace adjit::nn;

MSELossImpl::MSELossImpl(const MSELossOptions &opts)
    : Module("MSELoss"), options(opts) {}

Tensor MSELossImpl::forward(const Tensor &input, const Tensor &target) {
  return functional::mse_loss(input, target, options.reduction());
}

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(
    const BCEWithLogitsLossOptions &opts)
    : Module("BCEWithLogitsLoss"), options(opts) {}

Tensor BCEWithLogitsLossImpl::forward(const Tensor &input,
                                      const Tensor &target) {
  return functional::binary_cross_entropy_with_logits(input, target,
                                                      options.reduction());
}

CrossEntropyLossImpl::CrossEntropyLossImpl(const CrossEntropyLossOptions &opts)
    : Module("CrossEntropyLoss"), options(opts) {
  if (opts.weight().defined())
    weight = register_buffer("weight", opts.weight());
}

Tensor CrossEntropyLossImpl::forward(const Tensor &input,
                                     const Tensor &target) {
  // The buffer, which to(dtype) may have converted, in place of the
  // options' tensor.
  CrossEntropyLossOptions current = options;
  if (weight.defined())
    current.weight(weight);
  return functional::cross_entropy(input, target, current);
}
