// adjit-append-optimizer-update with parameter groups and gradient clipping:
// each group has its own learning-rate argument and weight decay, and with
// clip-grad-norm the gradients are scaled together by
// min(max / (norm + 1e-6), 1) before the update, the norm computed in f64
// and returned last.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,1 groups=0,1 optimizer=sgd weight-decay=0.5,0 clip-grad-norm=2" | FileCheck %s
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,1 groups=1,0 optimizer=adamw beta1=0.9,0.8 weight-decay=0.25" | FileCheck %s --check-prefix=ADAMW
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,1 groups=0,1 optimizer=sgd weight-decay=0.5,0 clip-grad-norm=2" | adjit-opt | FileCheck %s --check-prefix=ROUNDTRIP

// CHECK-LABEL: func.func @loss_grad(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[B:[^:]*]]: tensor<2xf32>, %[[X:[^:]*]]: tensor<3xf32>, %[[LR0:[^:]*]]: tensor<f64>, %[[LR1:[^:]*]]: tensor<f64>, %[[T:[^:]*]]: tensor<f64>)
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<2xf32>, tensor<f64>)
// The global norm: both gradients in f64, squared, summed.
// CHECK: %[[GW:.*]] = adjit.mul %[[X]], %{{.*}} : tensor<3xf32>
// CHECK: %[[GB:.*]] = adjit.reduce_sum
// CHECK: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[GW64:.*]] = adjit.convert %[[GW]] : tensor<3xf32> to tensor<3xf64>
// CHECK-NEXT: %[[SQW:.*]] = adjit.mul %[[GW64]], %[[GW64]] : tensor<3xf64>
// CHECK-NEXT: %[[SUMW:.*]] = adjit.reduce_sum %[[SQW]], dims = [0] : tensor<3xf64> -> tensor<f64>
// CHECK-NEXT: %[[ACCW:.*]] = adjit.add %[[ZERO]], %[[SUMW]] : tensor<f64>
// CHECK-NEXT: %[[GB64:.*]] = adjit.convert %[[GB]] : tensor<2xf32> to tensor<2xf64>
// CHECK-NEXT: %[[SQB:.*]] = adjit.mul %[[GB64]], %[[GB64]] : tensor<2xf64>
// CHECK-NEXT: %[[SUMB:.*]] = adjit.reduce_sum %[[SQB]], dims = [0] : tensor<2xf64> -> tensor<f64>
// CHECK-NEXT: %[[ACC:.*]] = adjit.add %[[ACCW]], %[[SUMB]] : tensor<f64>
// CHECK-NEXT: %[[NORM:.*]] = adjit.sqrt %[[ACC]] : tensor<f64>
// CHECK-NEXT: %[[EPS:.*]] = adjit.constant dense<9.9999999999999995E-7> : tensor<f64>
// CHECK-NEXT: %[[DEN:.*]] = adjit.add %[[NORM]], %[[EPS]] : tensor<f64>
// CHECK-NEXT: %[[MAX:.*]] = adjit.constant dense<2.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[RATIO:.*]] = adjit.div %[[MAX]], %[[DEN]] : tensor<f64>
// CHECK-NEXT: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[SCALE:.*]] = adjit.min %[[RATIO]], %[[ONE]] : tensor<f64>
// CHECK-NEXT: %[[SCALEF:.*]] = adjit.convert %[[SCALE]] : tensor<f64> to tensor<f32>
// CHECK-NEXT: %[[SCALEW:.*]] = adjit.broadcast %[[SCALEF]], dims = [] : tensor<f32> -> tensor<3xf32>
// CHECK-NEXT: %[[CW:.*]] = adjit.mul %[[GW]], %[[SCALEW]] : tensor<3xf32>
// CHECK: %[[CB:.*]] = adjit.mul %[[GB]], %{{.*}} : tensor<2xf32>
// Group 0: weight decay 0.5 and the first learning rate.
// CHECK-NEXT: %[[WD:.*]] = adjit.constant dense<5.000000e-01> : tensor<3xf32>
// CHECK-NEXT: %[[DECAY:.*]] = adjit.mul %[[W]], %[[WD]] : tensor<3xf32>
// CHECK-NEXT: %[[DW:.*]] = adjit.add %[[CW]], %[[DECAY]] : tensor<3xf32>
// CHECK-NEXT: %[[LR0F:.*]] = adjit.convert %[[LR0]] : tensor<f64> to tensor<f32>
// CHECK: %[[NEWW:.*]] = adjit.sub %[[W]], %{{.*}} : tensor<3xf32>
// Group 1: no decay, the second learning rate.
// CHECK-NEXT: %[[LR1F:.*]] = adjit.convert %[[LR1]] : tensor<f64> to tensor<f32>
// CHECK-NEXT: %[[LR1B:.*]] = adjit.broadcast %[[LR1F]], dims = [] : tensor<f32> -> tensor<2xf32>
// CHECK-NEXT: %[[STEPB:.*]] = adjit.mul %[[CB]], %[[LR1B]] : tensor<2xf32>
// CHECK-NEXT: %[[NEWB:.*]] = adjit.sub %[[B]], %[[STEPB]] : tensor<2xf32>
// CHECK-NEXT: return %{{.*}}, %[[NEWW]], %[[NEWB]], %[[NORM]] : tensor<f32>, tensor<3xf32>, tensor<2xf32>, tensor<f64>

// AdamW with groups=1,0: w takes group 1's beta1 (0.8), b group 0's (0.9);
// the single weight decay applies to both; the learning rates are in group
// order.
// ADAMW-LABEL: func.func @loss_grad(
// ADAMW-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[B:[^:]*]]: tensor<2xf32>, %[[X:[^:]*]]: tensor<3xf32>, %{{[^:]*}}: tensor<3xf32>, %{{[^:]*}}: tensor<3xf32>, %{{[^:]*}}: tensor<2xf32>, %{{[^:]*}}: tensor<2xf32>, %[[LR0:[^:]*]]: tensor<f64>, %[[LR1:[^:]*]]: tensor<f64>, %[[T:[^:]*]]: tensor<f64>)
// ADAMW-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2xf32>, tensor<2xf32>)
// ADAMW: %[[B1W:.*]] = adjit.constant dense<8.000000e-01> : tensor<f64>
// ADAMW-NEXT: adjit.pow %[[B1W]], %[[T]]
// ADAMW: adjit.div %[[LR1]], %{{.*}} : tensor<f64>
// ADAMW: adjit.mul %[[LR1]], %{{.*}} : tensor<f64>
// ADAMW: adjit.constant dense<8.000000e-01> : tensor<3xf32>
// ADAMW: %[[B1B:.*]] = adjit.constant dense<9.000000e-01> : tensor<f64>
// ADAMW-NEXT: adjit.pow %[[B1B]], %[[T]]
// ADAMW: adjit.div %[[LR0]], %{{.*}} : tensor<f64>
// ADAMW: adjit.mul %[[LR0]], %{{.*}} : tensor<f64>
// ADAMW: adjit.constant dense<0.899999976> : tensor<2xf32>

// ROUNDTRIP-LABEL: func.func @loss_grad(
// ROUNDTRIP: adjit.min

func.func @loss_grad(%w: tensor<3xf32>, %b: tensor<2xf32>, %x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>, tensor<2xf32>) {
  %0 = adjit.mul %w, %x : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  %gw = adjit.mul %x, %x : tensor<3xf32>
  %gb = adjit.reduce_sum %b, dims = [] : tensor<2xf32> -> tensor<2xf32>
  return %1, %gw, %gb : tensor<f32>, tensor<3xf32>, tensor<2xf32>
}
