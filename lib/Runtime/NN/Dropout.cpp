//===- Dropout.cpp - The Dropout module -----------------------------------===//

#include "adjit/NN/Dropout.h"

using namespace adjit;
using namespace adjit::nn;

DropoutImpl::DropoutImpl(const DropoutOptions &opts)
    : Module("Dropout"), options(opts) {
  if (!(opts.p() >= 0.0 && opts.p() <= 1.0))
    throw Error("Dropout: dropout probability has to be between 0 and 1, "
                "but got " +
                std::to_string(opts.p()));
}

Tensor DropoutImpl::forward(const Tensor &input) {
  return adjit::dropout(input, options.p(), is_training());
}

Tensor functional::dropout(const Tensor &input,
                           const DropoutFuncOptions &options) {
  return adjit::dropout(input, options.p(), options.training());
}
