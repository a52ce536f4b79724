// Every verifier error of the collectives, one case each.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @mean_of_integers(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'adjit.all_reduce' op mean needs an f32 or f64 tensor, got 'tensor<4xi64>'}}
  %0 = adjit.all_reduce mean %x : tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @start_mean_of_integers(%x: tensor<4xi64>) -> tensor<4xi64> {
  // expected-error @+1 {{'adjit.all_reduce_start' op mean needs an f32 or f64 tensor, got 'tensor<4xi64>'}}
  %h = adjit.all_reduce_start mean %x : tensor<4xi64>
  %0 = adjit.all_reduce_wait %h : !adjit.collective<tensor<4xi64>>
  return %0 : tensor<4xi64>
}

// -----

func.func @never_waited(%x: tensor<4xf32>) {
  // expected-error @+1 {{'adjit.all_reduce_start' op requires exactly one use of its handle, an adjit.all_reduce_wait, got 0 uses}}
  %h = adjit.all_reduce_start sum %x : tensor<4xf32>
  return
}

// -----

func.func @waited_twice(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'adjit.all_reduce_start' op requires exactly one use of its handle, an adjit.all_reduce_wait, got 2 uses}}
  %h = adjit.all_reduce_start sum %x : tensor<4xf32>
  %0 = adjit.all_reduce_wait %h : !adjit.collective<tensor<4xf32>>
  %1 = adjit.all_reduce_wait %h : !adjit.collective<tensor<4xf32>>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

func.func @returned_handle(%x: tensor<4xf32>) -> !adjit.collective<tensor<4xf32>> {
  // expected-error @+1 {{'adjit.all_reduce_start' op requires its handle to be used by an adjit.all_reduce_wait in the same block, got 'func.return'}}
  %h = adjit.all_reduce_start sum %x : tensor<4xf32>
  return %h : !adjit.collective<tensor<4xf32>>
}

// -----

func.func @handle_argument(%h: !adjit.collective<tensor<4xf32>>) -> tensor<4xf32> {
  // expected-error @+1 {{'adjit.all_reduce_wait' op requires a handle made by adjit.all_reduce_start in the same function}}
  %0 = adjit.all_reduce_wait %h : !adjit.collective<tensor<4xf32>>
  return %0 : tensor<4xf32>
}

// -----

func.func @result_type_mismatch(%x: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{'adjit.all_reduce' op failed to verify that all of {operand, result} have same type}}
  %0 = "adjit.all_reduce"(%x) <{kind = 0 : i64}> : (tensor<4xf32>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @unknown_kind(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{custom op 'adjit.all_reduce' expected string or keyword containing one of the following enum values for attribute 'kind' [sum, mean, max]}}
  %0 = adjit.all_reduce min %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
