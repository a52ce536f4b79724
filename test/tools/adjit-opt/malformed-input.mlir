// Malformed input gets a located diagnostic and a non-zero exit, never a crash.
// RUN: not adjit-opt %s --split-input-file 2>&1 | FileCheck %s

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:8: error: custom op 'adjit.frobnicate' is unknown
func.func @unknown_op(%a: tensor<2xf32>) {
  %0 = adjit.frobnicate %a : tensor<2xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:24: error: expected ':'
func.func @missing_type(%a: tensor<2xf32>) {
  %0 = adjit.add %a, %a
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:21: error: expected SSA operand
func.func @missing_operand(%a: tensor<2xf32>) {
  %0 = adjit.add %a, : tensor<2xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:21: error: custom op 'adjit.select' expected a tensor type, got 'f32'
func.func @scalar_select(%m: i1, %a: f32) {
  %0 = adjit.select %m, %a, %a : f32
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:8: error: 'adjit.add' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'f32'
func.func @scalar_add(%a: f32) {
  %0 = adjit.add %a, %a : f32
  return
}
