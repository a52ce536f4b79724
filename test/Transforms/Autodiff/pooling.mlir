// Adjoints of the pooling ops: each is its partner with the same attributes
// (gather <-> scatter at the indices of a max pooling, average pooling <->
// its gradient), so gradients are differentiable again.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --adjit-autodiff="function=max_sq_grad wrt=0 of=1 name=max_hvp" --adjit-autodiff="function=avg_sq_grad wrt=0 of=1 name=avg_hvp" --canonicalize --cse | FileCheck %s --check-prefix=HVP

// The adjoint of the max pooling goes to the chosen indices; the indices
// themselves get none.
// CHECK-LABEL: func.func @max_grad
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>, %[[G:.*]]: tensor<1x2x2x2xf32>)
// CHECK: %[[I:.*]] = adjit.max_pool2d_indices %[[X]] kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1]
// CHECK: %[[Y:.*]] = adjit.max_pool2d_gather %[[X]], %[[I]]
// CHECK: %[[DX:.*]] = adjit.max_pool2d_scatter %[[G]], %[[I]] kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64> -> tensor<1x2x4x4xf32>
// CHECK: return %[[Y]], %[[DX]]
func.func @max(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> attributes {adjit.grad = {}} {
  %i = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x4x4xf32>, tensor<1x2x2x2xi64> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func.func @avg_grad
// CHECK-SAME: (%{{.*}}: tensor<1x1x5x5xf64>, %[[G:.*]]: tensor<1x1x3x3xf64>)
// CHECK: %[[DX:.*]] = adjit.avg_pool2d_backward %[[G]] kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] ceil_mode : tensor<1x1x3x3xf64> -> tensor<1x1x5x5xf64>
// CHECK: return %{{.*}}, %[[DX]]
func.func @avg(%x: tensor<1x1x5x5xf64>) -> tensor<1x1x3x3xf64> attributes {adjit.grad = {}} {
  %y = adjit.avg_pool2d %x kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] ceil_mode : tensor<1x1x5x5xf64> -> tensor<1x1x3x3xf64>
  return %y : tensor<1x1x3x3xf64>
}

// CHECK-LABEL: func.func @adaptive_grad
// CHECK-SAME: (%{{.*}}: tensor<1x1x7x7xf64>, %[[G:.*]]: tensor<1x1x3x3xf64>)
// CHECK: %[[DX:.*]] = adjit.adaptive_avg_pool2d_backward %[[G]] : tensor<1x1x3x3xf64> -> tensor<1x1x7x7xf64>
// CHECK: return %{{.*}}, %[[DX]]
func.func @adaptive(%x: tensor<1x1x7x7xf64>) -> tensor<1x1x3x3xf64> attributes {adjit.grad = {}} {
  %y = adjit.adaptive_avg_pool2d %x : tensor<1x1x7x7xf64> -> tensor<1x1x3x3xf64>
  return %y : tensor<1x1x3x3xf64>
}

// The gradients' adjoints: of the scatter a gather, of avg_pool2d_backward
// avg_pool2d. sum(maxpool(x)^2) has the gradient scatter(2 y) and the
// Hessian-vector product scatter(2 gather(v)).
// HVP-LABEL: func.func @max_hvp
// HVP-SAME: (%[[X:.*]]: tensor<1x1x4x4xf64>, %[[V:.*]]: tensor<1x1x4x4xf64>)
// HVP: %[[I:.*]] = adjit.max_pool2d_indices %[[X]]
// HVP: %[[GV:.*]] = adjit.max_pool2d_gather %[[V]], %[[I]]
// HVP: adjit.max_pool2d_scatter %{{.*}}, %[[I]]
func.func @max_sq(%x: tensor<1x1x4x4xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %i = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x4x4xf64> -> tensor<1x1x3x3xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x4x4xf64>, tensor<1x1x3x3xi64> -> tensor<1x1x3x3xf64>
  %s = adjit.mul %y, %y : tensor<1x1x3x3xf64>
  %r = adjit.reduce_sum %s, dims = [0, 1, 2, 3] : tensor<1x1x3x3xf64> -> tensor<f64>
  return %r : tensor<f64>
}

// HVP-LABEL: func.func @avg_hvp
// HVP: adjit.avg_pool2d %{{.*}} kernel_size = [2, 2] stride = [1, 1] padding = [1, 1]
// HVP: adjit.avg_pool2d_backward %{{.*}} kernel_size = [2, 2] stride = [1, 1] padding = [1, 1]
func.func @avg_sq(%x: tensor<1x1x3x3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %y = adjit.avg_pool2d %x kernel_size = [2, 2] stride = [1, 1] padding = [1, 1] : tensor<1x1x3x3xf64> -> tensor<1x1x4x4xf64>
  %s = adjit.mul %y, %y : tensor<1x1x4x4xf64>
  %r = adjit.reduce_sum %s, dims = [0, 1, 2, 3] : tensor<1x1x4x4xf64> -> tensor<f64>
  return %r : tensor<f64>
}
