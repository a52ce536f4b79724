// A module may define functions named like the C library functions that the
// generated code calls (here exp and pow): the JIT keeps them apart.
// RUN: adjit-run %s --entry=exp --arg='dense<[0.0, 1.0]> : tensor<2xf64>' | FileCheck %s --check-prefix=EXP
// RUN: adjit-run %s --entry=pow --arg='dense<[2.0, 3.0]> : tensor<2xf64>' | FileCheck %s --check-prefix=POW

// EXP: dense<[1.0, 2.7182818284590451]> : tensor<2xf64>
func.func @exp(%x: tensor<2xf64>) -> tensor<2xf64> {
  %0 = adjit.exp %x : tensor<2xf64>
  return %0 : tensor<2xf64>
}

// POW: dense<[8.0, 27.0]> : tensor<2xf64>
func.func @pow(%x: tensor<2xf64>) -> tensor<2xf64> {
  %three = adjit.constant dense<3.0> : tensor<2xf64>
  %0 = adjit.pow %x, %three : tensor<2xf64>
  %1 = func.call @exp(%x) : (tensor<2xf64>) -> tensor<2xf64>
  return %0 : tensor<2xf64>
}
