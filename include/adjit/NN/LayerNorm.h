//===- LayerNorm.h - The LayerNorm module -----------------------*- C++ -*-===//

#ifndef ADJIT_NN_LAYERNORM_H
#define ADJIT_NN_LAYERNORM_H

#include "adjit/NN.h"

namespace adjit {
namespace nn {

/// Options of LayerNorm (LibTorch's LayerNormOptions): the trailing shape
/// that is normalized, eps, and whether there are affine parameters.
class LayerNormOptions {
public:
  LayerNormOptions(Shape normalizedShape)
      : normalizedShape_(std::move(normalizedShape)) {}
  LayerNormOptions &eps(double v) { return eps_ = v, *this; }
  LayerNormOptions &elementwise_affine(bool v) {
    return elementwiseAffine_ = v, *this;
  }
  const Shape &normalized_shape() const { return normalizedShape_; }
  double eps() const { return eps_; }
  bool elementwise_affine() const { return elementwiseAffine_; }

private:
  Shape normalizedShape_;
  double eps_ = 1e-5;
  bool elementwiseAffine_ = true;
};

/// Layer normalization over the trailing dims normalized_shape (see
/// adjit::layer_norm). With elementwise_affine, the parameters weight (ones)
/// and bias (zeros) have shape normalized_shape.
class LayerNormImpl : public Module {
public:
  explicit LayerNormImpl(const LayerNormOptions &options);
  Tensor forward(const Tensor &input) override;
  /// Sets weight to ones and bias to zeros.
  void reset_parameters();

  LayerNormOptions options;
  Tensor weight, bias;
};
ADJIT_MODULE(LayerNorm);

namespace functional {

/// Options of functional::layer_norm (LibTorch's LayerNormFuncOptions).
class LayerNormFuncOptions {
public:
  LayerNormFuncOptions(Shape normalizedShape)
      : normalizedShape_(std::move(normalizedShape)) {}
  LayerNormFuncOptions &weight(const Tensor &v) { return weight_ = v, *this; }
  LayerNormFuncOptions &bias(const Tensor &v) { return bias_ = v, *this; }
  LayerNormFuncOptions &eps(double v) { return eps_ = v, *this; }
  const Shape &normalized_shape() const { return normalizedShape_; }
  const Tensor &weight() const { return weight_; }
  const Tensor &bias() const { return bias_; }
  double eps() const { return eps_; }

private:
  Shape normalizedShape_;
  Tensor weight_, bias_;
  double eps_ = 1e-5;
};

/// adjit::layer_norm with the options' shape, weight, bias and eps.
Tensor layer_norm(const Tensor &input, const LayerNormFuncOptions &options);

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_LAYERNORM_H
