// Gradients of select (through a compare) and convert against central finite
// differences (relative error <= 1e-6). The f32 argument of @convert gets
// values in [0.25, 0.49] and a step of 2^-12, so that x +- h is exact in f32
// and the differences are taken of an f64 computation.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function select | FileCheck %s --check-prefix=SELECT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function convert --low 0.25 --high 0.49 --step 0.000244140625 | FileCheck %s --check-prefix=CONVERT

// SELECT: @select wrt #0: ok
// SELECT: @select wrt #1: ok
func.func @select(%x: tensor<2x4xf64>, %y: tensor<2x4xf64>) -> tensor<2x4xf64> {
  %m = adjit.compare lt, %x, %y : tensor<2x4xf64>
  %sq = adjit.mul %x, %x : tensor<2x4xf64>
  %e = adjit.exp %y : tensor<2x4xf64>
  %0 = adjit.select %m, %sq, %e : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// CONVERT: @convert wrt #0: ok
func.func @convert(%x: tensor<6xf32>) -> tensor<6xf64> {
  %0 = adjit.convert %x : tensor<6xf32> to tensor<6xf64>
  %1 = adjit.exp %0 : tensor<6xf64>
  return %1 : tensor<6xf64>
}
