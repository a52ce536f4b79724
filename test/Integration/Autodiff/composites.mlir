// Gradients of composite losses written from adjit primitives against central
// finite differences (f64, relative error <= 1e-6).
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function mse_linear --wrt 1,2 | FileCheck %s --check-prefix=MSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function softmax_cross_entropy --wrt 0,1 --range 2:0.0:1.0 | FileCheck %s --check-prefix=XENT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function logsumexp --low -3.0 --high 3.0 | FileCheck %s --check-prefix=LSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function mlp --wrt 1,2,3,4 | FileCheck %s --check-prefix=MLP
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function relu_mlp --wrt 0,1,2 | FileCheck %s --check-prefix=RELU

// mean((x W + b - y)^2) of a linear model.
// MSE: @mse_linear wrt #1: ok
// MSE: @mse_linear wrt #2: ok
func.func @mse_linear(%x: tensor<4x3xf64>, %w: tensor<3x2xf64>, %b: tensor<2xf64>, %y: tensor<4x2xf64>) -> tensor<f64> {
  %0 = adjit.matmul %x, %w : tensor<4x3xf64>, tensor<3x2xf64> -> tensor<4x2xf64>
  %1 = adjit.broadcast %b, dims = [1] : tensor<2xf64> -> tensor<4x2xf64>
  %2 = adjit.add %0, %1 : tensor<4x2xf64>
  %3 = adjit.sub %2, %y : tensor<4x2xf64>
  %4 = adjit.mul %3, %3 : tensor<4x2xf64>
  %5 = adjit.reduce_sum %4, dims = [0, 1] : tensor<4x2xf64> -> tensor<f64>
  %n = adjit.constant dense<0.125> : tensor<f64>
  %6 = adjit.mul %5, %n : tensor<f64>
  return %6 : tensor<f64>
}

// -sum(y * log_softmax(x W)) / N, with a max-shifted log-softmax; y are soft
// labels in [0, 1).
// XENT: @softmax_cross_entropy wrt #0: ok
// XENT: @softmax_cross_entropy wrt #1: ok
func.func @softmax_cross_entropy(%x: tensor<3x4xf64>, %w: tensor<4x3xf64>, %y: tensor<3x3xf64>) -> tensor<f64> {
  %z = adjit.matmul %x, %w : tensor<3x4xf64>, tensor<4x3xf64> -> tensor<3x3xf64>
  %m = adjit.reduce_max %z, dims = [1] : tensor<3x3xf64> -> tensor<3xf64>
  %mb = adjit.broadcast %m, dims = [0] : tensor<3xf64> -> tensor<3x3xf64>
  %s = adjit.sub %z, %mb : tensor<3x3xf64>
  %e = adjit.exp %s : tensor<3x3xf64>
  %se = adjit.reduce_sum %e, dims = [1] : tensor<3x3xf64> -> tensor<3xf64>
  %l = adjit.log %se : tensor<3xf64>
  %lb = adjit.broadcast %l, dims = [0] : tensor<3xf64> -> tensor<3x3xf64>
  %logp = adjit.sub %s, %lb : tensor<3x3xf64>
  %t = adjit.mul %y, %logp : tensor<3x3xf64>
  %sum = adjit.reduce_sum %t, dims = [0, 1] : tensor<3x3xf64> -> tensor<f64>
  %c = adjit.constant dense<-0.33333333333333331> : tensor<f64>
  %loss = adjit.mul %sum, %c : tensor<f64>
  return %loss : tensor<f64>
}

// Row-wise logsumexp, max-shifted; a vector result, so a VJP.
// LSE: @logsumexp wrt #0: ok
func.func @logsumexp(%x: tensor<3x4xf64>) -> tensor<3xf64> {
  %m = adjit.reduce_max %x, dims = [1] : tensor<3x4xf64> -> tensor<3xf64>
  %mb = adjit.broadcast %m, dims = [0] : tensor<3xf64> -> tensor<3x4xf64>
  %s = adjit.sub %x, %mb : tensor<3x4xf64>
  %e = adjit.exp %s : tensor<3x4xf64>
  %se = adjit.reduce_sum %e, dims = [1] : tensor<3x4xf64> -> tensor<3xf64>
  %l = adjit.log %se : tensor<3xf64>
  %r = adjit.add %l, %m : tensor<3xf64>
  return %r : tensor<3xf64>
}

// Two-layer MLP, mean((tanh(x W1 + b1) W2 + b2 - y)^2).
// MLP: @mlp wrt #1: ok
// MLP: @mlp wrt #2: ok
// MLP: @mlp wrt #3: ok
// MLP: @mlp wrt #4: ok
func.func @mlp(%x: tensor<4x3xf64>, %w1: tensor<3x5xf64>, %b1: tensor<5xf64>, %w2: tensor<5x2xf64>, %b2: tensor<2xf64>, %y: tensor<4x2xf64>) -> tensor<f64> {
  %0 = adjit.matmul %x, %w1 : tensor<4x3xf64>, tensor<3x5xf64> -> tensor<4x5xf64>
  %1 = adjit.broadcast %b1, dims = [1] : tensor<5xf64> -> tensor<4x5xf64>
  %2 = adjit.add %0, %1 : tensor<4x5xf64>
  %3 = adjit.tanh %2 : tensor<4x5xf64>
  %4 = adjit.matmul %3, %w2 : tensor<4x5xf64>, tensor<5x2xf64> -> tensor<4x2xf64>
  %5 = adjit.broadcast %b2, dims = [1] : tensor<2xf64> -> tensor<4x2xf64>
  %6 = adjit.add %4, %5 : tensor<4x2xf64>
  %7 = adjit.sub %6, %y : tensor<4x2xf64>
  %8 = adjit.mul %7, %7 : tensor<4x2xf64>
  %9 = adjit.reduce_sum %8, dims = [0, 1] : tensor<4x2xf64> -> tensor<f64>
  %c = adjit.constant dense<0.125> : tensor<f64>
  %10 = adjit.mul %9, %c : tensor<f64>
  return %10 : tensor<f64>
}

// A ReLU MLP with a sigmoid output, differentiated also w.r.t. the input.
// RELU: @relu_mlp wrt #0: ok
// RELU: @relu_mlp wrt #1: ok
// RELU: @relu_mlp wrt #2: ok
func.func @relu_mlp(%x: tensor<3x2xf64>, %w1: tensor<2x4xf64>, %w2: tensor<4x1xf64>) -> tensor<f64> {
  %0 = adjit.matmul %x, %w1 : tensor<3x2xf64>, tensor<2x4xf64> -> tensor<3x4xf64>
  %1 = adjit.relu %0 : tensor<3x4xf64>
  %2 = adjit.matmul %1, %w2 : tensor<3x4xf64>, tensor<4x1xf64> -> tensor<3x1xf64>
  %3 = adjit.sigmoid %2 : tensor<3x1xf64>
  %4 = adjit.reduce_sum %3, dims = [0, 1] : tensor<3x1xf64> -> tensor<f64>
  return %4 : tensor<f64>
}
