//===- Convolution.h - Conv1d and Conv2d modules ----------------*- C++ -*-===//

#ifndef ADJIT_NN_CONVOLUTION_H
#define ADJIT_NN_CONVOLUTION_H

#include "adjit/NN.h"
#include "adjit/NN/ExpandingArray.h"

#include <variant>

namespace adjit {
namespace nn {

/// Padding by name: "same" keeps the spatial size (stride 1 only), "valid"
/// pads nothing (LibTorch's torch::kSame and torch::kValid).
enum class PaddingMode { Same, Valid };

/// Options of an N-d convolution (LibTorch's ConvOptions<D>).
template <size_t D> class ConvOptions {
public:
  using Padding = std::variant<ExpandingArray<D>, PaddingMode>;

  ConvOptions(int64_t inChannels, int64_t outChannels,
              ExpandingArray<D> kernelSize)
      : inChannels_(inChannels), outChannels_(outChannels),
        kernelSize_(kernelSize) {}
  ConvOptions &stride(ExpandingArray<D> v) { return stride_ = v, *this; }
  ConvOptions &padding(ExpandingArray<D> v) { return padding_ = v, *this; }
  ConvOptions &padding(PaddingMode v) { return padding_ = v, *this; }
  ConvOptions &dilation(ExpandingArray<D> v) { return dilation_ = v, *this; }
  ConvOptions &groups(int64_t v) { return groups_ = v, *this; }
  ConvOptions &bias(bool v) { return bias_ = v, *this; }

  int64_t in_channels() const { return inChannels_; }
  int64_t out_channels() const { return outChannels_; }
  const ExpandingArray<D> &kernel_size() const { return kernelSize_; }
  const ExpandingArray<D> &stride() const { return stride_; }
  const Padding &padding() const { return padding_; }
  const ExpandingArray<D> &dilation() const { return dilation_; }
  int64_t groups() const { return groups_; }
  bool bias() const { return bias_; }

private:
  int64_t inChannels_, outChannels_;
  ExpandingArray<D> kernelSize_;
  ExpandingArray<D> stride_ = 1;
  Padding padding_ = ExpandingArray<D>(0);
  ExpandingArray<D> dilation_ = 1;
  int64_t groups_ = 1;
  bool bias_ = true;
};
using Conv1dOptions = ConvOptions<1>;
using Conv2dOptions = ConvOptions<2>;

/// A convolution layer over D spatial dims: weight [out, in / groups,
/// k...], bias [out], both initialized as in PyTorch: U(-b, b) with b =
/// 1 / sqrt(in / groups * prod(k)) (kaiming_uniform_ with a = sqrt(5)).
template <size_t D> class ConvNdImpl : public Module {
public:
  explicit ConvNdImpl(const ConvOptions<D> &options);
  /// Re-draws the parameters from the global generator.
  void reset_parameters();
  Tensor forward(const Tensor &input) override;

  ConvOptions<D> options;
  Tensor weight;
  Tensor bias;
};

/// Conv1d over [N, C, L] (or unbatched [C, L]) inputs.
class Conv1dImpl : public ConvNdImpl<1> {
public:
  Conv1dImpl(int64_t inChannels, int64_t outChannels,
             ExpandingArray<1> kernelSize)
      : Conv1dImpl(Conv1dOptions(inChannels, outChannels, kernelSize)) {}
  explicit Conv1dImpl(const Conv1dOptions &options) : ConvNdImpl(options) {}
};
ADJIT_MODULE(Conv1d);

/// Conv2d over [N, C, H, W] (or unbatched [C, H, W]) inputs.
class Conv2dImpl : public ConvNdImpl<2> {
public:
  Conv2dImpl(int64_t inChannels, int64_t outChannels,
             ExpandingArray<2> kernelSize)
      : Conv2dImpl(Conv2dOptions(inChannels, outChannels, kernelSize)) {}
  explicit Conv2dImpl(const Conv2dOptions &options) : ConvNdImpl(options) {}
};
ADJIT_MODULE(Conv2d);

namespace functional {

/// Options of functional::conv1d / conv2d (LibTorch's ConvFuncOptions).
template <size_t D> class ConvFuncOptions {
public:
  using Padding = typename ConvOptions<D>::Padding;
  ConvFuncOptions &bias(const Tensor &v) { return bias_ = v, *this; }
  ConvFuncOptions &stride(ExpandingArray<D> v) { return stride_ = v, *this; }
  ConvFuncOptions &padding(ExpandingArray<D> v) { return padding_ = v, *this; }
  ConvFuncOptions &padding(PaddingMode v) { return padding_ = v, *this; }
  ConvFuncOptions &dilation(ExpandingArray<D> v) {
    return dilation_ = v, *this;
  }
  ConvFuncOptions &groups(int64_t v) { return groups_ = v, *this; }

  const Tensor &bias() const { return bias_; }
  const ExpandingArray<D> &stride() const { return stride_; }
  const Padding &padding() const { return padding_; }
  const ExpandingArray<D> &dilation() const { return dilation_; }
  int64_t groups() const { return groups_; }

private:
  Tensor bias_;
  ExpandingArray<D> stride_ = 1;
  Padding padding_ = ExpandingArray<D>(0);
  ExpandingArray<D> dilation_ = 1;
  int64_t groups_ = 1;
};
using Conv1dFuncOptions = ConvFuncOptions<1>;
using Conv2dFuncOptions = ConvFuncOptions<2>;

Tensor conv1d(const Tensor &input, const Tensor &weight,
              const Conv1dFuncOptions &options = {});
Tensor conv2d(const Tensor &input, const Tensor &weight,
              const Conv2dFuncOptions &options = {});

} // namespace functional
} // namespace nn

/// LibTorch's torch::kSame and torch::kValid.
inline constexpr nn::PaddingMode kSame = nn::PaddingMode::Same;
inline constexpr nn::PaddingMode kValid = nn::PaddingMode::Valid;

} // namespace adjit

#endif // ADJIT_NN_CONVOLUTION_H
