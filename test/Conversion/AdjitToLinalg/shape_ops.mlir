// RUN: adjit-opt %s --convert-adjit-to-linalg --split-input-file | FileCheck %s

// Broadcast is a generic whose input map sends operand dims to their result
// dims, and expanded size-1 dims to the constant 0.
// CHECK-DAG: #[[$ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$EXPAND:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @broadcast
func.func @broadcast(%v: tensor<3xf32>, %col: tensor<2x1xf32>)
    -> (tensor<2x3xf32>, tensor<2x5xf32>) {
  // CHECK: linalg.generic {indexing_maps = [#[[$ROW]], #[[$ID]]]
  // CHECK-SAME: ins(%{{.*}} : tensor<3xf32>)
  %0 = adjit.broadcast %v, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$EXPAND]], #[[$ID]]]
  // CHECK-SAME: ins(%{{.*}} : tensor<2x1xf32>)
  %1 = adjit.broadcast %col, dims = [0, 1] : tensor<2x1xf32> -> tensor<2x5xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func @reshape
func.func @reshape(%x: tensor<2x3xf32>, %s: tensor<1x1xf32>)
    -> (tensor<6xf32>, tensor<2x3x1xf32>, tensor<3x2xf32>, tensor<f32>) {
  // CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %0 = adjit.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  // CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [2, 3, 1] : tensor<2x3xf32> into tensor<2x3x1xf32>
  %1 = adjit.reshape %x : tensor<2x3xf32> -> tensor<2x3x1xf32>
  // No single collapse or expand: through all elements in a row.
  // CHECK: %[[FLAT:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  // CHECK: tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
  %2 = adjit.reshape %x : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
  %3 = adjit.reshape %s : tensor<1x1xf32> -> tensor<f32>
  return %0, %1, %2, %3 : tensor<6xf32>, tensor<2x3x1xf32>, tensor<3x2xf32>,
      tensor<f32>
}

// -----

// CHECK-LABEL: func @transpose
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2x3xf32>
  // CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3x4xf32>) outs(%[[E]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
  %0 = adjit.transpose %x, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @slice
func.func @slice(%x: tensor<4x4xf32>) -> tensor<2x2xf32> {
  // CHECK: tensor.extract_slice %{{.*}}[0, 1] [2, 2] [2, 1] : tensor<4x4xf32> to tensor<2x2xf32>
  %0 = adjit.slice %x [0:4:2, 1:3:1] : tensor<4x4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x1xf32>)
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x1xf32>) -> tensor<2x7xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<2x7xf32>
  // CHECK: %[[I0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
  // CHECK: %[[I1:.*]] = tensor.insert_slice %[[B]] into %[[I0]][0, 3] [2, 1] [1, 1]
  // CHECK: %[[I2:.*]] = tensor.insert_slice %[[A]] into %[[I1]][0, 4] [2, 3] [1, 1]
  // CHECK: return %[[I2]]
  %0 = adjit.concat %a, %b, %a dim = 1
      : tensor<2x3xf32>, tensor<2x1xf32>, tensor<2x3xf32> -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}
