// Malformed input gets a located diagnostic and a non-zero exit, never a crash.
// RUN: not adjit-opt %s --split-input-file 2>&1 | FileCheck %s
// RUN: printf 'func.func @f() {\n  \001\377\n}\n' > %t.bin.mlir
// RUN: not adjit-opt %t.bin.mlir 2>&1 | FileCheck %s --check-prefix=BINARY
// RUN: not adjit-opt %t.missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING

// BINARY: bin.mlir:2:3: error: unexpected character
// MISSING: cannot open input file '{{.*}}missing.mlir'

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

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:8: error: 'adjit.add' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 64-bit signless integer values, but got 'f32'
func.func @scalar_add(%a: f32) {
  %0 = adjit.add %a, %a : f32
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:22: error: use of undeclared SSA value name
func.func @undefined_value(%a: tensor<2xf32>) {
  %0 = adjit.add %a, %b : tensor<2xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 3]]:3: error: redefinition of SSA value '%0'
func.func @redefined_value(%a: tensor<2xf32>) {
  %0 = adjit.neg %a : tensor<2xf32>
  %0 = adjit.neg %a : tensor<2xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:8: error: Dialect `nodialect' not found for custom op 'nodialect.op'
func.func @unknown_dialect(%a: tensor<2xf32>) {
  %0 = nodialect.op %a : tensor<2xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:18: error: use of value '%x' expects different type than prior uses: 'tensor<3xf32>' vs 'tensor<2xf32>'
func.func @operand_type_disagrees(%x: tensor<2xf32>) {
  %0 = adjit.neg %x : tensor<3xf32>
  return
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:8: error: block with no terminator, has %0 = "adjit.neg"
func.func @no_terminator(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = adjit.neg %x : tensor<2xf32>
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:23: error: inferred shape of elements literal ([3]) does not match type ([2])
func.func @constant_too_long() -> tensor<2xf32> {
  %0 = adjit.constant dense<[1.0, 2.0, 3.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 2]]:3: error: type of return operand 0 ('tensor<2xf32>') doesn't match function result type ('tensor<2xf64>') in function @wrong_return
func.func @wrong_return(%x: tensor<2xf32>) -> tensor<2xf64> {
  return %x : tensor<2xf32>
}

// -----

// CHECK: malformed-input.mlir:[[# @LINE + 1]]:2: error: @ identifier expected to start with letter or '_'
@@@ not MLIR at all ]]]
