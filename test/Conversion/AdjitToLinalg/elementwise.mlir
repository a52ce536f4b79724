// RUN: adjit-opt %s --convert-adjit-to-linalg --split-input-file | FileCheck %s

// Every elementwise op is one linalg.generic with identity maps over a fresh
// tensor.empty, its body the scalar expression.
// CHECK-DAG: #[[$ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @binary
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x3xf32>)
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
        tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
  // CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<2x3xf32>) outs(%[[E]] : tensor<2x3xf32>)
  // CHECK: ^bb0(%[[L:.*]]: f32, %[[R:.*]]: f32, %{{.*}}: f32):
  // CHECK-NEXT: %[[S:.*]] = arith.addf %[[L]], %[[R]] : f32
  // CHECK-NEXT: linalg.yield %[[S]] : f32
  %0 = adjit.add %a, %b : tensor<2x3xf32>
  // CHECK: arith.subf
  %1 = adjit.sub %a, %b : tensor<2x3xf32>
  // CHECK: arith.mulf
  %2 = adjit.mul %a, %b : tensor<2x3xf32>
  // CHECK: arith.divf
  %3 = adjit.div %a, %b : tensor<2x3xf32>
  // NaN-propagating max and min.
  // CHECK: arith.maximumf
  %4 = adjit.max %a, %b : tensor<2x3xf32>
  // CHECK: arith.minimumf
  %5 = adjit.min %a, %b : tensor<2x3xf32>
  // CHECK: math.powf
  %6 = adjit.pow %a, %b : tensor<2x3xf32>
  return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>,
      tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>,
      tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @unary
func.func @unary(%x: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>,
    tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
    tensor<4xf64>, tensor<4xf64>) {
  // CHECK: arith.negf %{{.*}} : f64
  %0 = adjit.neg %x : tensor<4xf64>
  // CHECK: math.exp %{{.*}} : f64
  %1 = adjit.exp %x : tensor<4xf64>
  // CHECK: math.log %{{.*}} : f64
  %2 = adjit.log %x : tensor<4xf64>
  // CHECK: math.sqrt %{{.*}} : f64
  %3 = adjit.sqrt %x : tensor<4xf64>
  // CHECK: math.rsqrt %{{.*}} : f64
  %4 = adjit.rsqrt %x : tensor<4xf64>
  // CHECK: math.tanh %{{.*}} : f64
  %5 = adjit.tanh %x : tensor<4xf64>
  // sigmoid(x) = 1 / (1 + exp(-x)).
  // CHECK: ^bb0(%[[IN:.*]]: f64, %{{.*}}: f64):
  // CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[IN]] : f64
  // CHECK-NEXT: %[[EXP:.*]] = math.exp %[[NEG]] : f64
  // CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
  // CHECK-NEXT: %[[DEN:.*]] = arith.addf %[[ONE]], %[[EXP]] : f64
  // CHECK-NEXT: %[[SIG:.*]] = arith.divf %[[ONE]], %[[DEN]] : f64
  // CHECK-NEXT: linalg.yield %[[SIG]] : f64
  %6 = adjit.sigmoid %x : tensor<4xf64>
  // relu(x) = maximumf(x, 0), so relu(NaN) is NaN.
  // CHECK: ^bb0(%[[IN2:.*]]: f64, %{{.*}}: f64):
  // CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
  // CHECK-NEXT: %[[RELU:.*]] = arith.maximumf %[[IN2]], %[[ZERO]] : f64
  // CHECK-NEXT: linalg.yield %[[RELU]] : f64
  %7 = adjit.relu %x : tensor<4xf64>
  // CHECK: math.absf %{{.*}} : f64
  %8 = adjit.abs %x : tensor<4xf64>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf64>, tensor<4xf64>,
      tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
      tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}

// -----

// CHECK-LABEL: func @compare_select
func.func @compare_select(%a: tensor<4xf32>, %b: tensor<4xf32>)
    -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
        tensor<4xf32>) {
  // CHECK: tensor.empty() : tensor<4xi1>
  // CHECK: arith.cmpf oeq
  %0 = adjit.compare eq, %a, %b : tensor<4xf32>
  // ne is unordered: true when an operand is NaN.
  // CHECK: arith.cmpf une
  %1 = adjit.compare ne, %a, %b : tensor<4xf32>
  // CHECK: arith.cmpf olt
  %2 = adjit.compare lt, %a, %b : tensor<4xf32>
  // CHECK: arith.cmpf ole
  %3 = adjit.compare le, %a, %b : tensor<4xf32>
  // CHECK: arith.cmpf ogt
  %4 = adjit.compare gt, %a, %b : tensor<4xf32>
  // CHECK: ^bb0(%[[C:.*]]: i1, %[[T:.*]]: f32, %[[F:.*]]: f32, %{{.*}}: f32):
  // CHECK-NEXT: arith.select %[[C]], %[[T]], %[[F]] : f32
  %5 = adjit.select %0, %a, %b : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>,
      tensor<4xi1>, tensor<4xi1>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @constant_convert
func.func @constant_convert(%x: tensor<2xf64>) -> (tensor<2xf64>, tensor<2xf32>,
                                                   tensor<2xf64>) {
  // CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf64>
  %0 = adjit.constant dense<[1.0, 2.0]> : tensor<2xf64>
  // CHECK: arith.truncf %{{.*}} : f64 to f32
  %1 = adjit.convert %x : tensor<2xf64> to tensor<2xf32>
  // CHECK: arith.extf %{{.*}} : f32 to f64
  %2 = adjit.convert %1 : tensor<2xf32> to tensor<2xf64>
  return %0, %1, %2 : tensor<2xf64>, tensor<2xf32>, tensor<2xf64>
}

// -----

// erf on f32 is the arithmetic of adjit/Semantics/Erf.h, which the eager
// kernel computes too: widened to f64, x * P(x^2) for |x| < 1, Q(|x| - 2.5)
// for 1 <= |x| <= 4 and 1 above, with x's sign, rounded back to f32; the
// polynomials by Horner's scheme with math.fma (one rounding per step). No
// math.erf (the C library's erff) and no fast-math flags.
// CHECK-LABEL: func @erf_f32
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[WIDE:.*]] = arith.extf %[[IN]] : f32 to f64
// CHECK-NEXT: %[[MAG:.*]] = math.absf %[[WIDE]] : f64
// CHECK-NEXT: %[[SQUARE:.*]] = arith.mulf %[[WIDE]], %[[WIDE]] : f64
// CHECK-NOT: math.erf
// CHECK-NOT: fastmath
// CHECK: %[[C7:.*]] = arith.constant -9.6670457878644811E-6 : f64
// CHECK-NEXT: %[[C6:.*]] = arith.constant 1.1265959395245773E-4 : f64
// CHECK-NEXT: math.fma %[[C7]], %[[SQUARE]], %[[C6]] : f64
// CHECK-COUNT-5: math.fma %{{.*}}, %[[SQUARE]], %{{.*}} : f64
// CHECK: %[[C0:.*]] = arith.constant 1.1283791670615424 : f64
// CHECK-NEXT: %[[P:.*]] = math.fma %{{.*}}, %[[SQUARE]], %[[C0]] : f64
// CHECK-NEXT: %[[SMALL:.*]] = arith.mulf %[[WIDE]], %[[P]] : f64
// CHECK: %[[SHIFTED:.*]] = arith.addf %[[MAG]], %{{.*}} : f64
// CHECK-COUNT-16: math.fma %{{.*}}, %[[SHIFTED]], %{{.*}} : f64
// CHECK: arith.constant 4.000000e+00 : f64
// CHECK: %[[ABOVE:.*]] = arith.cmpf olt, %{{.*}}, %[[MAG]] : f64
// CHECK: %[[LARGE:.*]] = arith.select %[[ABOVE]], %{{.*}}, %{{.*}} : f64
// CHECK-NEXT: %[[SIGNED:.*]] = math.copysign %[[LARGE]], %[[WIDE]] : f64
// CHECK-NEXT: %[[BELOW:.*]] = arith.cmpf olt, %[[MAG]], %{{.*}} : f64
// CHECK-NEXT: %[[RESULT:.*]] = arith.select %[[BELOW]], %[[SMALL]], %[[SIGNED]] : f64
// CHECK-NEXT: %[[NARROW:.*]] = arith.truncf %[[RESULT]] : f64 to f32
// CHECK-NEXT: linalg.yield %[[NARROW]] : f32
func.func @erf_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.erf %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The primitives of Ops.def lower to the math op that Ops.def names (erf on
// f64 to math.erf, the C library's erf); stop_gradient lowers to its
// operand.
// CHECK-LABEL: func @primitives
// CHECK-SAME: (%[[X:.*]]: tensor<4xf64>)
func.func @primitives(%x: tensor<4xf64>) -> (tensor<4xf64>, tensor<4xf64>,
    tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
  // CHECK: math.sin
  %0 = adjit.sin %x : tensor<4xf64>
  // CHECK: math.erf
  %1 = adjit.erf %x : tensor<4xf64>
  // CHECK: math.expm1
  %2 = adjit.expm1 %x : tensor<4xf64>
  // CHECK: math.roundeven
  %3 = adjit.round %x : tensor<4xf64>
  // CHECK: arith.cmpf ogt
  // CHECK: arith.cmpf olt
  // CHECK: arith.select
  // CHECK: arith.select
  %4 = adjit.sign %x : tensor<4xf64>
  // CHECK-NOT: adjit.stop_gradient
  // CHECK: return {{.*}}, %[[X]]
  %5 = adjit.stop_gradient %x : tensor<4xf64>
  return %0, %1, %2, %3, %4, %5 : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>,
      tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}
