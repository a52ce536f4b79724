// Products of transposed operands and transposes of products, which the
// lowering computes without materializing a transpose: read through
// transposed indexing maps in generated code (--blas-min-flops=0), or as
// transposed views that OpenBLAS reads with its transpose flags, overwriting
// the result (beta 0) instead of accumulating into zeros (--blas-min-flops=1).
// RUN: adjit-run %s --entry=transposed_operands --blas-min-flops=0 \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>' \
// RUN:   --arg='dense<[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [2.0, 0.0, -1.0]]> : tensor<4x3xf32>' \
// RUN: | FileCheck %s --check-prefix=OPERANDS
// RUN: adjit-run %s --entry=transposed_operands --blas-min-flops=1 \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>' \
// RUN:   --arg='dense<[[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 1.0, 1.0], [2.0, 0.0, -1.0]]> : tensor<4x3xf32>' \
// RUN: | FileCheck %s --check-prefix=OPERANDS
// RUN: adjit-run %s --entry=transposed_product --blas-min-flops=0 \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf64>' \
// RUN:   --arg='dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]> : tensor<2x3xf64>' \
// RUN: | FileCheck %s --check-prefix=PRODUCT
// RUN: adjit-run %s --entry=transposed_product --blas-min-flops=1 \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf64>' \
// RUN:   --arg='dense<[[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]> : tensor<2x3xf64>' \
// RUN: | FileCheck %s --check-prefix=PRODUCT
// RUN: adjit-run %s --entry=batched_transposed --blas-min-flops=0 \
// RUN:   --arg='dense<[[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]]> : tensor<2x2x2xf64>' \
// RUN:   --arg='dense<[[[1.0, 0.0], [0.0, 1.0]], [[2.0, 3.0], [4.0, 5.0]]]> : tensor<2x2x2xf64>' \
// RUN: | FileCheck %s --check-prefix=BATCHED
// RUN: adjit-run %s --entry=batched_transposed --blas-min-flops=1 \
// RUN:   --arg='dense<[[[1.0, 2.0], [3.0, 4.0]], [[0.0, 1.0], [1.0, 0.0]]]> : tensor<2x2x2xf64>' \
// RUN:   --arg='dense<[[[1.0, 0.0], [0.0, 1.0]], [[2.0, 3.0], [4.0, 5.0]]]> : tensor<2x2x2xf64>' \
// RUN: | FileCheck %s --check-prefix=BATCHED

// a^T b^T, and the transposes themselves, which are still computed.
// OPERANDS: dense<{{\[\[}}6.0, 3.0, 9.0, -3.0], [8.0, 4.0, 12.0, -2.0]]> : tensor<2x4xf32>
// OPERANDS-NEXT: dense<{{\[\[}}1.0, 3.0, 5.0], [2.0, 4.0, 6.0]]> : tensor<2x3xf32>
func.func @transposed_operands(%a: tensor<3x2xf32>, %b: tensor<4x3xf32>)
    -> (tensor<2x4xf32>, tensor<2x3xf32>) {
  %at = adjit.transpose %a, [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  %bt = adjit.transpose %b, [1, 0] : tensor<4x3xf32> -> tensor<3x4xf32>
  %0 = adjit.matmul %at, %bt : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  return %0, %at : tensor<2x4xf32>, tensor<2x3xf32>
}

// (a b)^T, computed as b^T a^T.
// PRODUCT: dense<{{\[\[}}5.0, 11.0, 17.0], [2.0, 4.0, 6.0], [-1.0, -3.0, -5.0]]> : tensor<3x3xf64>
func.func @transposed_product(%a: tensor<3x2xf64>, %b: tensor<2x3xf64>)
    -> tensor<3x3xf64> {
  %0 = adjit.matmul %a, %b : tensor<3x2xf64>, tensor<2x3xf64> -> tensor<3x3xf64>
  %1 = adjit.transpose %0, [1, 0] : tensor<3x3xf64> -> tensor<3x3xf64>
  return %1 : tensor<3x3xf64>
}

// BATCHED: dense<{{\[\[\[}}1.0, 3.0], [2.0, 4.0]], {{\[\[}}4.0, 5.0], [2.0, 3.0]]]> : tensor<2x2x2xf64>
func.func @batched_transposed(%a: tensor<2x2x2xf64>, %b: tensor<2x2x2xf64>)
    -> tensor<2x2x2xf64> {
  %at = adjit.transpose %a, [0, 2, 1] : tensor<2x2x2xf64> -> tensor<2x2x2xf64>
  %0 = adjit.matmul %at, %b : tensor<2x2x2xf64>, tensor<2x2x2xf64> -> tensor<2x2x2xf64>
  return %0 : tensor<2x2x2xf64>
}
