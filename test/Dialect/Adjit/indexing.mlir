// adjit.gather and adjit.scatter_add round-trip in custom and generic form.
// RUN: adjit-opt %s | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s

// CHECK-LABEL: func.func @gather
// CHECK: adjit.gather %{{.*}}, %{{.*}} dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
// CHECK: adjit.gather %{{.*}}, %{{.*}} dim = 1 : tensor<2x3xi64>, tensor<2x7xi64> -> tensor<2x7xi64>
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<4x3xi64>, %n: tensor<2x3xi64>,
                  %j: tensor<2x7xi64>) -> (tensor<4x3xf32>, tensor<2x7xi64>) {
  %r = adjit.gather %x, %i dim = 0 : tensor<5x3xf32>, tensor<4x3xi64> -> tensor<4x3xf32>
  %s = adjit.gather %n, %j dim = 1 : tensor<2x3xi64>, tensor<2x7xi64> -> tensor<2x7xi64>
  return %r, %s : tensor<4x3xf32>, tensor<2x7xi64>
}

// CHECK-LABEL: func.func @scatter_add
// CHECK: adjit.scatter_add %{{.*}}, %{{.*}} dim = 0 : tensor<4x2xf64>, tensor<4x2xi64> -> tensor<5x3xf64>
func.func @scatter_add(%g: tensor<4x2xf64>, %i: tensor<4x2xi64>) -> tensor<5x3xf64> {
  %r = adjit.scatter_add %g, %i dim = 0 : tensor<4x2xf64>, tensor<4x2xi64> -> tensor<5x3xf64>
  return %r : tensor<5x3xf64>
}
