// adjit.scan and adjit.yield round-trip through the custom and generic forms.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @rnn
// CHECK: %{{.*}}:2 = adjit.scan length = 7 init(%{{.*}} : tensor<4xf32>) xs(%{{.*}} : tensor<7x4xf32>) consts(%{{.*}} : tensor<4x4xf32>) -> (tensor<4xf32>, tensor<7x4xf32>) {
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4xf32>, %{{.*}}: tensor<4x4xf32>):
// CHECK: adjit.yield %{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>
// GENERIC-LABEL: sym_name = "rnn"
// GENERIC: "adjit.scan"(%{{.*}}, %{{.*}}, %{{.*}}) <{checkpoint = 0 : i64, length = 7 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0>}>
func.func @rnn(%h0: tensor<4xf32>, %x: tensor<7x4xf32>, %w: tensor<4x4xf32>)
    -> (tensor<4xf32>, tensor<7x4xf32>) {
  %h, %ys = adjit.scan length = 7 init(%h0 : tensor<4xf32>)
      xs(%x : tensor<7x4xf32>) consts(%w : tensor<4x4xf32>)
      -> (tensor<4xf32>, tensor<7x4xf32>) {
  ^bb0(%c: tensor<4xf32>, %xi: tensor<4xf32>, %wi: tensor<4x4xf32>):
    %m = adjit.reshape %c : tensor<4xf32> -> tensor<1x4xf32>
    %p = adjit.matmul %m, %wi : tensor<1x4xf32>, tensor<4x4xf32> -> tensor<1x4xf32>
    %q = adjit.reshape %p : tensor<1x4xf32> -> tensor<4xf32>
    %s = adjit.add %q, %xi : tensor<4xf32>
    %t = adjit.tanh %s : tensor<4xf32>
    adjit.yield %t, %t : tensor<4xf32>, tensor<4xf32>
  }
  return %h, %ys : tensor<4xf32>, tensor<7x4xf32>
}

// CHECK-LABEL: func @reverse_no_carry
// CHECK: adjit.scan reverse length = 3 xs(%{{.*}} : tensor<3xf64>) -> (tensor<3xf64>)
// GENERIC-LABEL: sym_name = "reverse_no_carry"
// GENERIC: "adjit.scan"(%{{.*}}) <{checkpoint = 0 : i64, length = 3 : i64, operandSegmentSizes = array<i32: 0, 1, 0, 0>, reverse}>
func.func @reverse_no_carry(%x: tensor<3xf64>) -> tensor<3xf64> {
  %ys = adjit.scan reverse length = 3 xs(%x : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%xi: tensor<f64>):
    %e = adjit.exp %xi : tensor<f64>
    adjit.yield %e : tensor<f64>
  }
  return %ys : tensor<3xf64>
}

// CHECK-LABEL: func @carry_only
// CHECK: adjit.scan length = 5 init(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<i64>) -> (tensor<2xf32>, tensor<i64>)
func.func @carry_only(%a: tensor<2xf32>, %n: tensor<i64>) -> (tensor<2xf32>, tensor<i64>) {
  %r:2 = adjit.scan length = 5 init(%a, %n : tensor<2xf32>, tensor<i64>)
      -> (tensor<2xf32>, tensor<i64>) {
  ^bb0(%c: tensor<2xf32>, %k: tensor<i64>):
    %d = adjit.add %c, %c : tensor<2xf32>
    adjit.yield %d, %k : tensor<2xf32>, tensor<i64>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<i64>
}

// A trip count known at run time: the length is its bound.
// CHECK-LABEL: func @dynamic_trip_count
// CHECK: adjit.scan reverse length = %{{.*}} : tensor<i64> bound 5 checkpoint = every 2 init(%{{.*}} : tensor<2xf32>) xs(%{{.*}} : tensor<5x2xf32>) -> (tensor<2xf32>, tensor<5x2xf32>)
// GENERIC-LABEL: sym_name = "dynamic_trip_count"
// GENERIC: "adjit.scan"(%{{.*}}, %{{.*}}, %{{.*}}) <{checkpoint = 3 : i64, checkpoint_every = 2 : i64, length = 5 : i64, operandSegmentSizes = array<i32: 1, 1, 0, 1>, reverse}>
func.func @dynamic_trip_count(%n: tensor<i64>, %c0: tensor<2xf32>, %x: tensor<5x2xf32>)
    -> (tensor<2xf32>, tensor<5x2xf32>) {
  %r:2 = adjit.scan reverse length = %n : tensor<i64> bound 5 checkpoint = every 2
      init(%c0 : tensor<2xf32>) xs(%x : tensor<5x2xf32>)
      -> (tensor<2xf32>, tensor<5x2xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<2xf32>):
    %s = adjit.add %c, %xi : tensor<2xf32>
    adjit.yield %s, %s : tensor<2xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<5x2xf32>
}
