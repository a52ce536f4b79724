// adjit.matmul, plain and batched (rank 3 and 4), f32 and f64, both through
// generated code (--blas-min-flops=0) and through the OpenBLAS runtime
// (--blas-min-flops=1), including a strided operand that BLAS gets a copy of.
// RUN: adjit-run %s --entry=matmul_f32 --blas-min-flops=0 \
// RUN:   --arg='dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>' \
// RUN:   --arg='dense<[[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]> : tensor<3x2xf32>' \
// RUN: | FileCheck %s --check-prefix=F32
// RUN: adjit-run %s --entry=matmul_f32 --blas-min-flops=1 \
// RUN:   --arg='dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>' \
// RUN:   --arg='dense<[[1.0, -1.0], [0.5, 2.0], [-2.0, 0.25]]> : tensor<3x2xf32>' \
// RUN: | FileCheck %s --check-prefix=F32
// RUN: adjit-run %s --entry=batched_f64 --blas-min-flops=0 \
// RUN:   --arg='dense<[[[1.0, 2.0], [3.0, 4.0]], [[0.5, 0.0], [0.0, 2.0]]]> : tensor<2x2x2xf64>' \
// RUN:   --arg='dense<[[[1.0, 0.0], [0.0, 1.0]], [[2.0, 4.0], [6.0, 8.0]]]> : tensor<2x2x2xf64>' \
// RUN: | FileCheck %s --check-prefix=F64
// RUN: adjit-run %s --entry=batched_f64 --blas-min-flops=1 \
// RUN:   --arg='dense<[[[1.0, 2.0], [3.0, 4.0]], [[0.5, 0.0], [0.0, 2.0]]]> : tensor<2x2x2xf64>' \
// RUN:   --arg='dense<[[[1.0, 0.0], [0.0, 1.0]], [[2.0, 4.0], [6.0, 8.0]]]> : tensor<2x2x2xf64>' \
// RUN: | FileCheck %s --check-prefix=F64
// RUN: adjit-run %s --entry=strided_f32 --blas-min-flops=0 \
// RUN:   --arg='dense<[[1.0, 9.0, 2.0], [9.0, 9.0, 9.0], [3.0, 9.0, 4.0]]> : tensor<3x3xf32>' \
// RUN: | FileCheck %s --check-prefix=STRIDED
// RUN: adjit-run %s --entry=strided_f32 --blas-min-flops=1 \
// RUN:   --arg='dense<[[1.0, 9.0, 2.0], [9.0, 9.0, 9.0], [3.0, 9.0, 4.0]]> : tensor<3x3xf32>' \
// RUN: | FileCheck %s --check-prefix=STRIDED

// F32: dense<{{\[\[}}-4.0, 3.75], [-5.5, 7.5]]> : tensor<2x2xf32>
func.func @matmul_f32(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>)
    -> tensor<2x2xf32> {
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// F64: dense<{{\[\[\[}}1.0, 2.0], [3.0, 4.0]], {{\[\[}}1.0, 2.0], [12.0, 16.0]]]> : tensor<2x2x2xf64>
// F64-NEXT: dense<{{\[\[\[\[}}1.0, 2.0], [3.0, 4.0]]], {{\[\[\[}}1.0, 2.0], [12.0, 16.0]]]]> : tensor<2x1x2x2xf64>
func.func @batched_f64(%a: tensor<2x2x2xf64>, %b: tensor<2x2x2xf64>)
    -> (tensor<2x2x2xf64>, tensor<2x1x2x2xf64>) {
  %0 = adjit.matmul %a, %b
      : tensor<2x2x2xf64>, tensor<2x2x2xf64> -> tensor<2x2x2xf64>
  %a4 = adjit.reshape %a : tensor<2x2x2xf64> -> tensor<2x1x2x2xf64>
  %b4 = adjit.reshape %b : tensor<2x2x2xf64> -> tensor<2x1x2x2xf64>
  %1 = adjit.matmul %a4, %b4
      : tensor<2x1x2x2xf64>, tensor<2x1x2x2xf64> -> tensor<2x1x2x2xf64>
  return %0, %1 : tensor<2x2x2xf64>, tensor<2x1x2x2xf64>
}

// The corners of %x, [[1, 2], [3, 4]], squared.
// STRIDED: dense<{{\[\[}}7.0, 10.0], [15.0, 22.0]]> : tensor<2x2xf32>
func.func @strided_f32(%x: tensor<3x3xf32>) -> tensor<2x2xf32> {
  %c = adjit.slice %x [0:3:2, 0:3:2] : tensor<3x3xf32> -> tensor<2x2xf32>
  %0 = adjit.matmul %c, %c : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
