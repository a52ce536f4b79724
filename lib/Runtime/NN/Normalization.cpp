//===- Normalization.cpp - BatchNorm1d and BatchNorm2d modules ------------===//

#include "adjit/NN/Normalization.h"

using namespace adjit;
using namespace adjit::nn;

BatchNormImplBase::BatchNormImplBase(const BatchNormOptions &opts,
                                     std::string name, int64_t minDims,
                                     int64_t maxDims)
    : Module(std::move(name)), options(opts), minDims(minDims),
      maxDims(maxDims) {
  if (opts.num_features() <= 0)
    throw Error(this->name() + ": num_features must be positive, got " +
                std::to_string(opts.num_features()));
  int64_t c = opts.num_features();
  if (opts.affine()) {
    weight = register_parameter("weight", ones({c}));
    bias = register_parameter("bias", zeros({c}));
  }
  if (opts.track_running_stats()) {
    running_mean = register_buffer("running_mean", zeros({c}));
    running_var = register_buffer("running_var", ones({c}));
  }
}

void BatchNormImplBase::reset_running_stats() {
  if (!options.track_running_stats())
    return;
  init::zeros_(running_mean);
  init::ones_(running_var);
}

void BatchNormImplBase::reset_parameters() {
  reset_running_stats();
  if (!options.affine())
    return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor BatchNormImplBase::forward(const Tensor &input) {
  if (!input.defined() || input.dim() < minDims || input.dim() > maxDims)
    throw Error(name() + ": expected " +
                (minDims == maxDims ? std::to_string(minDims) + "D"
                                    : std::to_string(minDims) + "D or " +
                                          std::to_string(maxDims) + "D") +
                " input, got " +
                (input.defined() ? std::to_string(input.dim()) +
                                       "D input "
                                       "of shape " +
                                       shapeToString(input.sizes())
                                 : std::string("an undefined tensor")));
  // Batch statistics are used in training mode and whenever there are no
  // running statistics to use, as in PyTorch.
  bool useBatchStats = is_training() || !options.track_running_stats();
  return adjit::batch_norm(input, weight, bias, running_mean, running_var,
                           useBatchStats, options.momentum(), options.eps());
}

Tensor functional::batch_norm(const Tensor &input, const Tensor &running_mean,
                              const Tensor &running_var,
                              const BatchNormFuncOptions &options) {
  return adjit::batch_norm(input, options.weight(), options.bias(),
                           running_mean, running_var, options.training(),
                           options.momentum(), options.eps());
}
