// i64 tensors: the ops defined on them round-trip through the custom and the
// generic form; adjit.argmax and adjit.argmin return values and indices.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s

// CHECK-LABEL: func @arithmetic
func.func @arithmetic(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  // CHECK: adjit.add %{{.*}}, %{{.*}} : tensor<3xi64>
  %0 = adjit.add %a, %b : tensor<3xi64>
  // CHECK: adjit.sub %{{.*}}, %{{.*}} : tensor<3xi64>
  %1 = adjit.sub %0, %b : tensor<3xi64>
  // CHECK: adjit.mul %{{.*}}, %{{.*}} : tensor<3xi64>
  %2 = adjit.mul %1, %a : tensor<3xi64>
  // CHECK: adjit.max %{{.*}}, %{{.*}} : tensor<3xi64>
  %3 = adjit.max %2, %a : tensor<3xi64>
  // CHECK: adjit.min %{{.*}}, %{{.*}} : tensor<3xi64>
  %4 = adjit.min %3, %b : tensor<3xi64>
  // CHECK: adjit.neg %{{.*}} : tensor<3xi64>
  %5 = adjit.neg %4 : tensor<3xi64>
  // CHECK: adjit.abs %{{.*}} : tensor<3xi64>
  %6 = adjit.abs %5 : tensor<3xi64>
  // CHECK: adjit.sign %{{.*}} : tensor<3xi64>
  %7 = adjit.sign %6 : tensor<3xi64>
  // CHECK: adjit.relu %{{.*}} : tensor<3xi64>
  %8 = adjit.relu %7 : tensor<3xi64>
  return %8 : tensor<3xi64>
}

// CHECK-LABEL: func @compare_convert_select
func.func @compare_convert_select(%a: tensor<2x3xi64>, %x: tensor<2x3xf32>)
    -> (tensor<2x3xi64>, tensor<2x3xf32>) {
  // CHECK: adjit.compare lt, %{{.*}}, %{{.*}} : tensor<2x3xi64>
  %m = adjit.compare lt, %a, %a : tensor<2x3xi64>
  // CHECK: adjit.convert %{{.*}} : tensor<2x3xf32> to tensor<2x3xi64>
  %i = adjit.convert %x : tensor<2x3xf32> to tensor<2x3xi64>
  // CHECK: adjit.convert %{{.*}} : tensor<2x3xi64> to tensor<2x3xf32>
  %f = adjit.convert %a : tensor<2x3xi64> to tensor<2x3xf32>
  // CHECK: adjit.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xi64>
  %s = adjit.select %m, %a, %i : tensor<2x3xi64>
  return %s, %f : tensor<2x3xi64>, tensor<2x3xf32>
}

// CHECK-LABEL: func @shapes_and_reductions
func.func @shapes_and_reductions(%a: tensor<2x3xi64>)
    -> (tensor<3xi64>, tensor<2xi64>, tensor<6x2xi64>) {
  // CHECK: adjit.constant dense<[1, -2, 3]> : tensor<3xi64>
  %c = adjit.constant dense<[1, -2, 3]> : tensor<3xi64>
  // CHECK: adjit.broadcast %{{.*}}, dims = [1] : tensor<3xi64> -> tensor<2x3xi64>
  %b = adjit.broadcast %c, dims = [1] : tensor<3xi64> -> tensor<2x3xi64>
  // CHECK: adjit.reshape %{{.*}} : tensor<2x3xi64> -> tensor<3x2xi64>
  %r = adjit.reshape %b : tensor<2x3xi64> -> tensor<3x2xi64>
  // CHECK: adjit.transpose %{{.*}}, [1, 0] : tensor<3x2xi64> -> tensor<2x3xi64>
  %t = adjit.transpose %r, [1, 0] : tensor<3x2xi64> -> tensor<2x3xi64>
  // CHECK: adjit.slice %{{.*}} [0:2:1, 0:3:2] : tensor<2x3xi64> -> tensor<2x2xi64>
  %s = adjit.slice %t [0:2:1, 0:3:2] : tensor<2x3xi64> -> tensor<2x2xi64>
  // CHECK: adjit.concat %{{.*}}, %{{.*}} dim = 0 : tensor<3x2xi64>, tensor<3x2xi64> -> tensor<6x2xi64>
  %k = adjit.concat %r, %r dim = 0 : tensor<3x2xi64>, tensor<3x2xi64> -> tensor<6x2xi64>
  // CHECK: adjit.reduce_sum %{{.*}}, dims = [0] : tensor<2x3xi64> -> tensor<3xi64>
  %sum = adjit.reduce_sum %a, dims = [0] : tensor<2x3xi64> -> tensor<3xi64>
  // CHECK: adjit.reduce_max %{{.*}}, dims = [1] : tensor<2x3xi64> -> tensor<2xi64>
  %max = adjit.reduce_max %a, dims = [1] : tensor<2x3xi64> -> tensor<2xi64>
  return %sum, %max, %k : tensor<3xi64>, tensor<2xi64>, tensor<6x2xi64>
}

// CHECK-LABEL: func @argmax_argmin
func.func @argmax_argmin(%x: tensor<2x3xf32>, %a: tensor<4xi64>)
    -> (tensor<2xf32>, tensor<2xi64>, tensor<i64>, tensor<i64>) {
  // CHECK: %{{.*}}, %{{.*}} = adjit.argmax %{{.*}}, dim = 1 : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xi64>
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xi64>
  // CHECK: %{{.*}}, %{{.*}} = adjit.argmin %{{.*}}, dim = 0 : tensor<4xi64> -> tensor<i64>, tensor<i64>
  %w, %j = adjit.argmin %a, dim = 0 : tensor<4xi64> -> tensor<i64>, tensor<i64>
  return %v, %i, %w, %j : tensor<2xf32>, tensor<2xi64>, tensor<i64>, tensor<i64>
}
