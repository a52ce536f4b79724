// scalar-cotangents=true: every differentiated result takes a cotangent
// argument, single-element ones too (what jit::vjp compiles); by default a
// single-element result is seeded with 1.
// RUN: adjit-opt %s --adjit-autodiff="function=f wrt=0 scalar-cotangents=true name=f_vjp" | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff="function=f wrt=0" | FileCheck %s --check-prefix=SEEDED
// RUN: adjit-opt %s --adjit-autodiff="function=f wrt=0 of=0 scalar-cotangents=true name=f_vjp" | FileCheck %s --check-prefix=FIRST

// CHECK-LABEL: func.func @f_vjp
// CHECK-SAME: (%[[X:.*]]: tensor<3xf64>, %[[S:.*]]: tensor<f64>, %[[V:.*]]: tensor<3xf64>)
// CHECK-SAME: -> (tensor<f64>, tensor<3xf64>, tensor<3xf64>)
// CHECK: %[[B:.*]] = adjit.broadcast %[[S]], dims = [] : tensor<f64> -> tensor<3xf64>
// CHECK: %[[T:.*]] = adjit.add %[[V]], %[[B]]
// CHECK: %[[D1:.*]] = adjit.mul %[[T]], %[[X]]
// CHECK: %[[D2:.*]] = adjit.mul %[[T]], %[[X]]
// CHECK: %[[G:.*]] = adjit.add %[[D1]], %[[D2]]
// CHECK: return %{{.*}}, %{{.*}}, %[[G]]

// SEEDED-LABEL: func.func @f_grad
// SEEDED-SAME: (%{{.*}}: tensor<3xf64>, %{{.*}}: tensor<3xf64>)
// SEEDED-SAME: -> (tensor<f64>, tensor<3xf64>, tensor<3xf64>)
// SEEDED: adjit.constant dense<1.000000e+00> : tensor<f64>

// FIRST-LABEL: func.func @f_vjp
// FIRST-SAME: (%{{.*}}: tensor<3xf64>, %{{.*}}: tensor<f64>)
// FIRST-SAME: -> (tensor<f64>, tensor<3xf64>, tensor<3xf64>)
func.func @f(%x: tensor<3xf64>) -> (tensor<f64>, tensor<3xf64>) {
  %0 = adjit.mul %x, %x : tensor<3xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %1, %0 : tensor<f64>, tensor<3xf64>
}
