// Adjoints of adjit.all_reduce: the all-reduce of the result's adjoint with
// the same reduction; max is rejected.
// RUN: adjit-opt %s --adjit-autodiff -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @sum_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>)
// CHECK: adjit.all_reduce sum %[[X]] : tensor<4xf32>
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK: %[[DX:.*]] = adjit.all_reduce sum %[[G]] : tensor<4xf32>
// CHECK: return %{{.*}}, %[[DX]]
func.func @sum(%x: tensor<4xf32>) -> tensor<f32> attributes {adjit.grad = {}} {
  %0 = adjit.all_reduce sum %x : tensor<4xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @mean_grad
// CHECK: %[[Y:.*]] = adjit.all_reduce mean %{{.*}} : tensor<2x3xf64>
// CHECK: %[[M:.*]] = adjit.add
// CHECK-NEXT: %[[DX:.*]] = adjit.all_reduce mean %[[M]] : tensor<2x3xf64>
// CHECK: return %{{.*}}, %[[DX]]
func.func @mean(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.all_reduce mean %x : tensor<2x3xf64>
  %1 = adjit.mul %0, %0 : tensor<2x3xf64>
  %2 = adjit.reduce_sum %1, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// -----

func.func @max(%x: tensor<4xf32>) -> tensor<f32> attributes {adjit.grad = {}} {
  // expected-error @+1 {{'adjit.all_reduce' op cannot be differentiated: the adjoint of a max over the ranks is not supported (operand 'tensor<4xf32>'); use sum or mean}}
  %0 = adjit.all_reduce max %x : tensor<4xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<4xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
