// Adjoints of select, convert and the non-differentiable compare and constant.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// The adjoint goes to the chosen side; the compare that makes the condition
// carries none (no adjoint code reaches back through it).
// CHECK-LABEL: func.func @select_grad
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[Y:.*]]: tensor<4xf32>, %[[G:.*]]: tensor<4xf32>)
// CHECK: %[[M:.*]] = adjit.compare lt, %[[X]], %[[Y]]
// CHECK-NEXT: %[[R:.*]] = adjit.select %[[M]], %[[X]], %[[Y]]
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: %[[DX:.*]] = adjit.select %[[M]], %[[G]], %[[ZERO]]
// CHECK-NEXT: %[[DY:.*]] = adjit.select %[[M]], %[[ZERO]], %[[G]]
// CHECK-NEXT: return %[[R]], %[[DX]], %[[DY]]
func.func @select(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %m = adjit.compare lt, %x, %y : tensor<4xf32>
  %0 = adjit.select %m, %x, %y : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// Differentiating with respect to the mask-producing operand only: the
// gradient of a piecewise-constant choice with constant sides is zero.
// CHECK-LABEL: func.func @condition_only_grad
// CHECK-NOT: adjit.select {{.*}}%arg1
// CHECK: %[[R:.*]] = adjit.select
// CHECK-NEXT: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: return %[[R]], %[[ZERO]]
// CANON-LABEL: func.func @condition_only_grad
// CANON-SAME: %[[G:[^:]*]]: tensor<4xf32>) ->
// CANON-NOT: %[[G]]
// CANON: return
func.func @condition_only(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %c = adjit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %z = adjit.constant dense<0.0> : tensor<4xf32>
  %m = adjit.compare gt, %x, %z : tensor<4xf32>
  %0 = adjit.select %m, %c, %z : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// convert's adjoint converts back.
// CHECK-LABEL: func.func @convert_grad
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>, %[[G:.*]]: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf32>)
// CHECK: %[[E:.*]] = adjit.exp
// CHECK-NEXT: %[[D:.*]] = adjit.mul %[[G]], %[[E]]
// CHECK-NEXT: %[[DX:.*]] = adjit.convert %[[D]] : tensor<3xf64> to tensor<3xf32>
// CHECK-NEXT: return %[[E]], %[[DX]]
func.func @convert(%x: tensor<3xf32>) -> tensor<3xf64> attributes {adjit.grad = {}} {
  %0 = adjit.convert %x : tensor<3xf32> to tensor<3xf64>
  %1 = adjit.exp %0 : tensor<3xf64>
  return %1 : tensor<3xf64>
}
