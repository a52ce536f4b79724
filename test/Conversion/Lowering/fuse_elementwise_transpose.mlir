// RUN: adjit-opt %s --adjit-fuse-elementwise | FileCheck %s

// A transpose whose one use is an elementwise generic fuses into it: the
// generic reads the transpose's input through the permuted map. A transpose
// with another use stays, and so its user reads it.
// CHECK-DAG: #[[$PERM:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @f
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[$PERM]], #[[$ID]]]
// CHECK-SAME: ins(%arg0 : tensor<2x4x3x8xf32>)
// CHECK: arith.addf
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg1
// CHECK: %[[G2:.*]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]]]
// CHECK-SAME: ins(%[[T]] : tensor<2x3x4x8xf32>)
// CHECK: arith.negf
// CHECK: return %[[G]], %[[G2]], %[[T]]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @f(%a: tensor<2x4x3x8xf32>, %b: tensor<2x4x3x8xf32>) -> (tensor<2x3x4x8xf32>, tensor<2x3x4x8xf32>, tensor<2x3x4x8xf32>) {
  %e = tensor.empty() : tensor<2x3x4x8xf32>
  %t = linalg.transpose ins(%a : tensor<2x4x3x8xf32>) outs(%e : tensor<2x3x4x8xf32>) permutation = [0, 2, 1, 3]
  %cst = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<2x3x4x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t : tensor<2x3x4x8xf32>) outs(%e2 : tensor<2x3x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.addf %in, %cst : f32
    linalg.yield %n : f32
  } -> tensor<2x3x4x8xf32>
  // Two uses: stays a transpose.
  %e3 = tensor.empty() : tensor<2x3x4x8xf32>
  %t2 = linalg.transpose ins(%b : tensor<2x4x3x8xf32>) outs(%e3 : tensor<2x3x4x8xf32>) permutation = [0, 2, 1, 3]
  %e4 = tensor.empty() : tensor<2x3x4x8xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%t2 : tensor<2x3x4x8xf32>) outs(%e4 : tensor<2x3x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x3x4x8xf32>
  return %g, %g2, %t2 : tensor<2x3x4x8xf32>, tensor<2x3x4x8xf32>, tensor<2x3x4x8xf32>
}
