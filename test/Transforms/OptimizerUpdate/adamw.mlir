// adjit-append-optimizer-update with optimizer=adamw: decoupled weight decay
// scales the parameter by 1 - lr * weight-decay (computed in f64 from the
// runtime learning rate) before Adam's step, and never touches the gradient.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0 optimizer=adamw weight-decay=0.25" | FileCheck %s
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0 optimizer=adamw" | FileCheck %s --check-prefix=NODECAY

// CHECK-LABEL: func.func @loss_grad(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[X:[^:]*]]: tensor<3xf32>, %[[M:[^:]*]]: tensor<3xf32>, %[[V:[^:]*]]: tensor<3xf32>, %[[LR:[^:]*]]: tensor<f64>, %[[T:[^:]*]]: tensor<f64>)
// CHECK: %[[STEPSIZE:.*]] = adjit.div %[[LR]], %{{.*}} : tensor<f64>
// CHECK: %[[WD:.*]] = adjit.constant dense<2.500000e-01> : tensor<f64>
// CHECK-NEXT: %[[LRWD:.*]] = adjit.mul %[[LR]], %[[WD]] : tensor<f64>
// CHECK-NEXT: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[FACTOR:.*]] = adjit.sub %[[ONE]], %[[LRWD]] : tensor<f64>
// CHECK-NEXT: %[[FACTORF:.*]] = adjit.convert %[[FACTOR]] : tensor<f64> to tensor<f32>
// CHECK-NEXT: %[[FACTORB:.*]] = adjit.broadcast %[[FACTORF]], dims = [] : tensor<f32> -> tensor<3xf32>
// CHECK-NEXT: %[[DECAYED:.*]] = adjit.mul %[[W]], %[[FACTORB]] : tensor<3xf32>
// The moments read the gradient itself.
// CHECK-NEXT: adjit.constant dense<1.000000e-01> : tensor<3xf32>
// CHECK-NEXT: adjit.mul %[[X]], %{{.*}}
// CHECK: adjit.sqrt %{{.*}} : tensor<3xf32>
// CHECK-NEXT: adjit.div
// CHECK-NEXT: %[[DEN:.*]] = adjit.add
// CHECK-NEXT: adjit.convert
// CHECK-NEXT: adjit.broadcast
// CHECK-NEXT: %[[Q:.*]] = adjit.div %{{.*}}, %[[DEN]] : tensor<3xf32>
// CHECK-NEXT: %[[STEP:.*]] = adjit.mul %[[Q]], %{{.*}} : tensor<3xf32>
// CHECK-NEXT: %[[NEWW:.*]] = adjit.sub %[[DECAYED]], %[[STEP]]
// CHECK-NEXT: return %{{.*}}, %[[NEWW]],

// Without weight decay AdamW is Adam.
// NODECAY-LABEL: func.func @loss_grad(
// NODECAY-SAME: %[[W:[^:]*]]: tensor<3xf32>
// NODECAY: adjit.sub %[[W]], %{{.*}} : tensor<3xf32>

func.func @loss_grad(%w: tensor<3xf32>, %x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adjit.mul %w, %x : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1, %x : tensor<f32>, tensor<3xf32>
}
