// Dropout is a mul by adjit.dropout_mask: the mask's i64 operands carry no
// adjoint, so the gradient is the incoming one times the same mask.
// RUN: adjit-opt %s --adjit-autodiff="function=dropout wrt=0 of=0" | FileCheck %s

// CHECK-LABEL: func.func @dropout_grad
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[SEED:[^:]*]]: tensor<i64>, %[[OFFSET:[^:]*]]: tensor<i64>)
// CHECK-SAME: -> (tensor<f32>, tensor<i64>, tensor<4xf32>)
// CHECK: %[[MASK:.*]] = adjit.dropout_mask %[[SEED]], %[[OFFSET]] {p = 2.500000e-01 : f64} : tensor<4xf32>
// CHECK: %[[Y:.*]] = adjit.mul %[[X]], %[[MASK]]
// CHECK: %[[NEXT:.*]] = adjit.add %[[OFFSET]]
// CHECK: %[[DX:.*]] = adjit.mul %{{.*}}, %[[MASK]] : tensor<4xf32>
// CHECK-NEXT: return %{{.*}}, %[[NEXT]], %[[DX]] : tensor<f32>, tensor<i64>, tensor<4xf32>
func.func @dropout(%x: tensor<4xf32>, %seed: tensor<i64>, %offset: tensor<i64>) -> (tensor<f32>, tensor<i64>) {
  %mask = adjit.dropout_mask %seed, %offset {p = 0.25 : f64} : tensor<4xf32>
  %y = adjit.mul %x, %mask : tensor<4xf32>
  %loss = adjit.reduce_sum %y, dims = [0] : tensor<4xf32> -> tensor<f32>
  %four = adjit.constant dense<4> : tensor<i64>
  %next = adjit.add %offset, %four : tensor<i64>
  return %loss, %next : tensor<f32>, tensor<i64>
}
