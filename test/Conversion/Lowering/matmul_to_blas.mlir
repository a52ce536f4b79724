// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=64 --split-input-file | FileCheck %s
// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=0 --split-input-file | FileCheck %s --check-prefix=OFF

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
