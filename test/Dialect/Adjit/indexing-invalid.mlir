// Every verifier error of adjit.gather and adjit.scatter_add.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @dim_out_of_range(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+1 {{'adjit.gather' op dim 2 is out of range for the input of rank 2}}
  %r = adjit.gather %x, %i dim = 2 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  return
}

// -----

func.func @rank_mismatch(%x: tensor<5x3xf32>, %i: tensor<4xi64>) {
  // expected-error @+1 {{'adjit.gather' op expects the input [5, 3], the index [4] and the result [4] to have one rank}}
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4xi64> -> tensor<4xf32>
  return
}

// -----

func.func @result_shape(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+1 {{'adjit.gather' op expects the index [4, 3] and the result [4, 2] to have one shape}}
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x2xf32>
  return
}

// -----

func.func @element_type(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+1 {{'adjit.gather' op expects the input and the result to have one element type, got 'f32' and 'f64'}}
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf64>
  return
}

// -----

func.func @index_too_large(%x: tensor<5x3xf32>, %i: tensor<4x4xi64>) {
  // expected-error @+1 {{'adjit.gather' op index [4, 4] is larger than the input [5, 3] in dim 1 (only dim 0 is indexed)}}
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x4xi64> -> tensor<4x4xf32>
  return
}

// -----

func.func @empty_indexed_dim(%x: tensor<0x3xf32>, %i: tensor<1x3xi64>) {
  // expected-error @+1 {{'adjit.gather' op indexes dim 0 of the input [0, 3], which is empty}}
  %r = adjit.gather %x, %i dim = 0 : tensor<0x3xf32>, tensor<1x3xi64> -> tensor<1x3xf32>
  return
}

// -----

func.func @rank_zero(%x: tensor<f32>, %i: tensor<i64>) {
  // expected-error @+1 {{'adjit.gather' op expects the input to have rank >= 1, got rank 0}}
  %r = adjit.gather %x, %i dim = 0 : tensor<f32>, tensor<i64> -> tensor<f32>
  return
}

// -----

func.func @index_type(%x: tensor<5x3xf32>, %i: tensor<4x3xi32>) {
  // expected-error @+1 {{'adjit.gather' op operand #1 must be statically shaped tensor of 64-bit signless integer values}}
  %r = "adjit.gather"(%x, %i) {dim = 0 : i64} : (tensor<5x3xf32>, tensor<4x3xi32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @scatter_source_shape(%g: tensor<4x2xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+1 {{'adjit.scatter_add' op expects the index [4, 3] and the source [4, 2] to have one shape}}
  %r = adjit.scatter_add %g, %i dim = 0 : tensor<4x2xf32>, tensor<4x3xi64> -> tensor<5x3xf32>
  return
}

// -----

func.func @scatter_too_large(%g: tensor<4x4xf32>, %i: tensor<4x4xi64>) {
  // expected-error @+1 {{'adjit.scatter_add' op index [4, 4] is larger than the result [5, 3] in dim 1 (only dim 0 is indexed)}}
  %r = adjit.scatter_add %g, %i dim = 0 : tensor<4x4xf32>, tensor<4x4xi64> -> tensor<5x3xf32>
  return
}

// -----

func.func @scatter_element_type(%g: tensor<4x3xf32>, %i: tensor<4x3xi64>) {
  // expected-error @+1 {{'adjit.scatter_add' op expects the result and the source to have one element type, got 'f64' and 'f32'}}
  %r = adjit.scatter_add %g, %i dim = 0 : tensor<4x3xf32>, tensor<4x3xi64> -> tensor<5x3xf64>
  return
}
