// RUN: adjit-opt %s --adjit-parallelize-large-ops=min-elements=64 | FileCheck %s

// CHECK-LABEL: func @large
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[C8]]) step (%{{.*}}) {
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C16]] step %{{.*}} {
// CHECK: memref.load
// CHECK: math.exp
// CHECK: memref.store
// CHECK-NOT: linalg.generic
func.func @large(%x: memref<8x16xf32>, %y: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<8x16xf32>) outs(%y : memref<8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = math.exp %in : f32
    linalg.yield %e : f32
  }
  return
}

// Below min-elements, and reductions, stay linalg ops.
// CHECK-LABEL: func @small_and_reductions
// CHECK-NOT: scf.parallel
// CHECK: linalg.fill
// CHECK: linalg.reduce
func.func @small_and_reductions(%x: memref<4x4xf32>, %r: memref<128xf32>, %s: memref<f32>) {
  %c = arith.constant 0.0 : f32
  linalg.fill ins(%c : f32) outs(%x : memref<4x4xf32>)
  linalg.reduce ins(%r : memref<128xf32>) outs(%s : memref<f32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %sum = arith.addf %in, %acc : f32
      linalg.yield %sum : f32
    }
  return
}

// A reduction over the inner dim: the outer, parallel loop runs in parallel,
// each iteration reducing its own row. A reduction over the outer dim stays.
// CHECK-LABEL: func @row_and_column_sums
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[C8]]) step (%{{.*}}) {
// CHECK-NEXT: scf.for %{{.*}} = %{{.*}} to %[[C16]] step %{{.*}} {
// CHECK: memref.load %arg0
// CHECK: memref.load %arg1
// CHECK: arith.addf
// CHECK: memref.store %{{.*}}, %arg1
// CHECK: scf.reduce
// CHECK: linalg.reduce
// CHECK-SAME: outs(%arg2 : memref<16xf32>)
// CHECK-SAME: dimensions = [0]
func.func @row_and_column_sums(%x: memref<8x16xf32>, %rows: memref<8xf32>, %columns: memref<16xf32>) {
  linalg.reduce ins(%x : memref<8x16xf32>) outs(%rows : memref<8xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %sum = arith.addf %in, %acc : f32
      linalg.yield %sum : f32
    }
  linalg.reduce ins(%x : memref<8x16xf32>) outs(%columns : memref<16xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %sum = arith.addf %in, %acc : f32
      linalg.yield %sum : f32
    }
  return
}
