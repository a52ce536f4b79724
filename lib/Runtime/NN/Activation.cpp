//===- Activation.cpp - GELU and the functional softmax options -----------===//

#include "adjit/NN/Activation.h"

using namespace adjit;
using namespace adjit::nn;

GELUImpl::GELUImpl(const GELUOptions &opts) : Module("GELU"), options(opts) {
  if (opts.approximate() != "none" && opts.approximate() != "tanh")
    throw Error("GELU: approximate must be \"none\" or \"tanh\", got \"" +
                opts.approximate() + "\"");
}

Tensor GELUImpl::forward(const Tensor &input) {
  return adjit::gelu(input, options.approximate());
}

Tensor functional::gelu(const Tensor &input, const GELUFuncOptions &options) {
  return adjit::gelu(input, options.approximate());
}

Tensor functional::softmax(const Tensor &input,
                           const SoftmaxFuncOptions &options) {
  return softmax(input, options.dim());
}

Tensor functional::log_softmax(const Tensor &input,
                               const LogSoftmaxFuncOptions &options) {
  return log_softmax(input, options.dim());
}
