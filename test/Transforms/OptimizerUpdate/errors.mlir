// Gradient functions adjit-append-optimizer-update cannot extend: a located
// diagnostic, and the function stays as it was.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics --adjit-append-optimizer-update="function=f_grad wrt=0"

// expected-error@+1 {{cannot append an optimizer update to @f_grad: it is a declaration without a body}}
func.func private @f_grad(tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: it has 2 blocks (only single-block functions are supported)}}
func.func @f_grad(%w: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
  cf.br ^next
^next:
  return %0, %w : tensor<f32>, tensor<3xf32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: wrt index 0 is out of range (it has 0 arguments)}}
func.func @f_grad() -> tensor<f32> {
  %0 = adjit.constant dense<1.0> : tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: it has 1 result, but a gradient function of 1 argument returns the loss and 1 gradient (2 results)}}
func.func @f_grad(%w: tensor<3xf32>) -> tensor<f32> {
  %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: its result #0 (the loss) must be an f32/f64 tensor of one element, got 'tensor<3xf32>'}}
func.func @f_grad(%w: tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>) {
  return %w, %w : tensor<3xf32>, tensor<3xf32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: its result #0 (the loss) must be an f32/f64 tensor of one element, got 'tensor<i1>'}}
func.func @f_grad(%w: tensor<3xf32>, %m: tensor<i1>) -> (tensor<i1>, tensor<3xf32>) {
  return %m, %w : tensor<i1>, tensor<3xf32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: its result #1 (the gradient of argument #0) has type 'tensor<3xf64>', but the argument has type 'tensor<3xf32>'}}
func.func @f_grad(%w: tensor<3xf32>, %g: tensor<3xf64>) -> (tensor<f32>, tensor<3xf64>) {
  %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %0, %g : tensor<f32>, tensor<3xf64>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: argument #0 has type 'tensor<3xi1>'; only statically shaped f32/f64 tensors can be trained}}
func.func @f_grad(%m: tensor<3xi1>, %l: tensor<f32>) -> (tensor<f32>, tensor<3xi1>) {
  return %l, %m : tensor<f32>, tensor<3xi1>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: argument #0 has type 'tensor<?xf32>'; only statically shaped f32/f64 tensors can be trained}}
func.func @f_grad(%w: tensor<?xf32>, %l: tensor<f32>) -> (tensor<f32>, tensor<?xf32>) {
  return %l, %w : tensor<f32>, tensor<?xf32>
}

// -----

// expected-error@+1 {{cannot append an optimizer update to @f_grad: it is referenced in the module, and its users would not match its new signature}}
func.func @f_grad(%w: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %0, %w : tensor<f32>, tensor<3xf32>
}

func.func @caller(%w: tensor<3xf32>) -> tensor<f32> {
  %0:2 = func.call @f_grad(%w) : (tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
  return %0#0 : tensor<f32>
}

// -----

// expected-error@+1 {{no function named @f_grad to append an optimizer update to (functions in the module: @f)}}
module {
  func.func @f(%w: tensor<3xf32>) -> tensor<f32> {
    %0 = adjit.reduce_sum %w, dims = [0] : tensor<3xf32> -> tensor<f32>
    return %0 : tensor<f32>
  }
}
