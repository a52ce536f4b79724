// The pooling ops round-trip through the custom and the generic form.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s

// CHECK-LABEL: func @max_pool
func.func @max_pool(%x: tensor<2x3x5x5xf32>, %g: tensor<2x3x3x3xf32>)
    -> (tensor<2x3x3x3xf32>, tensor<2x3x5x5xf32>) {
  // CHECK: %[[I:.*]] = adjit.max_pool2d_indices %{{.*}} kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] dilation = [1, 1] ceil_mode : tensor<2x3x5x5xf32> -> tensor<2x3x3x3xi64>
  %i = adjit.max_pool2d_indices %x kernel_size = [3, 3] stride = [2, 2]
      padding = [1, 1] dilation = [1, 1] ceil_mode
      : tensor<2x3x5x5xf32> -> tensor<2x3x3x3xi64>
  // CHECK: adjit.max_pool2d_gather %{{.*}}, %[[I]] kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] dilation = [1, 1] ceil_mode : tensor<2x3x5x5xf32>, tensor<2x3x3x3xi64> -> tensor<2x3x3x3xf32>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [3, 3] stride = [2, 2]
      padding = [1, 1] dilation = [1, 1] ceil_mode
      : tensor<2x3x5x5xf32>, tensor<2x3x3x3xi64> -> tensor<2x3x3x3xf32>
  // CHECK: adjit.max_pool2d_scatter %{{.*}}, %[[I]] kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] dilation = [1, 1] ceil_mode : tensor<2x3x3x3xf32>, tensor<2x3x3x3xi64> -> tensor<2x3x5x5xf32>
  %dx = adjit.max_pool2d_scatter %g, %i kernel_size = [3, 3] stride = [2, 2]
      padding = [1, 1] dilation = [1, 1] ceil_mode
      : tensor<2x3x3x3xf32>, tensor<2x3x3x3xi64> -> tensor<2x3x5x5xf32>
  return %y, %dx : tensor<2x3x3x3xf32>, tensor<2x3x5x5xf32>
}

// CHECK-LABEL: func @avg_pool
func.func @avg_pool(%x: tensor<1x2x7x7xf64>)
    -> (tensor<1x2x7x7xf64>, tensor<1x2x7x7xf64>) {
  // CHECK: %[[Y:.*]] = adjit.avg_pool2d %{{.*}} kernel_size = [3, 2] stride = [2, 2] padding = [1, 0] count_include_pad : tensor<1x2x7x7xf64> -> tensor<1x2x4x3xf64>
  %y = adjit.avg_pool2d %x kernel_size = [3, 2] stride = [2, 2]
      padding = [1, 0] count_include_pad
      : tensor<1x2x7x7xf64> -> tensor<1x2x4x3xf64>
  // CHECK: adjit.avg_pool2d_backward %[[Y]] kernel_size = [3, 2] stride = [2, 2] padding = [1, 0] count_include_pad : tensor<1x2x4x3xf64> -> tensor<1x2x7x7xf64>
  %dx = adjit.avg_pool2d_backward %y kernel_size = [3, 2] stride = [2, 2]
      padding = [1, 0] count_include_pad
      : tensor<1x2x4x3xf64> -> tensor<1x2x7x7xf64>
  // CHECK: %[[A:.*]] = adjit.adaptive_avg_pool2d %{{.*}} : tensor<1x2x7x7xf64> -> tensor<1x2x3x3xf64>
  %a = adjit.adaptive_avg_pool2d %x : tensor<1x2x7x7xf64> -> tensor<1x2x3x3xf64>
  // CHECK: adjit.adaptive_avg_pool2d_backward %[[A]] : tensor<1x2x3x3xf64> -> tensor<1x2x7x7xf64>
  %da = adjit.adaptive_avg_pool2d_backward %a
      : tensor<1x2x3x3xf64> -> tensor<1x2x7x7xf64>
  return %dx, %da : tensor<1x2x7x7xf64>, tensor<1x2x7x7xf64>
}
