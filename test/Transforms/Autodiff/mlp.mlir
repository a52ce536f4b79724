// The gradient of a two-layer MLP loss, with respect to the parameters only.
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=COUNT

// After cleanup @mlp_grad has 27 ops for the 12 of @mlp (ratio 2.25): the
// 12 primal ops (the constant 1/8 once), two more constants, and 13 adjoint
// ops. x is not differentiated, so no matmul computes its adjoint: 2 primal
// and 3 adjoint matmuls (dW2, dh, dW1).
// COUNT-LABEL: func.func @mlp_grad
// COUNT-COUNT-27: {{^ *%[0-9]+ = adjit\.}}
// COUNT-NOT: adjit.
// COUNT: return

// CHECK-LABEL: func.func @mlp_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf64>, %[[W1:.*]]: tensor<3x5xf64>, %[[B1:.*]]: tensor<5xf64>, %[[W2:.*]]: tensor<5x2xf64>, %[[B2:.*]]: tensor<2xf64>, %[[Y:.*]]: tensor<4x2xf64>)
// CHECK-SAME: -> (tensor<f64>, tensor<3x5xf64>, tensor<5xf64>, tensor<5x2xf64>, tensor<2xf64>)
// CHECK: %[[H:.*]] = adjit.tanh
// CHECK: %[[R:.*]] = adjit.sub %{{.*}}, %[[Y]]
// CHECK: %[[LOSS:.*]] = adjit.mul %{{.*}}, %{{.*}} : tensor<f64>
// CHECK: %[[S:.*]] = adjit.mul %[[R]], %{{.*}} : tensor<4x2xf64>
// CHECK-NEXT: %[[DO:.*]] = adjit.add %[[S]], %[[S]]
// CHECK-NEXT: %[[DB2:.*]] = adjit.reduce_sum %[[DO]], dims = [0]
// CHECK-NEXT: %[[W2T:.*]] = adjit.transpose %[[W2]], [1, 0]
// CHECK-NEXT: %[[DH:.*]] = adjit.matmul %[[DO]], %[[W2T]]
// CHECK-NEXT: %[[HT:.*]] = adjit.transpose %[[H]], [1, 0]
// CHECK-NEXT: %[[DW2:.*]] = adjit.matmul %[[HT]], %[[DO]]
// CHECK-NEXT: %[[H2:.*]] = adjit.mul %[[H]], %[[H]]
// CHECK-NEXT: %[[D:.*]] = adjit.sub %{{.*}}, %[[H2]]
// CHECK-NEXT: %[[DZ:.*]] = adjit.mul %[[DH]], %[[D]]
// CHECK-NEXT: %[[DB1:.*]] = adjit.reduce_sum %[[DZ]], dims = [0]
// CHECK-NEXT: %[[XT:.*]] = adjit.transpose %[[X]], [1, 0]
// CHECK-NEXT: %[[DW1:.*]] = adjit.matmul %[[XT]], %[[DZ]]
// CHECK-NEXT: return %[[LOSS]], %[[DW1]], %[[DB1]], %[[DW2]], %[[DB2]]
func.func @mlp(%x: tensor<4x3xf64>, %w1: tensor<3x5xf64>, %b1: tensor<5xf64>, %w2: tensor<5x2xf64>, %b2: tensor<2xf64>, %y: tensor<4x2xf64>) -> tensor<f64> attributes {adjit.grad = {wrt = [1, 2, 3, 4]}} {
  %0 = adjit.matmul %x, %w1 : tensor<4x3xf64>, tensor<3x5xf64> -> tensor<4x5xf64>
  %1 = adjit.broadcast %b1, dims = [1] : tensor<5xf64> -> tensor<4x5xf64>
  %2 = adjit.add %0, %1 : tensor<4x5xf64>
  %3 = adjit.tanh %2 : tensor<4x5xf64>
  %4 = adjit.matmul %3, %w2 : tensor<4x5xf64>, tensor<5x2xf64> -> tensor<4x2xf64>
  %5 = adjit.broadcast %b2, dims = [1] : tensor<2xf64> -> tensor<4x2xf64>
  %6 = adjit.add %4, %5 : tensor<4x2xf64>
  %7 = adjit.sub %6, %y : tensor<4x2xf64>
  %8 = adjit.mul %7, %7 : tensor<4x2xf64>
  %9 = adjit.reduce_sum %8, dims = [0, 1] : tensor<4x2xf64> -> tensor<f64>
  %c = adjit.constant dense<0.125> : tensor<f64>
  %10 = adjit.mul %9, %c : tensor<f64>
  return %10 : tensor<f64>
}
