// Activity analysis, accumulation, seeding and the shape of @f_grad.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// A value used twice accumulates both contributions: d(x*x)/dx = g*x + g*x.
// CHECK-LABEL: func.func @square_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[G:.*]]: tensor<3xf32>)
// CHECK: %[[A:.*]] = adjit.mul %[[G]], %[[X]]
// CHECK-NEXT: %[[B:.*]] = adjit.mul %[[G]], %[[X]]
// CHECK-NEXT: %[[DX:.*]] = adjit.add %[[A]], %[[B]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CSE merges the two products.
// CANON-LABEL: func.func @square_grad
// CANON-SAME: (%[[X:.*]]: tensor<3xf32>, %[[G:.*]]: tensor<3xf32>)
// CANON: %[[A:.*]] = adjit.mul %[[G]], %[[X]]
// CANON-NEXT: %[[DX:.*]] = adjit.add %[[A]], %[[A]]
func.func @square(%x: tensor<3xf32>) -> tensor<3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.mul %x, %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// Only values on a path from %x to the result get adjoints: exp(%y) does not
// depend on %x, and log(%x) does not reach the result.
// CHECK-LABEL: func.func @paths_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
// CHECK: %[[E:.*]] = adjit.exp %[[Y]]
// CHECK-NOT: adjit.log
// CHECK: %[[SEED:.*]] = adjit.constant dense<1.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[G:.*]] = adjit.broadcast %[[SEED]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[E]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @paths(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<f32> attributes {adjit.grad = {wrt = [0]}} {
  %e = adjit.exp %y : tensor<3xf32>
  %unused = adjit.log %x : tensor<3xf32>
  %0 = adjit.mul %x, %e : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}

// An argument the results do not depend on has a zero gradient.
// CHECK-LABEL: func.func @unused_grad
// CHECK-SAME: -> (tensor<2xf64>, tensor<2xf64>, tensor<4xf64>)
// CHECK: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf64>
// CHECK-NEXT: return %{{.*}}, %{{.*}}, %[[Z]]
func.func @unused(%x: tensor<2xf64>, %y: tensor<4xf64>) -> tensor<2xf64> attributes {adjit.grad = {}} {
  %0 = adjit.neg %x : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// Results: the single-element one is seeded with 1, the others take
// cotangents in result order; the i1 result is returned but not
// differentiated. Gradients come in the order of wrt, and a returned
// argument receives its seed directly.
// CHECK-LABEL: func.func @results_grad
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>, %[[Y:.*]]: tensor<1x1xf32>, %[[GA:.*]]: tensor<2xf32>, %[[GC:.*]]: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2xf32>, tensor<1x1xf32>, tensor<2xf32>, tensor<2xi1>, tensor<1x1xf32>, tensor<2xf32>)
// CHECK: %[[SEED:.*]] = adjit.constant dense<1.000000e+00> : tensor<1x1xf32>
// CHECK: %[[DX:.*]] = adjit.add %[[GA]], %[[GC]]
// CHECK-NEXT: return %{{.*}}, %[[SEED]], %[[DX]]
func.func @results(%x: tensor<2xf32>, %y: tensor<1x1xf32>) -> (tensor<2xf32>, tensor<1x1xf32>, tensor<2xf32>, tensor<2xi1>) attributes {adjit.grad = {wrt = [1, 0]}} {
  %0 = adjit.exp %y : tensor<1x1xf32>
  %m = adjit.compare gt, %x, %x : tensor<2xf32>
  return %x, %y, %x, %m : tensor<2xf32>, tensor<1x1xf32>, tensor<2xf32>, tensor<2xi1>
}

// `of` restricts the differentiated results and `name` names the function.
// CHECK-LABEL: func.func @pick
// CHECK-LABEL: func.func @dpick
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>, %[[G:.*]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: %[[DX:.*]] = adjit.neg %[[G]]
// CHECK-NEXT: return %{{.*}}, %{{.*}}, %[[DX]]
func.func @pick(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) attributes {adjit.grad = {of = [1], name = "dpick"}} {
  %0 = adjit.exp %x : tensor<2xf32>
  %1 = adjit.neg %x : tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// An op without an adjoint rule is fine where no gradient flows through it:
// math.exp only touches %y, and only %x is differentiated.
// CHECK-LABEL: func.func @foreign_inactive_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[Y:.*]]: tensor<3xf32>, %[[G:.*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = math.exp %[[Y]]
// CHECK: %[[DX:.*]] = adjit.mul %[[G]], %[[E]]
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @foreign_inactive(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<3xf32> attributes {adjit.grad = {wrt = [0]}} {
  %0 = math.exp %y : tensor<3xf32>
  %1 = adjit.mul %x, %0 : tensor<3xf32>
  return %1 : tensor<3xf32>
}
