// The indexing ops compiled and run (values from PyTorch 1.13's gather and
// scatter_add), and the compiled gradient of a gather.
// RUN: adjit-run %s --entry=gather \
// RUN:   --arg='dense<[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]> : tensor<3x4xf64>' \
// RUN:   --arg='dense<[[2, 0, 1, 1], [0, 2, 2, 0]]> : tensor<2x4xi64>' \
// RUN: | FileCheck %s --check-prefix=GATHER
// RUN: adjit-run %s --entry=scatter \
// RUN:   --arg='dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<2x4xf32>' \
// RUN:   --arg='dense<[[2, 0, 1, 1], [0, 2, 2, 0]]> : tensor<2x4xi64>' \
// RUN: | FileCheck %s --check-prefix=SCATTER
// RUN: adjit-opt %s --adjit-autodiff="function=rows_loss" \
// RUN: | adjit-run - --entry=rows_loss_grad \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf64>' \
// RUN:   --arg='dense<[[2, 2], [0, 0], [2, 2]]> : tensor<3x2xi64>' \
// RUN: | FileCheck %s --check-prefix=GRAD

// GATHER: dense<{{\[\[}}8.0, 1.0, 6.0, 7.0], [0.0, 9.0, 10.0, 3.0]]> : tensor<2x4xf64>
func.func @gather(%x: tensor<3x4xf64>, %i: tensor<2x4xi64>) -> tensor<2x4xf64> {
  %r = adjit.gather %x, %i dim = 0 : tensor<3x4xf64>, tensor<2x4xi64> -> tensor<2x4xf64>
  return %r : tensor<2x4xf64>
}

// SCATTER: dense<{{\[\[}}1.0, 2.0, 0.0, 4.0], [0.0, 0.0, 3.0, 4.0], [1.0, 2.0, 3.0, 0.0]]> : tensor<3x4xf32>
func.func @scatter(%s: tensor<2x4xf32>, %i: tensor<2x4xi64>) -> tensor<3x4xf32> {
  %r = adjit.scatter_add %s, %i dim = 0 : tensor<2x4xf32>, tensor<2x4xi64> -> tensor<3x4xf32>
  return %r : tensor<3x4xf32>
}

// sum(rows^2) of rows [2, 0, 2] of x: 2 * (25 + 36) + (1 + 4) = 127, and
// the gradient 2 x times the count of each row (row 2 read twice, row 1
// never).
// GRAD: dense<127.0> : tensor<f64>
// GRAD-NEXT: dense<{{\[\[}}2.0, 4.0], [0.0, 0.0], [20.0, 24.0]]> : tensor<3x2xf64>
func.func @rows_loss(%x: tensor<3x2xf64>, %i: tensor<3x2xi64>) -> tensor<f64> {
  %r = adjit.gather %x, %i dim = 0 : tensor<3x2xf64>, tensor<3x2xi64> -> tensor<3x2xf64>
  %sq = adjit.mul %r, %r : tensor<3x2xf64>
  %s = adjit.reduce_sum %sq, dims = [0, 1] : tensor<3x2xf64> -> tensor<f64>
  return %s : tensor<f64>
}
