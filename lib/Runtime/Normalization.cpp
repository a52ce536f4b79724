//===- Normalization.cpp - batch_norm as a composite of primitives --------===//
//
// batch_norm is a fixed composition of differentiable primitives (mean,
// subtraction, multiplication, sqrt, division), so its eager gradient (of
// any order), its trace and its compiled gradient all follow from theirs.
// The update of the running statistics is a state write
// (runtime::writeState), which a traced function returns and its compiled
// version writes back after each call.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"
#include "adjit/Autograd.h"
#include "adjit/Runtime/OpObserver.h"

using namespace adjit;

namespace {
constexpr const char *kOp = "batch_norm";

/// Throws unless `tensor` is undefined (when `optional`) or a floating-point
/// tensor of `channels` elements.
void checkPerChannel(const Tensor &tensor, const char *what, int64_t channels,
                     const Tensor &input, bool optional = true) {
  if (!tensor.defined()) {
    if (optional)
      return;
    throw Error(std::string(kOp) + ": " + what + " is undefined");
  }
  if (tensor.numel() != channels || tensor.dim() != 1)
    throw Error(std::string(kOp) + ": " + what + " should have shape [" +
                std::to_string(channels) +
                "] (one value per channel of input " +
                shapeToString(input.sizes()) + "), got " +
                shapeToString(tensor.sizes()));
  checkFloatingPoint(kOp, what, tensor);
}
} // namespace

Tensor adjit::batch_norm(const Tensor &input, const Tensor &weight,
                         const Tensor &bias, const Tensor &running_mean,
                         const Tensor &running_var, bool training,
                         double momentum, double eps) {
  checkDefined(kOp, input);
  if (input.dim() < 2 || input.dim() > 4)
    throw Error(std::string(kOp) +
                ": expected an input of shape [N, C], [N, C, L] or "
                "[N, C, H, W], got " +
                shapeToString(input.sizes()));
  if (!input.is_floating_point())
    throw Error(std::string(kOp) + ": expected a floating-point input, got " +
                dtypeName(input.dtype()) + " of shape " +
                shapeToString(input.sizes()));
  int64_t channels = input.sizes()[1];
  checkPerChannel(weight, "weight", channels, input);
  checkPerChannel(bias, "bias", channels, input);
  if (running_mean.defined() != running_var.defined())
    throw Error(std::string(kOp) +
                ": running_mean and running_var must both be defined or both "
                "undefined (input shape " +
                shapeToString(input.sizes()) + ")");
  checkPerChannel(running_mean, "running_mean", channels, input);
  checkPerChannel(running_var, "running_var", channels, input);
  if (!(eps >= 0))
    throw Error(std::string(kOp) + ": eps must be non-negative, got " +
                std::to_string(eps));

  // The statistics are per channel: over every dim but 1.
  Shape dims = {0};
  Shape channelShape(input.dim(), 1);
  channelShape[1] = channels;
  for (int64_t d = 2; d < input.dim(); ++d)
    dims.push_back(d);
  int64_t count = channels ? input.numel() / channels : 0;
  if (training && count <= 1)
    throw Error(std::string(kOp) +
                ": expected more than 1 value per channel when training, got "
                "input of shape " +
                shapeToString(input.sizes()));

  Tensor centered, variance;
  if (training || !running_mean.defined()) {
    Tensor batchMean = mean(input, dims, /*keepdim=*/true);
    centered = input - batchMean;
    // The biased variance normalizes.
    variance = mean(centered * centered, dims, /*keepdim=*/true);
    if (training && running_mean.defined()) {
      // The running variance takes the unbiased one.
      NoGradGuard noGrad;
      double unbiased = static_cast<double>(count) / (count - 1.0);
      Tensor meanPerChannel = batchMean.detach().reshape({channels});
      Tensor varPerChannel = variance.detach().reshape({channels}) * unbiased;
      runtime::writeState(kOp, running_mean,
                          running_mean * (1 - momentum) +
                              meanPerChannel * momentum);
      runtime::writeState(kOp, running_var,
                          running_var * (1 - momentum) +
                              varPerChannel * momentum);
    }
  } else {
    centered = input - running_mean.reshape(channelShape);
    variance = running_var.reshape(channelShape);
  }
  Tensor result = centered / sqrt(variance + eps);
  if (weight.defined())
    result = result * weight.reshape(channelShape);
  if (bias.defined())
    result = result + bias.reshape(channelShape);
  return result;
}
