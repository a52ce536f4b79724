// adjit-append-optimizer-update with optimizer=adam: two moments per
// parameter, and bias corrections computed once in f64 from the step count.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0 optimizer=adam" | FileCheck %s
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0 optimizer=adam beta1=0.5 beta2=0.75 eps=0.125 weight-decay=0.25" | FileCheck %s --check-prefix=OPTIONS

// CHECK-LABEL: func.func @loss_grad(
// CHECK-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[X:[^:]*]]: tensor<3xf32>, %[[M:[^:]*]]: tensor<3xf32>, %[[V:[^:]*]]: tensor<3xf32>, %[[LR:[^:]*]]: tensor<f64>, %[[T:[^:]*]]: tensor<f64>)
// CHECK-SAME: -> (tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
// The shared scalars: lr / (1 - beta1^t) and sqrt(1 - beta2^t), in f64.
// CHECK: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[B1:.*]] = adjit.constant dense<9.000000e-01> : tensor<f64>
// CHECK-NEXT: %[[B1T:.*]] = adjit.pow %[[B1]], %[[T]] : tensor<f64>
// CHECK-NEXT: %[[C1:.*]] = adjit.sub %[[ONE]], %[[B1T]] : tensor<f64>
// CHECK-NEXT: %[[B2:.*]] = adjit.constant dense<0.99899999999999999> : tensor<f64>
// CHECK-NEXT: %[[B2T:.*]] = adjit.pow %[[B2]], %[[T]] : tensor<f64>
// CHECK-NEXT: %[[C2:.*]] = adjit.sub %[[ONE]], %[[B2T]] : tensor<f64>
// CHECK-NEXT: %[[STEPSIZE:.*]] = adjit.div %[[LR]], %[[C1]] : tensor<f64>
// CHECK-NEXT: %[[ROOT2:.*]] = adjit.sqrt %[[C2]] : tensor<f64>
// m = beta1 * m + (1 - beta1) * g
// CHECK-NEXT: %[[OMB1:.*]] = adjit.constant dense<1.000000e-01> : tensor<3xf32>
// CHECK-NEXT: %[[GM:.*]] = adjit.mul %[[X]], %[[OMB1]]
// CHECK-NEXT: %[[B1V:.*]] = adjit.constant dense<0.899999976> : tensor<3xf32>
// CHECK-NEXT: %[[MD:.*]] = adjit.mul %[[M]], %[[B1V]]
// CHECK-NEXT: %[[NEWM:.*]] = adjit.add %[[MD]], %[[GM]]
// v = beta2 * v + (1 - beta2) * g * g
// CHECK-NEXT: %[[GG:.*]] = adjit.mul %[[X]], %[[X]]
// CHECK-NEXT: %[[OMB2:.*]] = adjit.constant dense<1.000000e-03> : tensor<3xf32>
// CHECK-NEXT: %[[GV:.*]] = adjit.mul %[[GG]], %[[OMB2]]
// CHECK-NEXT: %[[B2V:.*]] = adjit.constant dense<9.990000e-01> : tensor<3xf32>
// CHECK-NEXT: %[[VD:.*]] = adjit.mul %[[V]], %[[B2V]]
// CHECK-NEXT: %[[NEWV:.*]] = adjit.add %[[VD]], %[[GV]]
// p -= stepsize * m / (sqrt(v) / root2 + eps)
// CHECK-NEXT: %[[EPS:.*]] = adjit.constant dense<9.99999993E-9> : tensor<3xf32>
// CHECK-NEXT: %[[ROOT2F:.*]] = adjit.convert %[[ROOT2]] : tensor<f64> to tensor<f32>
// CHECK-NEXT: %[[ROOT2B:.*]] = adjit.broadcast %[[ROOT2F]], dims = [] : tensor<f32> -> tensor<3xf32>
// CHECK-NEXT: %[[SQRTV:.*]] = adjit.sqrt %[[NEWV]]
// CHECK-NEXT: %[[CORR:.*]] = adjit.div %[[SQRTV]], %[[ROOT2B]]
// CHECK-NEXT: %[[DEN:.*]] = adjit.add %[[CORR]], %[[EPS]]
// CHECK-NEXT: %[[SSF:.*]] = adjit.convert %[[STEPSIZE]] : tensor<f64> to tensor<f32>
// CHECK-NEXT: %[[SSB:.*]] = adjit.broadcast %[[SSF]], dims = [] : tensor<f32> -> tensor<3xf32>
// CHECK-NEXT: %[[Q:.*]] = adjit.div %[[NEWM]], %[[DEN]]
// CHECK-NEXT: %[[STEP:.*]] = adjit.mul %[[Q]], %[[SSB]]
// CHECK-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[STEP]]
// CHECK-NEXT: return %{{.*}}, %[[NEWW]], %[[NEWM]], %[[NEWV]] : tensor<f32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>

// Weight decay adds wd * p to the gradient before both moments.
// OPTIONS-LABEL: func.func @loss_grad(
// OPTIONS-SAME: %[[W:[^:]*]]: tensor<3xf32>, %[[X:[^:]*]]: tensor<3xf32>
// OPTIONS: adjit.constant dense<5.000000e-01> : tensor<f64>
// OPTIONS: adjit.constant dense<7.500000e-01> : tensor<f64>
// OPTIONS: %[[WD:.*]] = adjit.constant dense<2.500000e-01> : tensor<3xf32>
// OPTIONS-NEXT: %[[PW:.*]] = adjit.mul %[[W]], %[[WD]]
// OPTIONS-NEXT: %[[G:.*]] = adjit.add %[[X]], %[[PW]]
// OPTIONS: adjit.mul %[[G]], %[[G]]
// OPTIONS: adjit.constant dense<1.250000e-01> : tensor<3xf32>
// OPTIONS: return

func.func @loss_grad(%w: tensor<3xf32>, %x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adjit.mul %w, %x : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1, %x : tensor<f32>, tensor<3xf32>
}
