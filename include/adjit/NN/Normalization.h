//===- Normalization.h - BatchNorm1d and BatchNorm2d modules ----*- C++ -*-===//

#ifndef ADJIT_NN_NORMALIZATION_H
#define ADJIT_NN_NORMALIZATION_H

#include "adjit/NN.h"

namespace adjit {
namespace nn {

/// Options of BatchNorm1d and BatchNorm2d (LibTorch's BatchNormOptions).
class BatchNormOptions {
public:
  BatchNormOptions(int64_t numFeatures) : numFeatures_(numFeatures) {}
  BatchNormOptions &eps(double v) { return eps_ = v, *this; }
  BatchNormOptions &momentum(double v) { return momentum_ = v, *this; }
  BatchNormOptions &affine(bool v) { return affine_ = v, *this; }
  BatchNormOptions &track_running_stats(bool v) {
    return trackRunningStats_ = v, *this;
  }
  int64_t num_features() const { return numFeatures_; }
  double eps() const { return eps_; }
  double momentum() const { return momentum_; }
  bool affine() const { return affine_; }
  bool track_running_stats() const { return trackRunningStats_; }

private:
  int64_t numFeatures_;
  double eps_ = 1e-5, momentum_ = 0.1;
  bool affine_ = true, trackRunningStats_ = true;
};

/// Batch normalization over the channel dim (dim 1). In training mode it
/// normalizes with the batch statistics and updates the buffers
/// running_mean and running_var (r = (1 - momentum) r + momentum s, with the
/// unbiased batch variance); in eval mode it normalizes with the buffers.
/// Without track_running_stats it always uses batch statistics. The
/// parameters weight (ones) and bias (zeros) exist when affine.
class BatchNormImplBase : public Module {
public:
  BatchNormImplBase(const BatchNormOptions &options, std::string name,
                    int64_t minDims, int64_t maxDims);
  Tensor forward(const Tensor &input) override;
  /// Sets running_mean to 0 and running_var to 1.
  void reset_running_stats();
  /// Resets the running statistics and the affine parameters.
  void reset_parameters();

  BatchNormOptions options;
  Tensor weight, bias;
  Tensor running_mean, running_var;

private:
  int64_t minDims, maxDims;
};

/// Over [N, C] or [N, C, L] inputs.
class BatchNorm1dImpl : public BatchNormImplBase {
public:
  BatchNorm1dImpl(const BatchNormOptions &options)
      : BatchNormImplBase(options, "BatchNorm1d", 2, 3) {}
};
ADJIT_MODULE(BatchNorm1d);

/// Over [N, C, H, W] inputs.
class BatchNorm2dImpl : public BatchNormImplBase {
public:
  BatchNorm2dImpl(const BatchNormOptions &options)
      : BatchNormImplBase(options, "BatchNorm2d", 4, 4) {}
};
ADJIT_MODULE(BatchNorm2d);

namespace functional {

/// Options of functional::batch_norm (LibTorch's BatchNormFuncOptions).
class BatchNormFuncOptions {
public:
  BatchNormFuncOptions &weight(const Tensor &v) { return weight_ = v, *this; }
  BatchNormFuncOptions &bias(const Tensor &v) { return bias_ = v, *this; }
  BatchNormFuncOptions &training(bool v) { return training_ = v, *this; }
  BatchNormFuncOptions &momentum(double v) { return momentum_ = v, *this; }
  BatchNormFuncOptions &eps(double v) { return eps_ = v, *this; }
  const Tensor &weight() const { return weight_; }
  const Tensor &bias() const { return bias_; }
  bool training() const { return training_; }
  double momentum() const { return momentum_; }
  double eps() const { return eps_; }

private:
  Tensor weight_, bias_;
  bool training_ = false;
  double momentum_ = 0.1, eps_ = 1e-5;
};

Tensor batch_norm(const Tensor &input, const Tensor &running_mean,
                  const Tensor &running_var,
                  const BatchNormFuncOptions &options = {});

} // namespace functional
} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_NORMALIZATION_H
