// Requests through pass options; functions without a request are untouched.
// RUN: adjit-opt %s --adjit-autodiff="function=f wrt=1,0 name=df" | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff="function=f wrt=1" | FileCheck %s --check-prefix=DEFAULT
// RUN: adjit-opt %s --adjit-autodiff="function=f of=0 cleanup=true" | FileCheck %s --check-prefix=CLEAN
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s --check-prefix=NONE

// CHECK-LABEL: func.func @f(
// CHECK-LABEL: func.func @df
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[M:.*]]: tensor<3xi1>) -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[Y]]
// CHECK-NEXT: %[[DY:.*]] = adjit.mul %[[G]], %[[X]]
// CHECK-NEXT: return %{{.*}}, %[[DY]], %[[DX]]
// CHECK-NOT: func.func @f_grad

// The default name is <function>_grad.
// DEFAULT-LABEL: func.func @f_grad
// DEFAULT-SAME: -> (tensor<f32>, tensor<3xf32>)

// cleanup=true canonicalizes: the broadcast seed becomes a constant of ones
// and the products with it fold away.
// CLEAN-LABEL: func.func @f_grad
// CLEAN-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<3xf32>, %{{.*}}: tensor<3xi1>)
// CLEAN-NOT: adjit.broadcast
// CLEAN: return %{{.*}}, %[[Y]], %[[X]]

// NONE-NOT: _grad
func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>, %m: tensor<3xi1>) -> tensor<f32> {
  %0 = adjit.mul %x, %y : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
