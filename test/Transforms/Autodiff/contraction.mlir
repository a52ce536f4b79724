// Adjoint of matmul, plain and batched.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// C = A B: dA = dC B^T, dB = A^T dC.
// CHECK-LABEL: func.func @matmul_grad
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>, %[[G:.*]]: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x3xf32>, tensor<3x4xf32>)
// CHECK: %[[C:.*]] = adjit.matmul %[[A]], %[[B]]
// CHECK-NEXT: %[[BT:.*]] = adjit.transpose %[[B]], [1, 0] : tensor<3x4xf32> -> tensor<4x3xf32>
// CHECK-NEXT: %[[DA:.*]] = adjit.matmul %[[G]], %[[BT]] : tensor<2x4xf32>, tensor<4x3xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[AT:.*]] = adjit.transpose %[[A]], [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-NEXT: %[[DB:.*]] = adjit.matmul %[[AT]], %[[G]] : tensor<3x2xf32>, tensor<2x4xf32> -> tensor<3x4xf32>
// CHECK-NEXT: return %[[C]], %[[DA]], %[[DB]]
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// Batched: only the last two dimensions are transposed.
// CHECK-LABEL: func.func @batched_grad
// CHECK-SAME: (%[[A:.*]]: tensor<5x2x3xf64>, %[[B:.*]]: tensor<5x3x4xf64>, %[[G:.*]]: tensor<5x2x4xf64>)
// CHECK: %[[BT:.*]] = adjit.transpose %[[B]], [0, 2, 1] : tensor<5x3x4xf64> -> tensor<5x4x3xf64>
// CHECK-NEXT: %[[DA:.*]] = adjit.matmul %[[G]], %[[BT]] : tensor<5x2x4xf64>, tensor<5x4x3xf64> -> tensor<5x2x3xf64>
// CHECK-NEXT: %[[AT:.*]] = adjit.transpose %[[A]], [0, 2, 1] : tensor<5x2x3xf64> -> tensor<5x3x2xf64>
// CHECK-NEXT: %[[DB:.*]] = adjit.matmul %[[AT]], %[[G]] : tensor<5x3x2xf64>, tensor<5x2x4xf64> -> tensor<5x3x4xf64>
// CHECK-NEXT: return %{{.*}}, %[[DA]], %[[DB]]
func.func @batched(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> attributes {adjit.grad = {}} {
  %0 = adjit.matmul %a, %b : tensor<5x2x3xf64>, tensor<5x3x4xf64> -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// With respect to the weights only: no adjoint for the input is built.
// CHECK-LABEL: func.func @weights_only_grad
// CHECK-SAME: (%[[X:.*]]: tensor<8x3xf32>, %[[W:.*]]: tensor<3x2xf32>, %[[G:.*]]: tensor<8x2xf32>) -> (tensor<8x2xf32>, tensor<3x2xf32>)
// CHECK: adjit.matmul %[[X]], %[[W]]
// CHECK-NEXT: %[[XT:.*]] = adjit.transpose %[[X]], [1, 0]
// CHECK-NEXT: %[[DW:.*]] = adjit.matmul %[[XT]], %[[G]]
// CHECK-NEXT: return %{{.*}}, %[[DW]]
// CANON-LABEL: func.func @weights_only_grad
// CANON-COUNT-2: adjit.matmul
// CANON-NOT: adjit.matmul
// CANON: return
func.func @weights_only(%x: tensor<8x3xf32>, %w: tensor<3x2xf32>) -> tensor<8x2xf32> attributes {adjit.grad = {wrt = [1]}} {
  %0 = adjit.matmul %x, %w : tensor<8x3xf32>, tensor<3x2xf32> -> tensor<8x2xf32>
  return %0 : tensor<8x2xf32>
}
