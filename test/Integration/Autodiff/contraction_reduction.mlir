// Gradients of matmul (plain and batched) and of the reductions against
// central finite differences (f64, relative error <= 1e-6).
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function matmul | FileCheck %s --check-prefix=MATMUL
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function batched | FileCheck %s --check-prefix=BATCHED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reduce_sum | FileCheck %s --check-prefix=SUM
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reduce_max | FileCheck %s --check-prefix=MAX
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reduce_prod | FileCheck %s --check-prefix=PROD

// MATMUL: @matmul wrt #0: ok
// MATMUL: @matmul wrt #1: ok
func.func @matmul(%a: tensor<2x3xf64>, %b: tensor<3x4xf64>) -> tensor<2x4xf64> {
  %0 = adjit.matmul %a, %b : tensor<2x3xf64>, tensor<3x4xf64> -> tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}

// BATCHED: @batched wrt #0: ok
// BATCHED: @batched wrt #1: ok
func.func @batched(%a: tensor<2x2x3xf64>, %b: tensor<2x3x2xf64>) -> tensor<2x2x2xf64> {
  %0 = adjit.matmul %a, %b : tensor<2x2x3xf64>, tensor<2x3x2xf64> -> tensor<2x2x2xf64>
  %1 = adjit.tanh %0 : tensor<2x2x2xf64>
  return %1 : tensor<2x2x2xf64>
}

// SUM: @reduce_sum wrt #0: ok
func.func @reduce_sum(%x: tensor<2x3x2xf64>) -> tensor<3xf64> {
  %0 = adjit.exp %x : tensor<2x3x2xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 2] : tensor<2x3x2xf64> -> tensor<3xf64>
  return %1 : tensor<3xf64>
}

// MAX: @reduce_max wrt #0: ok
func.func @reduce_max(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %0 = adjit.reduce_max %x, dims = [1] : tensor<3x4xf64> -> tensor<3xf64>
  return %0 : tensor<3xf64>
}

// PROD: @reduce_prod wrt #0: ok
func.func @reduce_prod(%x: tensor<2x3x2xf64>) -> tensor<3xf64> {
  %0 = adjit.exp %x : tensor<2x3x2xf64>
  %1 = adjit.reduce_prod %0, dims = [0, 2] : tensor<2x3x2xf64> -> tensor<3xf64>
  return %1 : tensor<3xf64>
}
