//===- CNNBindings.cpp - convolution, pooling, batch norm and dropout -----===//
//
// The functional ops of convolutional networks with PyTorch's Python
// signatures (an int or a tuple wherever a size is taken; stride None means
// the kernel size), and the parameter draws the Python Conv1d and Conv2d
// modules share with the C++ ones.
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "adjit/NN.h"
#include "adjit/NN/Convolution.h"

using namespace adjit;
using namespace adjit::python;

namespace {

/// An optional Python tensor argument: None is the undefined Tensor().
Tensor orUndefined(const std::optional<Tensor> &tensor) {
  return tensor ? *tensor : Tensor();
}

/// The C++ entry points of one convolution: with a padding per dim, and
/// with "same" / "valid".
using PaddedConvolution = Tensor (*)(const Tensor &, const Tensor &,
                                     const Tensor &, const Shape &,
                                     const Shape &, const Shape &, int64_t);
using NamedPaddingConvolution = Tensor (*)(const Tensor &, const Tensor &,
                                           const Tensor &, const Shape &,
                                           const std::string &, const Shape &,
                                           int64_t);

/// Binds `name` (conv1d or conv2d) with PyTorch's Python arguments:
/// `padding` is an int, a tuple, or "same" / "valid".
void bindConvolution(py::module_ &nn, const char *name,
                     PaddedConvolution byShape,
                     NamedPaddingConvolution byName) {
  nn.def(
      name,
      [byShape, byName](const Tensor &input, const Tensor &weight,
                        const std::optional<Tensor> &bias,
                        const py::object &stride, const py::object &padding,
                        const py::object &dilation, int64_t groups) {
        if (py::isinstance<py::str>(padding))
          return byName(input, weight, orUndefined(bias), toShape(stride),
                        padding.cast<std::string>(), toShape(dilation), groups);
        return byShape(input, weight, orUndefined(bias), toShape(stride),
                       toShape(padding), toShape(dilation), groups);
      },
      py::arg("input"), py::arg("weight"), py::arg("bias") = py::none(),
      py::arg("stride") = 1, py::arg("padding") = 0, py::arg("dilation") = 1,
      py::arg("groups") = 1);
}

/// A pooling stride: None (the kernel size) is the empty shape.
Shape strideOf(const py::object &stride) {
  return stride.is_none() ? Shape() : toShape(stride);
}

/// The parameters a C++ convolution module of `D` spatial dims draws, with
/// PyTorch's initialization: (weight, bias or None).
template <size_t D>
py::tuple convolutionParameters(int64_t in, int64_t out,
                                const py::object &kernel, int64_t groups,
                                bool bias) {
  Shape kernelSize = toShape(kernel);
  nn::ConvOptions<D> options(in, out,
                             kernelSize.size() == 1
                                 ? nn::ExpandingArray<D>(kernelSize[0])
                                 : nn::ExpandingArray<D>(kernelSize));
  options.groups(groups).bias(bias);
  nn::ConvNdImpl<D> module(options);
  return py::make_tuple(module.weight,
                        bias ? py::cast(module.bias) : py::object(py::none()));
}

} // namespace

void adjit::python::bindCNN(py::module_ &nn) {
  bindConvolution(nn, "conv2d", &adjit::conv2d, &adjit::conv2d);
  bindConvolution(nn, "conv1d", &adjit::conv1d, &adjit::conv1d);

  nn.def(
      "max_pool2d",
      [](const Tensor &input, const py::object &kernel,
         const py::object &stride, const py::object &padding,
         const py::object &dilation, bool ceilMode) {
        return adjit::max_pool2d(input, toShape(kernel), strideOf(stride),
                                 toShape(padding), toShape(dilation), ceilMode);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(),
      py::arg("padding") = 0, py::arg("dilation") = 1,
      py::arg("ceil_mode") = false);
  nn.def(
      "avg_pool2d",
      [](const Tensor &input, const py::object &kernel,
         const py::object &stride, const py::object &padding, bool ceilMode,
         bool countIncludePad) {
        return adjit::avg_pool2d(input, toShape(kernel), strideOf(stride),
                                 toShape(padding), ceilMode, countIncludePad);
      },
      py::arg("input"), py::arg("kernel_size"), py::arg("stride") = py::none(),
      py::arg("padding") = 0, py::arg("ceil_mode") = false,
      py::arg("count_include_pad") = true);
  nn.def(
      "adaptive_avg_pool2d",
      [](const Tensor &input, const py::object &size) {
        return adjit::adaptive_avg_pool2d(input, toShape(size));
      },
      py::arg("input"), py::arg("output_size"));
  nn.def(
      "batch_norm",
      [](const Tensor &input, const std::optional<Tensor> &runningMean,
         const std::optional<Tensor> &runningVar,
         const std::optional<Tensor> &weight, const std::optional<Tensor> &bias,
         bool training, double momentum, double eps) {
        return adjit::batch_norm(input, orUndefined(weight), orUndefined(bias),
                                 orUndefined(runningMean),
                                 orUndefined(runningVar), training, momentum,
                                 eps);
      },
      py::arg("input"), py::arg("running_mean"), py::arg("running_var"),
      py::arg("weight") = py::none(), py::arg("bias") = py::none(),
      py::arg("training") = false, py::arg("momentum") = 0.1,
      py::arg("eps") = 1e-5);
  nn.def("dropout", &adjit::dropout, py::arg("input"), py::arg("p") = 0.5,
         py::arg("training") = true);
  nn.def("conv1d_parameters", &convolutionParameters<1>, py::arg("in_channels"),
         py::arg("out_channels"), py::arg("kernel_size"), py::arg("groups"),
         py::arg("bias"));
  nn.def("conv2d_parameters", &convolutionParameters<2>, py::arg("in_channels"),
         py::arg("out_channels"), py::arg("kernel_size"), py::arg("groups"),
         py::arg("bias"));
}
