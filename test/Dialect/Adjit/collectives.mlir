// The collectives round-trip through the custom and the generic form.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @all_reduce
// GENERIC-LABEL: sym_name = "all_reduce"
func.func @all_reduce(%x: tensor<4x8xf32>, %i: tensor<3xi64>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<3xi64>) {
  // CHECK: adjit.all_reduce sum %{{.*}} : tensor<4x8xf32>
  // GENERIC: "adjit.all_reduce"(%{{.*}}) <{kind = 0 : i64}> : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %0 = adjit.all_reduce sum %x : tensor<4x8xf32>
  // CHECK: adjit.all_reduce mean %{{.*}} : tensor<4x8xf32>
  %1 = adjit.all_reduce mean %0 : tensor<4x8xf32>
  // CHECK: adjit.all_reduce max %{{.*}} : tensor<3xi64>
  %2 = adjit.all_reduce max %i : tensor<3xi64>
  return %0, %1, %2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<3xi64>
}

// CHECK-LABEL: func @start_wait
// GENERIC-LABEL: sym_name = "start_wait"
func.func @start_wait(%x: tensor<4x8xf64>) -> tensor<4x8xf64> {
  // CHECK: %[[H:.*]] = adjit.all_reduce_start mean %{{.*}} : tensor<4x8xf64>
  // GENERIC: "adjit.all_reduce_start"(%{{.*}}) <{kind = 1 : i64}> : (tensor<4x8xf64>) -> !adjit.collective<tensor<4x8xf64>>
  %h = adjit.all_reduce_start mean %x : tensor<4x8xf64>
  %y = adjit.exp %x : tensor<4x8xf64>
  // CHECK: adjit.exp
  // CHECK: adjit.all_reduce_wait %[[H]] : !adjit.collective<tensor<4x8xf64>>
  // GENERIC: "adjit.all_reduce_wait"(%{{.*}}) : (!adjit.collective<tensor<4x8xf64>>) -> tensor<4x8xf64>
  %r = adjit.all_reduce_wait %h : !adjit.collective<tensor<4x8xf64>>
  %s = adjit.add %r, %y : tensor<4x8xf64>
  return %s : tensor<4x8xf64>
}

// Collectives have effects: an unused all-reduce is not removed, two equal
// ones are not merged.
// RUN: adjit-opt %s --canonicalize --cse | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func @kept
// KEEP-COUNT-2: adjit.all_reduce sum
func.func @kept(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.all_reduce sum %x : tensor<4xf32>
  %1 = adjit.all_reduce sum %x : tensor<4xf32>
  return %x : tensor<4xf32>
}
