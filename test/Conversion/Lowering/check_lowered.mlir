// RUN: adjit-opt %s --adjit-check-lowered --split-input-file -verify-diagnostics
// RUN: not adjit-opt %s --adjit-to-llvm --split-input-file 2>&1 | FileCheck %s

func.func @survivor(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{adjit op 'adjit.exp' survived lowering: convert-adjit-to-linalg has no pattern for it}}
  %0 = adjit.exp %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Ops the pipeline cannot take to LLVM are named at its end.
// CHECK: error: op 'complex.create' survived lowering to the LLVM dialect: the adjit-to-llvm pipeline has no lowering for it
func.func @not_lowered(%x: f32) -> f32 {
  %z = complex.create %x, %x : complex<f32>
  %a = complex.abs %z : complex<f32>
  return %a : f32
}
