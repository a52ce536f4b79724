// The pooling ops compiled and run: PyTorch's choice at ties (the first
// maximum in row-major window order), at NaN (the last NaN) and in windows
// of -inf (the first element); padding never chosen; average divisors with
// and without padding; adaptive windows; the gradients.
// RUN: adjit-run %s --entry=ties \
// RUN:   --arg='dense<[[[[3.0, 3.0, 1.0, 3.0], [1.0, 0x7FC00000, 0x7FC00000, 2.0], [0xFF800000, 0xFF800000, 0xFF800000, 0xFF800000]]]]> : tensor<1x1x3x4xf32>' \
// RUN: | FileCheck %s --check-prefix=TIES
// RUN: adjit-run %s --entry=padded \
// RUN:   --arg='dense<[[[[0xFFF0000000000000, -3.0], [-5.0, 0xFFF0000000000000]]]]> : tensor<1x1x2x2xf64>' \
// RUN: | FileCheck %s --check-prefix=PADDED
// RUN: adjit-run %s --entry=average \
// RUN:   --arg='dense<[[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0]]]]> : tensor<1x1x4x4xf64>' \
// RUN: | FileCheck %s --check-prefix=AVG
// RUN: adjit-run %s --entry=adaptive \
// RUN:   --arg='dense<[[[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]]]]> : tensor<1x1x1x7xf64>' \
// RUN: | FileCheck %s --check-prefix=ADAPTIVE

// Windows of 1x2 with stride 1 per row: row 0 chooses 0, 1, 3; row 1 has
// NaNs at 5 and 6 (the later NaN wins the window (5, 6)); row 2 is -inf.
// The scatter of ones counts how often each position was chosen.
// TIES: dense<{{\[\[\[\[}}0, 1, 3], [5, 6, 6], [8, 9, 10]]]]> : tensor<1x1x3x3xi64>
// TIES-NEXT: dense<{{\[\[\[\[}}3.0, 3.0, 3.0], [0x7FC00000, 0x7FC00000, 0x7FC00000], [0xFF800000, 0xFF800000, 0xFF800000]]]]> : tensor<1x1x3x3xf32>
// TIES-NEXT: dense<{{\[\[\[\[}}1.0, 1.0, 0.0, 1.0], [0.0, 1.0, 2.0, 0.0], [1.0, 1.0, 1.0, 0.0]]]]> : tensor<1x1x3x4xf32>
func.func @ties(%x: tensor<1x1x3x4xf32>)
    -> (tensor<1x1x3x3xi64>, tensor<1x1x3x3xf32>, tensor<1x1x3x4xf32>) {
  %i = adjit.max_pool2d_indices %x kernel_size = [1, 2] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x3x4xf32> -> tensor<1x1x3x3xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [1, 2] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x3x4xf32>, tensor<1x1x3x3xi64> -> tensor<1x1x3x3xf32>
  %ones = adjit.constant dense<1.0> : tensor<1x1x3x3xf32>
  %dx = adjit.max_pool2d_scatter %ones, %i kernel_size = [1, 2] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x3x3xf32>, tensor<1x1x3x3xi64> -> tensor<1x1x3x4xf32>
  return %i, %y, %dx : tensor<1x1x3x3xi64>, tensor<1x1x3x3xf32>, tensor<1x1x3x4xf32>
}

// 3x3 windows with padding 1 and stride 1: every window reads all four
// elements; -3 is the maximum of each, and padding (-inf too) is never
// chosen over the elements.
// PADDED: dense<{{\[\[\[\[}}1, 1], [1, 1]]]]> : tensor<1x1x2x2xi64>
// PADDED-NEXT: dense<{{\[\[\[\[}}-3.0, -3.0], [-3.0, -3.0]]]]> : tensor<1x1x2x2xf64>
func.func @padded(%x: tensor<1x1x2x2xf64>) -> (tensor<1x1x2x2xi64>, tensor<1x1x2x2xf64>) {
  %i = adjit.max_pool2d_indices %x kernel_size = [3, 3] stride = [1, 1] padding = [1, 1] dilation = [1, 1] : tensor<1x1x2x2xf64> -> tensor<1x1x2x2xi64>
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [3, 3] stride = [1, 1] padding = [1, 1] dilation = [1, 1] : tensor<1x1x2x2xf64>, tensor<1x1x2x2xi64> -> tensor<1x1x2x2xf64>
  return %i, %y : tensor<1x1x2x2xi64>, tensor<1x1x2x2xf64>
}

// Kernel 3, stride 2, padding 1: divisor 9 with padding counted, else the
// elements inside (4, 6, 6, 9). The gradient of the first spreads 1/9 from
// each window; position 1 lies in two windows along each axis.
// AVG: dense<{{\[\[\[\[}}1.1111111111111112, 2.6666666666666665], [5.666666666666667, 10.0]]]]> : tensor<1x1x2x2xf64>
// AVG-NEXT: dense<{{\[\[\[\[}}2.5, 4.0], [8.5, 10.0]]]]> : tensor<1x1x2x2xf64>
// AVG-NEXT: dense<{{\[\[\[\[}}0.1111111111111111, 0.22222222222222221, 0.1111111111111111, 0.1111111111111111], [0.22222222222222221, 0.44444444444444442, {{.*}}]]]]> : tensor<1x1x4x4xf64>
func.func @average(%x: tensor<1x1x4x4xf64>)
    -> (tensor<1x1x2x2xf64>, tensor<1x1x2x2xf64>, tensor<1x1x4x4xf64>) {
  %a = adjit.avg_pool2d %x kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] count_include_pad : tensor<1x1x4x4xf64> -> tensor<1x1x2x2xf64>
  %b = adjit.avg_pool2d %x kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] : tensor<1x1x4x4xf64> -> tensor<1x1x2x2xf64>
  %ones = adjit.constant dense<1.0> : tensor<1x1x2x2xf64>
  %g = adjit.avg_pool2d_backward %ones kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] count_include_pad : tensor<1x1x2x2xf64> -> tensor<1x1x4x4xf64>
  return %a, %b, %g : tensor<1x1x2x2xf64>, tensor<1x1x2x2xf64>, tensor<1x1x4x4xf64>
}

// 7 -> 3: windows [0, 3), [2, 5), [4, 7); the gradient of ones gives the
// overlapping positions 2 and 4 two thirds.
// ADAPTIVE: dense<{{\[\[\[\[}}1.0, 3.0, 5.0]]]]> : tensor<1x1x1x3xf64>
// ADAPTIVE-NEXT: dense<{{\[\[\[\[}}0.33333333333333331, 0.33333333333333331, 0.66666666666666663, 0.33333333333333331, 0.66666666666666663, 0.33333333333333331, 0.33333333333333331]]]]> : tensor<1x1x1x7xf64>
func.func @adaptive(%x: tensor<1x1x1x7xf64>) -> (tensor<1x1x1x3xf64>, tensor<1x1x1x7xf64>) {
  %y = adjit.adaptive_avg_pool2d %x : tensor<1x1x1x7xf64> -> tensor<1x1x1x3xf64>
  %ones = adjit.constant dense<1.0> : tensor<1x1x1x3xf64>
  %g = adjit.adaptive_avg_pool2d_backward %ones : tensor<1x1x1x3xf64> -> tensor<1x1x1x7xf64>
  return %y, %g : tensor<1x1x1x3xf64>, tensor<1x1x1x7xf64>
}
