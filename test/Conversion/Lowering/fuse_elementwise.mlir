// A compiled convolution keeps its product a BLAS call: elementwise fusion
// must not fold the im2col gather into the batch matmul.
// RUN: adjit-opt %s --convert-adjit-to-linalg --canonicalize --cse --adjit-fuse-elementwise | FileCheck %s --check-prefix=FUSED
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s

// FUSED-LABEL: func @conv
// FUSED: linalg.generic
// FUSED-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]
// FUSED: linalg.batch_matmul
// CHECK: llvm.call @_mlir_ciface_adjit_blas_batch_sgemm
func.func @conv(%x: tensor<2x8x16x16xf32>, %w: tensor<16x8x3x3xf32>) -> tensor<2x16x16x16xf32> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<2x8x16x16xf32>, tensor<16x8x3x3xf32> -> tensor<2x16x16x16xf32>
  return %0 : tensor<2x16x16x16xf32>
}
