// The unary primitives added through adjit/Semantics/Ops.def, executed in
// f64 through adjit-run: sin, cos, log1p, expm1 and erf are libm's; sign,
// floor, ceil and round (halves to even) are exact; stop_gradient is the
// identity once lowered.
// RUN: adjit-run %s --entry=primitives \
// RUN:   --arg='dense<[-2.5, -0.5, 0.0, 0.5, 1.5, 2.5]> : tensor<6xf64>' \
// RUN: | FileCheck %s
// Special values: sign of NaN and of -0 is 0; floor/ceil/round keep
// infinities and NaN.
// RUN: adjit-run %s --entry=special \
// RUN:   --arg='dense<[0x7FF8000000000000, -0.0, 0x7FF0000000000000, 0xFFF0000000000000]> : tensor<4xf64>' \
// RUN: | FileCheck %s --check-prefix=SPECIAL

// CHECK: dense<[-0.59847214410395655, -0.47942553860420301, 0.0, 0.47942553860420301, 0.99749498660405445, 0.59847214410395655]> : tensor<6xf64>
// CHECK-NEXT: dense<[-0.8011436155469337, 0.87758256189037276, 1.0, 0.87758256189037276, 0.070737201667702906, -0.8011436155469337]> : tensor<6xf64>
// CHECK-NEXT: dense<[0x7FF8000000000000, -0.69314718055994529, 0.0, 0.40546510810816438, 0.91629073187415511, 1.2527629684953681]> : tensor<6xf64>
// CHECK-NEXT: dense<[-0.91791500137610127, -0.39346934028736658, 0.0, 0.64872127070012819, 3.481689070338065, 11.182493960703473]> : tensor<6xf64>
// CHECK-NEXT: dense<[-0.99959304798255499, -0.52049987781304652, 0.0, 0.52049987781304652, 0.96610514647531076, 0.99959304798255499]> : tensor<6xf64>
// CHECK-NEXT: dense<[-1.0, -1.0, 0.0, 1.0, 1.0, 1.0]> : tensor<6xf64>
// CHECK-NEXT: dense<[-3.0, -1.0, 0.0, 0.0, 1.0, 2.0]> : tensor<6xf64>
// CHECK-NEXT: dense<[-2.0, -0.0, 0.0, 1.0, 2.0, 3.0]> : tensor<6xf64>
// CHECK-NEXT: dense<[-2.0, -0.0, 0.0, 0.0, 2.0, 2.0]> : tensor<6xf64>
// CHECK-NEXT: dense<[-2.5, -0.5, 0.0, 0.5, 1.5, 2.5]> : tensor<6xf64>
func.func @primitives(%x: tensor<6xf64>)
    -> (tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>,
        tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>,
        tensor<6xf64>, tensor<6xf64>) {
  %0 = adjit.sin %x : tensor<6xf64>
  %1 = adjit.cos %x : tensor<6xf64>
  %2 = adjit.log1p %x : tensor<6xf64>
  %3 = adjit.expm1 %x : tensor<6xf64>
  %4 = adjit.erf %x : tensor<6xf64>
  %5 = adjit.sign %x : tensor<6xf64>
  %6 = adjit.floor %x : tensor<6xf64>
  %7 = adjit.ceil %x : tensor<6xf64>
  %8 = adjit.round %x : tensor<6xf64>
  %9 = adjit.stop_gradient %x : tensor<6xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9
      : tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>,
        tensor<6xf64>, tensor<6xf64>, tensor<6xf64>, tensor<6xf64>,
        tensor<6xf64>, tensor<6xf64>
}

// SPECIAL: dense<[0.0, 0.0, 1.0, -1.0]> : tensor<4xf64>
// SPECIAL-NEXT: dense<[0x7FF8000000000000, -0.0, 0x7FF0000000000000, 0xFFF0000000000000]> : tensor<4xf64>
// SPECIAL-NEXT: dense<[0x7FF8000000000000, -0.0, 0x7FF0000000000000, 0xFFF0000000000000]> : tensor<4xf64>
func.func @special(%x: tensor<4xf64>)
    -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
  %0 = adjit.sign %x : tensor<4xf64>
  %1 = adjit.floor %x : tensor<4xf64>
  %2 = adjit.round %x : tensor<4xf64>
  return %0, %1, %2 : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}
