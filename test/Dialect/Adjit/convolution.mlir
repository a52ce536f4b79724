// adjit.conv2d and its adjoint ops round-trip in custom and generic form.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s

// CHECK-LABEL: func.func @conv2d
// CHECK: adjit.conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 1, 2>, groups = 2 : i64, padding = array<i64: 1, 0, 2, 1>, stride = array<i64: 2, 1>} : tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32> -> tensor<2x6x5x5xf32>
func.func @conv2d(%x: tensor<2x4x9x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x5x5xf32> {
  %y = adjit.conv2d %x, %w {stride = array<i64: 2, 1>, padding = array<i64: 1, 0, 2, 1>, dilation = array<i64: 1, 2>, groups = 2 : i64} : tensor<2x4x9x8xf32>, tensor<6x2x3x3xf32> -> tensor<2x6x5x5xf32>
  return %y : tensor<2x6x5x5xf32>
}

// CHECK-LABEL: func.func @backward
// CHECK: adjit.conv2d_backward_input %{{.*}}, %{{.*}} {{.*}} : tensor<1x4x3x3xf64>, tensor<4x3x2x2xf64> -> tensor<1x3x4x4xf64>
// CHECK: adjit.conv2d_backward_weight %{{.*}}, %{{.*}} {{.*}} : tensor<1x4x3x3xf64>, tensor<1x3x4x4xf64> -> tensor<4x3x2x2xf64>
func.func @backward(%g: tensor<1x4x3x3xf64>, %w: tensor<4x3x2x2xf64>, %x: tensor<1x3x4x4xf64>) -> (tensor<1x3x4x4xf64>, tensor<4x3x2x2xf64>) {
  %dx = adjit.conv2d_backward_input %g, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x3x3xf64>, tensor<4x3x2x2xf64> -> tensor<1x3x4x4xf64>
  %dw = adjit.conv2d_backward_weight %g, %x {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x3x3xf64>, tensor<1x3x4x4xf64> -> tensor<4x3x2x2xf64>
  return %dx, %dw : tensor<1x3x4x4xf64>, tensor<4x3x2x2xf64>
}
