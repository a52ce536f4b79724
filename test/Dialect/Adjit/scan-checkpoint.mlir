// The checkpoint policy of adjit.scan round-trips through the custom and
// generic forms; store_all, the default, is not printed.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @policies
// CHECK: adjit.scan length = 7 init(
// CHECK: adjit.scan length = 7 init(
// CHECK: adjit.scan length = 7 checkpoint = recompute_all init(
// CHECK: adjit.scan length = 7 checkpoint = sqrt init(
// CHECK: adjit.scan reverse length = 7 checkpoint = every 3 init(
// CHECK: adjit.scan length = 7 checkpoint = every 7 init(
// CHECK: adjit.scan length = 0 checkpoint = sqrt init(
// GENERIC-LABEL: sym_name = "policies"
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 0 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}>
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 0 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}>
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 1 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}>
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 2 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}>
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 3 : i64, checkpoint_every = 3 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>, reverse}>
func.func @policies(%c0: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %r0 = adjit.scan length = 7 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r1 = adjit.scan length = 7 checkpoint = store_all init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r2 = adjit.scan length = 7 checkpoint = recompute_all init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r3 = adjit.scan length = 7 checkpoint = sqrt init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r4 = adjit.scan reverse length = 7 checkpoint = every 3 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r5 = adjit.scan length = 7 checkpoint = every 7 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  %r6 = adjit.scan length = 0 checkpoint = sqrt init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %t = adjit.tanh %c : tensor<2xf32>
    adjit.yield %t : tensor<2xf32>
  }
  return %r0, %r1, %r2, %r3, %r4, %r5, %r6 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}
