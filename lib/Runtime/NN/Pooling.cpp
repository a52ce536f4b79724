//===- Pooling.cpp - Pooling and Flatten modules --------------------------===//

#include "adjit/NN/Pooling.h"

using namespace adjit;
using namespace adjit::nn;

Tensor functional::max_pool2d(const Tensor &input,
                              const MaxPool2dFuncOptions &options) {
  return adjit::max_pool2d(input, options.kernel_size(), options.stride(),
                           options.padding(), options.dilation(),
                           options.ceil_mode());
}

Tensor functional::avg_pool2d(const Tensor &input,
                              const AvgPool2dFuncOptions &options) {
  return adjit::avg_pool2d(input, options.kernel_size(), options.stride(),
                           options.padding(), options.ceil_mode(),
                           options.count_include_pad());
}

Tensor
functional::adaptive_avg_pool2d(const Tensor &input,
                                const AdaptiveAvgPool2dFuncOptions &options) {
  return adjit::adaptive_avg_pool2d(input, options.output_size());
}

Tensor MaxPool2dImpl::forward(const Tensor &input) {
  return functional::max_pool2d(input, options);
}

Tensor AvgPool2dImpl::forward(const Tensor &input) {
  return functional::avg_pool2d(input, options);
}

Tensor AdaptiveAvgPool2dImpl::forward(const Tensor &input) {
  return functional::adaptive_avg_pool2d(input, options);
}

Tensor FlattenImpl::forward(const Tensor &input) {
  return adjit::flatten(input, options.start_dim(), options.end_dim());
}
