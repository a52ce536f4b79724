// Gradients of the pooling ops against central finite differences (f64,
// relative error <= 1e-6), compiled. Random arguments have no ties; a
// nonlinear op after the pooling makes every gradient element different.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function max_pool | FileCheck %s --check-prefix=MAX
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function max_pool_dilated | FileCheck %s --check-prefix=DILATED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function avg_pool | FileCheck %s --check-prefix=AVG
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function adaptive | FileCheck %s --check-prefix=ADAPTIVE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function scatter | FileCheck %s --check-prefix=SCATTER

// Overlapping windows with padding and ceil_mode.
// MAX: @max_pool wrt #0: ok
func.func @max_pool(%x: tensor<1x1x4x4xf64>) -> tensor<1x1x3x4xf64> {
  %i = adjit.max_pool2d_indices %x kernel_size = [2, 3] stride = [2, 1] padding = [1, 1] dilation = [1, 1] ceil_mode : tensor<1x1x4x4xf64> -> tensor<1x1x3x4xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 3] stride = [2, 1] padding = [1, 1] dilation = [1, 1] ceil_mode : tensor<1x1x4x4xf64>, tensor<1x1x3x4xi64> -> tensor<1x1x3x4xf64>
  %t = adjit.tanh %y : tensor<1x1x3x4xf64>
  return %t : tensor<1x1x3x4xf64>
}

// DILATED: @max_pool_dilated wrt #0: ok
func.func @max_pool_dilated(%x: tensor<1x1x5x4xf64>) -> tensor<1x1x3x4xf64> {
  %i = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [1, 1] padding = [0, 1] dilation = [2, 2] : tensor<1x1x5x4xf64> -> tensor<1x1x3x4xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [1, 1] padding = [0, 1] dilation = [2, 2] : tensor<1x1x5x4xf64>, tensor<1x1x3x4xi64> -> tensor<1x1x3x4xf64>
  %t = adjit.mul %y, %y : tensor<1x1x3x4xf64>
  return %t : tensor<1x1x3x4xf64>
}

// AVG: @avg_pool wrt #0: ok
func.func @avg_pool(%x: tensor<1x1x5x4xf64>) -> tensor<1x1x3x2xf64> {
  %y = adjit.avg_pool2d %x kernel_size = [3, 2] stride = [2, 2] padding = [1, 1] ceil_mode : tensor<1x1x5x4xf64> -> tensor<1x1x3x3xf64>
  %g = adjit.avg_pool2d %y kernel_size = [1, 2] stride = [1, 1] padding = [0, 0] count_include_pad : tensor<1x1x3x3xf64> -> tensor<1x1x3x2xf64>
  %t = adjit.tanh %g : tensor<1x1x3x2xf64>
  return %t : tensor<1x1x3x2xf64>
}

// 7 -> 3 and 3 -> 2: windows of different sizes that overlap.
// ADAPTIVE: @adaptive wrt #0: ok
func.func @adaptive(%x: tensor<1x1x7x3xf64>) -> tensor<1x1x3x2xf64> {
  %y = adjit.adaptive_avg_pool2d %x : tensor<1x1x7x3xf64> -> tensor<1x1x3x2xf64>
  %t = adjit.exp %y : tensor<1x1x3x2xf64>
  return %t : tensor<1x1x3x2xf64>
}

// The gradients are differentiable in their operand.
// SCATTER: @scatter wrt #0: ok
// SCATTER: @scatter wrt #1: ok
func.func @scatter(%g: tensor<1x1x2x2xf64>, %a: tensor<1x1x2x2xf64>) -> tensor<1x1x4x4xf64> {
  %x = adjit.constant dense<[[[[1.0, 4.0, 2.0, 0.0], [5.0, 2.0, 8.0, 1.0], [0.0, 9.0, 3.0, 7.0], [6.0, 1.0, 4.0, 2.0]]]]> : tensor<1x1x4x4xf64>
  %i = adjit.max_pool2d_indices %x kernel_size = [3, 3] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x4x4xf64> -> tensor<1x1x2x2xi64>
  %s = adjit.max_pool2d_scatter %g, %i kernel_size = [3, 3] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x2x2xf64>, tensor<1x1x2x2xi64> -> tensor<1x1x4x4xf64>
  %b = adjit.avg_pool2d_backward %a kernel_size = [3, 3] stride = [1, 1] padding = [0, 0] : tensor<1x1x2x2xf64> -> tensor<1x1x4x4xf64>
  %m = adjit.mul %s, %b : tensor<1x1x4x4xf64>
  %t = adjit.tanh %m : tensor<1x1x4x4xf64>
  return %t : tensor<1x1x4x4xf64>
}
