// Folders and canonicalization patterns of the adjit dialect, each with the
// cases it must leave alone.
// RUN: adjit-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func @add_neg_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @add_neg_zero(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %z = adjit.constant dense<-0.0> : tensor<4xf32>
  %0 = adjit.add %x, %z : tensor<4xf32>
  %1 = adjit.add %z, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// x + +0 is not x when x is -0 (the sum is +0), so it stays.
// CHECK-LABEL: func @no_add_pos_zero
// CHECK: adjit.add
func.func @no_add_pos_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = adjit.constant dense<0.0> : tensor<4xf32>
  %0 = adjit.add %x, %z : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @add_constants
// CHECK-NEXT: %[[C:.*]] = adjit.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf64>
// CHECK-NEXT: return %[[C]]
func.func @add_constants() -> tensor<2xf64> {
  %a = adjit.constant dense<[1.0, 2.0]> : tensor<2xf64>
  %b = adjit.constant dense<[3.0, 4.0]> : tensor<2xf64>
  %0 = adjit.add %a, %b : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

// CHECK-LABEL: func @sub_pos_zero
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @sub_pos_zero(%x: tensor<4xf32>) -> tensor<4xf32> {
  %z = adjit.constant dense<0.0> : tensor<4xf32>
  %0 = adjit.sub %x, %z : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// x - -0 is x + 0, which turns -0 into +0; and 0 - x is not x.
// CHECK-LABEL: func @no_sub_neg_zero
// CHECK: adjit.sub
// CHECK: adjit.sub
func.func @no_sub_neg_zero(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %z = adjit.constant dense<-0.0> : tensor<4xf32>
  %p = adjit.constant dense<0.0> : tensor<4xf32>
  %0 = adjit.sub %x, %z : tensor<4xf32>
  %1 = adjit.sub %p, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @sub_constants
// CHECK: adjit.constant dense<[-2.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK-NOT: adjit.sub
func.func @sub_constants() -> tensor<2xf32> {
  %a = adjit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = adjit.constant dense<[3.0, 1.5]> : tensor<2xf32>
  %0 = adjit.sub %a, %b : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @mul_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @mul_one(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %one = adjit.constant dense<1.0> : tensor<4xf32>
  %0 = adjit.mul %x, %one : tensor<4xf32>
  %1 = adjit.mul %one, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// x * 0 is not 0 for infinities and NaN, and x * 2 is not x.
// CHECK-LABEL: func @no_mul_zero_or_two
// CHECK: adjit.mul
// CHECK: adjit.mul
func.func @no_mul_zero_or_two(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %zero = adjit.constant dense<0.0> : tensor<4xf32>
  %two = adjit.constant dense<2.0> : tensor<4xf32>
  %0 = adjit.mul %x, %zero : tensor<4xf32>
  %1 = adjit.mul %x, %two : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @mul_constants
// CHECK: adjit.constant dense<6.000000e+00> : tensor<3xf32>
// CHECK-NOT: adjit.mul
func.func @mul_constants() -> tensor<3xf32> {
  %a = adjit.constant dense<2.0> : tensor<3xf32>
  %b = adjit.constant dense<3.0> : tensor<3xf32>
  %0 = adjit.mul %a, %b : tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @div_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @div_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adjit.constant dense<1.0> : tensor<4xf32>
  %0 = adjit.div %x, %one : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @no_div_one_by_x
// CHECK: adjit.div
func.func @no_div_one_by_x(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adjit.constant dense<1.0> : tensor<4xf32>
  %0 = adjit.div %one, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Division by zero folds to the IEEE result.
// CHECK-LABEL: func @div_constants
// CHECK: adjit.constant dense<[5.000000e-01, 0x7F800000]> : tensor<2xf32>
func.func @div_constants() -> tensor<2xf32> {
  %a = adjit.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = adjit.constant dense<[2.0, 0.0]> : tensor<2xf32>
  %0 = adjit.div %a, %b : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @max_min_same_operand
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @max_min_same_operand(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = adjit.max %x, %x : tensor<4xf32>
  %1 = adjit.min %x, %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @no_max_min_different_operands
// CHECK: adjit.max
// CHECK: adjit.min
func.func @no_max_min_different_operands(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = adjit.max %x, %y : tensor<4xf32>
  %1 = adjit.min %x, %y : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// max and min propagate NaN, and order -0 below +0.
// CHECK-LABEL: func @max_min_constants
// CHECK-DAG: adjit.constant dense<[0x7FC00000, 2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-DAG: adjit.constant dense<[0x7FC00000, 1.000000e+00, -0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: adjit.max
// CHECK-NOT: adjit.min
func.func @max_min_constants() -> (tensor<3xf32>, tensor<3xf32>) {
  %a = adjit.constant dense<[0x7FC00000, 1.0, -0.0]> : tensor<3xf32>
  %b = adjit.constant dense<[1.0, 2.0, 0.0]> : tensor<3xf32>
  %0 = adjit.max %a, %b : tensor<3xf32>
  %1 = adjit.min %a, %b : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @pow_one
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @pow_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = adjit.constant dense<1.0> : tensor<4xf32>
  %0 = adjit.pow %x, %one : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// pow of constants is left to the runtime's pow, so that folded and computed
// values never differ; x ^ 2 is not x.
// CHECK-LABEL: func @no_pow_fold
// CHECK: adjit.pow
// CHECK: adjit.pow
func.func @no_pow_fold(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %two = adjit.constant dense<2.0> : tensor<4xf32>
  %0 = adjit.pow %two, %two : tensor<4xf32>
  %1 = adjit.pow %x, %two : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @neg_neg
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]]
func.func @neg_neg(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.neg %x : tensor<4xf32>
  %1 = adjit.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @neg_abs_constants
// CHECK-DAG: adjit.constant dense<[-1.000000e+00, 2.000000e+00, -0.000000e+00]> : tensor<3xf32>
// CHECK-DAG: adjit.constant dense<[1.000000e+00, 2.000000e+00, 0.000000e+00]> : tensor<3xf32>
// CHECK-NOT: adjit.neg
// CHECK-NOT: adjit.abs
func.func @neg_abs_constants() -> (tensor<3xf32>, tensor<3xf32>) {
  %a = adjit.constant dense<[1.0, -2.0, 0.0]> : tensor<3xf32>
  %0 = adjit.neg %a : tensor<3xf32>
  %1 = adjit.abs %a : tensor<3xf32>
  return %0, %1 : tensor<3xf32>, tensor<3xf32>
}

// -----

// CHECK-LABEL: func @abs_relu_idempotent
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[A:.*]] = adjit.abs %[[X]]
// CHECK-NEXT: %[[R:.*]] = adjit.relu %[[X]]
// CHECK-NEXT: return %[[A]], %[[R]]
func.func @abs_relu_idempotent(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = adjit.abs %x : tensor<4xf32>
  %1 = adjit.abs %0 : tensor<4xf32>
  %2 = adjit.relu %x : tensor<4xf32>
  %3 = adjit.relu %2 : tensor<4xf32>
  return %1, %3 : tensor<4xf32>, tensor<4xf32>
}

// -----

// neg of abs is not abs, abs of neg is (but is not folded).
// CHECK-LABEL: func @no_neg_abs
// CHECK: adjit.abs
// CHECK: adjit.neg
func.func @no_neg_abs(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.abs %x : tensor<4xf32>
  %1 = adjit.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Ordered comparisons: NaN compares false, except with ne.
// CHECK-LABEL: func @compare_constants
// CHECK-DAG: adjit.constant dense<[true, false, false]> : tensor<3xi1>
// CHECK-DAG: adjit.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-DAG: adjit.constant dense<true> : tensor<3xi1>
// CHECK-NOT: adjit.compare
func.func @compare_constants() -> (tensor<3xi1>, tensor<3xi1>, tensor<3xi1>) {
  %a = adjit.constant dense<[1.0, 2.0, 0x7FC00000]> : tensor<3xf32>
  %b = adjit.constant dense<[2.0, 2.0, 1.0]> : tensor<3xf32>
  %s = adjit.constant dense<1.0> : tensor<3xf32>
  %0 = adjit.compare lt, %a, %b : tensor<3xf32>
  %1 = adjit.compare ge, %a, %b : tensor<3xf32>
  %2 = adjit.compare eq, %s, %s : tensor<3xf32>
  %3 = adjit.compare ne, %a, %b : tensor<3xf32>
  %4 = adjit.compare le, %a, %b : tensor<3xf32>
  %5 = adjit.compare gt, %a, %b : tensor<3xf32>
  return %0, %3, %2 : tensor<3xi1>, tensor<3xi1>, tensor<3xi1>
}

// -----

// x == x is false for NaN, so it is not folded.
// CHECK-LABEL: func @no_compare_same_operand
// CHECK: adjit.compare eq
func.func @no_compare_same_operand(%x: tensor<4xf32>) -> tensor<4xi1> {
  %0 = adjit.compare eq, %x, %x : tensor<4xf32>
  return %0 : tensor<4xi1>
}

// -----

// CHECK-LABEL: func @select_folds
// CHECK-SAME: (%[[M:.*]]: tensor<4xi1>, %[[A:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[A]], %[[A]], %[[B]]
func.func @select_folds(%m: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %t = adjit.constant dense<true> : tensor<4xi1>
  %f = adjit.constant dense<false> : tensor<4xi1>
  %0 = adjit.select %m, %a, %a : tensor<4xf32>
  %1 = adjit.select %t, %a, %b : tensor<4xf32>
  %2 = adjit.select %f, %a, %b : tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @no_select_mixed_mask
// CHECK: adjit.select
func.func @no_select_mixed_mask(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  %m = adjit.constant dense<[true, false]> : tensor<2xi1>
  %0 = adjit.select %m, %a, %b : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @convert_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @convert_round_trip(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = adjit.convert %x : tensor<4xf32> to tensor<4xf64>
  %1 = adjit.convert %0 : tensor<4xf64> to tensor<4xf32>
  %2 = adjit.convert %x : tensor<4xf32> to tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// f64 -> f32 -> f64 rounds, so it stays.
// CHECK-LABEL: func @no_convert_narrowing_round_trip
// CHECK: adjit.convert
// CHECK: adjit.convert
func.func @no_convert_narrowing_round_trip(%x: tensor<4xf64>) -> tensor<4xf64> {
  %0 = adjit.convert %x : tensor<4xf64> to tensor<4xf32>
  %1 = adjit.convert %0 : tensor<4xf32> to tensor<4xf64>
  return %1 : tensor<4xf64>
}

// -----

// CHECK-LABEL: func @convert_splat
// CHECK: adjit.constant dense<1.000000e-01> : tensor<2xf32>
// CHECK-NOT: adjit.convert
func.func @convert_splat() -> tensor<2xf32> {
  %c = adjit.constant dense<0.1> : tensor<2xf64>
  %0 = adjit.convert %c : tensor<2xf64> to tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @broadcast_folds
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK-DAG: %[[B:.*]] = adjit.broadcast %[[X]], dims = [2] : tensor<3xf32> -> tensor<4x2x3xf32>
// CHECK-DAG: %[[C:.*]] = adjit.constant dense<2.000000e+00> : tensor<2x3xf32>
// CHECK: return %[[X]], %[[B]], %[[C]]
func.func @broadcast_folds(%x: tensor<3xf32>) -> (tensor<3xf32>, tensor<4x2x3xf32>, tensor<2x3xf32>) {
  %0 = adjit.broadcast %x, dims = [0] : tensor<3xf32> -> tensor<3xf32>
  %1 = adjit.broadcast %x, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  %2 = adjit.broadcast %1, dims = [1, 2] : tensor<2x3xf32> -> tensor<4x2x3xf32>
  %s = adjit.constant dense<2.0> : tensor<3xf32>
  %3 = adjit.broadcast %s, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  return %0, %2, %3 : tensor<3xf32>, tensor<4x2x3xf32>, tensor<2x3xf32>
}

// -----

// Broadcasting a non-splat constant would grow the program: it stays.
// CHECK-LABEL: func @no_broadcast_dense_constant
// CHECK: adjit.broadcast
func.func @no_broadcast_dense_constant() -> tensor<2x2xf32> {
  %c = adjit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = adjit.broadcast %c, dims = [1] : tensor<2xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @reshape_folds
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-DAG: %[[R:.*]] = adjit.reshape %[[X]] : tensor<2x3xf32> -> tensor<3x2xf32>
// CHECK-DAG: %[[C:.*]] = adjit.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK: return %[[X]], %[[R]], %[[C]]
func.func @reshape_folds(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xf32>) {
  %0 = adjit.reshape %x : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = adjit.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  %2 = adjit.reshape %1 : tensor<6xf32> -> tensor<3x2xf32>
  %c = adjit.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %3 = adjit.reshape %c : tensor<4xf32> -> tensor<2x2xf32>
  return %0, %2, %3 : tensor<2x3xf32>, tensor<3x2xf32>, tensor<2x2xf32>
}

// -----

// CHECK-LABEL: func @transpose_folds
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[T:.*]] = adjit.transpose %[[X]], [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
// CHECK-NEXT: return %[[X]], %[[X]], %[[T]]
func.func @transpose_folds(%x: tensor<2x3x4xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>) {
  %0 = adjit.transpose %x, [0, 1, 2] : tensor<2x3x4xf32> -> tensor<2x3x4xf32>
  %1 = adjit.transpose %x, [1, 2, 0] : tensor<2x3x4xf32> -> tensor<3x4x2xf32>
  %2 = adjit.transpose %1, [2, 0, 1] : tensor<3x4x2xf32> -> tensor<2x3x4xf32>
  %3 = adjit.transpose %x, [1, 0, 2] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  %4 = adjit.transpose %3, [2, 1, 0] : tensor<3x2x4xf32> -> tensor<4x2x3xf32>
  return %0, %2, %4 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<4x2x3xf32>
}

// -----

// CHECK-LABEL: func @no_transpose_fold
// CHECK: adjit.transpose
func.func @no_transpose_fold(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = adjit.transpose %x, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// (A B)^T = B^T A^T: the transposes move onto the operands, where they fold
// with the transposes that made them (the gradient of a weight, g^T h).
// CHECK-LABEL: func @transpose_of_product
// CHECK-SAME: (%[[G:.*]]: tensor<64x10xf32>, %[[H:.*]]: tensor<64x256xf32>)
// CHECK-NEXT: %[[GT:.*]] = adjit.transpose %[[G]], [1, 0] : tensor<64x10xf32> -> tensor<10x64xf32>
// CHECK-NEXT: %[[P:.*]] = adjit.matmul %[[GT]], %[[H]] : tensor<10x64xf32>, tensor<64x256xf32> -> tensor<10x256xf32>
// CHECK-NEXT: return %[[P]]
func.func @transpose_of_product(%g: tensor<64x10xf32>, %h: tensor<64x256xf32>) -> tensor<10x256xf32> {
  %ht = adjit.transpose %h, [1, 0] : tensor<64x256xf32> -> tensor<256x64xf32>
  %0 = adjit.matmul %ht, %g : tensor<256x64xf32>, tensor<64x10xf32> -> tensor<256x10xf32>
  %1 = adjit.transpose %0, [1, 0] : tensor<256x10xf32> -> tensor<10x256xf32>
  return %1 : tensor<10x256xf32>
}

// -----

// Batched: the batch dimension stays in place.
// CHECK-LABEL: func @transpose_of_batched_product
// CHECK-SAME: (%[[A:.*]]: tensor<5x2x3xf64>, %[[B:.*]]: tensor<5x3x4xf64>)
// CHECK-DAG: %[[AT:.*]] = adjit.transpose %[[A]], [0, 2, 1] : tensor<5x2x3xf64> -> tensor<5x3x2xf64>
// CHECK-DAG: %[[BT:.*]] = adjit.transpose %[[B]], [0, 2, 1] : tensor<5x3x4xf64> -> tensor<5x4x3xf64>
// CHECK: %[[P:.*]] = adjit.matmul %[[BT]], %[[AT]] : tensor<5x4x3xf64>, tensor<5x3x2xf64> -> tensor<5x4x2xf64>
// CHECK-NEXT: return %[[P]]
func.func @transpose_of_batched_product(%a: tensor<5x2x3xf64>, %b: tensor<5x3x4xf64>) -> tensor<5x4x2xf64> {
  %0 = adjit.matmul %a, %b : tensor<5x2x3xf64>, tensor<5x3x4xf64> -> tensor<5x2x4xf64>
  %1 = adjit.transpose %0, [0, 2, 1] : tensor<5x2x4xf64> -> tensor<5x4x2xf64>
  return %1 : tensor<5x4x2xf64>
}

// -----

// A product with another use stays (it would be computed twice).
// CHECK-LABEL: func @no_transpose_of_shared_product
// CHECK-NEXT: %[[P:.*]] = adjit.matmul
// CHECK-NEXT: %[[T:.*]] = adjit.transpose %[[P]], [1, 0]
// CHECK-NEXT: return %[[P]], %[[T]]
func.func @no_transpose_of_shared_product(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> (tensor<2x4xf32>, tensor<4x2xf32>) {
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  %1 = adjit.transpose %0, [1, 0] : tensor<2x4xf32> -> tensor<4x2xf32>
  return %0, %1 : tensor<2x4xf32>, tensor<4x2xf32>
}

// -----

// A transpose that moves the batch dimension is not a transpose of the
// matrices.
// CHECK-LABEL: func @no_transpose_of_product_batch_dims
// CHECK-NEXT: %[[P:.*]] = adjit.matmul
// CHECK-NEXT: %[[T:.*]] = adjit.transpose %[[P]], [1, 0, 2]
// CHECK-NEXT: return %[[T]]
func.func @no_transpose_of_product_batch_dims(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) -> tensor<2x5x4xf32> {
  %0 = adjit.matmul %a, %b : tensor<5x2x3xf32>, tensor<5x3x4xf32> -> tensor<5x2x4xf32>
  %1 = adjit.transpose %0, [1, 0, 2] : tensor<5x2x4xf32> -> tensor<2x5x4xf32>
  return %1 : tensor<2x5x4xf32>
}

// -----

// CHECK-LABEL: func @slice_folds
// CHECK-SAME: (%[[X:.*]]: tensor<4x3xf32>)
// CHECK-NEXT: %[[C:.*]] = adjit.constant dense<5.000000e+00> : tensor<2xf32>
// CHECK-NEXT: %[[S:.*]] = adjit.slice %[[X]] [0:4:2, 0:3:1]
// CHECK-NEXT: return %[[X]], %[[C]], %[[S]]
func.func @slice_folds(%x: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<2xf32>, tensor<2x3xf32>) {
  %0 = adjit.slice %x [0:4:1, 0:3:1] : tensor<4x3xf32> -> tensor<4x3xf32>
  %c = adjit.constant dense<5.0> : tensor<8xf32>
  %1 = adjit.slice %c [1:5:2] : tensor<8xf32> -> tensor<2xf32>
  %2 = adjit.slice %x [0:4:2, 0:3:1] : tensor<4x3xf32> -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<4x3xf32>, tensor<2xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @concat_folds
// CHECK-SAME: (%[[X:.*]]: tensor<2xf32>)
// CHECK-NEXT: %[[C:.*]] = adjit.concat %[[X]], %[[X]] dim = 0
// CHECK-NEXT: return %[[X]], %[[C]]
func.func @concat_folds(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<4xf32>) {
  %0 = adjit.concat %x dim = 0 : tensor<2xf32> -> tensor<2xf32>
  %1 = adjit.concat %x, %x dim = 0 : tensor<2xf32>, tensor<2xf32> -> tensor<4xf32>
  return %0, %1 : tensor<2xf32>, tensor<4xf32>
}

// -----

// The gradient of q, k and v sliced from one tensor: zero-padded pieces
// summed. With -0 padding every pad folds away and the pieces are
// concatenated once.
// CHECK-LABEL: func @add_of_concats_padded_pieces
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2xf32>, %[[K:.*]]: tensor<2x2xf32>, %[[V:.*]]: tensor<2x2xf32>)
// CHECK-NEXT: %[[C:.*]] = adjit.concat %[[Q]], %[[K]], %[[V]] dim = 1
// CHECK-NEXT: return %[[C]]
func.func @add_of_concats_padded_pieces(%q: tensor<2x2xf32>, %k: tensor<2x2xf32>, %v: tensor<2x2xf32>) -> tensor<2x6xf32> {
  %z2 = adjit.constant dense<-0.0> : tensor<2x2xf32>
  %z4 = adjit.constant dense<-0.0> : tensor<2x4xf32>
  %0 = adjit.concat %z4, %v dim = 1 : tensor<2x4xf32>, tensor<2x2xf32> -> tensor<2x6xf32>
  %1 = adjit.concat %z2, %k, %z2 dim = 1 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x6xf32>
  %2 = adjit.add %0, %1 : tensor<2x6xf32>
  %3 = adjit.concat %q, %z4 dim = 1 : tensor<2x2xf32>, tensor<2x4xf32> -> tensor<2x6xf32>
  %4 = adjit.add %2, %3 : tensor<2x6xf32>
  return %4 : tensor<2x6xf32>
}

// -----

// With +0 padding the additions of the pads stay (x + +0 is not x for -0),
// but on the pieces: no addition of full size is left.
// CHECK-LABEL: func @add_of_concats_pos_zero_pads
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2xf32>, %[[K:.*]]: tensor<2x2xf32>)
// CHECK-DAG: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x2xf32>
// CHECK-DAG: %[[QZ:.*]] = adjit.add %[[Q]], %[[Z]] : tensor<2x2xf32>
// CHECK-DAG: %[[KZ:.*]] = adjit.add %[[K]], %[[Z]] : tensor<2x2xf32>
// CHECK: %[[C:.*]] = adjit.concat %[[QZ]], %[[KZ]] dim = 1
// CHECK-NOT: adjit.add
// CHECK: return %[[C]]
func.func @add_of_concats_pos_zero_pads(%q: tensor<2x2xf32>, %k: tensor<2x2xf32>) -> tensor<2x4xf32> {
  %z = adjit.constant dense<0.0> : tensor<2x2xf32>
  %0 = adjit.concat %q, %z dim = 1 : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x4xf32>
  %1 = adjit.concat %z, %k dim = 1 : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x4xf32>
  %2 = adjit.add %0, %1 : tensor<2x4xf32>
  return %2 : tensor<2x4xf32>
}

// -----

// Pieces with the same boundaries add piecewise; a splat constant spanning
// two pieces of the other concat is split.
// CHECK-LABEL: func @add_of_concats_split_constant
// CHECK-SAME: (%[[A:.*]]: tensor<1xf32>, %[[B:.*]]: tensor<2xf32>, %[[C:.*]]: tensor<1xf32>, %[[D:.*]]: tensor<1xf32>)
// CHECK-DAG: %[[T2:.*]] = adjit.constant dense<2.000000e+00> : tensor<2xf32>
// CHECK-DAG: %[[T1:.*]] = adjit.constant dense<2.000000e+00> : tensor<1xf32>
// CHECK-DAG: %[[AC:.*]] = adjit.add %[[A]], %[[C]] : tensor<1xf32>
// CHECK-DAG: %[[BT:.*]] = adjit.add %[[B]], %[[T2]] : tensor<2xf32>
// CHECK-DAG: %[[DT:.*]] = adjit.add %[[D]], %[[T1]] : tensor<1xf32>
// CHECK: %[[R:.*]] = adjit.concat %[[AC]], %[[BT]], %[[DT]] dim = 0
// CHECK-NEXT: return %[[R]]
func.func @add_of_concats_split_constant(%a: tensor<1xf32>, %b: tensor<2xf32>, %c: tensor<1xf32>, %d: tensor<1xf32>) -> tensor<4xf32> {
  %two = adjit.constant dense<2.0> : tensor<3xf32>
  %0 = adjit.concat %a, %b, %d dim = 0 : tensor<1xf32>, tensor<2xf32>, tensor<1xf32> -> tensor<4xf32>
  %1 = adjit.concat %c, %two dim = 0 : tensor<1xf32>, tensor<3xf32> -> tensor<4xf32>
  %2 = adjit.add %0, %1 : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// A piece that is not a constant is not split; concats along different
// dims, and concats with other uses, stay.
// CHECK-LABEL: func @no_add_of_concats
// CHECK-COUNT-3: adjit.add {{.*}} : tensor<4x4xf32>
func.func @no_add_of_concats(%a: tensor<4x1xf32>, %b: tensor<4x3xf32>, %c: tensor<4x2xf32>, %d: tensor<4x2xf32>, %e: tensor<1x4xf32>, %f: tensor<3x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %0 = adjit.concat %a, %b dim = 1 : tensor<4x1xf32>, tensor<4x3xf32> -> tensor<4x4xf32>
  %1 = adjit.concat %c, %d dim = 1 : tensor<4x2xf32>, tensor<4x2xf32> -> tensor<4x4xf32>
  %2 = adjit.add %0, %1 : tensor<4x4xf32>
  %3 = adjit.concat %e, %f dim = 0 : tensor<1x4xf32>, tensor<3x4xf32> -> tensor<4x4xf32>
  %4 = adjit.concat %a, %b dim = 1 : tensor<4x1xf32>, tensor<4x3xf32> -> tensor<4x4xf32>
  %5 = adjit.add %3, %4 : tensor<4x4xf32>
  %6 = adjit.concat %c, %d dim = 1 : tensor<4x2xf32>, tensor<4x2xf32> -> tensor<4x4xf32>
  %7 = adjit.concat %d, %c dim = 1 : tensor<4x2xf32>, tensor<4x2xf32> -> tensor<4x4xf32>
  %8 = adjit.add %6, %7 : tensor<4x4xf32>
  return %2, %5, %8, %6 : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// CHECK-LABEL: func @reduce_no_dims
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK-NEXT: return %[[X]], %[[X]]
func.func @reduce_no_dims(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %0 = adjit.reduce_sum %x, dims = [] : tensor<2x3xf32> -> tensor<2x3xf32>
  %1 = adjit.reduce_max %x, dims = [] : tensor<2x3xf32> -> tensor<2x3xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func @reduce_unit_dims
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x3x1xf32>)
// CHECK-NEXT: %[[S:.*]] = adjit.reshape %[[X]] : tensor<2x1x3x1xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[M:.*]] = adjit.reshape %[[X]] : tensor<2x1x3x1xf32> -> tensor<2x3x1xf32>
// CHECK-NEXT: return %[[S]], %[[M]]
func.func @reduce_unit_dims(%x: tensor<2x1x3x1xf32>) -> (tensor<2x3xf32>, tensor<2x3x1xf32>) {
  %0 = adjit.reduce_sum %x, dims = [1, 3] : tensor<2x1x3x1xf32> -> tensor<2x3xf32>
  %1 = adjit.reduce_max %x, dims = [1] : tensor<2x1x3x1xf32> -> tensor<2x3x1xf32>
  return %0, %1 : tensor<2x3xf32>, tensor<2x3x1xf32>
}

// -----

// CHECK-LABEL: func @no_reduce_fold
// CHECK: adjit.reduce_sum
// CHECK: adjit.reduce_max
func.func @no_reduce_fold(%x: tensor<2x1xf32>) -> (tensor<1xf32>, tensor<1xf32>) {
  %0 = adjit.reduce_sum %x, dims = [0] : tensor<2x1xf32> -> tensor<1xf32>
  %1 = adjit.reduce_max %x, dims = [0] : tensor<2x1xf32> -> tensor<1xf32>
  return %0, %1 : tensor<1xf32>, tensor<1xf32>
}

// -----

// A product over no dims is its operand, over unit dims a reshape; over
// other dims it stays.
// CHECK-LABEL: func @reduce_prod_folds
// CHECK-SAME: (%[[X:.*]]: tensor<2x1xf32>)
// CHECK-NEXT: %[[R:.*]] = adjit.reshape %[[X]] : tensor<2x1xf32> -> tensor<2xf32>
// CHECK-NEXT: %[[P:.*]] = adjit.reduce_prod %[[X]], dims = [0] : tensor<2x1xf32> -> tensor<1xf32>
// CHECK-NEXT: return %[[X]], %[[R]], %[[P]]
func.func @reduce_prod_folds(%x: tensor<2x1xf32>) -> (tensor<2x1xf32>, tensor<2xf32>, tensor<1xf32>) {
  %0 = adjit.reduce_prod %x, dims = [] : tensor<2x1xf32> -> tensor<2x1xf32>
  %1 = adjit.reduce_prod %x, dims = [1] : tensor<2x1xf32> -> tensor<2xf32>
  %2 = adjit.reduce_prod %x, dims = [0] : tensor<2x1xf32> -> tensor<1xf32>
  return %0, %1, %2 : tensor<2x1xf32>, tensor<2xf32>, tensor<1xf32>
}

// -----

// i64 constants are not folded by the float folders (nor mistaken for
// floats); conversions through or from i64 are not round trips.
// CHECK-LABEL: func @no_fold_integers
// CHECK-DAG: %[[A:.*]] = adjit.constant dense<[1, -2]> : tensor<2xi64>
// CHECK-DAG: %[[B:.*]] = adjit.constant dense<3> : tensor<2xi64>
// CHECK: adjit.add %[[A]], %[[B]] : tensor<2xi64>
// CHECK: adjit.mul %[[A]], %[[B]] : tensor<2xi64>
// CHECK: adjit.neg %[[B]] : tensor<2xi64>
// CHECK: adjit.abs %[[A]] : tensor<2xi64>
// CHECK: adjit.compare lt, %[[A]], %[[B]] : tensor<2xi64>
// CHECK: %[[I:.*]] = adjit.convert %{{.*}} : tensor<2xf64> to tensor<2xi64>
// CHECK: adjit.convert %[[I]] : tensor<2xi64> to tensor<2xf64>
// CHECK: adjit.convert %{{.*}} : tensor<2xf32> to tensor<2xi64>
func.func @no_fold_integers(%x: tensor<2xf64>)
    -> (tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi1>, tensor<2xf64>, tensor<2xi64>) {
  %a = adjit.constant dense<[1, -2]> : tensor<2xi64>
  %b = adjit.constant dense<3> : tensor<2xi64>
  %sum = adjit.add %a, %b : tensor<2xi64>
  %product = adjit.mul %a, %b : tensor<2xi64>
  %negated = adjit.neg %b : tensor<2xi64>
  %abs = adjit.abs %a : tensor<2xi64>
  %less = adjit.compare lt, %a, %b : tensor<2xi64>
  %i = adjit.convert %x : tensor<2xf64> to tensor<2xi64>
  %back = adjit.convert %i : tensor<2xi64> to tensor<2xf64>
  %half = adjit.constant dense<0.5> : tensor<2xf32>
  %truncated = adjit.convert %half : tensor<2xf32> to tensor<2xi64>
  return %sum, %product, %negated, %abs, %less, %back, %truncated
      : tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi1>, tensor<2xf64>, tensor<2xi64>
}
