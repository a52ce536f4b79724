// RUN: adjit-opt %s --split-input-file --adjit-insert-slices-before-collapse | FileCheck %s
// RUN: adjit-opt %s --split-input-file --adjit-insert-slices-before-collapse --eliminate-empty-tensors --empty-tensor-to-alloc-tensor --one-shot-bufferize="bufferize-function-boundaries" --cse --canonicalize | FileCheck %s --check-prefix=BUF

// Three head-split pieces of a concatenation: each is inserted unreshaped
// into one expanded destination, collapsed once at the end.
// CHECK-LABEL: func @concatenation_of_collapsed_pieces
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3x12x8xf32>
// CHECK: %[[I0:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0, 0] [2, 3, 4, 8] [1, 1, 1, 1] : tensor<2x3x4x8xf32> into tensor<2x3x12x8xf32>
// CHECK: %[[I1:.*]] = tensor.insert_slice %{{.*}} into %[[I0]][0, 0, 4, 0] [2, 3, 4, 8] [1, 1, 1, 1]
// CHECK: %[[I2:.*]] = tensor.insert_slice %{{.*}} into %[[I1]][0, 0, 8, 0] [2, 3, 4, 8] [1, 1, 1, 1]
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[I2]] {{\[}}[0], [1], [2, 3]] : tensor<2x3x12x8xf32> into tensor<2x3x96xf32>
// CHECK: return %[[R]]
// With it, each piece's producer writes into its slice of the
// concatenation: no copy (the copies of a slice onto itself that
// bufferization leaves fold away after CSE).
// BUF-LABEL: func @concatenation_of_collapsed_pieces
// BUF-COUNT-3: linalg.generic
// BUF-NOT: memref.copy
// BUF: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @concatenation_of_collapsed_pieces(%a: tensor<2x3x4x8xf32>, %b: tensor<2x3x4x8xf32>, %c: tensor<2x3x4x8xf32>) -> tensor<2x3x96xf32> {
  %e0 = tensor.empty() : tensor<2x3x4x8xf32>
  %g0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%a : tensor<2x3x4x8xf32>) outs(%e0 : tensor<2x3x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x3x4x8xf32>
  %e1 = tensor.empty() : tensor<2x3x4x8xf32>
  %g1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<2x3x4x8xf32>) outs(%e1 : tensor<2x3x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x3x4x8xf32>
  %e2 = tensor.empty() : tensor<2x3x4x8xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<2x3x4x8xf32>) outs(%e2 : tensor<2x3x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %n = arith.negf %in : f32
    linalg.yield %n : f32
  } -> tensor<2x3x4x8xf32>
  %p0 = tensor.collapse_shape %g0 [[0], [1], [2, 3]] : tensor<2x3x4x8xf32> into tensor<2x3x32xf32>
  %p1 = tensor.collapse_shape %g1 [[0], [1], [2, 3]] : tensor<2x3x4x8xf32> into tensor<2x3x32xf32>
  %p2 = tensor.collapse_shape %g2 [[0], [1], [2, 3]] : tensor<2x3x4x8xf32> into tensor<2x3x32xf32>
  %d = tensor.empty() : tensor<2x3x96xf32>
  %i0 = tensor.insert_slice %p0 into %d[0, 0, 0] [2, 3, 32] [1, 1, 1] : tensor<2x3x32xf32> into tensor<2x3x96xf32>
  %i1 = tensor.insert_slice %p1 into %i0[0, 0, 32] [2, 3, 32] [1, 1, 1] : tensor<2x3x32xf32> into tensor<2x3x96xf32>
  %i2 = tensor.insert_slice %p2 into %i1[0, 0, 64] [2, 3, 32] [1, 1, 1] : tensor<2x3x32xf32> into tensor<2x3x96xf32>
  return %i2 : tensor<2x3x96xf32>
}

// -----

// An offset the inner size does not divide, a strided slice and dynamic
// shapes are left alone.
// CHECK-LABEL: func @left_alone
// CHECK-NOT: tensor.expand_shape
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 2] [2, 8] [1, 1] : tensor<2x8xf32> into tensor<2x16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [2, 8] [1, 2] : tensor<2x8xf32> into tensor<2x16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0] [%{{.*}}, 8] [1, 1] : tensor<?x8xf32> into tensor<?x16xf32>
func.func @left_alone(%x: tensor<2x2x4xf32>, %d: tensor<2x16xf32>, %y: tensor<?x2x4xf32>, %dd: tensor<?x16xf32>)
    -> (tensor<2x16xf32>, tensor<2x16xf32>, tensor<?x16xf32>) {
  %p = tensor.collapse_shape %x [[0], [1, 2]] : tensor<2x2x4xf32> into tensor<2x8xf32>
  %r0 = tensor.insert_slice %p into %d[0, 2] [2, 8] [1, 1] : tensor<2x8xf32> into tensor<2x16xf32>
  %r1 = tensor.insert_slice %p into %d[0, 0] [2, 8] [1, 2] : tensor<2x8xf32> into tensor<2x16xf32>
  %c0 = arith.constant 0 : index
  %n = tensor.dim %y, %c0 : tensor<?x2x4xf32>
  %q = tensor.collapse_shape %y [[0], [1, 2]] : tensor<?x2x4xf32> into tensor<?x8xf32>
  %r2 = tensor.insert_slice %q into %dd[0, 0] [%n, 8] [1, 1] : tensor<?x8xf32> into tensor<?x16xf32>
  return %r0, %r1, %r2 : tensor<2x16xf32>, tensor<2x16xf32>, tensor<?x16xf32>
}
