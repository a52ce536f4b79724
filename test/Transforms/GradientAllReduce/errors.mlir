// Requests that adjit-insert-gradient-allreduce rejects.
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce 2>&1 | FileCheck %s --check-prefix=NOFUNC
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=missing" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=g reduce=max" 2>&1 | FileCheck %s --check-prefix=REDUCE
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=g bucket-bytes=-1" 2>&1 | FileCheck %s --check-prefix=BYTES
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=g first-gradient=5" 2>&1 | FileCheck %s --check-prefix=FIRST
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=ints" 2>&1 | FileCheck %s --check-prefix=TYPE
// RUN: not adjit-opt %s --adjit-insert-gradient-allreduce="function=decl" 2>&1 | FileCheck %s --check-prefix=DECL

// NOFUNC: error: adjit-insert-gradient-allreduce: needs function=<name>, the gradient function
// MISSING: error: no function named @missing to reduce the gradients of (functions in the module: @g, @ints, @decl)
// REDUCE: error: adjit-insert-gradient-allreduce: unknown reduce 'max' (valid: mean, sum)
// BYTES: error: adjit-insert-gradient-allreduce: bucket-bytes must not be negative, got -1
// FIRST: error: adjit-insert-gradient-allreduce: first-gradient=5 but @g has 2 results
// TYPE: error: adjit-insert-gradient-allreduce: result #1 of @ints has type 'tensor<3xi64>': only statically shaped f32/f64 tensor gradients can be reduced
// DECL: error: adjit-insert-gradient-allreduce: @decl must be a function of one block (a gradient function as adjit-autodiff makes it)

func.func @g(%x: tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>) {
  %l = adjit.constant dense<1.0> : tensor<f32>
  return %l, %x : tensor<f32>, tensor<3xf32>
}
func.func @ints(%x: tensor<3xi64>) -> (tensor<f32>, tensor<3xi64>) {
  %l = adjit.constant dense<1.0> : tensor<f32>
  return %l, %x : tensor<f32>, tensor<3xi64>
}
func.func private @decl(tensor<3xf32>) -> (tensor<f32>, tensor<3xf32>)
