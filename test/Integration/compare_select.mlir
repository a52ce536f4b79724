// adjit.compare (ordered: NaN compares false, except ne) and adjit.select,
// for f32 and f64, and select of i1 masks.
// RUN: adjit-run %s --entry=compare_f32 \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 0x7FC00000]> : tensor<4xf32>' \
// RUN:   --arg='dense<[2.0, 2.0, 1.0, 1.0]> : tensor<4xf32>' \
// RUN: | FileCheck %s --check-prefix=CMP
// RUN: adjit-run %s --entry=compare_f64 \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 0x7FF8000000000000]> : tensor<4xf64>' \
// RUN:   --arg='dense<[2.0, 2.0, 1.0, 1.0]> : tensor<4xf64>' \
// RUN: | FileCheck %s --check-prefix=CMP
// RUN: adjit-run %s --entry=select_f64 \
// RUN:   --arg='dense<[true, false, true]> : tensor<3xi1>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0]> : tensor<3xf64>' \
// RUN:   --arg='dense<[-1.0, -2.0, -3.0]> : tensor<3xf64>' \
// RUN: | FileCheck %s --check-prefix=SEL64
// RUN: adjit-run %s --entry=select_mask \
// RUN:   --arg='dense<[true, false]> : tensor<2xi1>' \
// RUN:   --arg='dense<[false, false]> : tensor<2xi1>' \
// RUN:   --arg='dense<[true, true]> : tensor<2xi1>' \
// RUN: | FileCheck %s --check-prefix=MASK

// CMP: dense<[false, true, false, false]> : tensor<4xi1>
// CMP-NEXT: dense<[true, false, true, true]> : tensor<4xi1>
// CMP-NEXT: dense<[true, false, false, false]> : tensor<4xi1>
// CMP-NEXT: dense<[true, true, false, false]> : tensor<4xi1>
// CMP-NEXT: dense<[false, false, true, false]> : tensor<4xi1>
// CMP-NEXT: dense<[false, true, true, false]> : tensor<4xi1>
// CMP-NEXT: dense<[1.0, 2.0, 1.0, 1.0]> : tensor<4xf{{32|64}}>
func.func @compare_f32(%a: tensor<4xf32>, %b: tensor<4xf32>)
    -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
        tensor<4xi1>, tensor<4xf32>) {
  %eq = adjit.compare eq, %a, %b : tensor<4xf32>
  %ne = adjit.compare ne, %a, %b : tensor<4xf32>
  %lt = adjit.compare lt, %a, %b : tensor<4xf32>
  %le = adjit.compare le, %a, %b : tensor<4xf32>
  %gt = adjit.compare gt, %a, %b : tensor<4xf32>
  %ge = adjit.compare ge, %a, %b : tensor<4xf32>
  %min = adjit.select %lt, %a, %b : tensor<4xf32>
  return %eq, %ne, %lt, %le, %gt, %ge, %min : tensor<4xi1>, tensor<4xi1>,
      tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

func.func @compare_f64(%a: tensor<4xf64>, %b: tensor<4xf64>)
    -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
        tensor<4xi1>, tensor<4xf64>) {
  %eq = adjit.compare eq, %a, %b : tensor<4xf64>
  %ne = adjit.compare ne, %a, %b : tensor<4xf64>
  %lt = adjit.compare lt, %a, %b : tensor<4xf64>
  %le = adjit.compare le, %a, %b : tensor<4xf64>
  %gt = adjit.compare gt, %a, %b : tensor<4xf64>
  %ge = adjit.compare ge, %a, %b : tensor<4xf64>
  %min = adjit.select %lt, %a, %b : tensor<4xf64>
  return %eq, %ne, %lt, %le, %gt, %ge, %min : tensor<4xi1>, tensor<4xi1>,
      tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xf64>
}

// SEL64: dense<[1.0, -2.0, 3.0]> : tensor<3xf64>
func.func @select_f64(%m: tensor<3xi1>, %a: tensor<3xf64>, %b: tensor<3xf64>)
    -> tensor<3xf64> {
  %0 = adjit.select %m, %a, %b : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// MASK: dense<[false, true]> : tensor<2xi1>
func.func @select_mask(%m: tensor<2xi1>, %a: tensor<2xi1>, %b: tensor<2xi1>)
    -> tensor<2xi1> {
  %0 = adjit.select %m, %a, %b : tensor<2xi1>
  return %0 : tensor<2xi1>
}
