// Every unary elementwise op, executed for f32 and f64 through adjit-run.
// f64 transcendental functions are libm's and checked to all 17 digits; f32
// exp/log/tanh are polynomial approximations, checked to 6 digits.
// RUN: adjit-run %s --entry=unary_f32 \
// RUN:   --arg='dense<[-2.0, -0.5, 0.25, 3.0]> : tensor<4xf32>' \
// RUN:   --arg='dense<[0.25, 1.0, 4.0, 9.0]> : tensor<4xf32>' \
// RUN: | FileCheck %s --check-prefix=F32
// RUN: adjit-run %s --entry=unary_f64 \
// RUN:   --arg='dense<[-2.0, -0.5, 0.25, 3.0]> : tensor<4xf64>' \
// RUN:   --arg='dense<[0.25, 1.0, 4.0, 9.0]> : tensor<4xf64>' \
// RUN: | FileCheck %s --check-prefix=F64
// Special values: relu and abs keep NaN, sigmoid saturates to exactly 0 and
// 1 without overflow, exp overflows to +inf (0x7F800000), log(-0) is -inf;
// every NaN prints as the canonical quiet NaN.
// RUN: adjit-run %s --entry=special_f32 \
// RUN:   --arg='dense<[0x7FC00000, -200.0, 200.0, -0.0]> : tensor<4xf32>' \
// RUN: | FileCheck %s --check-prefix=SPECIAL

// F32: dense<[2.0, 0.5, -0.25, -3.0]> : tensor<4xf32>
// F32-NEXT: dense<[0.135335{{[0-9]*}}, 0.606530{{[0-9]*}}, 1.28402{{[0-9]*}}, 20.0855{{[0-9]*}}]> : tensor<4xf32>
// F32-NEXT: dense<[-0.964027{{[0-9]*}}, -0.462117{{[0-9]*}}, 0.244918{{[0-9]*}}, 0.995054{{[0-9]*}}]> : tensor<4xf32>
// F32-NEXT: dense<[0.119202{{[0-9]*}}, 0.377540{{[0-9]*}}, 0.562176{{[0-9]*}}, 0.952574{{[0-9]*}}]> : tensor<4xf32>
// F32-NEXT: dense<[0.0, 0.0, 0.25, 3.0]> : tensor<4xf32>
// F32-NEXT: dense<[2.0, 0.5, 0.25, 3.0]> : tensor<4xf32>
// F32-NEXT: dense<[-1.38629{{[0-9]*}}, 0.0, 1.38629{{[0-9]*}}, 2.19722{{[0-9]*}}]> : tensor<4xf32>
// F32-NEXT: dense<[0.5, 1.0, 2.0, 3.0]> : tensor<4xf32>
// F32-NEXT: dense<[2.0, 1.0, 0.5, 0.333333343]> : tensor<4xf32>
func.func @unary_f32(%x: tensor<4xf32>, %p: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>) {
  %0 = adjit.neg %x : tensor<4xf32>
  %1 = adjit.exp %x : tensor<4xf32>
  %2 = adjit.tanh %x : tensor<4xf32>
  %3 = adjit.sigmoid %x : tensor<4xf32>
  %4 = adjit.relu %x : tensor<4xf32>
  %5 = adjit.abs %x : tensor<4xf32>
  %6 = adjit.log %p : tensor<4xf32>
  %7 = adjit.sqrt %p : tensor<4xf32>
  %8 = adjit.rsqrt %p : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>
}

// F64: dense<[2.0, 0.5, -0.25, -3.0]> : tensor<4xf64>
// F64-NEXT: dense<[0.1353352832366127, 0.60653065971263342, 1.2840254166877414, 20.085536923187668]> : tensor<4xf64>
// F64-NEXT: dense<[-0.9640275800758169, -0.46211715726000974, 0.24491866240370913, 0.99505475368673046]> : tensor<4xf64>
// F64-NEXT: dense<[0.11920292202211755, 0.37754066879814541, 0.56217650088579807, 0.95257412682243336]> : tensor<4xf64>
// F64-NEXT: dense<[0.0, 0.0, 0.25, 3.0]> : tensor<4xf64>
// F64-NEXT: dense<[2.0, 0.5, 0.25, 3.0]> : tensor<4xf64>
// F64-NEXT: dense<[-1.3862943611198906, 0.0, 1.3862943611198906, 2.1972245773362196]> : tensor<4xf64>
// F64-NEXT: dense<[0.5, 1.0, 2.0, 3.0]> : tensor<4xf64>
// F64-NEXT: dense<[2.0, 1.0, 0.5, 0.33333333333333331]> : tensor<4xf64>
func.func @unary_f64(%x: tensor<4xf64>, %p: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
        tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
        tensor<4xf64>) {
  %0 = adjit.neg %x : tensor<4xf64>
  %1 = adjit.exp %x : tensor<4xf64>
  %2 = adjit.tanh %x : tensor<4xf64>
  %3 = adjit.sigmoid %x : tensor<4xf64>
  %4 = adjit.relu %x : tensor<4xf64>
  %5 = adjit.abs %x : tensor<4xf64>
  %6 = adjit.log %p : tensor<4xf64>
  %7 = adjit.sqrt %p : tensor<4xf64>
  %8 = adjit.rsqrt %p : tensor<4xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8
      : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
        tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
        tensor<4xf64>
}

// SPECIAL: dense<[0x7FC00000, 0.0, 200.0, 0.0]> : tensor<4xf32>
// SPECIAL-NEXT: dense<[0x7FC00000, 200.0, 200.0, 0.0]> : tensor<4xf32>
// SPECIAL-NEXT: dense<[0x7FC00000, 0.0, 1.0, 0.5]> : tensor<4xf32>
// SPECIAL-NEXT: dense<[0x7FC00000, 0.0, 0x7F800000, 1.0]> : tensor<4xf32>
// SPECIAL-NEXT: dense<[0x7FC00000, 0x7FC00000, 5.29831{{[0-9]*}}, 0xFF800000]> : tensor<4xf32>
func.func @special_f32(%x: tensor<4xf32>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>) {
  %0 = adjit.relu %x : tensor<4xf32>
  %1 = adjit.abs %x : tensor<4xf32>
  %2 = adjit.sigmoid %x : tensor<4xf32>
  %3 = adjit.exp %x : tensor<4xf32>
  %4 = adjit.log %x : tensor<4xf32>
  return %0, %1, %2, %3, %4
      : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>,
        tensor<4xf32>
}
