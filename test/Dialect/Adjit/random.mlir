// adjit.dropout_mask round-trips through the custom and the generic form
// (its verifier errors are in invalid.mlir).
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @dropout_mask
// GENERIC-LABEL: sym_name = "dropout_mask"
func.func @dropout_mask(%seed: tensor<i64>, %offset: tensor<i64>) -> (tensor<4x3xf32>, tensor<f64>) {
  // CHECK: adjit.dropout_mask %{{.*}}, %{{.*}} {p = 2.500000e-01 : f64} : tensor<4x3xf32>
  // GENERIC: "adjit.dropout_mask"(%{{.*}}, %{{.*}}) <{p = 2.500000e-01 : f64}> : (tensor<i64>, tensor<i64>) -> tensor<4x3xf32>
  %0 = adjit.dropout_mask %seed, %offset {p = 0.25 : f64} : tensor<4x3xf32>
  // CHECK: adjit.dropout_mask %{{.*}}, %{{.*}} {p = 1.000000e+00 : f64} : tensor<f64>
  %1 = adjit.dropout_mask %seed, %offset {p = 1.0 : f64} : tensor<f64>
  return %0, %1 : tensor<4x3xf32>, tensor<f64>
}
