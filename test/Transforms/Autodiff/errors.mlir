// Requests that adjit-autodiff rejects: a located diagnostic and no output.
// RUN: adjit-opt %s --adjit-autodiff -split-input-file -verify-diagnostics
// RUN: not adjit-opt %s --adjit-autodiff -split-input-file 2>/dev/null | FileCheck %s --allow-empty --check-prefix=NOOUT
// NOOUT-NOT: func.func

// expected-error@+1 {{cannot differentiate @mask with respect to argument #1 of type 'tensor<4xi1>': only statically shaped f32/f64 tensor arguments are differentiable (differentiable: 0)}}
func.func @mask(%x: tensor<4xf32>, %m: tensor<4xi1>) -> tensor<4xf32> attributes {adjit.grad = {wrt = [1]}} {
  %0 = adjit.select %m, %x, %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @scalar with respect to argument #1 of type 'f32': only statically shaped f32/f64 tensor arguments are differentiable}}
func.func @scalar(%x: tensor<4xf32>, %s: f32) -> tensor<4xf32> attributes {adjit.grad = {wrt = [0, 1]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @range with respect to argument #2: it has 2 arguments (differentiable: 0, 1)}}
func.func @range(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {wrt = [2]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @negative with respect to argument #-1: it has 1 argument (differentiable: 0)}}
func.func @negative(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {wrt = [-1]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{argument #0 of @twice is listed twice in wrt}}
func.func @twice(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {wrt = [0, 0]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate result #1 of @mask_result of type 'tensor<4xi1>': only statically shaped f32/f64 tensor results are differentiable (differentiable: 0)}}
func.func @mask_result(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi1>) attributes {adjit.grad = {of = [1]}} {
  %m = adjit.compare gt, %x, %x : tensor<4xf32>
  return %x, %m : tensor<4xf32>, tensor<4xi1>
}

// -----

// expected-error@+1 {{cannot differentiate result #3 of @result_range: it has 1 result (differentiable: 0)}}
func.func @result_range(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {of = [3]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @no_float: it has no f32/f64 tensor argument}}
func.func @no_float(%m: tensor<4xi1>) -> tensor<4xi1> attributes {adjit.grad = {}} {
  return %m : tensor<4xi1>
}

// -----

// digamma's derivative (polygamma) is not available: an error, never a
// wrong gradient.
func.func @digamma(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  // expected-error@+1 {{not supported: gradient of digamma (it needs polygamma(1, x), which adjit does not have)}}
  %0 = adjit.digamma %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @foreign(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  // expected-error@+1 {{cannot differentiate @foreign through 'math.exp': it has no adjoint rule (only adjit ops implementing AdjointOpInterface are differentiable)}}
  %0 = math.exp %x : tensor<4xf32>
  %1 = adjit.neg %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

func.func private @callee(tensor<4xf32>) -> tensor<4xf32>

func.func @call(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  // expected-error@+1 {{cannot differentiate @call through 'func.call': it has no adjoint rule}}
  %0 = func.call @callee(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @branch(%x: tensor<4xf32>, %c: i1) -> tensor<4xf32> attributes {adjit.grad = {wrt = [0]}} {
  // expected-error@+1 {{cannot differentiate @branch through 'scf.if': control flow is not supported (only adjit.scan loops and single-block functions of adjit ops)}}
  %0 = scf.if %c -> tensor<4xf32> {
    scf.yield %x : tensor<4xf32>
  } else {
    %1 = adjit.neg %x : tensor<4xf32>
    scf.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @blocks: it has 2 blocks (only single-block functions are supported: no unstructured control flow)}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  cf.br ^next
^next:
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{cannot differentiate @decl: it is a declaration without a body}}
func.func private @decl(tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}}

// -----

// expected-error@+1 {{cannot create the gradient of @taken as @other: a symbol of that name already exists (choose another name)}}
func.func @taken(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {name = "other"}} {
  return %x : tensor<4xf32>
}
func.func @other() {
  return
}

// -----

// expected-error@+1 {{'adjit.grad' must be a dictionary such as {wrt = [0], of = [0], name = "f_grad"} (every entry optional), got [0]}}
func.func @not_dict(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = [0]} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'adjit.grad' has unknown entry 'with' (valid: wrt, of, name)}}
func.func @unknown_key(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {with = [0]}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'adjit.grad' entry 'wrt' must be an array of integers, got 0 : i64}}
func.func @not_array(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {wrt = 0}} {
  return %x : tensor<4xf32>
}

// -----

// expected-error@+1 {{'adjit.grad' entry 'name' must be a non-empty string, got ""}}
func.func @empty_name(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {name = ""}} {
  return %x : tensor<4xf32>
}

// -----

func.func private @step(tensor<4xf32>) -> tensor<4xf32>

func.func @call_in_scan(%x: tensor<4xf32>) -> tensor<4xf32> attributes {adjit.grad = {}} {
  %0 = adjit.scan length = 3 init(%x : tensor<4xf32>) -> (tensor<4xf32>) {
  ^bb0(%c: tensor<4xf32>):
    // expected-error@+1 {{cannot differentiate through 'func.call': it has no adjoint rule (only adjit ops implementing AdjointOpInterface and adjit.scan are differentiable)}}
    %1 = func.call @step(%c) : (tensor<4xf32>) -> tensor<4xf32>
    adjit.yield %1 : tensor<4xf32>
  }
  return %0 : tensor<4xf32>
}
