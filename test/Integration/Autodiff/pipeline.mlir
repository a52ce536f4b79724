// The gradient function is ordinary adjit IR: after adjit-autodiff and
// cleanup it lowers through the same adjit-to-llvm pipeline as any program,
// and no adjit op is left over.
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse --adjit-to-llvm | FileCheck %s

// CHECK: llvm.func @loss(
// CHECK: llvm.func @loss_grad(
// CHECK-NOT: adjit.
func.func @loss(%w: tensor<3x2xf64>, %x: tensor<4x3xf64>) -> tensor<f64> attributes {adjit.grad = {wrt = [0]}} {
  %0 = adjit.matmul %x, %w : tensor<4x3xf64>, tensor<3x2xf64> -> tensor<4x2xf64>
  %1 = adjit.tanh %0 : tensor<4x2xf64>
  %2 = adjit.reduce_max %1, dims = [1] : tensor<4x2xf64> -> tensor<4xf64>
  %3 = adjit.reduce_sum %2, dims = [0] : tensor<4xf64> -> tensor<f64>
  return %3 : tensor<f64>
}
