// Gradients of adjit.conv2d (input and weight) and of its adjoint ops (the
// second derivatives of a convolution) against central finite differences
// (f64, relative error <= 1e-6), at strides, paddings (asymmetric too),
// dilations, groups and depthwise.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function plain | FileCheck %s --check-prefix=PLAIN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function strided | FileCheck %s --check-prefix=STRIDED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function grouped | FileCheck %s --check-prefix=GROUPED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function depthwise | FileCheck %s --check-prefix=DEPTHWISE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=strided --function strided_grad --wrt 0,1 --of 1,2 | FileCheck %s --check-prefix=SECOND
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function backward_ops | FileCheck %s --check-prefix=BACKWARD

// PLAIN: @plain wrt #0: ok
// PLAIN: @plain wrt #1: ok
func.func @plain(%x: tensor<1x2x3x3xf64>, %w: tensor<2x2x2x2xf64>) -> tensor<1x2x2x2xf64> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x3x3xf64>, tensor<2x2x2x2xf64> -> tensor<1x2x2x2xf64>
  return %0 : tensor<1x2x2x2xf64>
}

// Stride 2 by 1, asymmetric padding, dilation 1 by 2, then a nonlinearity.
// STRIDED: @strided wrt #0: ok
// STRIDED: @strided wrt #1: ok
func.func @strided(%x: tensor<1x1x4x3xf64>, %w: tensor<2x1x2x2xf64>) -> tensor<1x2x2x3xf64> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 2, 1>, padding = array<i64: 1, 1, 0, 1>, dilation = array<i64: 1, 2>, groups = 1 : i64} : tensor<1x1x4x3xf64>, tensor<2x1x2x2xf64> -> tensor<1x2x2x3xf64>
  %1 = adjit.tanh %0 : tensor<1x2x2x3xf64>
  return %1 : tensor<1x2x2x3xf64>
}

// GROUPED: @grouped wrt #0: ok
// GROUPED: @grouped wrt #1: ok
func.func @grouped(%x: tensor<1x4x3x3xf64>, %w: tensor<2x2x2x2xf64>) -> tensor<1x2x2x2xf64> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 2>, padding = array<i64: 0, 1, 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : tensor<1x4x3x3xf64>, tensor<2x2x2x2xf64> -> tensor<1x2x2x2xf64>
  return %0 : tensor<1x2x2x2xf64>
}

// DEPTHWISE: @depthwise wrt #0: ok
// DEPTHWISE: @depthwise wrt #1: ok
func.func @depthwise(%x: tensor<1x2x3x3xf64>, %w: tensor<2x1x2x2xf64>) -> tensor<1x2x2x2xf64> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64} : tensor<1x2x3x3xf64>, tensor<2x1x2x2xf64> -> tensor<1x2x2x2xf64>
  return %0 : tensor<1x2x2x2xf64>
}

// SECOND: @strided_grad wrt #0: ok
// SECOND: @strided_grad wrt #1: ok

// The adjoint ops differentiated directly, in all their operands.
// BACKWARD: @backward_ops wrt #0: ok
// BACKWARD: @backward_ops wrt #1: ok
// BACKWARD: @backward_ops wrt #2: ok
func.func @backward_ops(%g: tensor<1x2x2x2xf64>, %w: tensor<2x1x2x2xf64>, %x: tensor<1x1x3x3xf64>) -> (tensor<1x1x3x3xf64>, tensor<2x1x2x2xf64>) {
  %dx = adjit.conv2d_backward_input %g, %w {stride = array<i64: 2, 1>, padding = array<i64: 0, 0, 1, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x2x2xf64>, tensor<2x1x2x2xf64> -> tensor<1x1x3x3xf64>
  %t = adjit.tanh %dx : tensor<1x1x3x3xf64>
  %dw = adjit.conv2d_backward_weight %g, %x {stride = array<i64: 2, 1>, padding = array<i64: 0, 0, 1, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x2x2xf64>, tensor<1x1x3x3xf64> -> tensor<2x1x2x2xf64>
  %s = adjit.mul %dw, %dw : tensor<2x1x2x2xf64>
  return %t, %s : tensor<1x1x3x3xf64>, tensor<2x1x2x2xf64>
}
