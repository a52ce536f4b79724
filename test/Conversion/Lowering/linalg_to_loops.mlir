// RUN: adjit-opt %s --pass-pipeline='builtin.module(func.func(adjit-linalg-to-loops))' > %t.adjit
// RUN: adjit-opt %s --pass-pipeline='builtin.module(func.func(convert-linalg-to-loops))' > %t.upstream
// RUN: diff %t.adjit %t.upstream
// RUN: FileCheck %s < %t.adjit

// The same loops as upstream's convert-linalg-to-loops: a transposed read
// (its affine.apply of one dimension folds to the induction variable), a
// broadcast, a matrix product and a copy; ops on tensors stay.

// CHECK-LABEL: func.func @generic_transposed
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8x4xf32>)
// CHECK-NOT: affine.apply
// CHECK: scf.for %[[I:.*]] =
// CHECK: scf.for %[[J:.*]] =
// CHECK: %[[X:.*]] = memref.load %[[A]][%[[J]], %[[I]]]
// CHECK: %[[Y:.*]] = math.tanh %[[X]]
// CHECK: memref.store %[[Y]], %[[B]][%[[I]], %[[J]]]
// CHECK-NOT: linalg.generic
func.func @generic_transposed(%a: memref<4x8xf32>, %b: memref<8x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x8xf32>) outs(%b : memref<8x4xf32>) {
  ^bb0(%x: f32, %out: f32):
    %y = math.tanh %x : f32
    linalg.yield %y : f32
  }
  return
}

// CHECK-LABEL: func.func @broadcast_add
// CHECK: scf.for
// CHECK: scf.for
// CHECK: memref.load
// CHECK: memref.load
// CHECK: arith.addf
// CHECK: memref.store
func.func @broadcast_add(%a: memref<4x8xf32>, %b: memref<8xf32>,
                         %c: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : memref<4x8xf32>, memref<8xf32>)
      outs(%c : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// CHECK-LABEL: func.func @matmul_and_copy
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: scf.for
// CHECK: scf.for
// CHECK-NOT: linalg.
func.func @matmul_and_copy(%a: memref<2x3xf32>, %b: memref<3x5xf32>,
                           %c: memref<2x5xf32>, %d: memref<2x5xf32>) {
  linalg.matmul ins(%a, %b : memref<2x3xf32>, memref<3x5xf32>)
                outs(%c : memref<2x5xf32>)
  linalg.copy ins(%c : memref<2x5xf32>) outs(%d : memref<2x5xf32>)
  return
}

// CHECK-LABEL: func.func @tensors_stay
// CHECK: linalg.generic
func.func @tensors_stay(%a: tensor<4xf32>) -> tensor<4xf32> {
  %0 = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>,
                                        affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%a : tensor<4xf32>) outs(%a : tensor<4xf32>) {
  ^bb0(%x: f32, %out: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
