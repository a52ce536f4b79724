// i64 ops lower to integer arith ops; conversions to sitofp / fptosi;
// reductions start from integer identities; argmax and argmin become one
// linalg.generic carrying the best value and its index.
// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// CHECK-DAG: #[[$IN:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$OUT:.*]] = affine_map<(d0, d1) -> (d0)>

// CHECK-LABEL: func @arithmetic
func.func @arithmetic(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  // CHECK: arith.addi
  %0 = adjit.add %a, %b : tensor<3xi64>
  // CHECK: arith.subi
  %1 = adjit.sub %0, %b : tensor<3xi64>
  // CHECK: arith.muli
  %2 = adjit.mul %1, %a : tensor<3xi64>
  // CHECK: arith.maxsi
  %3 = adjit.max %2, %a : tensor<3xi64>
  // CHECK: arith.minsi
  %4 = adjit.min %3, %b : tensor<3xi64>
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
  // CHECK: arith.subi %[[ZERO]], %{{.*}} : i64
  %5 = adjit.neg %4 : tensor<3xi64>
  // CHECK: math.absi
  %6 = adjit.abs %5 : tensor<3xi64>
  // CHECK: arith.cmpi sgt
  // CHECK: arith.cmpi slt
  // CHECK: arith.extui
  // CHECK: arith.extui
  // CHECK: arith.subi
  %7 = adjit.sign %6 : tensor<3xi64>
  // CHECK: arith.maxsi
  %8 = adjit.relu %7 : tensor<3xi64>
  return %8 : tensor<3xi64>
}

// CHECK-LABEL: func @compare_convert
func.func @compare_convert(%a: tensor<2xi64>, %x: tensor<2xf32>)
    -> (tensor<2xi1>, tensor<2xi1>, tensor<2xi64>, tensor<2xf64>) {
  // CHECK: arith.cmpi sle
  %m = adjit.compare le, %a, %a : tensor<2xi64>
  // CHECK: arith.cmpi ne
  %n = adjit.compare ne, %a, %a : tensor<2xi64>
  // CHECK: arith.fptosi %{{.*}} : f32 to i64
  %i = adjit.convert %x : tensor<2xf32> to tensor<2xi64>
  // CHECK: arith.sitofp %{{.*}} : i64 to f64
  %f = adjit.convert %a : tensor<2xi64> to tensor<2xf64>
  return %m, %n, %i, %f : tensor<2xi1>, tensor<2xi1>, tensor<2xi64>, tensor<2xf64>
}

// CHECK-LABEL: func @reductions
func.func @reductions(%a: tensor<2x3xi64>) -> (tensor<3xi64>, tensor<2xi64>) {
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
  // CHECK: linalg.fill ins(%[[ZERO]] : i64)
  // CHECK: linalg.reduce
  // CHECK: arith.addi
  %0 = adjit.reduce_sum %a, dims = [0] : tensor<2x3xi64> -> tensor<3xi64>
  // CHECK: %[[MIN:.*]] = arith.constant -9223372036854775808 : i64
  // CHECK: linalg.fill ins(%[[MIN]] : i64)
  // CHECK: linalg.reduce
  // CHECK: arith.maxsi
  %1 = adjit.reduce_max %a, dims = [1] : tensor<2x3xi64> -> tensor<2xi64>
  return %0, %1 : tensor<3xi64>, tensor<2xi64>
}

// CHECK-LABEL: func @argmax
func.func @argmax(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xi64>) {
  // CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
  // CHECK: %[[V:.*]] = linalg.fill ins(%[[NEGINF]] : f32)
  // CHECK: %[[ZERO:.*]] = arith.constant 0 : i64
  // CHECK: %[[I:.*]] = linalg.fill ins(%[[ZERO]] : i64)
  // CHECK: linalg.generic {indexing_maps = [#[[$IN]], #[[$OUT]], #[[$OUT]]], iterator_types = ["parallel", "reduction"]}
  // CHECK-SAME: outs(%[[V]], %[[I]] : tensor<2xf32>, tensor<2xi64>)
  // CHECK: ^bb0(%[[E:.*]]: f32, %[[B:.*]]: f32, %[[BI:.*]]: i64):
  // CHECK: %[[BEATS:.*]] = arith.cmpf ugt, %[[E]], %[[B]] : f32
  // CHECK: %[[NUM:.*]] = arith.cmpf ord, %[[B]], %[[B]] : f32
  // CHECK: %[[BETTER:.*]] = arith.andi %[[BEATS]], %[[NUM]] : i1
  // CHECK: %[[POS:.*]] = linalg.index 1 : index
  // CHECK: %[[POS64:.*]] = arith.index_cast %[[POS]] : index to i64
  // CHECK: %[[NB:.*]] = arith.select %[[BETTER]], %[[E]], %[[B]] : f32
  // CHECK: %[[NI:.*]] = arith.select %[[BETTER]], %[[POS64]], %[[BI]] : i64
  // CHECK: linalg.yield %[[NB]], %[[NI]] : f32, i64
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xi64>
  return %v, %i : tensor<2xf32>, tensor<2xi64>
}

// CHECK-LABEL: func @argmin
func.func @argmin(%a: tensor<3x2xi64>) -> (tensor<2xi64>, tensor<2xi64>) {
  // CHECK: arith.constant 9223372036854775807 : i64
  // CHECK: linalg.generic
  // CHECK-SAME: iterator_types = ["reduction", "parallel"]
  // CHECK: arith.cmpi slt
  // CHECK: linalg.index 0
  %v, %i = adjit.argmin %a, dim = 0 : tensor<3x2xi64> -> tensor<2xi64>, tensor<2xi64>
  return %v, %i : tensor<2xi64>, tensor<2xi64>
}
