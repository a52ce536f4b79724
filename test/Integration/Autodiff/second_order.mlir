// Second derivatives: adjit-autodiff applied to a generated @f_grad gives
// Hessian-vector products, checked against central finite differences of the
// compiled gradient (f64, relative error <= 1e-6).
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=tanh_square --function tanh_square_grad --wrt 0 --of 1 | FileCheck %s --check-prefix=TANH
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run "--pre=--adjit-autodiff=function=mlp wrt=1,2,3,4" --function mlp_grad --wrt 1,3 --of 1,3 | FileCheck %s --check-prefix=MLP
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=unary --function unary_grad --wrt 0 --of 1 --low 0.5 --high 2.0 | FileCheck %s --check-prefix=UNARY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=binary --function binary_grad --wrt 0,1 --of 1,2 --low 0.5 --high 2.0 | FileCheck %s --check-prefix=BINARY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=softmax --function softmax_grad --wrt 0 --of 1 | FileCheck %s --check-prefix=SOFTMAX
// Against the analytic values at x = [0, 0.5, 0, ...], v = [1, 3, 0, ...]:
// f = t^2 = 0.2135522670340..., grad = 2 t (1 - t^2) = [0, 0.72686198138...],
// H v = v (2 - 6 t^2)(1 - t^2) = [2, 1.69562786477...].
// RUN: adjit-opt %s --adjit-autodiff=function=tanh_square "--adjit-autodiff=function=tanh_square_grad wrt=0 of=1 name=tanh_square_hvp" --canonicalize --cse > %t.mlir
// RUN: adjit-run %t.mlir --entry=tanh_square_hvp --arg="dense<[0.0, 0.5, 0.0, 0.0, 0.0, 0.0]> : tensor<6xf64>" --arg="dense<[1.0, 3.0, 0.0, 0.0, 0.0, 0.0]> : tensor<6xf64>" | FileCheck %s --check-prefix=ANALYTIC
// ANALYTIC: dense<0.2135522670340{{[0-9]*}}> : tensor<f64>
// ANALYTIC-NEXT: dense<[0.0, 0.72686198138{{[0-9]*}}, 0.0, 0.0, 0.0, 0.0]> : tensor<6xf64>
// ANALYTIC-NEXT: dense<[2.0, 1.69562786477{{[0-9]*}}, 0.0, 0.0, 0.0, 0.0]> : tensor<6xf64>

// H v of sum(tanh(x)^2) is v (2 - 6 t^2)(1 - t^2) with t = tanh(x).
// TANH: @tanh_square_grad wrt #0: ok
func.func @tanh_square(%x: tensor<6xf64>) -> tensor<f64> {
  %0 = adjit.tanh %x : tensor<6xf64>
  %1 = adjit.mul %0, %0 : tensor<6xf64>
  %2 = adjit.reduce_sum %1, dims = [0] : tensor<6xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// The MLP loss: the Hessian block of (W1, W2), applied to random directions.
// MLP: @mlp_grad wrt #1: ok
// MLP: @mlp_grad wrt #3: ok
func.func @mlp(%x: tensor<4x3xf64>, %w1: tensor<3x4xf64>, %b1: tensor<4xf64>, %w2: tensor<4x2xf64>, %b2: tensor<2xf64>, %y: tensor<4x2xf64>) -> tensor<f64> {
  %0 = adjit.matmul %x, %w1 : tensor<4x3xf64>, tensor<3x4xf64> -> tensor<4x4xf64>
  %1 = adjit.broadcast %b1, dims = [1] : tensor<4xf64> -> tensor<4x4xf64>
  %2 = adjit.add %0, %1 : tensor<4x4xf64>
  %3 = adjit.tanh %2 : tensor<4x4xf64>
  %4 = adjit.matmul %3, %w2 : tensor<4x4xf64>, tensor<4x2xf64> -> tensor<4x2xf64>
  %5 = adjit.broadcast %b2, dims = [1] : tensor<2xf64> -> tensor<4x2xf64>
  %6 = adjit.add %4, %5 : tensor<4x2xf64>
  %7 = adjit.sub %6, %y : tensor<4x2xf64>
  %8 = adjit.mul %7, %7 : tensor<4x2xf64>
  %9 = adjit.reduce_sum %8, dims = [0, 1] : tensor<4x2xf64> -> tensor<f64>
  %c = adjit.constant dense<0.125> : tensor<f64>
  %10 = adjit.mul %9, %c : tensor<f64>
  return %10 : tensor<f64>
}

// The rules of the smooth unary ops, differentiated again.
// UNARY: @unary_grad wrt #0: ok
func.func @unary(%x: tensor<5xf64>) -> tensor<f64> {
  %e = adjit.exp %x : tensor<5xf64>
  %l = adjit.log %x : tensor<5xf64>
  %a = adjit.mul %e, %l : tensor<5xf64>
  %s = adjit.sqrt %x : tensor<5xf64>
  %g = adjit.sigmoid %x : tensor<5xf64>
  %b = adjit.div %s, %g : tensor<5xf64>
  %r = adjit.rsqrt %x : tensor<5xf64>
  %t = adjit.tanh %r : tensor<5xf64>
  %n = adjit.neg %t : tensor<5xf64>
  %ab = adjit.add %a, %b : tensor<5xf64>
  %sum = adjit.sub %ab, %n : tensor<5xf64>
  %0 = adjit.reduce_sum %sum, dims = [0] : tensor<5xf64> -> tensor<f64>
  return %0 : tensor<f64>
}

// The rules of the binary ops, differentiated again (no ties: x and y are
// random).
// BINARY: @binary_grad wrt #0: ok
// BINARY: @binary_grad wrt #1: ok
func.func @binary(%x: tensor<5xf64>, %y: tensor<5xf64>) -> tensor<f64> {
  %p = adjit.pow %x, %y : tensor<5xf64>
  %xx = adjit.mul %x, %x : tensor<5xf64>
  %mx = adjit.max %xx, %y : tensor<5xf64>
  %mn = adjit.min %x, %y : tensor<5xf64>
  %m = adjit.mul %mx, %mn : tensor<5xf64>
  %d = adjit.div %x, %y : tensor<5xf64>
  %s1 = adjit.add %p, %m : tensor<5xf64>
  %s2 = adjit.sub %s1, %d : tensor<5xf64>
  %0 = adjit.reduce_sum %s2, dims = [0] : tensor<5xf64> -> tensor<f64>
  return %0 : tensor<f64>
}

// Softmax of a transposed, sliced and concatenated input: the rules of the
// shape ops and reductions, differentiated again.
// SOFTMAX: @softmax_grad wrt #0: ok
func.func @softmax(%x: tensor<3x2xf64>) -> tensor<f64> {
  %t = adjit.transpose %x, [1, 0] : tensor<3x2xf64> -> tensor<2x3xf64>
  %head = adjit.slice %t [0:2:1, 0:3:2] : tensor<2x3xf64> -> tensor<2x2xf64>
  %z = adjit.concat %t, %head dim = 1 : tensor<2x3xf64>, tensor<2x2xf64> -> tensor<2x5xf64>
  %m = adjit.reduce_max %z, dims = [1] : tensor<2x5xf64> -> tensor<2xf64>
  %mb = adjit.broadcast %m, dims = [0] : tensor<2xf64> -> tensor<2x5xf64>
  %s = adjit.sub %z, %mb : tensor<2x5xf64>
  %e = adjit.exp %s : tensor<2x5xf64>
  %se = adjit.reduce_sum %e, dims = [1] : tensor<2x5xf64> -> tensor<2xf64>
  %sb = adjit.broadcast %se, dims = [0] : tensor<2xf64> -> tensor<2x5xf64>
  %p = adjit.div %e, %sb : tensor<2x5xf64>
  %pp = adjit.mul %p, %p : tensor<2x5xf64>
  %r = adjit.reshape %pp : tensor<2x5xf64> -> tensor<10xf64>
  %0 = adjit.reduce_sum %r, dims = [0] : tensor<10xf64> -> tensor<f64>
  return %0 : tensor<f64>
}
