// Gradients of the binary elementwise ops against central finite differences
// (f64, relative error <= 1e-6), as vector-Jacobian products with random
// cotangents.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function add | FileCheck %s --check-prefix=ADD
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sub | FileCheck %s --check-prefix=SUB
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function mul | FileCheck %s --check-prefix=MUL
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function div --range 1:0.5:2.0 | FileCheck %s --check-prefix=DIV
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function max | FileCheck %s --check-prefix=MAX
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function min | FileCheck %s --check-prefix=MIN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function pow --range 0:0.5:2.0 --range 1:-1.5:1.5 | FileCheck %s --check-prefix=POW

// ADD: @add wrt #0: ok
// ADD: @add wrt #1: ok
func.func @add(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.add %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// SUB: @sub wrt #0: ok
// SUB: @sub wrt #1: ok
func.func @sub(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.sub %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// MUL: @mul wrt #0: ok
// MUL: @mul wrt #1: ok
func.func @mul(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.mul %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// DIV: @div wrt #0: ok
// DIV: @div wrt #1: ok
func.func @div(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.div %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// MAX: @max wrt #0: ok
// MAX: @max wrt #1: ok
func.func @max(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.max %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// MIN: @min wrt #0: ok
// MIN: @min wrt #1: ok
func.func @min(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.min %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// POW: @pow wrt #0: ok
// POW: @pow wrt #1: ok
func.func @pow(%x: tensor<2x3xf64>, %y: tensor<2x3xf64>) -> tensor<2x3xf64> {
  %0 = adjit.pow %x, %y : tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}
