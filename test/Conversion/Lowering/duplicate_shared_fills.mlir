// RUN: adjit-opt %s --adjit-duplicate-shared-fills --split-input-file | FileCheck %s

// Each product writing into the shared zero fill gets a fill of its own,
// of a fresh tensor.empty, right before it.
// CHECK-LABEL: func @shared_by_products
// CHECK-SAME: (%[[A:.*]]: tensor<4x4xf32>, %[[B:.*]]: tensor<4x4xf32>)
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK-NEXT: %[[P1:.*]] = linalg.matmul ins(%[[A]], %[[B]] : {{.*}}) outs(%[[F1]] : tensor<4x4xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK-NEXT: %[[F2:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK-NEXT: %[[P2:.*]] = linalg.matmul ins(%[[P1]], %[[B]] : {{.*}}) outs(%[[F2]] : tensor<4x4xf32>)
// CHECK-NEXT: return %[[P2]]
func.func @shared_by_products(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = linalg.matmul ins(%0, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----

// A use as an input (read only) keeps the original fill; the writer gets
// its own.
// CHECK-LABEL: func @read_and_written
// CHECK-SAME: (%[[A:.*]]: tensor<4x4xf32>)
// CHECK: %[[F:.*]] = linalg.fill
// CHECK: %[[F1:.*]] = linalg.fill
// CHECK-NEXT: %[[P:.*]] = linalg.matmul ins(%[[A]], %[[F]] : {{.*}}) outs(%[[F1]] : tensor<4x4xf32>)
func.func @read_and_written(%a: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %f : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A fill with one user stays as it is.
// CHECK-LABEL: func @single_use
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT: linalg.fill
func.func @single_use(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Each elementwise op writing into the shared tensor.empty (CSE merges
// them) gets a tensor.empty of its own right before it; a use that is not
// an init (the add's input) keeps the original.
// CHECK-LABEL: func @shared_empty
// CHECK-SAME: (%[[A:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[E1:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[X:.*]] = linalg.exp ins(%[[A]] : tensor<4xf32>) outs(%[[E1]] : tensor<4xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[Y:.*]] = linalg.exp ins(%[[X]] : tensor<4xf32>) outs(%[[E2]] : tensor<4xf32>)
// CHECK-NEXT: %[[E3:.*]] = tensor.empty() : tensor<4xf32>
// CHECK-NEXT: %[[Z:.*]] = linalg.add ins(%[[Y]], %[[E]] : tensor<4xf32>, tensor<4xf32>) outs(%[[E3]] : tensor<4xf32>)
// CHECK-NEXT: return %[[Z]]
func.func @shared_empty(%a: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.exp ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %1 = linalg.exp ins(%0 : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %2 = linalg.add ins(%1, %e : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// A tensor.empty with one user stays as it is.
// CHECK-LABEL: func @single_empty_use
// CHECK-COUNT-1: tensor.empty
// CHECK-NOT: tensor.empty
func.func @single_empty_use(%a: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.exp ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A reshape of a tensor.empty shared by two writers becomes a tensor.empty
// of its own type, which each writer then gets a copy of: one alias set per
// writer, not one for both.
// CHECK-LABEL: func @shared_reshaped_empty
// CHECK-NOT: tensor.expand_shape
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<2x8x1xf32>
// CHECK-NEXT: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<2x8x1xf32>)
// CHECK-NEXT: %[[E2:.*]] = tensor.empty() : tensor<2x8x1xf32>
// CHECK-NEXT: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<2x8x1xf32>)
// CHECK-NEXT: return %[[F1]], %[[F2]]
func.func @shared_reshaped_empty(%a: f32, %b: f32)
    -> (tensor<2x8x1xf32>, tensor<2x8x1xf32>) {
  %empty = tensor.empty() : tensor<2x8xf32>
  %shared = tensor.expand_shape %empty [[0], [1, 2]] output_shape [2, 8, 1]
      : tensor<2x8xf32> into tensor<2x8x1xf32>
  %0 = linalg.fill ins(%a : f32) outs(%shared : tensor<2x8x1xf32>) -> tensor<2x8x1xf32>
  %1 = linalg.fill ins(%b : f32) outs(%shared : tensor<2x8x1xf32>) -> tensor<2x8x1xf32>
  return %0, %1 : tensor<2x8x1xf32>, tensor<2x8x1xf32>
}

// -----

// A reshape of a tensor.empty with a dynamic result shape stays.
// CHECK-LABEL: func @dynamic_reshape_stays
// CHECK: tensor.collapse_shape
func.func @dynamic_reshape_stays(%n: index, %a: f32) -> tensor<?xf32> {
  %empty = tensor.empty(%n) : tensor<?x4xf32>
  %flat = tensor.collapse_shape %empty [[0, 1]] : tensor<?x4xf32> into tensor<?xf32>
  %0 = linalg.fill ins(%a : f32) outs(%flat : tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}
