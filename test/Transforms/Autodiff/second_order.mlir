// Differentiating a generated gradient function gives second derivatives.
// RUN: adjit-opt %s --adjit-autodiff --adjit-autodiff="function=f_grad wrt=0 of=1 name=f_hvp" --canonicalize --cse | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --adjit-autodiff="function=mlp_grad wrt=1 of=1 name=mlp_hvp" --canonicalize --cse | FileCheck %s --check-prefix=MLP

// f(x) = sum(tanh(x)^2), with t = tanh(x):
//   grad f = 2 t (1 - t^2),  H v = v (2 - 6 t^2)(1 - t^2).
// CHECK-LABEL: func.func @f_hvp
// CHECK-SAME: (%[[X:.*]]: tensor<4xf64>, %[[V:.*]]: tensor<4xf64>) -> (tensor<f64>, tensor<4xf64>, tensor<4xf64>)
// CHECK-DAG: %[[ONE:.*]] = adjit.constant dense<1.000000e+00> : tensor<4xf64>
// CHECK-DAG: %[[T:.*]] = adjit.tanh %[[X]]
// CHECK-DAG: %[[T2:.*]] = adjit.mul %[[T]], %[[T]]
// CHECK-DAG: %[[TWOT:.*]] = adjit.add %[[T]], %[[T]]
// CHECK-DAG: %[[D:.*]] = adjit.sub %[[ONE]], %[[T2]]
// CHECK-DAG: %[[G:.*]] = adjit.mul %[[TWOT]], %[[D]]
// CHECK-DAG: %[[VD:.*]] = adjit.mul %[[V]], %[[D]]
// CHECK-DAG: %[[V2T:.*]] = adjit.mul %[[V]], %[[TWOT]]
// CHECK-DAG: %[[NEG:.*]] = adjit.neg %[[V2T]]
// CHECK-DAG: %[[NEGT:.*]] = adjit.mul %[[NEG]], %[[T]]
// CHECK-DAG: %[[S1:.*]] = adjit.add %[[NEGT]], %[[NEGT]]
// CHECK-DAG: %[[S2:.*]] = adjit.add %[[S1]], %[[VD]]
// CHECK-DAG: %[[S3:.*]] = adjit.add %[[S2]], %[[VD]]
// CHECK-DAG: %[[HV:.*]] = adjit.mul %[[S3]], %[[D]]
// CHECK: return %{{.*}}, %[[G]], %[[HV]]
func.func @f(%x: tensor<4xf64>) -> tensor<f64> attributes {adjit.grad = {}} {
  %0 = adjit.tanh %x : tensor<4xf64>
  %1 = adjit.mul %0, %0 : tensor<4xf64>
  %2 = adjit.reduce_sum %1, dims = [0] : tensor<4xf64> -> tensor<f64>
  return %2 : tensor<f64>
}

// A two-layer MLP loss, mean((tanh(x W1 + b1) W2 + b2 - y)^2): the
// Hessian-vector product with respect to W1 takes a direction for W1 and
// returns the loss, the gradients and H v.
// MLP-LABEL: func.func @mlp_hvp
// MLP-SAME: (%{{.*}}: tensor<4x3xf64>, %{{.*}}: tensor<3x5xf64>, %{{.*}}: tensor<5xf64>, %{{.*}}: tensor<5x2xf64>, %{{.*}}: tensor<2xf64>, %{{.*}}: tensor<4x2xf64>, %[[V:.*]]: tensor<3x5xf64>)
// MLP-SAME: -> (tensor<f64>, tensor<3x5xf64>, tensor<5xf64>, tensor<5x2xf64>, tensor<2xf64>, tensor<3x5xf64>)
// MLP: adjit.tanh
// MLP-NOT: adjit.tanh
// MLP: return
func.func @mlp(%x: tensor<4x3xf64>, %w1: tensor<3x5xf64>, %b1: tensor<5xf64>, %w2: tensor<5x2xf64>, %b2: tensor<2xf64>, %y: tensor<4x2xf64>) -> tensor<f64> attributes {adjit.grad = {wrt = [1, 2, 3, 4]}} {
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
