//===- Convolution.cpp - Conv1d and Conv2d modules ------------------------===//

#include "adjit/NN/Convolution.h"

#include <cmath>

using namespace adjit;
using namespace adjit::nn;

namespace {
/// Calls conv1d or conv2d with options' stride, padding (sizes or a mode),
/// dilation and groups.
template <size_t D, typename Options>
Tensor convolve(const Tensor &input, const Tensor &weight, const Tensor &bias,
                const Options &options) {
  auto call = [&](const auto &padding) {
    if constexpr (D == 1)
      return conv1d(input, weight, bias, options.stride(), padding,
                    options.dilation(), options.groups());
    else
      return conv2d(input, weight, bias, options.stride(), padding,
                    options.dilation(), options.groups());
  };
  if (const auto *sizes = std::get_if<ExpandingArray<D>>(&options.padding()))
    return call(sizes->shape());
  return call(std::string(
      std::get<PaddingMode>(options.padding()) == PaddingMode::Same ? "same"
                                                                    : "valid"));
}
} // namespace

template <size_t D>
ConvNdImpl<D>::ConvNdImpl(const ConvOptions<D> &opts)
    : Module(D == 1 ? "Conv1d" : "Conv2d"), options(opts) {
  const std::string layer = name();
  if (opts.in_channels() <= 0 || opts.out_channels() <= 0 || opts.groups() <= 0)
    throw Error(layer + ": channels and groups must be positive, got in=" +
                std::to_string(opts.in_channels()) +
                " out=" + std::to_string(opts.out_channels()) +
                " groups=" + std::to_string(opts.groups()));
  if (opts.in_channels() % opts.groups() || opts.out_channels() % opts.groups())
    throw Error(
        layer + ": groups=" + std::to_string(opts.groups()) +
        " must divide in_channels=" + std::to_string(opts.in_channels()) +
        " and out_channels=" + std::to_string(opts.out_channels()));
  for (int64_t k : opts.kernel_size().shape())
    if (k <= 0)
      throw Error(layer + ": kernel sizes must be positive, got " +
                  shapeToString(opts.kernel_size()));
  Shape weightShape = {opts.out_channels(), opts.in_channels() / opts.groups()};
  for (int64_t k : opts.kernel_size().shape())
    weightShape.push_back(k);
  weight = register_parameter("weight", empty(weightShape));
  if (opts.bias())
    bias = register_parameter("bias", empty({opts.out_channels()}));
  reset_parameters();
}

template <size_t D> void ConvNdImpl<D>::reset_parameters() {
  // kaiming_uniform_(a = sqrt(5)) reduces to U(-1/sqrt(fan_in),
  // 1/sqrt(fan_in)); the bias uses the same bound, as in PyTorch.
  double fanIn = static_cast<double>(weight.numel() / weight.size(0));
  double bound = 1.0 / std::sqrt(fanIn);
  init::uniform_(weight, -bound, bound);
  if (bias.defined())
    init::uniform_(bias, -bound, bound);
}

template <size_t D> Tensor ConvNdImpl<D>::forward(const Tensor &input) {
  return convolve<D>(input, weight, bias, options);
}

template class adjit::nn::ConvNdImpl<1>;
template class adjit::nn::ConvNdImpl<2>;

Tensor functional::conv1d(const Tensor &input, const Tensor &weight,
                          const Conv1dFuncOptions &options) {
  return convolve<1>(input, weight, options.bias(), options);
}

Tensor functional::conv2d(const Tensor &input, const Tensor &weight,
                          const Conv2dFuncOptions &options) {
  return convolve<2>(input, weight, options.bias(), options);
}
