// Adjoints of adjit.conv2d and of its two adjoint ops.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --adjit-autodiff=function=conv_grad | FileCheck %s --check-prefix=SECOND

// The input and weight adjoints, with the convolution's attributes.
// CHECK-LABEL: func.func @conv_grad
// CHECK-SAME: (%[[X:[^:]*]]: tensor<1x2x5x5xf32>, %[[W:[^:]*]]: tensor<3x2x3x3xf32>, %[[G:[^:]*]]: tensor<1x3x2x4xf32>)
// CHECK: adjit.conv2d %[[X]], %[[W]]
// CHECK-DAG: adjit.conv2d_backward_input %[[G]], %[[W]] {dilation = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 0, 0, 1>, stride = array<i64: 2, 1>} : tensor<1x3x2x4xf32>, tensor<3x2x3x3xf32> -> tensor<1x2x5x5xf32>
// CHECK-DAG: adjit.conv2d_backward_weight %[[G]], %[[X]] {dilation = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 0, 0, 1>, stride = array<i64: 2, 1>} : tensor<1x3x2x4xf32>, tensor<1x2x5x5xf32> -> tensor<3x2x3x3xf32>
func.func @conv(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x2x4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 2, 1>, padding = array<i64: 1, 0, 0, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x2x4xf32>
  return %0 : tensor<1x3x2x4xf32>
}

// Differentiating the gradient again uses all three ops: the adjoint of
// conv2d_backward_input is a conv2d and a conv2d_backward_weight, that of
// conv2d_backward_weight a conv2d and a conv2d_backward_input.
// SECOND-LABEL: func.func @conv_grad_grad
// SECOND-DAG: adjit.conv2d %{{.*}}, %{{.*}} {{.*}} : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32> -> tensor<1x3x2x4xf32>
// SECOND-DAG: adjit.conv2d_backward_input
// SECOND-DAG: adjit.conv2d_backward_weight
