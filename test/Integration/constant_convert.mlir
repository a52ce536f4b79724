// adjit.constant (f32, f64, i1) and adjit.convert in both directions; f64 to
// f32 rounds to nearest even.
// RUN: adjit-run %s --entry=constants | FileCheck %s --check-prefix=CONST
// RUN: adjit-run %s --entry=convert \
// RUN:   --arg='dense<[0.1, 1.0000000596046448, 3.0e+38, -2.5]> : tensor<4xf64>' \
// RUN: | FileCheck %s --check-prefix=CONVERT

// CONST: dense<{{\[\[}}1.5, -2.0], [0.25, 8.0]]> : tensor<2x2xf32>
// CONST-NEXT: dense<[0.10000000000000001, 2.0]> : tensor<2xf64>
// CONST-NEXT: dense<[true, false, true]> : tensor<3xi1>
// CONST-NEXT: dense<[7.0, 7.0, 7.0]> : tensor<3xf64>
func.func @constants() -> (tensor<2x2xf32>, tensor<2xf64>, tensor<3xi1>,
                           tensor<3xf64>) {
  %0 = adjit.constant dense<[[1.5, -2.0], [0.25, 8.0]]> : tensor<2x2xf32>
  %1 = adjit.constant dense<[0.1, 2.0]> : tensor<2xf64>
  %2 = adjit.constant dense<[true, false, true]> : tensor<3xi1>
  %3 = adjit.constant dense<7.0> : tensor<3xf64>
  return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<2xf64>, tensor<3xi1>,
      tensor<3xf64>
}

// 1.0000000596046448 is halfway between 1.0 and the next f32: it rounds to
// the even 1.0. 3e38 stays finite in f32.
// CONVERT: dense<[0.100000001, 1.0, 3.00000001e+38, -2.5]> : tensor<4xf32>
// CONVERT-NEXT: dense<[0.10000000149011612, 1.0, 3.0000000054977558e+38, -2.5]> : tensor<4xf64>
func.func @convert(%x: tensor<4xf64>) -> (tensor<4xf32>, tensor<4xf64>) {
  %0 = adjit.convert %x : tensor<4xf64> to tensor<4xf32>
  %1 = adjit.convert %0 : tensor<4xf32> to tensor<4xf64>
  return %0, %1 : tensor<4xf32>, tensor<4xf64>
}
