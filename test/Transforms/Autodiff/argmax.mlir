// The adjoint of adjit.argmax / adjit.argmin flows to the chosen element;
// integer values (the indices, i64 arithmetic) carry no adjoint.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s

// CHECK-LABEL: func.func @argmax_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<2x3xf32>)
// CHECK: %[[V:.*]], %[[I:.*]] = adjit.argmax %[[X]], dim = 1
// CHECK-NEXT: %[[POS:.*]] = adjit.constant dense<[0, 1, 2]> : tensor<3xi64>
// CHECK-NEXT: %[[PB:.*]] = adjit.broadcast %[[POS]], dims = [1] : tensor<3xi64> -> tensor<2x3xi64>
// CHECK-NEXT: %[[IB:.*]] = adjit.broadcast %[[I]], dims = [0] : tensor<2xi64> -> tensor<2x3xi64>
// CHECK-NEXT: %[[CHOSEN:.*]] = adjit.compare eq, %[[PB]], %[[IB]] : tensor<2x3xi64>
// CHECK-NEXT: %[[GB:.*]] = adjit.broadcast %[[G]], dims = [0] : tensor<2xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[DX:.*]] = adjit.select %[[CHOSEN]], %[[GB]], %[[ZERO]] : tensor<2x3xf32>
// CHECK-NEXT: return %[[V]], %[[DX]]
func.func @argmax(%x: tensor<2x3xf32>) -> tensor<2xf32> attributes {adjit.grad = {}} {
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xi64>
  return %v : tensor<2xf32>
}

// The loss depends on x only through integers (the index, converted back
// to float): x gets a zero gradient and no argmin adjoint is built.
// CHECK-LABEL: func.func @through_indices_grad
// CHECK-NOT: adjit.select
// CHECK: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf64>
// CHECK: return %{{.*}}, %[[ZERO]]
func.func @through_indices(%x: tensor<4xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %v, %i = adjit.argmin %x, dim = 0 : tensor<4xf64> -> tensor<f64>, tensor<i64>
  %twice = adjit.add %i, %i : tensor<i64>
  %f = adjit.convert %twice : tensor<i64> to tensor<f64>
  return %f : tensor<f64>
}

// A float value converted to i64 and back has no gradient.
// CHECK-LABEL: func.func @through_integer_grad
// CHECK: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK: return %{{.*}}, %[[ZERO]]
func.func @through_integer(%x: tensor<3xf32>) -> tensor<f32> attributes {adjit.grad = {}} {
  %i = adjit.convert %x : tensor<3xf32> to tensor<3xi64>
  %s = adjit.reduce_sum %i, dims = [0] : tensor<3xi64> -> tensor<i64>
  %f = adjit.convert %s : tensor<i64> to tensor<f32>
  return %f : tensor<f32>
}
