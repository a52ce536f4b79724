//===- Pooling.h - Pooling and Flatten modules ------------------*- C++ -*-===//

#ifndef ADJIT_NN_POOLING_H
#define ADJIT_NN_POOLING_H

#include "adjit/NN.h"
#include "adjit/NN/ExpandingArray.h"

#include <optional>

namespace adjit {
namespace nn {

/// Options of MaxPool2d and functional::max_pool2d. The stride defaults to
/// the kernel size.
class MaxPool2dOptions {
public:
  MaxPool2dOptions(ExpandingArray<2> kernelSize) : kernelSize_(kernelSize) {}
  MaxPool2dOptions &stride(ExpandingArray<2> v) { return stride_ = v, *this; }
  MaxPool2dOptions &padding(ExpandingArray<2> v) { return padding_ = v, *this; }
  MaxPool2dOptions &dilation(ExpandingArray<2> v) {
    return dilation_ = v, *this;
  }
  MaxPool2dOptions &ceil_mode(bool v) { return ceilMode_ = v, *this; }

  const ExpandingArray<2> &kernel_size() const { return kernelSize_; }
  const ExpandingArray<2> &stride() const {
    return stride_ ? *stride_ : kernelSize_;
  }
  const ExpandingArray<2> &padding() const { return padding_; }
  const ExpandingArray<2> &dilation() const { return dilation_; }
  bool ceil_mode() const { return ceilMode_; }

private:
  ExpandingArray<2> kernelSize_;
  std::optional<ExpandingArray<2>> stride_;
  ExpandingArray<2> padding_ = 0;
  ExpandingArray<2> dilation_ = 1;
  bool ceilMode_ = false;
};

/// Options of AvgPool2d and functional::avg_pool2d. The stride defaults to
/// the kernel size.
class AvgPool2dOptions {
public:
  AvgPool2dOptions(ExpandingArray<2> kernelSize) : kernelSize_(kernelSize) {}
  AvgPool2dOptions &stride(ExpandingArray<2> v) { return stride_ = v, *this; }
  AvgPool2dOptions &padding(ExpandingArray<2> v) { return padding_ = v, *this; }
  AvgPool2dOptions &ceil_mode(bool v) { return ceilMode_ = v, *this; }
  AvgPool2dOptions &count_include_pad(bool v) {
    return countIncludePad_ = v, *this;
  }

  const ExpandingArray<2> &kernel_size() const { return kernelSize_; }
  const ExpandingArray<2> &stride() const {
    return stride_ ? *stride_ : kernelSize_;
  }
  const ExpandingArray<2> &padding() const { return padding_; }
  bool ceil_mode() const { return ceilMode_; }
  bool count_include_pad() const { return countIncludePad_; }

private:
  ExpandingArray<2> kernelSize_;
  std::optional<ExpandingArray<2>> stride_;
  ExpandingArray<2> padding_ = 0;
  bool ceilMode_ = false;
  bool countIncludePad_ = true;
};

/// Options of AdaptiveAvgPool2d: the output's spatial size.
class AdaptiveAvgPool2dOptions {
public:
  AdaptiveAvgPool2dOptions(ExpandingArray<2> outputSize)
      : outputSize_(outputSize) {}
  const ExpandingArray<2> &output_size() const { return outputSize_; }

private:
  ExpandingArray<2> outputSize_;
};

/// Options of Flatten: the dims merged into one (from dim 1 by default, so
/// that the batch dim stays).
class FlattenOptions {
public:
  FlattenOptions &start_dim(int64_t v) { return startDim_ = v, *this; }
  FlattenOptions &end_dim(int64_t v) { return endDim_ = v, *this; }
  int64_t start_dim() const { return startDim_; }
  int64_t end_dim() const { return endDim_; }

private:
  int64_t startDim_ = 1, endDim_ = -1;
};

class MaxPool2dImpl : public Module {
public:
  explicit MaxPool2dImpl(const MaxPool2dOptions &options)
      : Module("MaxPool2d"), options(options) {}
  Tensor forward(const Tensor &input) override;
  MaxPool2dOptions options;
};
ADJIT_MODULE(MaxPool2d);

class AvgPool2dImpl : public Module {
public:
  explicit AvgPool2dImpl(const AvgPool2dOptions &options)
      : Module("AvgPool2d"), options(options) {}
  Tensor forward(const Tensor &input) override;
  AvgPool2dOptions options;
};
ADJIT_MODULE(AvgPool2d);

class AdaptiveAvgPool2dImpl : public Module {
public:
  explicit AdaptiveAvgPool2dImpl(const AdaptiveAvgPool2dOptions &options)
      : Module("AdaptiveAvgPool2d"), options(options) {}
  Tensor forward(const Tensor &input) override;
  AdaptiveAvgPool2dOptions options;
};
ADJIT_MODULE(AdaptiveAvgPool2d);

class FlattenImpl : public Module {
public:
  explicit FlattenImpl(const FlattenOptions &options = {})
      : Module("Flatten"), options(options) {}
  Tensor forward(const Tensor &input) override;
  FlattenOptions options;
};
ADJIT_MODULE(Flatten);

namespace functional {
using MaxPool2dFuncOptions = MaxPool2dOptions;
using AvgPool2dFuncOptions = AvgPool2dOptions;
using AdaptiveAvgPool2dFuncOptions = AdaptiveAvgPool2dOptions;

Tensor max_pool2d(const Tensor &input, const MaxPool2dFuncOptions &options);
Tensor avg_pool2d(const Tensor &input, const AvgPool2dFuncOptions &options);
Tensor adaptive_avg_pool2d(const Tensor &input,
                           const AdaptiveAvgPool2dFuncOptions &options);
} // namespace functional

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_POOLING_H
