// Exact gradients at the points where a derivative is a convention (ties,
// kinks, domain edges), run through the compiled @f_grad: the values that
// docs/autodiff.md promises, matching PyTorch. (Function names avoid libm
// names such as @pow, which the JIT would resolve to the module's function.)
// RUN: adjit-opt %s --adjit-autodiff > %t.mlir
// RUN: adjit-run %t.mlir --entry=max_tie_grad --arg="dense<[1.0, 2.0, 3.0]> : tensor<3xf64>" --arg="dense<[1.0, 5.0, 0.0]> : tensor<3xf64>" --arg="dense<[1.0, 1.0, 1.0]> : tensor<3xf64>" | FileCheck %s --check-prefix=MAX
// RUN: adjit-run %t.mlir --entry=min_tie_grad --arg="dense<[1.0, 2.0, 3.0]> : tensor<3xf64>" --arg="dense<[1.0, 5.0, 0.0]> : tensor<3xf64>" --arg="dense<[1.0, 1.0, 1.0]> : tensor<3xf64>" | FileCheck %s --check-prefix=MIN
// RUN: adjit-run %t.mlir --entry=relu_at_zero_grad --arg="dense<[-1.0, 0.0, 2.0]> : tensor<3xf64>" | FileCheck %s --check-prefix=RELU
// RUN: adjit-run %t.mlir --entry=abs_at_zero_grad --arg="dense<[-1.0, 0.0, 2.0]> : tensor<3xf64>" | FileCheck %s --check-prefix=ABS
// RUN: adjit-run %t.mlir --entry=reduce_max_tie_grad --arg="dense<[[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]]> : tensor<2x3xf64>" --arg="dense<[1.0, 1.0]> : tensor<2xf64>" | FileCheck %s --check-prefix=RMAX
// RUN: adjit-run %t.mlir --entry=sqrt_log_at_zero_grad --arg="dense<[0.0, 4.0]> : tensor<2xf64>" | FileCheck %s --check-prefix=SQRTLOG
// RUN: adjit-run %t.mlir --entry=pow_at_zero_grad --arg="dense<[0.0, 0.0, 2.0]> : tensor<3xf64>" --arg="dense<[2.0, 0.0, 3.0]> : tensor<3xf64>" | FileCheck %s --check-prefix=POW
// RUN: adjit-run %t.mlir --entry=broadcast_sum_grad --arg="dense<[[1.0], [2.0]]> : tensor<2x1xf64>" | FileCheck %s --check-prefix=BROADCAST
// RUN: adjit-run %t.mlir --entry=convert_back_grad --arg="dense<[0.1, 0.2]> : tensor<2xf64>" | FileCheck %s --check-prefix=CONVERT

// max: at a tie each side gets half; the smaller side gets 0.
// MAX: dense<[1.0, 5.0, 3.0]> : tensor<3xf64>
// MAX-NEXT: dense<[0.5, 0.0, 1.0]> : tensor<3xf64>
// MAX-NEXT: dense<[0.5, 1.0, 0.0]> : tensor<3xf64>
func.func @max_tie(%x: tensor<3xf64>, %y: tensor<3xf64>) -> tensor<3xf64> attributes {adjit.grad = {}} {
  %0 = adjit.max %x, %y : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// MIN: dense<[1.0, 2.0, 0.0]> : tensor<3xf64>
// MIN-NEXT: dense<[0.5, 1.0, 0.0]> : tensor<3xf64>
// MIN-NEXT: dense<[0.5, 0.0, 1.0]> : tensor<3xf64>
func.func @min_tie(%x: tensor<3xf64>, %y: tensor<3xf64>) -> tensor<3xf64> attributes {adjit.grad = {}} {
  %0 = adjit.min %x, %y : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// relu'(0) = 0.
// RELU: dense<2.0> : tensor<f64>
// RELU-NEXT: dense<[0.0, 0.0, 1.0]> : tensor<3xf64>
func.func @relu_at_zero(%x: tensor<3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.relu %x : tensor<3xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// abs'(0) = 0.
// ABS: dense<3.0> : tensor<f64>
// ABS-NEXT: dense<[-1.0, 0.0, 1.0]> : tensor<3xf64>
func.func @abs_at_zero(%x: tensor<3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.abs %x : tensor<3xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// Tied maxima share the adjoint evenly.
// RMAX: dense<[3.0, 2.0]> : tensor<2xf64>
// RMAX-NEXT: dense<{{\[}}[0.0, 0.5, 0.5], [0.33333333333333331, 0.33333333333333331, 0.33333333333333331]]> : tensor<2x3xf64>
func.func @reduce_max_tie(%x: tensor<2x3xf64>) -> tensor<2xf64> attributes {adjit.grad = {}} {
  %0 = adjit.reduce_max %x, dims = [1] : tensor<2x3xf64> -> tensor<2xf64>
  return %0 : tensor<2xf64>
}

// sqrt'(0) and log'(0) are +inf (as IEEE division gives): the gradient of
// sqrt(x) + log(x) at [0, 4] is [inf, 1/4 + 1/4].
// SQRTLOG: dense<0xFFF0000000000000> : tensor<f64>
// SQRTLOG-NEXT: dense<[0x7FF0000000000000, 0.5]> : tensor<2xf64>
func.func @sqrt_log_at_zero(%x: tensor<2xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.sqrt %x : tensor<2xf64>
  %1 = adjit.log %x : tensor<2xf64>
  %2 = adjit.add %0, %1 : tensor<2xf64>
  %3 = adjit.reduce_sum %2, dims = [0] : tensor<2xf64> -> tensor<f64>
  return %3 : tensor<f64>
}

// pow at x = 0: d/dx is 0 for y = 0 (masked) and y = 2; d/dy is 0 where
// x == 0 and y >= 0; at (2, 3): d/dx = 12, d/dy = 8 log 2.
// POW: dense<9.0> : tensor<f64>
// POW-NEXT: dense<[0.0, 0.0, 12.0]> : tensor<3xf64>
// POW-NEXT: dense<[0.0, 0.0, 5.54517744447956{{[0-9]*}}]> : tensor<3xf64>
func.func @pow_at_zero(%x: tensor<3xf64>, %y: tensor<3xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.pow %x, %y : tensor<3xf64>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// A broadcast's adjoint sums over the broadcast dimensions.
// BROADCAST: dense<9.0> : tensor<f64>
// BROADCAST-NEXT: dense<{{\[}}[3.0], [3.0]]> : tensor<2x1xf64>
func.func @broadcast_sum(%x: tensor<2x1xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.broadcast %x, dims = [0, 1] : tensor<2x1xf64> -> tensor<2x3xf64>
  %1 = adjit.reduce_sum %0, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %1 : tensor<f64>
}

// convert from f64 to f32 and back: the adjoint is converted back to f64.
// CONVERT: tensor<f32>
// CONVERT-NEXT: dense<[2.0, 2.0]> : tensor<2xf64>
func.func @convert_back(%x: tensor<2xf64>) -> tensor<f32> attributes {adjit.grad = {}} {
  %0 = adjit.convert %x : tensor<2xf64> to tensor<2xf32>
  %1 = adjit.add %0, %0 : tensor<2xf32>
  %2 = adjit.reduce_sum %1, dims = [0] : tensor<2xf32> -> tensor<f32>
  return %2 : tensor<f32>
}
