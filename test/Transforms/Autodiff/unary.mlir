// Adjoints of the unary elementwise ops.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON


// The scalar result is seeded with 1; reduce_sum broadcasts the seed.
// CHECK-LABEL: func.func @neg_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>) -> (tensor<f64>, tensor<2x3xf64>)
// CHECK: %[[SEED:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[G:.*]] = adjit.broadcast %[[SEED]], dims = [] : tensor<f64> -> tensor<2x3xf64>
// CHECK-NEXT: %[[DX:.*]] = adjit.neg %[[G]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CANON-LABEL: func.func @neg_grad
// CANON: %[[C:.*]] = adjit.constant dense<-1.000000e+00> : tensor<2x3xf64>
// CANON: return %{{.*}}, %[[C]]
func.func @neg(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.neg %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @exp_grad
// CHECK: %[[E:.*]] = adjit.exp
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[E]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CANON-LABEL: func.func @exp_grad
// CANON-NEXT: %[[E:.*]] = adjit.exp
// CANON-NEXT: %[[S:.*]] = adjit.reduce_sum %[[E]]
// CANON-NEXT: return %[[S]], %[[E]]
func.func @exp(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.exp %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @log_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>)
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[DX:.*]] = adjit.div %[[G]], %[[X]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @log(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.log %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @sqrt_grad
// CHECK: %[[R:.*]] = adjit.sqrt
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[TWO:.*]] = adjit.constant dense<2.000000e+00> : tensor<2x3xf64>
// CHECK-NEXT: %[[D:.*]] = adjit.mul %[[TWO]], %[[R]]
// CHECK-NEXT: %[[DX:.*]] = adjit.div %[[G]], %[[D]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @sqrt(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.sqrt %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @rsqrt_grad
// CHECK: %[[R:.*]] = adjit.rsqrt
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[R2:.*]] = adjit.mul %[[R]], %[[R]]
// CHECK-NEXT: %[[R3:.*]] = adjit.mul %[[R2]], %[[R]]
// CHECK-NEXT: %[[HALF:.*]] = adjit.constant dense<-5.000000e-01>
// CHECK-NEXT: %[[GH:.*]] = adjit.mul %[[G]], %[[HALF]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[GH]], %[[R3]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @rsqrt(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.rsqrt %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @tanh_grad
// CHECK: %[[R:.*]] = adjit.tanh
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[R2:.*]] = adjit.mul %[[R]], %[[R]]
// CHECK-NEXT: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<2x3xf64>
// CHECK-NEXT: %[[D:.*]] = adjit.sub %[[ONE]], %[[R2]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[D]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// With a seed of ones the product with g folds away.
// CANON-LABEL: func.func @tanh_grad
// CANON: %[[D:.*]] = adjit.sub
// CANON-NEXT: return %{{.*}}, %[[D]]
func.func @tanh(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.tanh %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @sigmoid_grad
// CHECK: %[[R:.*]] = adjit.sigmoid
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<2x3xf64>
// CHECK-NEXT: %[[C:.*]] = adjit.sub %[[ONE]], %[[R]]
// CHECK-NEXT: %[[D:.*]] = adjit.mul %[[R]], %[[C]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[D]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @sigmoid(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.sigmoid %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// relu'(0) = 0: the adjoint is 0 where x <= 0, and passes elsewhere (also
// for NaN), as PyTorch's threshold_backward.
// CHECK-LABEL: func.func @relu_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>)
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf64>
// CHECK-NEXT: %[[OFF:.*]] = adjit.compare le, %[[X]], %[[ZERO]]
// CHECK-NEXT: %[[ZEROS:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf64>
// CHECK-NEXT: %[[DX:.*]] = adjit.select %[[OFF]], %[[ZEROS]], %[[G]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @relu(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.relu %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// abs'(x) = sign(x), with sign(0) = 0: g * sign(x), as PyTorch.
// CHECK-LABEL: func.func @abs_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>)
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[S:.*]] = adjit.sign %[[X]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[S]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CANON-LABEL: func.func @abs_grad
// CANON: %[[S:.*]] = adjit.sign
// CANON-NEXT: return %{{.*}}, %[[S]]
func.func @abs(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.abs %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// sin' = cos, from the derivative shared with eager autograd.
// CHECK-LABEL: func.func @sin_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf64>)
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[C:.*]] = adjit.cos %[[X]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[C]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @sin(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.sin %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// floor is piecewise constant: its adjoint is zero, and folds away.
// CANON-LABEL: func.func @floor_grad
// CANON: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf64>
// CANON: return %{{.*}}, %[[Z]]
func.func @floor(%x: tensor<2x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.floor %x : tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// stop_gradient: only the direct use of x contributes, d/dx (x * sg(x)) = x.
// CHECK-LABEL: func.func @stop_gradient_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf64>)
// CHECK: %[[S:.*]] = adjit.stop_gradient %[[X]]
// CHECK: %[[G:.*]] = adjit.broadcast
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[S]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @stop_gradient(%x: tensor<3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.stop_gradient %x : tensor<3xf64>
  %1 = adjit.mul %x, %0 : tensor<3xf64>
  %2 = adjit.reduce_sum %1, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// A function whose result depends on x only through stop_gradient has a
// zero gradient.
// CANON-LABEL: func.func @only_stopped_grad
// CANON: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<3xf64>
// CANON: return %{{.*}}, %[[Z]]
func.func @only_stopped(%x: tensor<3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.stop_gradient %x : tensor<3xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}
