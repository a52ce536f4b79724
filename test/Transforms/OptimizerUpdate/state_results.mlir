// With state-results=K, results 1..K of the gradient function are state the
// traced function writes (batch norm's running statistics, the random
// generator's state): they stay right after the loss, and the gradients
// start at result K + 1.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0 state-results=2" | FileCheck %s
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0" -verify-diagnostics -split-input-file

// CHECK-LABEL: func.func @loss_grad(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[S:[^:]*]]: tensor<3xf32>, %[[LR:[^:]*]]: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<2xi64>, tensor<3xf32>)
// CHECK: %[[LR32:.*]] = adjit.convert %[[LR]]
// CHECK: %[[STEP:.*]] = adjit.mul %[[S]], %{{.*}} : tensor<3xf32>
// CHECK-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[STEP]]
// CHECK-NEXT: return %{{.*}}, %[[S]], %{{.*}}, %[[NEWW]] : tensor<f32>, tensor<3xf32>, tensor<2xi64>, tensor<3xf32>
// expected-error @+1 {{cannot append an optimizer update to @loss_grad: it has 4 results, but a gradient function of 1 argument returns the loss and 1 gradient (2 results)}}
func.func @loss_grad(%w: tensor<3xf32>, %state: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<2xi64>, tensor<3xf32>) {
  %loss = adjit.constant dense<1.0> : tensor<f32>
  %rng = adjit.constant dense<[1, 2]> : tensor<2xi64>
  return %loss, %state, %rng, %state : tensor<f32>, tensor<3xf32>, tensor<2xi64>, tensor<3xf32>
}
