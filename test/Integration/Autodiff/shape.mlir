// Gradients of the shape ops against central finite differences (f64,
// relative error <= 1e-6). A nonlinear op after the shape op makes every
// element's gradient different.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function broadcast | FileCheck %s --check-prefix=BROADCAST
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reshape | FileCheck %s --check-prefix=RESHAPE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function transpose | FileCheck %s --check-prefix=TRANSPOSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function slice | FileCheck %s --check-prefix=SLICE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function concat | FileCheck %s --check-prefix=CONCAT

// New dimensions 0 and 3 and the expanded size-1 dimension 2.
// BROADCAST: @broadcast wrt #0: ok
func.func @broadcast(%x: tensor<3x1xf64>) -> tensor<2x3x4x2xf64> {
  %0 = adjit.broadcast %x, dims = [1, 2] : tensor<3x1xf64> -> tensor<2x3x4x2xf64>
  %1 = adjit.tanh %0 : tensor<2x3x4x2xf64>
  return %1 : tensor<2x3x4x2xf64>
}

// RESHAPE: @reshape wrt #0: ok
func.func @reshape(%x: tensor<2x3xf64>) -> tensor<3x2xf64> {
  %0 = adjit.reshape %x : tensor<2x3xf64> -> tensor<3x2xf64>
  %1 = adjit.mul %0, %0 : tensor<3x2xf64>
  return %1 : tensor<3x2xf64>
}

// TRANSPOSE: @transpose wrt #0: ok
func.func @transpose(%x: tensor<2x3x2xf64>) -> tensor<2x2x3xf64> {
  %0 = adjit.transpose %x, [2, 0, 1] : tensor<2x3x2xf64> -> tensor<2x2x3xf64>
  %1 = adjit.exp %0 : tensor<2x2x3xf64>
  return %1 : tensor<2x2x3xf64>
}

// Strided in both dimensions, with offsets and a limit short of the end.
// SLICE: @slice wrt #0: ok
func.func @slice(%x: tensor<5x4xf64>) -> tensor<2x2xf64> {
  %0 = adjit.slice %x [1:5:2, 0:4:3] : tensor<5x4xf64> -> tensor<2x2xf64>
  %1 = adjit.mul %0, %0 : tensor<2x2xf64>
  return %1 : tensor<2x2xf64>
}

// CONCAT: @concat wrt #0: ok
// CONCAT: @concat wrt #1: ok
func.func @concat(%a: tensor<2x2xf64>, %b: tensor<2x3xf64>) -> tensor<2x5xf64> {
  %0 = adjit.concat %a, %b dim = 1 : tensor<2x2xf64>, tensor<2x3xf64> -> tensor<2x5xf64>
  %1 = adjit.tanh %0 : tensor<2x5xf64>
  return %1 : tensor<2x5xf64>
}
