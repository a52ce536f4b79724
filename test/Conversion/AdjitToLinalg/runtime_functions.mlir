// lgamma and digamma have no math dialect op: their scalar bodies call the
// JIT runtime's functions, declared once per element type.
// RUN: adjit-opt %s --convert-adjit-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: module
// CHECK-DAG: func.func private @adjit_lgamma_f32(f32) -> f32
// CHECK-DAG: func.func private @adjit_lgamma_f64(f64) -> f64
// CHECK-DAG: func.func private @adjit_digamma_f32(f32) -> f32
// CHECK-LABEL: func @gamma
func.func @gamma(%x: tensor<4xf32>, %y: tensor<2xf64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<2xf64>) {
  // CHECK: linalg.generic
  // CHECK: func.call @adjit_lgamma_f32(%{{.*}}) : (f32) -> f32
  %0 = adjit.lgamma %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: func.call @adjit_digamma_f32(%{{.*}}) : (f32) -> f32
  %1 = adjit.digamma %x : tensor<4xf32>
  // CHECK: linalg.generic
  // CHECK: func.call @adjit_lgamma_f64(%{{.*}}) : (f64) -> f64
  %2 = adjit.lgamma %y : tensor<2xf64>
  %3 = adjit.lgamma %1 : tensor<4xf32>
  return %3, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<2xf64>
}

// -----

// An existing declaration of the right type is reused.
// CHECK-LABEL: module
// CHECK-COUNT-1: func.func private @adjit_digamma_f64
// CHECK-NOT: func.func private @adjit_digamma_f64
func.func private @adjit_digamma_f64(f64) -> f64
func.func @declared(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = adjit.digamma %x : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @adjit_lgamma_f64(%x: f64) -> f64 {
  return %x : f64
}
func.func @taken(%x: tensor<2xf64>) -> tensor<2xf64> {
  // expected-error@+1 {{'adjit.lgamma' op cannot call the runtime function 'adjit_lgamma_f64': the module defines another symbol of that name}}
  %0 = adjit.lgamma %x : tensor<2xf64>
  return %0 : tensor<2xf64>
}
