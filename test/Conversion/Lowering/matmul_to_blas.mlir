// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=64 --split-input-file | FileCheck %s
// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=0 --split-input-file | FileCheck %s --check-prefix=OFF
// RUN: adjit-opt %s --adjit-matmul-to-blas="min-flops=64 parallel-batches=true" --split-input-file | FileCheck %s --check-prefix=PAR

// CHECK-DAG: func.func private @adjit_blas_sgemm(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, f32) attributes {llvm.emit_c_interface}

// C += A B: beta 1.
// CHECK-LABEL: func @large
// CHECK-SAME: (%[[A:.*]]: memref<4x4xf32>, %[[B:.*]]: memref<4x4xf32>, %[[C:.*]]: memref<4x4xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<4x4xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: call @adjit_blas_sgemm(%[[CA]], %[[CB]], %[[CC]], %[[ONE]])
// CHECK-NOT: linalg.matmul
// OFF-LABEL: func @large
// OFF: linalg.matmul
func.func @large(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// 2 * 2 * 2 = 8 < 64 multiply-adds: stays generated code.
// CHECK-LABEL: func @small
// CHECK: linalg.matmul
func.func @small(%a: memref<2x2xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>) {
  linalg.matmul ins(%a, %b : memref<2x2xf32>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  return
}

// -----

// CHECK-DAG: func.func private @adjit_blas_batch_dgemm(memref<?x?x?xf64, strided<[?, ?, ?], offset: ?>>, {{.*}}, f64) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @batched
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK-NEXT: call @adjit_blas_batch_dgemm({{.*}}, %[[ONE]])
func.func @batched(%a: memref<2x4x4xf64>, %b: memref<2x4x4xf64>, %c: memref<2x4x4xf64>) {
  linalg.batch_matmul ins(%a, %b : memref<2x4x4xf64>, memref<2x4x4xf64>) outs(%c : memref<2x4x4xf64>)
  return
}

// -----

// Ops on tensors are left alone (the pass runs after bufferization).
// CHECK-LABEL: func @tensors
// CHECK: linalg.matmul
func.func @tensors(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// Operands read transposed are passed as transposed views (no copy); the
// sizes come from the views: M = 8, N = 2, K = 4.
// CHECK-LABEL: func @transposed
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<2x4xf32>, %[[C:.*]]: memref<8x2xf32>)
// CHECK: %[[TA:.*]] = memref.transpose %[[A]] (d0, d1) -> (d1, d0) : memref<4x8xf32> to memref<8x4xf32, strided<[1, 8]>>
// CHECK: %[[CA:.*]] = memref.cast %[[TA]]
// CHECK: %[[TB:.*]] = memref.transpose %[[B]] (d0, d1) -> (d1, d0) : memref<2x4xf32> to memref<4x2xf32, strided<[1, 4]>>
// CHECK: %[[CB:.*]] = memref.cast %[[TB]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @adjit_blas_sgemm(%[[CA]], %[[CB]], %[[CC]], %{{.*}})
// CHECK-NOT: linalg.matmul
func.func @transposed(%a: memref<4x8xf32>, %b: memref<2x4xf32>, %c: memref<8x2xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                 affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4x8xf32>, memref<2x4xf32>) outs(%c : memref<8x2xf32>)
  return
}

// -----

// CHECK-LABEL: func @batched_transposed_rhs
// CHECK-SAME: (%[[A:.*]]: memref<2x4x4xf32>, %[[B:.*]]: memref<2x8x4xf32>
// CHECK-NOT: memref.transpose %[[A]]
// CHECK: memref.transpose %[[B]] (d0, d1, d2) -> (d0, d2, d1) : memref<2x8x4xf32> to memref<2x4x8xf32, strided<[32, 1, 4]>>
// CHECK: call @adjit_blas_batch_sgemm
func.func @batched_transposed_rhs(%a: memref<2x4x4xf32>, %b: memref<2x8x4xf32>, %c: memref<2x4x8xf32>) {
  linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                       affine_map<(b, m, n, k) -> (b, n, k)>,
                                       affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%a, %b : memref<2x4x4xf32>, memref<2x8x4xf32>) outs(%c : memref<2x4x8xf32>)
  return
}

// -----

// Broadcasting maps are no BLAS call.
// CHECK-LABEL: func @no_broadcast_operand
// CHECK: linalg.matmul
// CHECK-NOT: call
func.func @no_broadcast_operand(%a: memref<4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k)>,
                                 affine_map<(m, n, k) -> (k, n)>,
                                 affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// A zero fill of C right before the product (allocations and ops without
// memory effects in between) becomes beta = 0 and goes away.
// CHECK-LABEL: func @zero_filled
// CHECK: %[[C:.*]] = memref.alloc() : memref<4x4xf32>
// CHECK-NOT: linalg.fill
// CHECK: memref.cast %[[C]] :
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: call @adjit_blas_sgemm({{.*}}, %[[ZERO]])
// CHECK-NOT: linalg.fill
func.func @zero_filled(%a: memref<4x4xf32>, %b: memref<4x4xf32>) -> memref<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x4xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x4xf32>)
  %other = memref.alloc() : memref<4xf32>
  memref.dealloc %other : memref<4xf32>
  %one = arith.constant 1.0 : f32
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return %c : memref<4x4xf32>
}

// -----

// C is read between the fill and the product: the fill stays, beta 1.
// CHECK-LABEL: func @no_zero_fill_read_between
// CHECK: linalg.fill
// CHECK: memref.copy
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: call @adjit_blas_sgemm({{.*}}, %[[ONE]])
func.func @no_zero_fill_read_between(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %d: memref<4x4xf32>) -> memref<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = memref.alloc() : memref<4x4xf32>
  linalg.fill ins(%zero : f32) outs(%c : memref<4x4xf32>)
  memref.copy %c, %d : memref<4x4xf32> to memref<4x4xf32>
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return %c : memref<4x4xf32>
}

// -----

// A fill with -0.0 or another value, or of another buffer, stays.
// CHECK-LABEL: func @no_nonzero_fill
// CHECK: linalg.fill
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: call @adjit_blas_sgemm({{.*}}, %[[ONE]])
// CHECK: linalg.fill
// CHECK: %[[ONE2:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: call @adjit_blas_sgemm({{.*}}, %[[ONE2]])
func.func @no_nonzero_fill(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>, %d: memref<4x4xf32>) {
  %negzero = arith.constant -0.0 : f32
  linalg.fill ins(%negzero : f32) outs(%c : memref<4x4xf32>)
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%d : memref<4x4xf32>)
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// -----

// A product whose multiply-add count overflows int64 (2^62 * 4 * 4) is large.
// CHECK-LABEL: func @overflowing_size
// CHECK: call @adjit_blas_sgemm
// CHECK-NOT: linalg.matmul
func.func @overflowing_size(%a: memref<4611686018427387904x4xf32>, %b: memref<4x4xf32>, %c: memref<4611686018427387904x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4611686018427387904x4xf32>, memref<4x4xf32>) outs(%c : memref<4611686018427387904x4xf32>)
  return
}

// -----

// With parallel-batches, a batch of products small enough for one BLAS
// thread (4 * 8 * 4 multiply-adds each) is a parallel loop of calls on
// batches of one; without it, one call.
// CHECK-LABEL: func @batched_parallel
// CHECK-NOT: scf.parallel
// CHECK: call @adjit_blas_batch_sgemm
// PAR-LABEL: func @batched_parallel
// PAR-SAME: (%[[A:.*]]: memref<3x4x4xf32>, %[[B:.*]]: memref<3x8x4xf32>, %[[C:.*]]: memref<3x4x8xf32>)
// PAR-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// PAR-DAG: %[[ONE:.*]] = arith.constant 1 : index
// PAR-DAG: %[[THREE:.*]] = arith.constant 3 : index
// PAR: scf.parallel (%[[I:.*]]) = (%[[ZERO]]) to (%[[THREE]]) step (%[[ONE]])
// PAR: %[[SA:.*]] = memref.subview %[[A]][%[[I]], 0, 0] [1, 4, 4] [1, 1, 1]
// PAR: %[[CA:.*]] = memref.cast %[[SA]]
// PAR: %[[TB:.*]] = memref.transpose %[[B]]
// PAR: %[[SB:.*]] = memref.subview %[[TB]][%[[I]], 0, 0] [1, 4, 8] [1, 1, 1]
// PAR: %[[CB:.*]] = memref.cast %[[SB]]
// PAR: %[[SC:.*]] = memref.subview %[[C]][%[[I]], 0, 0] [1, 4, 8] [1, 1, 1]
// PAR: %[[CC:.*]] = memref.cast %[[SC]]
// PAR-NEXT: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// PAR-NEXT: call @adjit_blas_batch_sgemm(%[[CA]], %[[CB]], %[[CC]], %[[BETA]])
// PAR-NOT: linalg.fill
// PAR-NOT: linalg.batch_matmul
func.func @batched_parallel(%a: memref<3x4x4xf32>, %b: memref<3x8x4xf32>, %c: memref<3x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<3x4x8xf32>)
  linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>,
                                       affine_map<(b, m, n, k) -> (b, n, k)>,
                                       affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%a, %b : memref<3x4x4xf32>, memref<3x8x4xf32>) outs(%c : memref<3x4x8xf32>)
  return
}

// -----

// 64 * 64 * 128 = 2^19 multiply-adds per batch element: BLAS splits each
// product among its own threads, so the batch stays one call.
// PAR-LABEL: func @batched_large
// PAR-NOT: scf.parallel
// PAR: call @adjit_blas_batch_sgemm
func.func @batched_large(%a: memref<2x64x128xf32>, %b: memref<2x128x64xf32>, %c: memref<2x64x64xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x64x128xf32>, memref<2x128x64xf32>) outs(%c : memref<2x64x64xf32>)
  return
}

// -----

// A constant matrix broadcast to every batch element (cumsum's triangle of
// ones) is read in place with a batch stride of 0: the broadcast and its
// buffer go. A broadcast of anything else stays: something could write it
// between the broadcast and the product.
#bcast = affine_map<(d0, d1, d2) -> (d1, d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
memref.global "private" constant @triangle : memref<4x4xf32> = dense<1.0>
// CHECK-LABEL: func @broadcast_lhs
// CHECK: %[[M:.*]] = memref.get_global @triangle
// CHECK: %[[BASE:.*]], %[[OFFSET:.*]], %{{.*}}:2, %[[STRIDES:.*]]:2 = memref.extract_strided_metadata %[[M]]
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [%[[OFFSET]]], sizes: [3, 4, 4], strides: [0, %[[STRIDES]]#0, %[[STRIDES]]#1]
// CHECK: %[[CA:.*]] = memref.cast %[[VIEW]]
// CHECK: call @adjit_blas_batch_sgemm(%[[CA]],
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.alloc
// CHECK: return
// PAR-LABEL: func @broadcast_lhs
// PAR: memref.reinterpret_cast
// PAR: scf.parallel
// PAR: memref.subview
// PAR: call @adjit_blas_batch_sgemm
func.func @broadcast_lhs(%x: memref<3x4x8xf32>, %y: memref<3x4x8xf32>) {
  %m = memref.get_global @triangle : memref<4x4xf32>
  %b = memref.alloc() : memref<3x4x4xf32>
  linalg.generic {indexing_maps = [#bcast, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%m : memref<4x4xf32>) outs(%b : memref<3x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.batch_matmul ins(%b, %x : memref<3x4x4xf32>, memref<3x4x8xf32>) outs(%y : memref<3x4x8xf32>)
  memref.dealloc %b : memref<3x4x4xf32>
  return
}

// CHECK-LABEL: func @broadcast_of_a_buffer
// CHECK: linalg.generic
// CHECK: %[[CA:.*]] = memref.cast %{{.*}} : memref<3x4x4xf32> to
// CHECK: call @adjit_blas_batch_sgemm(%[[CA]],
func.func @broadcast_of_a_buffer(%m: memref<4x4xf32>, %x: memref<3x4x8xf32>, %y: memref<3x4x8xf32>) {
  %copy = memref.alloc() : memref<4x4xf32>
  memref.copy %m, %copy : memref<4x4xf32> to memref<4x4xf32>
  %b = memref.alloc() : memref<3x4x4xf32>
  linalg.generic {indexing_maps = [#bcast, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%copy : memref<4x4xf32>) outs(%b : memref<3x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.batch_matmul ins(%b, %x : memref<3x4x4xf32>, memref<3x4x8xf32>) outs(%y : memref<3x4x8xf32>)
  return
}
