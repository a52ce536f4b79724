// adjit.conv2d and its adjoint ops lower to an im2col gather, batched
// products (which adjit-matmul-to-blas turns into BLAS calls) and, for the
// input adjoint, one strided add per kernel tap.
// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// CHECK-DAG: #[[$LHS:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$RHST:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$OUT:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[$LHST:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1)>
// CHECK-DAG: #[[$RHS:map[0-9]*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>

// CHECK-LABEL: func.func @conv2d
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK: %[[COL:.*]] = linalg.generic {indexing_maps = [{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x2x3x2x1x2x4xf32>)
// CHECK: tensor.collapse_shape %[[COL]] {{\[}}[0], [1, 2, 3], [4, 5, 6]] : tensor<2x2x3x2x1x2x4xf32> into tensor<2x12x8xf32>
// CHECK: %[[P:.*]] = linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x2x12xf32>, tensor<2x12x8xf32>)
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x2x1x2x4xf32>) outs(%{{.*}} : tensor<1x2x2x2x4xf32>) permutation = [2, 0, 1, 3, 4]
func.func @conv2d(%x: tensor<1x4x5x5xf32>, %w: tensor<4x2x3x2xf32>) -> tensor<1x4x2x4xf32> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 2, 1>, padding = array<i64: 1, 0, 1, 0>, dilation = array<i64: 2, 1>, groups = 2 : i64} : tensor<1x4x5x5xf32>, tensor<4x2x3x2xf32> -> tensor<1x4x2x4xf32>
  return %0 : tensor<1x4x2x4xf32>
}

// The weight adjoint multiplies the output adjoint by the columns read
// transposed (no transposed copy).
// CHECK-LABEL: func.func @backward_weight
// CHECK: linalg.generic
// CHECK: linalg.batch_matmul indexing_maps = [#[[$LHS]], #[[$RHST]], #[[$OUT]]] ins(%{{.*}}, %{{.*}} : tensor<1x3x9xf32>, tensor<1x18x9xf32>)
func.func @backward_weight(%g: tensor<1x3x3x3xf32>, %x: tensor<1x2x5x5xf32>) -> tensor<3x2x3x3xf32> {
  %0 = adjit.conv2d_backward_weight %g, %x {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x3x3x3xf32>, tensor<1x2x5x5xf32> -> tensor<3x2x3x3xf32>
  return %0 : tensor<3x2x3x3xf32>
}

// The input adjoint: W^T dY (lhs read transposed), then 2 x 2 taps, each a
// strided window of the padded input plus the tap's columns, then the crop.
// CHECK-LABEL: func.func @backward_input
// CHECK: linalg.batch_matmul indexing_maps = [#[[$LHST]], #[[$RHS]], #[[$OUT]]] ins(%{{.*}}, %{{.*}} : tensor<1x3x8xf32>, tensor<1x3x9xf32>)
// CHECK-COUNT-4: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, {{[0-9]+}}, {{[0-9]+}}] [1, 1, 2, 3, 3] [1, 1, 1, 2, 2]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x6x6xf32> to tensor<1x2x4x4xf32>
func.func @backward_input(%g: tensor<1x3x3x3xf32>, %w: tensor<3x2x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = adjit.conv2d_backward_input %g, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x3x3x3xf32>, tensor<3x2x2x2xf32> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}
