// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=64 | FileCheck %s
// RUN: adjit-opt %s --adjit-matmul-to-blas=min-flops=0 | FileCheck %s --check-prefix=OFF

// CHECK-DAG: func.func private @adjit_blas_sgemm(memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>, memref<?x?xf32, strided<[?, ?], offset: ?>>) attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @adjit_blas_batch_dgemm(memref<?x?x?xf64, strided<[?, ?, ?], offset: ?>>, {{.*}}) attributes {llvm.emit_c_interface}

// CHECK-LABEL: func @large
// CHECK-SAME: (%[[A:.*]]: memref<4x4xf32>, %[[B:.*]]: memref<4x4xf32>, %[[C:.*]]: memref<4x4xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<4x4xf32> to memref<?x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @adjit_blas_sgemm(%[[CA]], %[[CB]], %[[CC]])
// CHECK-NOT: linalg.matmul
// OFF-LABEL: func @large
// OFF: linalg.matmul
func.func @large(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  return
}

// 2 * 2 * 2 = 8 < 64 multiply-adds: stays generated code.
// CHECK-LABEL: func @small
// CHECK: linalg.matmul
func.func @small(%a: memref<2x2xf32>, %b: memref<2x2xf32>, %c: memref<2x2xf32>) {
  linalg.matmul ins(%a, %b : memref<2x2xf32>, memref<2x2xf32>) outs(%c : memref<2x2xf32>)
  return
}

// CHECK-LABEL: func @batched
// CHECK: call @adjit_blas_batch_dgemm
func.func @batched(%a: memref<2x4x4xf64>, %b: memref<2x4x4xf64>, %c: memref<2x4x4xf64>) {
  linalg.batch_matmul ins(%a, %b : memref<2x4x4xf64>, memref<2x4x4xf64>) outs(%c : memref<2x4x4xf64>)
  return
}

// Ops on tensors are left alone (the pass runs after bufferization).
// CHECK-LABEL: func @tensors
// CHECK: linalg.matmul
func.func @tensors(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%c : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}
