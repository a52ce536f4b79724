// Element types, state results, repeated and argument gradients.
// RUN: adjit-opt %s -split-input-file --adjit-insert-gradient-allreduce="function=f_grad first-gradient=2" | FileCheck %s

// Result 1 is state, not a gradient: it is left alone. A gradient that is
// an argument is started at the top; an f64 gradient does not share a
// bucket with f32 ones; a value returned twice is reduced once.
// CHECK-LABEL: func.func @f_grad
// CHECK-SAME: (%[[A:.*]]: tensor<3xf32>, %[[B:.*]]: tensor<2xf64>, %[[S:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[H0:.*]] = adjit.all_reduce_start mean %[[A]] : tensor<3xf32>
// CHECK: %[[DB:.*]] = adjit.exp %[[B]]
// CHECK-NEXT: %[[H1:.*]] = adjit.all_reduce_start mean %[[DB]] : tensor<2xf64>
// CHECK-NEXT: %[[R0:.*]] = adjit.all_reduce_wait %[[H0]]
// CHECK-NEXT: %[[R1:.*]] = adjit.all_reduce_wait %[[H1]]
// CHECK-NEXT: return %{{.*}}, %[[S]], %[[R0]], %[[R1]], %[[R0]]
func.func @f_grad(%a: tensor<3xf32>, %b: tensor<2xf64>, %s: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>, tensor<3xf32>, tensor<2xf64>, tensor<3xf32>) {
  %l = adjit.constant dense<1.0> : tensor<f32>
  %db = adjit.exp %b : tensor<2xf64>
  return %l, %s, %a, %db, %a : tensor<f32>, tensor<4xf32>, tensor<3xf32>, tensor<2xf64>, tensor<3xf32>
}
