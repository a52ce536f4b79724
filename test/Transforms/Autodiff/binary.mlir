// Adjoints of the binary elementwise ops.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// The adjoint passes through to both operands.
// CHECK-LABEL: func.func @add_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.add %[[X]], %[[Y]]
// CHECK-NEXT: return %[[R]], %[[G]], %[[G]]
// The request attribute is consumed.
// CHECK-LABEL: func.func @sub(
// CHECK-NOT: adjit.grad
// CANON-LABEL: func.func @add_grad
// CANON-SAME: %[[G:[^:]*]]: tensor<4xf32>) ->
// CANON: return %{{.*}}, %[[G]], %[[G]]
func.func @add(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.add %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @sub_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.sub %[[X]], %[[Y]]
// CHECK-NEXT: %[[DY:.*]] = adjit.neg %[[G]]
// CHECK-NEXT: return %[[R]], %[[G]], %[[DY]]
func.func @sub(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.sub %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @mul_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.mul %[[X]], %[[Y]]
// CHECK-NEXT: %[[DX:.*]] = adjit.mul %[[G]], %[[Y]]
// CHECK-NEXT: %[[DY:.*]] = adjit.mul %[[G]], %[[X]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]
func.func @mul(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.mul %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// dx = g / y, dy = -(g * ((x / y) / y)), reusing the primal x / y.
// CHECK-LABEL: func.func @div_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.div %[[X]], %[[Y]]
// CHECK-NEXT: %[[DX:.*]] = adjit.div %[[G]], %[[Y]]
// CHECK-NEXT: %[[Q:.*]] = adjit.div %[[R]], %[[Y]]
// CHECK-NEXT: %[[P:.*]] = adjit.mul %[[G]], %[[Q]]
// CHECK-NEXT: %[[DY:.*]] = adjit.neg %[[P]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]
func.func @div(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.div %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// At ties each operand gets half (PyTorch's maximum); the losing side gets 0.
// CHECK-LABEL: func.func @max_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.max %[[X]], %[[Y]]
// CHECK-NEXT: %[[TIE:.*]] = adjit.compare eq, %[[X]], %[[Y]]
// CHECK-NEXT: %[[HALF:.*]] = adjit.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK-NEXT: %[[HALFG:.*]] = adjit.mul %[[G]], %[[HALF]]
// CHECK-NEXT: %[[SHARED:.*]] = adjit.select %[[TIE]], %[[HALFG]], %[[G]]
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[LT:.*]] = adjit.compare lt, %[[X]], %[[Y]]
// CHECK-NEXT: %[[DX:.*]] = adjit.select %[[LT]], %[[ZERO]], %[[SHARED]]
// CHECK-NEXT: %[[GT:.*]] = adjit.compare gt, %[[X]], %[[Y]]
// CHECK-NEXT: %[[DY:.*]] = adjit.select %[[GT]], %[[ZERO]], %[[SHARED]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]
// CANON-LABEL: func.func @max_grad
// CANON-COUNT-2: adjit.constant
// CANON-NOT: adjit.constant
// CANON-COUNT-3: adjit.compare
// CANON-NOT: adjit.compare
// CANON: return
func.func @max(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.max %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// CHECK-LABEL: func.func @min_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.min %[[X]], %[[Y]]
// CHECK-NEXT: %[[TIE:.*]] = adjit.compare eq, %[[X]], %[[Y]]
// CHECK: %[[SHARED:.*]] = adjit.select %[[TIE]]
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00>
// CHECK-NEXT: %[[GT:.*]] = adjit.compare gt, %[[X]], %[[Y]]
// CHECK-NEXT: %[[DX:.*]] = adjit.select %[[GT]], %[[ZERO]], %[[SHARED]]
// CHECK-NEXT: %[[LT:.*]] = adjit.compare lt, %[[X]], %[[Y]]
// CHECK-NEXT: %[[DY:.*]] = adjit.select %[[LT]], %[[ZERO]], %[[SHARED]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]
func.func @min(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.min %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// dx = g * y * x^(y-1), masked to 0 where y == 0; dy = g * x^y * log(x),
// masked to 0 where x == 0 and y >= 0 (both as PyTorch).
// CHECK-LABEL: func.func @pow_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = adjit.pow %[[X]], %[[Y]]
// CHECK: %[[YM1:.*]] = adjit.sub %[[Y]], %{{.*}}
// CHECK-NEXT: %[[P:.*]] = adjit.pow %[[X]], %[[YM1]]
// CHECK-NEXT: %[[YP:.*]] = adjit.mul %[[Y]], %[[P]]
// CHECK-NEXT: %[[DXV:.*]] = adjit.mul %[[G]], %[[YP]]
// CHECK: %[[Y0:.*]] = adjit.compare eq, %[[Y]], %{{.*}}
// CHECK: %[[DX:.*]] = adjit.select %[[Y0]], %{{.*}}, %[[DXV]]
// CHECK-NEXT: %[[LOG:.*]] = adjit.log %[[X]]
// CHECK-NEXT: %[[RL:.*]] = adjit.mul %[[R]], %[[LOG]]
// CHECK-NEXT: %[[DYV:.*]] = adjit.mul %[[G]], %[[RL]]
// CHECK: %[[X0:.*]] = adjit.compare eq, %[[X]], %{{.*}}
// CHECK: %[[YGE:.*]] = adjit.compare ge, %[[Y]], %{{.*}}
// CHECK: %[[INNER:.*]] = adjit.select %[[YGE]], %{{.*}}, %[[DYV]]
// CHECK-NEXT: %[[DY:.*]] = adjit.select %[[X0]], %[[INNER]], %[[DYV]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]

// After canonicalization the zero and one constants are shared.
// CANON-LABEL: func.func @pow_grad
// CANON-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CANON-DAG: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<4xf32>
// CANON-DAG: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf32>
// CANON-NOT: adjit.constant
// CANON: adjit.sub %[[Y]], %[[ONE]]
// CANON: adjit.compare eq, %[[Y]], %[[ZERO]]
// CANON: adjit.compare eq, %[[X]], %[[ZERO]]
// CANON: adjit.compare ge, %[[Y]], %[[ZERO]]
// CANON: return
func.func @pow(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.pow %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}
