// Every verifier error of the pooling ops, one case each.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @kernel_larger_than_padded_input(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{adjit.max_pool2d_indices: the input of shape [1, 1, 2, 2] gives an output of size 0x0, which is too small (the kernel is larger than the padded input)}}
  %0 = adjit.max_pool2d_indices %x kernel_size = [3, 3] stride = [1, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x2x2xf32> -> tensor<1x1x0x0xi64>
  return
}

// -----

func.func @padding_above_half_kernel(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{adjit.avg_pool2d: padding must be non-negative and at most half of the kernel size, got padding [2, 0] and kernel_size [2, 2]}}
  %0 = adjit.avg_pool2d %x kernel_size = [2, 2] stride = [2, 2] padding = [2, 0] : tensor<1x1x4x4xf32> -> tensor<1x1x4x2xf32>
  return
}

// -----

func.func @non_positive_stride(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{adjit.max_pool2d_indices: stride must be positive, got [0, 1]}}
  %0 = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [0, 1] padding = [0, 0] dilation = [1, 1] : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xi64>
  return
}

// -----

func.func @zero_dilation(%x: tensor<1x1x4x4xf32>, %i: tensor<1x1x2x2xi64>) {
  // expected-error @+1 {{adjit.max_pool2d_gather: dilation must be positive, got [1, 0]}}
  %0 = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 0] : tensor<1x1x4x4xf32>, tensor<1x1x2x2xi64> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @non_positive_output_size(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{adjit.adaptive_avg_pool2d: output_size must be positive, got [0, 2]}}
  %0 = adjit.adaptive_avg_pool2d %x : tensor<1x1x4x4xf32> -> tensor<1x1x0x2xf32>
  return
}

// -----

func.func @window_in_padding(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{adjit.max_pool2d_indices: window 0 along the height of the input of shape [1, 1, 2, 2] lies entirely in the padding (kernel [2, 2], stride [1, 1], padding [1, 1], dilation [3, 3])}}
  %0 = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [1, 1] padding = [1, 1] dilation = [3, 3] : tensor<1x1x2x2xf32> -> tensor<1x1x1x1xi64>
  return
}

// -----

func.func @one_value_per_axis(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{adjit.avg_pool2d: kernel_size must have two values (height, width), got 1}}
  %0 = adjit.avg_pool2d %x kernel_size = [2] stride = [2, 2] padding = [0, 0] : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @not_nchw(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{adjit.adaptive_avg_pool2d: the pooled tensor must be 4-D (NCHW)}}
  %0 = adjit.adaptive_avg_pool2d %x : tensor<4x4xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @input_not_nchw(%x: tensor<4x4xf32>) {
  // expected-error @+1 {{adjit.avg_pool2d: expected a 4-D (NCHW) input, got shape [4, 4]}}
  %0 = adjit.avg_pool2d %x kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] : tensor<4x4xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @pooled_shape(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'adjit.avg_pool2d' op pooling 'tensor<1x1x4x4xf32>' gives shape [1, 1, 2, 2], but the pooled tensor is 'tensor<1x1x3x3xf32>'}}
  %0 = adjit.avg_pool2d %x kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return
}

// -----

func.func @gradient_shape(%g: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{'adjit.adaptive_avg_pool2d_backward' op pooling 'tensor<1x2x4x4xf32>' gives shape [1, 2, 2, 2], but the pooled tensor is 'tensor<1x1x2x2xf32>'}}
  %0 = adjit.adaptive_avg_pool2d_backward %g : tensor<1x1x2x2xf32> -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @element_types(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+1 {{'adjit.avg_pool2d' op requires one float element type, got 'tensor<1x1x4x4xf32>' and 'tensor<1x1x2x2xf64>'}}
  %0 = adjit.avg_pool2d %x kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf64>
  return
}

// -----

func.func @indices_shape(%g: tensor<1x1x2x2xf32>, %i: tensor<1x1x3x3xi64>) {
  // expected-error @+1 {{'adjit.max_pool2d_scatter' op requires indices of the pooled shape [1, 1, 2, 2], got 'tensor<1x1x3x3xi64>'}}
  %0 = adjit.max_pool2d_scatter %g, %i kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x1x2x2xf32>, tensor<1x1x3x3xi64> -> tensor<1x1x4x4xf32>
  return
}
