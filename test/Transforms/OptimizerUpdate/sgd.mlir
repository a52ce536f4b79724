// adjit-append-optimizer-update with optimizer=sgd: the gradients of the
// `wrt` arguments become their updated values, and the function takes the
// learning rate and the step count (and the momentum state) as arguments.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2" | FileCheck %s --check-prefix=PLAIN
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2 optimizer=sgd weight-decay=0.5" | FileCheck %s --check-prefix=DECAY
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2 momentum=0.5" | FileCheck %s --check-prefix=MOMENTUM
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2 momentum=0.5 dampening=0.25" | FileCheck %s --check-prefix=DAMPENING
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2 momentum=0.5 nesterov=true" | FileCheck %s --check-prefix=NESTEROV
// wrt defaults to every f32/f64 tensor argument when their number matches
// the number of gradients.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=two_grad" | FileCheck %s --check-prefix=DEFAULT
// Other functions are untouched.
// RUN: adjit-opt %s --adjit-append-optimizer-update="function=loss_grad wrt=0,2" | FileCheck %s --check-prefix=OTHERS

// p -= lr * g, with lr rounded to each parameter's type and broadcast.
// PLAIN-LABEL: func.func @loss_grad(
// PLAIN-SAME: %[[W:[^:]*]]: tensor<2x3xf32>, %[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<f32>, %[[LR:[^:]*]]: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// PLAIN-SAME: -> (tensor<f32>, tensor<2x3xf32>, tensor<f32>)
// PLAIN: %[[LOSS:.*]] = adjit.add
// PLAIN: %[[DB:.*]] = adjit.constant dense<1.000000e+00> : tensor<f32>
// PLAIN-NEXT: %[[LR32:.*]] = adjit.convert %[[LR]] : tensor<f64> to tensor<f32>
// PLAIN-NEXT: %[[LRW:.*]] = adjit.broadcast %[[LR32]], dims = [] : tensor<f32> -> tensor<2x3xf32>
// PLAIN-NEXT: %[[SW:.*]] = adjit.mul %[[X]], %[[LRW]]
// PLAIN-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[SW]]
// PLAIN-NEXT: %[[LRB:.*]] = adjit.convert %[[LR]] : tensor<f64> to tensor<f32>
// PLAIN-NEXT: %[[SB:.*]] = adjit.mul %[[DB]], %[[LRB]]
// PLAIN-NEXT: %[[NEWB:.*]] = adjit.sub %[[B]], %[[SB]]
// PLAIN-NEXT: return %[[LOSS]], %[[NEWW]], %[[NEWB]] : tensor<f32>, tensor<2x3xf32>, tensor<f32>

// d = g + wd * p.
// DECAY-LABEL: func.func @loss_grad(
// DECAY-SAME: %[[W:[^:]*]]: tensor<2x3xf32>, %[[X:[^:]*]]: tensor<2x3xf32>
// DECAY: %[[WD:.*]] = adjit.constant dense<5.000000e-01> : tensor<2x3xf32>
// DECAY-NEXT: %[[PW:.*]] = adjit.mul %[[W]], %[[WD]]
// DECAY-NEXT: %[[D:.*]] = adjit.add %[[X]], %[[PW]]
// DECAY: %[[S:.*]] = adjit.mul %[[D]], %{{.*}} : tensor<2x3xf32>
// DECAY-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[S]]
// DECAY: return %{{.*}}, %[[NEWW]], %{{.*}} : tensor<f32>, tensor<2x3xf32>, tensor<f32>

// buf = mu * buf + g, p -= lr * buf; the buffers are new arguments (after
// the original ones, in wrt order) and results (after the parameters).
// MOMENTUM-LABEL: func.func @loss_grad(
// MOMENTUM-SAME: %[[W:[^:]*]]: tensor<2x3xf32>, %[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<f32>, %[[BUFW:[^:]*]]: tensor<2x3xf32>, %[[BUFB:[^:]*]]: tensor<f32>, %[[LR:[^:]*]]: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// MOMENTUM-SAME: -> (tensor<f32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf32>, tensor<f32>)
// MOMENTUM: %[[MU:.*]] = adjit.constant dense<5.000000e-01> : tensor<2x3xf32>
// MOMENTUM-NEXT: %[[DECAYED:.*]] = adjit.mul %[[BUFW]], %[[MU]]
// MOMENTUM-NEXT: %[[NEWBUFW:.*]] = adjit.add %[[DECAYED]], %[[X]]
// MOMENTUM-NEXT: %[[LR32:.*]] = adjit.convert %[[LR]]
// MOMENTUM-NEXT: %[[LRW:.*]] = adjit.broadcast %[[LR32]]
// MOMENTUM-NEXT: %[[S:.*]] = adjit.mul %[[NEWBUFW]], %[[LRW]]
// MOMENTUM-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[S]]
// MOMENTUM: %[[NEWBUFB:.*]] = adjit.add %{{.*}}, %{{.*}} : tensor<f32>
// MOMENTUM: %[[NEWB:.*]] = adjit.sub %[[B]], %{{.*}} : tensor<f32>
// MOMENTUM-NEXT: return %{{.*}}, %[[NEWW]], %[[NEWB]], %[[NEWBUFW]], %[[NEWBUFB]]

// Dampening scales g by 1 - dampening from a tensor's second step on: a
// tensor<i1> flag per parameter says whether its buffer holds a value, and
// comes back true.
// DAMPENING-LABEL: func.func @loss_grad(
// DAMPENING-SAME: %[[W:[^:]*]]: tensor<2x3xf32>, %[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<f32>, %[[BUFW:[^:]*]]: tensor<2x3xf32>, %[[HASW:[^:]*]]: tensor<i1>, %[[BUFB:[^:]*]]: tensor<f32>, %[[HASB:[^:]*]]: tensor<i1>, %{{[^:]*}}: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// DAMPENING-SAME: -> (tensor<f32>, tensor<2x3xf32>, tensor<f32>, tensor<2x3xf32>, tensor<i1>, tensor<f32>, tensor<i1>)
// DAMPENING: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// DAMPENING-NEXT: %[[DAMPED:.*]] = adjit.constant dense<7.500000e-01> : tensor<f64>
// DAMPENING-NEXT: %[[C:.*]] = adjit.select %[[HASW]], %[[DAMPED]], %[[ONE]] : tensor<f64>
// DAMPENING-NEXT: %[[C32:.*]] = adjit.convert %[[C]] : tensor<f64> to tensor<f32>
// DAMPENING-NEXT: %[[CW:.*]] = adjit.broadcast %[[C32]]
// DAMPENING-NEXT: %[[SCALED:.*]] = adjit.mul %[[X]], %[[CW]]
// DAMPENING-NEXT: %[[MU:.*]] = adjit.constant dense<5.000000e-01> : tensor<2x3xf32>
// DAMPENING-NEXT: %[[DECAYED:.*]] = adjit.mul %[[BUFW]], %[[MU]]
// DAMPENING-NEXT: %[[NEWBUFW:.*]] = adjit.add %[[DECAYED]], %[[SCALED]]
// DAMPENING-NEXT: %[[TRUE:.*]] = adjit.constant dense<true> : tensor<i1>
// DAMPENING: adjit.select %[[HASB]]
// DAMPENING: return %{{.*}}, %{{.*}}, %{{.*}}, %[[NEWBUFW]], %[[TRUE]], %{{.*}}, %{{.*}} :

// Nesterov steps along g + mu * buf.
// NESTEROV-LABEL: func.func @loss_grad(
// NESTEROV-SAME: %[[W:[^:]*]]: tensor<2x3xf32>, %[[X:[^:]*]]: tensor<2x3xf32>, %[[B:[^:]*]]: tensor<f32>, %[[BUFW:[^:]*]]: tensor<2x3xf32>, %[[BUFB:[^:]*]]: tensor<f32>, %{{[^:]*}}: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// NESTEROV: %[[NEWBUFW:.*]] = adjit.add %{{.*}}, %[[X]]
// NESTEROV-NEXT: %[[MU:.*]] = adjit.constant dense<5.000000e-01> : tensor<2x3xf32>
// NESTEROV-NEXT: %[[LOOK:.*]] = adjit.mul %[[NEWBUFW]], %[[MU]]
// NESTEROV-NEXT: %[[D:.*]] = adjit.add %[[X]], %[[LOOK]]
// NESTEROV: %[[S:.*]] = adjit.mul %[[D]], %{{.*}} : tensor<2x3xf32>
// NESTEROV-NEXT: %[[NEWW:.*]] = adjit.sub %[[W]], %[[S]]
// NESTEROV: return %{{.*}}, %[[NEWW]], %{{.*}}, %[[NEWBUFW]], %{{.*}} :

// DEFAULT-LABEL: func.func @two_grad(
// DEFAULT-SAME: %[[U:[^:]*]]: tensor<2xf64>, %[[V:[^:]*]]: tensor<2xf64>, %{{[^:]*}}: tensor<f64>, %{{[^:]*}}: tensor<f64>)
// DEFAULT-SAME: -> (tensor<f64>, tensor<2xf64>, tensor<2xf64>)
// DEFAULT: %[[NEWU:.*]] = adjit.sub %[[U]], %{{.*}} : tensor<2xf64>
// DEFAULT: %[[NEWV:.*]] = adjit.sub %[[V]], %{{.*}} : tensor<2xf64>
// DEFAULT-NEXT: return %{{.*}}, %[[NEWU]], %[[NEWV]]

// OTHERS-LABEL: func.func @two_grad(
// OTHERS-SAME: -> (tensor<f64>, tensor<2xf64>, tensor<2xf64>)
// OTHERS-NEXT: %[[S:.*]] = adjit.add
// OTHERS-NEXT: %[[L:.*]] = adjit.reduce_sum
// OTHERS-NEXT: return %[[L]], %[[S]], %[[S]] :

// A gradient function as adjit-autodiff returns it for a loss of %w, %x and
// %b with wrt=0,2: the loss, then the gradients of %w and %b.
func.func @loss_grad(%w: tensor<2x3xf32>, %x: tensor<2x3xf32>, %b: tensor<f32>) -> (tensor<f32>, tensor<2x3xf32>, tensor<f32>) {
  %0 = adjit.mul %w, %x : tensor<2x3xf32>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf32> -> tensor<f32>
  %2 = adjit.add %1, %b : tensor<f32>
  %3 = adjit.constant dense<1.0> : tensor<f32>
  return %2, %x, %3 : tensor<f32>, tensor<2x3xf32>, tensor<f32>
}

func.func @two_grad(%u: tensor<2xf64>, %v: tensor<2xf64>) -> (tensor<f64>, tensor<2xf64>, tensor<2xf64>) {
  %0 = adjit.add %u, %v : tensor<2xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<2xf64> -> tensor<f64>
  return %1, %0, %0 : tensor<f64>, tensor<2xf64>, tensor<2xf64>
}
