// Adjoints of the indexing ops: gather and scatter_add are each other's
// transpose at the same indices, so gradients are differentiable again; the
// indices get no adjoint.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --adjit-autodiff="function=sq_grad wrt=0 of=1 name=sq_hvp" --canonicalize --cse | FileCheck %s --check-prefix=HVP

// CHECK-LABEL: func.func @gather_grad
// CHECK-SAME: (%[[X:.*]]: tensor<5x3xf32>, %[[I:.*]]: tensor<4x3xi64>, %[[G:.*]]: tensor<4x3xf32>)
// CHECK: %[[Y:.*]] = adjit.gather %[[X]], %[[I]] dim = 0
// CHECK: %[[DX:.*]] = adjit.scatter_add %[[G]], %[[I]] dim = 0 : tensor<4x3xf32>, tensor<4x3xi64> -> tensor<5x3xf32>
// CHECK: return %[[Y]], %[[DX]]
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>) -> tensor<4x3xf32> attributes {adjit.grad = {}} {
  %y = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @scatter_grad
// CHECK-SAME: (%{{.*}}: tensor<4x2xf64>, %[[I:.*]]: tensor<4x2xi64>, %[[G:.*]]: tensor<4x3xf64>)
// CHECK: %[[DS:.*]] = adjit.gather %[[G]], %[[I]] dim = 1 : tensor<4x3xf64>, tensor<4x2xi64> -> tensor<4x2xf64>
// CHECK: return %{{.*}}, %[[DS]]
func.func @scatter(%s: tensor<4x2xf64>, %i: tensor<4x2xi64>) -> tensor<4x3xf64> attributes {adjit.grad = {}} {
  %y = adjit.scatter_add %s, %i dim = 1 : tensor<4x2xf64>, tensor<4x2xi64> -> tensor<4x3xf64>
  return %y : tensor<4x3xf64>
}

// sum(gather(x)^2) has the gradient scatter_add(2 gather(x)); its
// Hessian-vector product gathers the direction and scatters it back.
// HVP-LABEL: func.func @sq_hvp
// HVP: adjit.gather
// HVP: adjit.scatter_add
// HVP: adjit.gather
// HVP: adjit.scatter_add
func.func @sq(%x: tensor<5xf64>, %i: tensor<3xi64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %y = adjit.gather %x, %i dim = 0 : tensor<5xf64>, tensor<3xi64> -> tensor<3xf64>
  %sq = adjit.mul %y, %y : tensor<3xf64>
  %s = adjit.reduce_sum %sq, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %s : tensor<f64>
}
