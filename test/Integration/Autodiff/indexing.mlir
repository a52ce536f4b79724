// Gradients of the indexing ops against central finite differences (f64,
// relative error <= 1e-6), compiled: indices with repeats, so that gathered
// elements are read several times and scattered ones summed.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function gather | FileCheck %s --check-prefix=GATHER
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function scatter | FileCheck %s --check-prefix=SCATTER
// Second order: the Hessian-vector product of the gradient, made of the
// same two ops.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=gather --function gather_grad --wrt 0 --of 1 | FileCheck %s --check-prefix=GATHER2
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=scatter --function scatter_grad --wrt 0 --of 1 | FileCheck %s --check-prefix=SCATTER2

// GATHER: @gather wrt #0: ok
// GATHER2: @gather_grad wrt #0: ok
func.func @gather(%x: tensor<3x4xf64>) -> tensor<2x4xf64> {
  %i = adjit.constant dense<[[2, 0, 1, 1], [0, 2, 2, 0]]> : tensor<2x4xi64>
  %y = adjit.gather %x, %i dim = 0 : tensor<3x4xf64>, tensor<2x4xi64> -> tensor<2x4xf64>
  %t = adjit.mul %y, %y : tensor<2x4xf64>
  return %t : tensor<2x4xf64>
}

// SCATTER: @scatter wrt #0: ok
// SCATTER2: @scatter_grad wrt #0: ok
func.func @scatter(%s: tensor<3x2xf64>) -> tensor<3x3xf64> {
  %i = adjit.constant dense<[[2, 2], [0, 1], [2, 0]]> : tensor<3x2xi64>
  %y = adjit.scatter_add %s, %i dim = 1 : tensor<3x2xf64>, tensor<3x2xi64> -> tensor<3x3xf64>
  %t = adjit.tanh %y : tensor<3x3xf64>
  return %t : tensor<3x3xf64>
}
