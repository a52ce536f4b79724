// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// The mask is one linalg.generic with no inputs: the counter is the offset
// plus the row-major index, Philox-4x32-10 runs 10 rounds of two unsigned
// extended multiplications, and the upper 24 bits of the first word, times
// 2^-24, are compared with 1 - p in f64.
// CHECK-LABEL: func @dropout_mask
// CHECK-SAME: (%[[SEED:.*]]: tensor<i64>, %[[OFFSET:.*]]: tensor<i64>)
func.func @dropout_mask(%seed: tensor<i64>, %offset: tensor<i64>) -> tensor<2x3xf32> {
  // CHECK-DAG: %[[S:.*]] = tensor.extract %[[SEED]][] : tensor<i64>
  // CHECK-DAG: %[[O:.*]] = tensor.extract %[[OFFSET]][] : tensor<i64>
  // CHECK: linalg.generic
  // CHECK-SAME: outs(%{{.*}} : tensor<2x3xf32>)
  // CHECK: linalg.index 0
  // CHECK: linalg.index 1
  // CHECK: arith.addi %[[O]], %{{.*}} : i64
  // CHECK-COUNT-20: arith.mului_extended
  // CHECK: arith.shrui %{{.*}}, %{{.*}} : i32
  // CHECK: arith.uitofp %{{.*}} : i32 to f64
  // CHECK: arith.constant 7.500000e-01 : f64
  // CHECK: arith.cmpf olt
  // CHECK: arith.constant 1.33333337 : f32
  // CHECK: arith.select
  // CHECK-NOT: adjit.dropout_mask
  %0 = adjit.dropout_mask %seed, %offset {p = 0.25 : f64} : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
