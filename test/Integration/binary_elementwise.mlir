// Every binary elementwise op, executed for f32 and f64 through adjit-run.
// max/min propagate NaN (0x7FC00000 / 0x7FF8000000000000).
// RUN: adjit-run %s --entry=binary_f32 \
// RUN:   --arg='dense<[1.5, -2.0, 3.0, 0x7FC00000]> : tensor<4xf32>' \
// RUN:   --arg='dense<[0.5, 4.0, -3.0, 1.0]> : tensor<4xf32>' \
// RUN: | FileCheck %s --check-prefix=F32
// RUN: adjit-run %s --entry=binary_f64 \
// RUN:   --arg='dense<[1.5, -2.0, 3.0, 0x7FF8000000000000]> : tensor<4xf64>' \
// RUN:   --arg='dense<[0.5, 4.0, -3.0, 1.0]> : tensor<4xf64>' \
// RUN: | FileCheck %s --check-prefix=F64
// RUN: adjit-run %s --entry=pow_f32 \
// RUN:   --arg='dense<[2.0, 9.0, 0.5]> : tensor<3xf32>' \
// RUN:   --arg='dense<[3.0, 0.5, -2.0]> : tensor<3xf32>' \
// RUN: | FileCheck %s --check-prefix=POW32
// RUN: adjit-run %s --entry=pow_f64 \
// RUN:   --arg='dense<[2.0, 9.0, 0.5]> : tensor<3xf64>' \
// RUN:   --arg='dense<[3.0, 0.5, -2.0]> : tensor<3xf64>' \
// RUN: | FileCheck %s --check-prefix=POW64

// F32: dense<[2.0, 2.0, 0.0, 0x7FC00000]> : tensor<4xf32>
// F32-NEXT: dense<[1.0, -6.0, 6.0, 0x7FC00000]> : tensor<4xf32>
// F32-NEXT: dense<[0.75, -8.0, -9.0, 0x7FC00000]> : tensor<4xf32>
// F32-NEXT: dense<[3.0, -0.5, -1.0, 0x7FC00000]> : tensor<4xf32>
// F32-NEXT: dense<[1.5, 4.0, 3.0, 0x7FC00000]> : tensor<4xf32>
// F32-NEXT: dense<[0.5, -2.0, -3.0, 0x7FC00000]> : tensor<4xf32>
func.func @binary_f32(%a: tensor<4xf32>, %b: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>) {
  %0 = adjit.add %a, %b : tensor<4xf32>
  %1 = adjit.sub %a, %b : tensor<4xf32>
  %2 = adjit.mul %a, %b : tensor<4xf32>
  %3 = adjit.div %a, %b : tensor<4xf32>
  %4 = adjit.max %a, %b : tensor<4xf32>
  %5 = adjit.min %a, %b : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
      tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// F64: dense<[2.0, 2.0, 0.0, 0x7FF8000000000000]> : tensor<4xf64>
// F64-NEXT: dense<[1.0, -6.0, 6.0, 0x7FF8000000000000]> : tensor<4xf64>
// F64-NEXT: dense<[0.75, -8.0, -9.0, 0x7FF8000000000000]> : tensor<4xf64>
// F64-NEXT: dense<[3.0, -0.5, -1.0, 0x7FF8000000000000]> : tensor<4xf64>
// F64-NEXT: dense<[1.5, 4.0, 3.0, 0x7FF8000000000000]> : tensor<4xf64>
// F64-NEXT: dense<[0.5, -2.0, -3.0, 0x7FF8000000000000]> : tensor<4xf64>
func.func @binary_f64(%a: tensor<4xf64>, %b: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
        tensor<4xf64>, tensor<4xf64>) {
  %0 = adjit.add %a, %b : tensor<4xf64>
  %1 = adjit.sub %a, %b : tensor<4xf64>
  %2 = adjit.mul %a, %b : tensor<4xf64>
  %3 = adjit.div %a, %b : tensor<4xf64>
  %4 = adjit.max %a, %b : tensor<4xf64>
  %5 = adjit.min %a, %b : tensor<4xf64>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
      tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}

// POW32: dense<[8.0, 3.0, 4.0]> : tensor<3xf32>
func.func @pow_f32(%a: tensor<3xf32>, %b: tensor<3xf32>) -> tensor<3xf32> {
  %0 = adjit.pow %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// POW64: dense<[8.0, 3.0, 4.0]> : tensor<3xf64>
func.func @pow_f64(%a: tensor<3xf64>, %b: tensor<3xf64>) -> tensor<3xf64> {
  %0 = adjit.pow %a, %b : tensor<3xf64>
  return %0 : tensor<3xf64>
}
