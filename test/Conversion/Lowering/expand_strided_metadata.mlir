// RUN: adjit-opt %s --adjit-expand-strided-metadata > %t.adjit
// RUN: adjit-opt %s --expand-strided-metadata > %t.upstream
// RUN: diff %t.adjit %t.upstream
// RUN: FileCheck %s < %t.adjit

// The same expansion as upstream's expand-strided-metadata, inside loops as
// the outlined loop nests of a lowered program have them: views become
// reinterpret casts of the base buffer with the offsets, sizes and strides
// computed.

// CHECK-LABEL: func.func @subview_in_loop
// CHECK-SAME: (%[[M:.*]]: memref<8x16xf32>
// CHECK: scf.for %[[I:.*]] =
// CHECK: %[[BASE:.*]], %{{.*}}, %{{.*}}:2, %{{.*}}:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[OFF:.*]] = affine.apply #{{.*}}()[%[[I]]]
// CHECK: memref.reinterpret_cast %[[BASE]] to offset: [%[[OFF]]], sizes: [4], strides: [1]
// CHECK-NOT: memref.subview
func.func @subview_in_loop(%m: memref<8x16xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.subview %m[%i, 4] [1, 4] [1, 1]
        : memref<8x16xf32> to memref<4xf32, strided<[1], offset: ?>>
    memref.copy %v, %out : memref<4xf32, strided<[1], offset: ?>> to memref<4xf32>
  }
  return
}

// CHECK-LABEL: func.func @reshapes
// CHECK-NOT: memref.expand_shape
// CHECK-NOT: memref.collapse_shape
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [2, 3, 4], strides: [12, 4, 1]
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [24], strides: [1]
func.func @reshapes(%m: memref<6x4xf32>, %n: memref<2x12xf32>)
    -> (memref<2x3x4xf32>, memref<24xf32>) {
  %e = memref.expand_shape %m [[0, 1], [2]] output_shape [2, 3, 4]
      : memref<6x4xf32> into memref<2x3x4xf32>
  %c = memref.collapse_shape %n [[0, 1]] : memref<2x12xf32> into memref<24xf32>
  return %e, %c : memref<2x3x4xf32>, memref<24xf32>
}
