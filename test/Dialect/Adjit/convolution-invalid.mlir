// Every verifier error of the convolution ops, one case each.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @channels(%x: tensor<1x3x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: input [1, 3, 5, 5] has 3 channels but weight [4, 2, 3, 3] with groups 1 expects 2 (weight.size(1) * groups)}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x3x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @groups_channels(%x: tensor<1x6x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: input [1, 6, 5, 5] has 6 channels but weight [4, 2, 3, 3] with groups 2 expects 4 (weight.size(1) * groups)}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 2 : i64} : tensor<1x6x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @groups_outputs(%x: tensor<1x6x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: weight [4, 2, 3, 3] has 4 output channels, which groups 3 does not divide}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 3 : i64} : tensor<1x6x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @groups_zero(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: groups must be positive, got 0}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 0 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @kernel_too_large(%x: tensor<1x2x3x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: kernel size 3 (dilated: 5) is larger than the padded input size 3 in spatial dim 0 (input [1, 2, 3, 5], weight [4, 2, 3, 3])}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 2, 1>, groups = 1 : i64} : tensor<1x2x3x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x1x3xf32>
  return
}

// -----

func.func @stride_zero(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: stride must be positive, got [1, 0]}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 0>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @stride_negative(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d_backward_input: stride must be positive, got [-1, 1]}}
  %0 = adjit.conv2d_backward_input %x, %w {stride = array<i64: -1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x2x7x7xf32>
  return
}

// -----

func.func @padding_negative(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: padding must be non-negative, got [0, -1] before and [0, 0] after the input}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, -1, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x2xf32>
  return
}

// -----

func.func @dilation_zero(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: dilation must be positive, got [0, 1]}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 0, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @attribute_sizes(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'adjit.conv2d' op expects 2 strides, 4 paddings (top, left, bottom, right) and 2 dilations, got 2, 2 and 2}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @rank(%x: tensor<2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'adjit.conv2d' op requires a 4-D (NCHW) input (input 'tensor<2x5x5xf32>', weight 'tensor<4x2x3x3xf32>', output 'tensor<4x3x3xf32>')}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<4x3x3xf32>
  return
}

// -----

func.func @weight_rank(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{adjit.conv2d: expected a 4-D weight [out_channels, in_channels / groups, kH, kW], got [4, 2, 3]}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @element_types(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf64>) {
  // expected-error @+1 {{'adjit.conv2d' op requires one element type (input 'tensor<1x2x5x5xf32>', weight 'tensor<4x2x3x3xf64>', output 'tensor<1x4x3x3xf32>')}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf64> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @result_shape(%x: tensor<1x2x5x5xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'adjit.conv2d' op expects an output of shape [1, 4, 2, 2] (input 'tensor<1x2x5x5xf32>', weight 'tensor<4x2x3x3xf32>', output 'tensor<1x4x3x3xf32>')}}
  %0 = adjit.conv2d %x, %w {stride = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x2x5x5xf32>, tensor<4x2x3x3xf32> -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @backward_input_shape(%g: tensor<1x4x3x3xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+1 {{'adjit.conv2d_backward_input' op expects an output of shape [1, 4, 4, 4] (input 'tensor<1x2x6x6xf32>', weight 'tensor<4x2x3x3xf32>', output 'tensor<1x4x3x3xf32>')}}
  %0 = adjit.conv2d_backward_input %g, %w {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x3x3xf32>, tensor<4x2x3x3xf32> -> tensor<1x2x6x6xf32>
  return
}

// -----

func.func @backward_weight_shape(%g: tensor<1x4x3x3xf32>, %x: tensor<1x2x5x5xf32>) {
  // expected-error @+1 {{'adjit.conv2d_backward_weight' op expects an output of shape [1, 4, 4, 4] (input 'tensor<1x2x5x5xf32>', weight 'tensor<4x2x2x2xf32>', output 'tensor<1x4x3x3xf32>')}}
  %0 = adjit.conv2d_backward_weight %g, %x {stride = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>, groups = 1 : i64} : tensor<1x4x3x3xf32>, tensor<1x2x5x5xf32> -> tensor<4x2x2x2xf32>
  return
}
