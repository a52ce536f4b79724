// adjit.conv2d and its adjoint ops compiled and run, against values
// computed by hand.
// RUN: adjit-run %s --entry=conv \
// RUN:   --arg='dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf32>' \
// RUN:   --arg='dense<[[[[1.0, 0.0], [0.0, -1.0]]], [[[1.0, 1.0], [1.0, 1.0]]]]> : tensor<2x1x2x2xf32>' \
// RUN: | FileCheck %s --check-prefix=CONV
// RUN: adjit-run %s --entry=backward \
// RUN:   --arg='dense<[[[[1.0, 2.0], [3.0, 4.0]]]]> : tensor<1x1x2x2xf64>' \
// RUN:   --arg='dense<[[[[1.0, 10.0], [100.0, 1000.0]]]]> : tensor<1x1x2x2xf64>' \
// RUN:   --arg='dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]]]> : tensor<1x1x3x3xf64>' \
// RUN: | FileCheck %s --check-prefix=BACKWARD

// x - the element down-right, and the sums of 2 x 2 windows.
// CONV: dense<{{\[\[\[\[}}-4.0, -4.0], [-4.0, -4.0]], {{\[\[}}12.0, 16.0], [24.0, 28.0]]]]> : tensor<1x2x2x2xf32>
func.func @conv(%x: tensor<1x1x3x3xf32>, %w: tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32> -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// Stride 2 and padding 1 on a 3 x 3 input with a 2 x 2 kernel: output
// position (i, j) reads input (2i - 1 + kh, 2j - 1 + kw); only (1, 1) of the
// kernel reads input (0, 0) for output (0, 0), etc. dx scatters g(i,j) w(kh,kw):
// input (0,0) <- g00 w11 = 1000; (0,1) <- g01 w10 = 200; (0,2) <- g01 w11 =
// 2000; (1,0) <- g10 w01 = 30; (1,1) <- g11 w00 = 4; (1,2) <- g11 w01 = 40;
// (2,0) <- g10 w11 = 3000; (2,1) <- g11 w10 = 400; (2,2) <- g11 w11 = 4000.
// dw(kh, kw) = sum g(i,j) x(2i - 1 + kh, 2j - 1 + kw): dw00 = g11 x11 = 20,
// dw01 = g10 x10 + g11 x12 = 36, dw10 = g01 x01 + g11 x21 = 36,
// dw11 = g00 x00 + g01 x02 + g10 x20 + g11 x22 = 64.
// BACKWARD: dense<{{\[\[\[\[}}1000.0, 200.0, 2000.0], [30.0, 4.0, 40.0], [3000.0, 400.0, 4000.0]]]]> : tensor<1x1x3x3xf64>
// BACKWARD-NEXT: dense<{{\[\[\[\[}}20.0, 36.0], [36.0, 64.0]]]]> : tensor<1x1x2x2xf64>
func.func @backward(%g: tensor<1x1x2x2xf64>, %w: tensor<1x1x2x2xf64>, %x: tensor<1x1x3x3xf64>) -> (tensor<1x1x3x3xf64>, tensor<1x1x2x2xf64>) {
  %dx = adjit.conv2d_backward_input %g, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x2x2xf64>, tensor<1x1x2x2xf64> -> tensor<1x1x3x3xf64>
  %dw = adjit.conv2d_backward_weight %g, %x {stride = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x1x2x2xf64>, tensor<1x1x3x3xf64> -> tensor<1x1x2x2xf64>
  return %dx, %dw : tensor<1x1x3x3xf64>, tensor<1x1x2x2xf64>
}
