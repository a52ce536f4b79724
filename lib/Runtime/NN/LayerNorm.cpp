//===- LayerNorm.cpp - The LayerNorm module -------------------------------===//

#include "adjit/NN/LayerNorm.h"

using namespace adjit;
using namespace adjit::nn;

LayerNormImpl::LayerNormImpl(const LayerNormOptions &opts)
    : Module("LayerNorm"), options(opts) {
  const Shape &shape = opts.normalized_shape();
  bool positive = !shape.empty();
  for (int64_t size : shape)
    positive = positive && size > 0;
  if (!positive)
    throw Error("LayerNorm: normalized_shape must be non-empty with positive "
                "sizes, got " +
                shapeToString(shape));
  if (opts.elementwise_affine()) {
    weight = register_parameter("weight", ones(shape));
    bias = register_parameter("bias", zeros(shape));
  }
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine())
    return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor LayerNormImpl::forward(const Tensor &input) {
  return adjit::layer_norm(input, options.normalized_shape(), weight, bias,
                           options.eps());
}

Tensor functional::layer_norm(const Tensor &input,
                              const LayerNormFuncOptions &options) {
  return adjit::layer_norm(input, options.normalized_shape(), options.weight(),
                           options.bias(), options.eps());
}
