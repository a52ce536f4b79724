// Adjoints of reduce_sum, reduce_max and reduce_prod.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// Every summed element receives the adjoint of its sum.
// CHECK-LABEL: func.func @reduce_sum_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<3xf32>) -> (tensor<3xf32>, tensor<2x3x4xf32>)
// CHECK: %[[DX:.*]] = adjit.broadcast %[[G]], dims = [1] : tensor<3xf32> -> tensor<2x3x4xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.reduce_sum %x, dims = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// The maxima share the adjoint evenly: dx = mask * broadcast(g / count).
// CHECK-LABEL: func.func @reduce_max_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<2x3xf32>)
// CHECK: %[[M:.*]] = adjit.reduce_max %[[X]], dims = [1]
// CHECK-NEXT: %[[MB:.*]] = adjit.broadcast %[[M]], dims = [0] : tensor<2xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[IS:.*]] = adjit.compare eq, %[[X]], %[[MB]]
// CHECK-NEXT: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[MASK:.*]] = adjit.select %[[IS]], %[[ONE]], %[[ZERO]]
// CHECK-NEXT: %[[COUNT:.*]] = adjit.reduce_sum %[[MASK]], dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[SHARE:.*]] = adjit.div %[[G]], %[[COUNT]]
// CHECK-NEXT: %[[SB:.*]] = adjit.broadcast %[[SHARE]], dims = [0]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[SB]], %[[MASK]]
// CHECK-NEXT: return %[[M]], %[[DX]]
func.func @reduce_max(%x: tensor<2x3xf32>) -> tensor<2xf32> attributes {adjit.grad = {}} {
  %0 = adjit.reduce_max %x, dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// A full reduction to a scalar is seeded with 1; canonicalization turns the
// seed's broadcast into a constant.
// CHECK-LABEL: func.func @sum_all_grad
// CHECK-SAME: (%{{.*}}: tensor<2x2xf64>) -> (tensor<f64>, tensor<2x2xf64>)
// CHECK: %[[SEED:.*]] = adjit.constant dense<1.000000e+00> : tensor<f64>
// CHECK-NEXT: %[[DX:.*]] = adjit.broadcast %[[SEED]], dims = [] : tensor<f64> -> tensor<2x2xf64>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CANON-LABEL: func.func @sum_all_grad
// CANON: %[[ONES:.*]] = adjit.constant dense<1.000000e+00> : tensor<2x2xf64>
// CANON: return %{{.*}}, %[[ONES]]
func.func @sum_all(%x: tensor<2x2xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.reduce_sum %x, dims = [0, 1] : tensor<2x2xf64> -> tensor<f64>
  return %0 : tensor<f64>
}

// The product's adjoint selects by the count of zeros of each slice: none,
// g * prod / x; one, g * (product of the nonzero elements) at the zero; more,
// zero. The product of the others is a reduce_prod with zeros replaced by 1.
// CHECK-LABEL: func.func @reduce_prod_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<2x3xf32>)
// CHECK: %[[P:.*]] = adjit.reduce_prod %[[X]], dims = [1]
// CHECK: %[[GB:.*]] = adjit.broadcast %[[G]], dims = [0] : tensor<2xf32> -> tensor<2x3xf32>
// CHECK: %[[ISZERO:.*]] = adjit.compare eq, %[[X]], %{{.*}} : tensor<2x3xf32>
// CHECK: %[[MASK:.*]] = adjit.select %[[ISZERO]], %{{.*}}, %{{.*}} : tensor<2x3xf32>
// CHECK: %[[COUNT:.*]] = adjit.reduce_sum %[[MASK]], dims = [1]
// CHECK: %[[NONZERO:.*]] = adjit.select %[[ISZERO]], %{{.*}}, %[[X]] : tensor<2x3xf32>
// CHECK: %[[OTHERS:.*]] = adjit.reduce_prod %[[NONZERO]], dims = [1]
// CHECK: %[[OB:.*]] = adjit.broadcast %[[OTHERS]], dims = [0]
// CHECK: %[[SCALED:.*]] = adjit.mul %[[GB]], %[[OB]]
// CHECK: %[[NOZERO:.*]] = adjit.div %[[SCALED]], %[[X]]
// CHECK: %[[ATZERO:.*]] = adjit.select %[[ISZERO]], %[[SCALED]], %{{.*}}
// CHECK: %[[ONEZERO:.*]] = adjit.select %{{.*}}, %[[ATZERO]], %{{.*}}
// CHECK: %[[DX:.*]] = adjit.select %{{.*}}, %[[NOZERO]], %[[ONEZERO]]
// CHECK: return %[[P]], %[[DX]]
func.func @reduce_prod(%x: tensor<2x3xf32>) -> tensor<2xf32> attributes {adjit.grad = {}} {
  %0 = adjit.reduce_prod %x, dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
