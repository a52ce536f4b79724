// adjit.gather becomes an all-parallel linalg.generic over the index whose
// body reads the input with tensor.extract; adjit.scatter_add a loop nest
// over the source adding into a zero-filled tensor. Indices are clamped.
// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[X:.*]]: tensor<5x3xf32>, %[[I:.*]]: tensor<4x3xi64>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[I]] : tensor<4x3xi64>)
// CHECK: ^bb0(%[[E:.*]]: i64, %{{.*}}: f32)
// CHECK: %[[P:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK: %[[LO:.*]] = arith.maxsi %[[P]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: tensor.extract %[[X]][%[[HI]], %[[J]]] : tensor<5x3xf32>
// CHECK: -> tensor<4x3xf32>
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>) -> tensor<4x3xf32> {
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[S:.*]]: tensor<4x2xf64>, %[[I:.*]]: tensor<4x2xi64>)
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f64) outs(%{{.*}} : tensor<5x3xf64>)
// CHECK: scf.for %[[A:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]])
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]])
// CHECK: tensor.extract %[[I]][%[[A]], %[[B]]] : tensor<4x2xi64>
// CHECK: arith.minsi
// CHECK: %[[V:.*]] = tensor.extract %[[S]][%[[A]], %[[B]]] : tensor<4x2xf64>
// CHECK: %[[OLD:.*]] = tensor.extract %[[ACC2]]
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[V]] : f64
// CHECK: tensor.insert %[[SUM]] into %[[ACC2]]
func.func @scatter_add(%s: tensor<4x2xf64>, %i: tensor<4x2xi64>) -> tensor<5x3xf64> {
  %r = adjit.scatter_add %s, %i dim = 0 : tensor<4x2xf64>, tensor<4x2xi64> -> tensor<5x3xf64>
  return %r : tensor<5x3xf64>
}

// Integer sources add with arith.addi.
// CHECK-LABEL: func.func @scatter_add_integers
// CHECK: arith.addi %{{.*}}, %{{.*}} : i64
func.func @scatter_add_integers(%s: tensor<3xi64>, %i: tensor<3xi64>) -> tensor<2xi64> {
  %r = adjit.scatter_add %s, %i dim = 0 : tensor<3xi64>, tensor<3xi64> -> tensor<2xi64>
  return %r : tensor<2xi64>
}
