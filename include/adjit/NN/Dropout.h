//===- Dropout.h - The Dropout module ---------------------------*- C++ -*-===//

#ifndef ADJIT_NN_DROPOUT_H
#define ADJIT_NN_DROPOUT_H

#include "adjit/NN.h"

namespace adjit {
namespace nn {

/// Options of Dropout: the probability of zeroing an element.
class DropoutOptions {
public:
  DropoutOptions(double p = 0.5) : p_(p) {}
  DropoutOptions &p(double v) { return p_ = v, *this; }
  double p() const { return p_; }

private:
  double p_;
};

/// Zeroes elements with probability p and scales the others by 1 / (1 - p)
/// in training mode; the identity in eval mode.
class DropoutImpl : public Module {
public:
  explicit DropoutImpl(const DropoutOptions &options = {});
  Tensor forward(const Tensor &input) override;
  DropoutOptions options;
};
ADJIT_MODULE(Dropout);

namespace functional {

/// Options of functional::dropout.
class DropoutFuncOptions {
public:
  DropoutFuncOptions &p(double v) { return p_ = v, *this; }
  DropoutFuncOptions &training(bool v) { return training_ = v, *this; }
  double p() const { return p_; }
  bool training() const { return training_; }

private:
  double p_ = 0.5;
  bool training_ = true;
};

Tensor dropout(const Tensor &input, const DropoutFuncOptions &options = {});

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_DROPOUT_H
