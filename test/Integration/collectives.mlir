// Collectives compiled and run in a job of one process (no launcher): the
// sum, mean and max over one rank are the operand itself, and the
// all-reduced gradients of a training step are its gradients.
// RUN: adjit-run %s --entry=collectives \
// RUN:   --arg='dense<[1.5, -2.0, 3.25]> : tensor<3xf32>' \
// RUN:   --arg='dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>' \
// RUN:   --arg='dense<[7, -8]> : tensor<2xi64>' \
// RUN: | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff="function=loss" \
// RUN:   --adjit-insert-gradient-allreduce="function=loss_grad bucket-bytes=8" \
// RUN: | adjit-run - --entry=loss_grad \
// RUN:   --arg='dense<[1.0, 2.0, 3.0]> : tensor<3xf32>' \
// RUN:   --arg='dense<[0.5, -1.0]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=GRAD

// CHECK: dense<[1.5, -2.0, 3.25]> : tensor<3xf32>
// CHECK-NEXT: dense<{{\[}}[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf64>
// CHECK-NEXT: dense<[7, -8]> : tensor<2xi64>
func.func @collectives(%x: tensor<3xf32>, %y: tensor<2x2xf64>, %i: tensor<2xi64>) -> (tensor<3xf32>, tensor<2x2xf64>, tensor<2xi64>) {
  %0 = adjit.all_reduce sum %x : tensor<3xf32>
  %h = adjit.all_reduce_start mean %y : tensor<2x2xf64>
  %e = adjit.exp %0 : tensor<3xf32>
  %1 = adjit.all_reduce_wait %h : !adjit.collective<tensor<2x2xf64>>
  %2 = adjit.all_reduce max %i : tensor<2xi64>
  return %0, %1, %2 : tensor<3xf32>, tensor<2x2xf64>, tensor<2xi64>
}

// loss = sum(a * a) + sum(b * b * b): gradients 2a and 3b^2.
// GRAD: dense<13.125> : tensor<f32>
// GRAD-NEXT: dense<[2.0, 4.0, 6.0]> : tensor<3xf32>
// GRAD-NEXT: dense<[0.75, 3.0]> : tensor<2xf32>
func.func @loss(%a: tensor<3xf32>, %b: tensor<2xf32>) -> tensor<f32> {
  %0 = adjit.mul %a, %a : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  %2 = adjit.mul %b, %b : tensor<2xf32>
  %3 = adjit.mul %2, %b : tensor<2xf32>
  %4 = adjit.reduce_sum %3, dims = [0] : tensor<2xf32> -> tensor<f32>
  %5 = adjit.add %1, %4 : tensor<f32>
  return %5 : tensor<f32>
}
