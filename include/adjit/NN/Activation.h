//===- Activation.h - GELU and the softmax options --------------*- C++ -*-===//

#ifndef ADJIT_NN_ACTIVATION_H
#define ADJIT_NN_ACTIVATION_H

#include "adjit/NN.h"

#include <string>

namespace adjit {
namespace nn {

/// Options of GELU (LibTorch's GELUOptions): "none" (the exact erf form) or
/// "tanh".
class GELUOptions {
public:
  GELUOptions &approximate(std::string v) {
    return approximate_ = std::move(v), *this;
  }
  const std::string &approximate() const { return approximate_; }

private:
  std::string approximate_ = "none";
};

/// GELU as a module (see adjit::gelu).
class GELUImpl : public Module {
public:
  explicit GELUImpl(const GELUOptions &options = {});
  Tensor forward(const Tensor &input) override;
  GELUOptions options;
};
ADJIT_MODULE(GELU);

namespace functional {

/// Options of functional::gelu (LibTorch's GELUFuncOptions).
using GELUFuncOptions = GELUOptions;

/// adjit::gelu with the options' approximation.
Tensor gelu(const Tensor &input, const GELUFuncOptions &options = {});

/// Options of functional::softmax and log_softmax: the dim.
class SoftmaxFuncOptions {
public:
  SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}
  SoftmaxFuncOptions &dim(int64_t v) { return dim_ = v, *this; }
  int64_t dim() const { return dim_; }

private:
  int64_t dim_;
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;

/// softmax and log_softmax along the options' dim (any dim, negative
/// counting from the end).
Tensor softmax(const Tensor &input, const SoftmaxFuncOptions &options);
Tensor log_softmax(const Tensor &input, const LogSoftmaxFuncOptions &options);

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_ACTIVATION_H
