// Gradients of the unary elementwise ops against central finite differences
// (f64, relative error <= 1e-6). log, sqrt and rsqrt get arguments in
// [0.5, 2); relu and abs are checked away from 0 (see conventions.mlir).
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function neg | FileCheck %s --check-prefix=NEG
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function exp --low -2.0 --high 2.0 | FileCheck %s --check-prefix=EXP
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function log --low 0.5 --high 2.0 | FileCheck %s --check-prefix=LOG
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sqrt --low 0.5 --high 2.0 | FileCheck %s --check-prefix=SQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rsqrt --low 0.5 --high 2.0 | FileCheck %s --check-prefix=RSQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function tanh --low -3.0 --high 3.0 | FileCheck %s --check-prefix=TANH
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sigmoid --low -3.0 --high 3.0 | FileCheck %s --check-prefix=SIGMOID
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function relu | FileCheck %s --check-prefix=RELU
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function abs | FileCheck %s --check-prefix=ABS

// NEG: @neg wrt #0: ok
func.func @neg(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.neg %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// EXP: @exp wrt #0: ok
func.func @exp(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.exp %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// LOG: @log wrt #0: ok
func.func @log(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.log %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// SQRT: @sqrt wrt #0: ok
func.func @sqrt(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.sqrt %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// RSQRT: @rsqrt wrt #0: ok
func.func @rsqrt(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.rsqrt %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// TANH: @tanh wrt #0: ok
func.func @tanh(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.tanh %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// SIGMOID: @sigmoid wrt #0: ok
func.func @sigmoid(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.sigmoid %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// RELU: @relu wrt #0: ok
func.func @relu(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.relu %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// ABS: @abs wrt #0: ok
func.func @abs(%x: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.abs %x : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}
