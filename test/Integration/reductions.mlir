// adjit.reduce_sum, adjit.reduce_max and adjit.reduce_prod over several, all and no dimensions,
// for f32 and f64; reduce_max propagates NaN.
// RUN: adjit-run %s --entry=reduce_f32 \
// RUN:   --arg='dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>' \
// RUN: | FileCheck %s --check-prefix=F32
// RUN: adjit-run %s --entry=reduce_f64 \
// RUN:   --arg='dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf64>' \
// RUN: | FileCheck %s --check-prefix=F64
// RUN: adjit-run %s --entry=reduce_nan \
// RUN:   --arg='dense<[[1.0, 0x7FC00000], [-3.0, -4.0]]> : tensor<2x2xf32>' \
// RUN: | FileCheck %s --check-prefix=NAN
// RUN: adjit-run %s --entry=reduce_prod \
// RUN:   --arg='dense<[[1.5, 2.0, 4.0], [3.0, 0.0, 0x7FC00000], [0x7F800000, 0.5, -1.0]]> : tensor<3x3xf32>' \
// RUN: | FileCheck %s --check-prefix=PROD

// F32: dense<[60.0, 92.0, 124.0]> : tensor<3xf32>
// F32-NEXT: dense<23.0> : tensor<f32>
// F32-NEXT: dense<{{\[\[}}3.0, 7.0, 11.0], [15.0, 19.0, 23.0]]> : tensor<2x3xf32>
// F32-NEXT: dense<276.0> : tensor<f32>
func.func @reduce_f32(%x: tensor<2x3x4xf32>)
    -> (tensor<3xf32>, tensor<f32>, tensor<2x3xf32>, tensor<f32>) {
  %0 = adjit.reduce_sum %x, dims = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  %1 = adjit.reduce_max %x, dims = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  %2 = adjit.reduce_max %x, dims = [2] : tensor<2x3x4xf32> -> tensor<2x3xf32>
  %3 = adjit.reduce_sum %x, dims = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  return %0, %1, %2, %3 : tensor<3xf32>, tensor<f32>, tensor<2x3xf32>,
      tensor<f32>
}

// F64: dense<[60.0, 92.0, 124.0]> : tensor<3xf64>
// F64-NEXT: dense<23.0> : tensor<f64>
// F64-NEXT: dense<{{\[\[}}12.0, 14.0, 16.0, 18.0], [20.0, 22.0, 24.0, 26.0], [28.0, 30.0, 32.0, 34.0]]> : tensor<3x4xf64>
// F64-NEXT: dense<{{\[\[\[}}0.0, 1.0, 2.0, 3.0]
func.func @reduce_f64(%x: tensor<2x3x4xf64>)
    -> (tensor<3xf64>, tensor<f64>, tensor<3x4xf64>, tensor<2x3x4xf64>) {
  %0 = adjit.reduce_sum %x, dims = [0, 2] : tensor<2x3x4xf64> -> tensor<3xf64>
  %1 = adjit.reduce_max %x, dims = [0, 1, 2] : tensor<2x3x4xf64> -> tensor<f64>
  %2 = adjit.reduce_sum %x, dims = [0] : tensor<2x3x4xf64> -> tensor<3x4xf64>
  %3 = adjit.reduce_sum %x, dims = [] : tensor<2x3x4xf64> -> tensor<2x3x4xf64>
  return %0, %1, %2, %3 : tensor<3xf64>, tensor<f64>, tensor<3x4xf64>,
      tensor<2x3x4xf64>
}

// NAN: dense<[0x7FC00000, -3.0]> : tensor<2xf32>
// NAN-NEXT: dense<[-2.0, 0x7FC00000]> : tensor<2xf32>
func.func @reduce_nan(%x: tensor<2x2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = adjit.reduce_max %x, dims = [1] : tensor<2x2xf32> -> tensor<2xf32>
  %1 = adjit.reduce_sum %x, dims = [0] : tensor<2x2xf32> -> tensor<2xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// A product with NaN is NaN (0 * NaN too), with inf infinite.
// PROD: dense<[12.0, 0x7FC00000, 0xFF800000]> : tensor<3xf32>
// PROD-NEXT: dense<[0x7F800000, 0.0, 0x7FC00000]> : tensor<3xf32>
func.func @reduce_prod(%x: tensor<3x3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  %0 = adjit.reduce_prod %x, dims = [1] : tensor<3x3xf32> -> tensor<3xf32>
  %1 = adjit.reduce_prod %x, dims = [0] : tensor<3x3xf32> -> tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}
