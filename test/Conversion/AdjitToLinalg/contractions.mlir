// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// The indexing maps of products with transposed operands.
// CHECK-DAG: #[[$LHS_T:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[$RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[$RES:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$RHS_T:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$BLHS_T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[$BRHS_T:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$BRES:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>

// CHECK-LABEL: func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>)
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<2x4xf32>
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<2x4xf32>)
  // CHECK: linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func @batched
func.func @batched(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>) -> tensor<5x2x4xf64> {
  // CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<5x2x3xf64>, tensor<5x3x4xf64>) outs(%{{.*}} : tensor<5x2x4xf64>)
  %0 = adjit.matmul %a, %b : tensor<5x2x3xf64>, tensor<5x3x4xf64> -> tensor<5x2x4xf64>
  return %0 : tensor<5x2x4xf64>
}

// Several batch dimensions collapse into one around linalg.batch_matmul.
// CHECK-LABEL: func @batched_rank4
func.func @batched_rank4(%a: tensor<2x3x4x5xf32>, %b: tensor<2x3x5x6xf32>)
    -> tensor<2x3x4x6xf32> {
  // CHECK: %[[A:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x5xf32> into tensor<6x4x5xf32>
  // CHECK: %[[B:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<2x3x5x6xf32> into tensor<6x5x6xf32>
  // CHECK: %[[P:.*]] = linalg.batch_matmul ins(%[[A]], %[[B]] : tensor<6x4x5xf32>, tensor<6x5x6xf32>)
  // CHECK: tensor.expand_shape %[[P]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 6] : tensor<6x4x6xf32> into tensor<2x3x4x6xf32>
  %0 = adjit.matmul %a, %b
      : tensor<2x3x4x5xf32>, tensor<2x3x5x6xf32> -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}

// A transposed operand is read through a transposed indexing map; the
// transposes are lowered but unused (canonicalization removes them).
// CHECK-LABEL: func @transposed_lhs
// CHECK-SAME: (%[[A:.*]]: tensor<3x2xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[$LHS_T]], #[[$RHS]], #[[$RES]]] ins(%[[A]], %[[B]] : tensor<3x2xf32>, tensor<3x4xf32>) outs(%{{.*}} : tensor<2x4xf32>)
func.func @transposed_lhs(%a: tensor<3x2xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %t = adjit.transpose %a, [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  %0 = adjit.matmul %t, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// CHECK-LABEL: func @transposed_rhs
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<4x3xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[$LHS]], #[[$RHS_T]], #[[$RES]]] ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<4x3xf32>) outs(%{{.*}} : tensor<2x4xf32>)
func.func @transposed_rhs(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x4xf32> {
  %t = adjit.transpose %b, [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %0 = adjit.matmul %a, %t : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// A transpose that another op uses is still computed for it.
// CHECK-LABEL: func @transpose_used_elsewhere
// CHECK-SAME: (%[[A:.*]]: tensor<3x3xf32>)
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[A]] : tensor<3x3xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[$LHS_T]], #[[$RHS]], #[[$RES]]] ins(%[[A]], %[[A]] :
// CHECK: return %{{.*}}, %[[T]]
func.func @transpose_used_elsewhere(%a: tensor<3x3xf32>) -> (tensor<3x3xf32>, tensor<3x3xf32>) {
  %t = adjit.transpose %a, [1, 0] : tensor<3x3xf32> -> tensor<3x3xf32>
  %0 = adjit.matmul %t, %a : tensor<3x3xf32>, tensor<3x3xf32> -> tensor<3x3xf32>
  return %0, %t : tensor<3x3xf32>, tensor<3x3xf32>
}

// Batched: only a transpose of the last two dimensions folds.
// CHECK-LABEL: func @batched_transposed
// CHECK-SAME: (%[[A:.*]]: tensor<5x3x2xf32>, %[[B:.*]]: tensor<5x4x3xf32>)
// CHECK: linalg.batch_matmul indexing_maps = [#[[$BLHS_T]], #[[$BRHS_T]], #[[$BRES]]] ins(%[[A]], %[[B]] : tensor<5x3x2xf32>, tensor<5x4x3xf32>) outs(%{{.*}} : tensor<5x2x4xf32>)
func.func @batched_transposed(%a: tensor<5x3x2xf32>, %b: tensor<5x4x3xf32>) -> tensor<5x2x4xf32> {
  %ta = adjit.transpose %a, [0, 2, 1] : tensor<5x3x2xf32> -> tensor<5x2x3xf32>
  %tb = adjit.transpose %b, [0, 2, 1] : tensor<5x4x3xf32> -> tensor<5x3x4xf32>
  %0 = adjit.matmul %ta, %tb : tensor<5x2x3xf32>, tensor<5x3x4xf32> -> tensor<5x2x4xf32>
  return %0 : tensor<5x2x4xf32>
}

// CHECK-LABEL: func @no_fold_batch_transpose
// CHECK: %[[T:.*]] = linalg.transpose
// CHECK: linalg.batch_matmul ins(%[[T]], %{{.*}} : tensor<2x2x3xf32>, tensor<2x3x4xf32>)
func.func @no_fold_batch_transpose(%a: tensor<2x2x3xf32>, %b: tensor<2x3x4xf32>) -> tensor<2x2x4xf32> {
  %t = adjit.transpose %a, [1, 0, 2] : tensor<2x2x3xf32> -> tensor<2x2x3xf32>
  %0 = adjit.matmul %t, %b : tensor<2x2x3xf32>, tensor<2x3x4xf32> -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// Rank 4: the transposed operand's batch dimensions collapse as usual.
// CHECK-LABEL: func @rank4_transposed
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x5x4xf32>, %[[B:.*]]: tensor<2x3x5x6xf32>)
// CHECK: %[[CA:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x5x4xf32> into tensor<6x5x4xf32>
// CHECK: %[[CB:.*]] = tensor.collapse_shape %[[B]]
// CHECK: linalg.batch_matmul indexing_maps = [#[[$BLHS_T]], #{{.*}}, #[[$BRES]]] ins(%[[CA]], %[[CB]] : tensor<6x5x4xf32>, tensor<6x5x6xf32>)
func.func @rank4_transposed(%a: tensor<2x3x5x4xf32>, %b: tensor<2x3x5x6xf32>) -> tensor<2x3x4x6xf32> {
  %t = adjit.transpose %a, [0, 1, 3, 2] : tensor<2x3x5x4xf32> -> tensor<2x3x4x5xf32>
  %0 = adjit.matmul %t, %b : tensor<2x3x4x5xf32>, tensor<2x3x5x6xf32> -> tensor<2x3x4x6xf32>
  return %0 : tensor<2x3x4x6xf32>
}
