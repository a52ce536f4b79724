// i64 arguments and results pass through the JIT unchanged; integer
// arithmetic wraps; argmax/argmin choose the first of ties and the first NaN.
// RUN: adjit-run %s --entry=arithmetic \
// RUN:   --arg='dense<[9223372036854775807, -5, 7, 0]> : tensor<4xi64>' \
// RUN:   --arg='dense<[1, 3, -7, -9223372036854775808]> : tensor<4xi64>' \
// RUN: | FileCheck %s --check-prefix=ARITH
// RUN: adjit-run %s --entry=argmax_f32 \
// RUN:   --arg='dense<[[1.0, 3.0, 3.0, 2.0], [0x7FC00000, 5.0, 0x7FC00000, 9.0], [-0.0, 0.0, -1.0, 0.0], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000]]> : tensor<4x4xf32>' \
// RUN: | FileCheck %s --check-prefix=ARGF32
// RUN: adjit-run %s --entry=argmax_i64 \
// RUN:   --arg='dense<[[4, -9223372036854775808, 4], [-9223372036854775808, -9223372036854775808, -1], [9223372036854775807, 2, 9223372036854775807]]> : tensor<3x3xi64>' \
// RUN: | FileCheck %s --check-prefix=ARGI64

// Wrapping add and mul, signed compare, conversions to and from f64
// (truncation toward zero), integer sum and max.
// ARITH: dense<[-9223372036854775808, -2, 0, -9223372036854775808]> : tensor<4xi64>
// ARITH-NEXT: dense<[9223372036854775807, -15, -49, 0]> : tensor<4xi64>
// ARITH-NEXT: dense<[false, true, false, false]> : tensor<4xi1>
// ARITH-NEXT: dense<[9.2233720368547758e+18, -5.0, 7.0, 0.0]> : tensor<4xf64>
// ARITH-NEXT: dense<[-2, 1, -2, 0]> : tensor<4xi64>
// ARITH-NEXT: dense<-9223372036854775807> : tensor<i64>
// ARITH-NEXT: dense<[9223372036854775807, 5, 7, 0]> : tensor<4xi64>
// ARITH-NEXT: dense<[1, -1, 1, 0]> : tensor<4xi64>
func.func @arithmetic(%a: tensor<4xi64>, %b: tensor<4xi64>)
    -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi1>, tensor<4xf64>,
        tensor<4xi64>, tensor<i64>, tensor<4xi64>, tensor<4xi64>) {
  %sum = adjit.add %a, %b : tensor<4xi64>
  %product = adjit.mul %a, %b : tensor<4xi64>
  %less = adjit.compare lt, %a, %b : tensor<4xi64>
  %float = adjit.convert %a : tensor<4xi64> to tensor<4xf64>
  %half = adjit.constant dense<[-2.5, 1.9, -2.9, -0.5]> : tensor<4xf64>
  %truncated = adjit.convert %half : tensor<4xf64> to tensor<4xi64>
  %total = adjit.reduce_sum %a, dims = [0] : tensor<4xi64> -> tensor<i64>
  %negated = adjit.neg %a : tensor<4xi64>
  %abs = adjit.abs %negated : tensor<4xi64>
  %sign = adjit.sign %a : tensor<4xi64>
  return %sum, %product, %less, %float, %truncated, %total, %abs, %sign
      : tensor<4xi64>, tensor<4xi64>, tensor<4xi1>, tensor<4xf64>,
        tensor<4xi64>, tensor<i64>, tensor<4xi64>, tensor<4xi64>
}

// Rows: a tie (first index), NaNs (the first NaN), signed zeros (equal:
// the first, with its sign), all -inf (index 0).
// ARGF32: dense<[3.0, 0x7FC00000, -0.0, 0xFF800000]> : tensor<4xf32>
// ARGF32-NEXT: dense<[1, 0, 0, 0]> : tensor<4xi64>
// ARGF32-NEXT: dense<[1.0, 0x7FC00000, -1.0, 0xFF800000]> : tensor<4xf32>
// ARGF32-NEXT: dense<[0, 0, 2, 0]> : tensor<4xi64>
func.func @argmax_f32(%x: tensor<4x4xf32>)
    -> (tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi64>) {
  %v, %i = adjit.argmax %x, dim = 1 : tensor<4x4xf32> -> tensor<4xf32>, tensor<4xi64>
  %w, %j = adjit.argmin %x, dim = 1 : tensor<4x4xf32> -> tensor<4xf32>, tensor<4xi64>
  return %v, %i, %w, %j : tensor<4xf32>, tensor<4xi64>, tensor<4xf32>, tensor<4xi64>
}

// Along dim 0, including columns of the smallest and the largest i64.
// ARGI64: dense<[9223372036854775807, 2, 9223372036854775807]> : tensor<3xi64>
// ARGI64-NEXT: dense<[2, 2, 2]> : tensor<3xi64>
// ARGI64-NEXT: dense<[-9223372036854775808, -9223372036854775808, -1]> : tensor<3xi64>
// ARGI64-NEXT: dense<[1, 0, 1]> : tensor<3xi64>
func.func @argmax_i64(%a: tensor<3x3xi64>)
    -> (tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) {
  %v, %i = adjit.argmax %a, dim = 0 : tensor<3x3xi64> -> tensor<3xi64>, tensor<3xi64>
  %w, %j = adjit.argmin %a, dim = 0 : tensor<3x3xi64> -> tensor<3xi64>, tensor<3xi64>
  return %v, %i, %w, %j : tensor<3xi64>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>
}
