// Bucketed all-reduces of a gradient function's gradients: each bucket
// starts right after its last gradient is computed and is waited for right
// before the return, where the reduced gradients are used.
// RUN: adjit-opt %s --adjit-insert-gradient-allreduce="function=loss_grad bucket-bytes=0" | FileCheck %s --check-prefix=EACH
// RUN: adjit-opt %s --adjit-insert-gradient-allreduce="function=loss_grad bucket-bytes=72" | FileCheck %s --check-prefix=TWO
// RUN: adjit-opt %s --adjit-insert-gradient-allreduce="function=loss_grad reduce=sum" | FileCheck %s --check-prefix=ONE
// RUN: adjit-opt %s --adjit-insert-gradient-allreduce="function=loss_grad bucket-bytes=72" --convert-adjit-to-linalg | FileCheck %s --check-prefix=LOWERED

// Backward completes the gradients in the order db, dw2, dw1 (the reverse
// of the result order).
func.func @loss_grad(%w1: tensor<4x8xf32>, %w2: tensor<8x2xf32>, %b: tensor<2xf32>) -> (tensor<f32>, tensor<4x8xf32>, tensor<8x2xf32>, tensor<2xf32>) {
  %l = adjit.constant dense<1.0> : tensor<f32>
  %db = adjit.exp %b : tensor<2xf32>
  %dw2 = adjit.exp %w2 : tensor<8x2xf32>
  %t = adjit.exp %w1 : tensor<4x8xf32>
  %dw1 = adjit.exp %t : tensor<4x8xf32>
  return %l, %dw1, %dw2, %db : tensor<f32>, tensor<4x8xf32>, tensor<8x2xf32>, tensor<2xf32>
}

// One bucket per gradient, started as each is computed.
// EACH-LABEL: func.func @loss_grad
// EACH: %[[DB:.*]] = adjit.exp %{{.*}} : tensor<2xf32>
// EACH-NEXT: %[[H0:.*]] = adjit.all_reduce_start mean %[[DB]] : tensor<2xf32>
// EACH-NEXT: %[[DW2:.*]] = adjit.exp %{{.*}} : tensor<8x2xf32>
// EACH-NEXT: %[[H1:.*]] = adjit.all_reduce_start mean %[[DW2]] : tensor<8x2xf32>
// EACH-NEXT: %[[T:.*]] = adjit.exp %{{.*}} : tensor<4x8xf32>
// EACH-NEXT: %[[DW1:.*]] = adjit.exp %[[T]] : tensor<4x8xf32>
// EACH-NEXT: %[[H2:.*]] = adjit.all_reduce_start mean %[[DW1]] : tensor<4x8xf32>
// EACH-NEXT: %[[R0:.*]] = adjit.all_reduce_wait %[[H0]]
// EACH-NEXT: %[[R1:.*]] = adjit.all_reduce_wait %[[H1]]
// EACH-NEXT: %[[R2:.*]] = adjit.all_reduce_wait %[[H2]]
// EACH-NEXT: return %{{.*}}, %[[R2]], %[[R1]], %[[R0]]

// db (8 bytes) and dw2 (64 bytes) fill the first bucket of 72 bytes, which
// starts after dw2; dw1 (128 bytes) gets its own.
// TWO-LABEL: func.func @loss_grad
// TWO: %[[DB:.*]] = adjit.exp %{{.*}} : tensor<2xf32>
// TWO-NEXT: %[[DW2:.*]] = adjit.exp %{{.*}} : tensor<8x2xf32>
// TWO-NEXT: %[[F0:.*]] = adjit.reshape %[[DB]] : tensor<2xf32> -> tensor<2xf32>
// TWO-NEXT: %[[F1:.*]] = adjit.reshape %[[DW2]] : tensor<8x2xf32> -> tensor<16xf32>
// TWO-NEXT: %[[P:.*]] = adjit.concat %[[F0]], %[[F1]] dim = 0 : tensor<2xf32>, tensor<16xf32> -> tensor<18xf32>
// TWO-NEXT: %[[H0:.*]] = adjit.all_reduce_start mean %[[P]] : tensor<18xf32>
// TWO-NEXT: adjit.exp
// TWO-NEXT: %[[DW1:.*]] = adjit.exp
// TWO-NEXT: %[[H1:.*]] = adjit.all_reduce_start mean %[[DW1]] : tensor<4x8xf32>
// TWO-NEXT: %[[R0:.*]] = adjit.all_reduce_wait %[[H0]] : !adjit.collective<tensor<18xf32>>
// TWO-NEXT: %[[S0:.*]] = adjit.slice %[[R0]] [0:2:1] : tensor<18xf32> -> tensor<2xf32>
// TWO-NEXT: %[[G0:.*]] = adjit.reshape %[[S0]] : tensor<2xf32> -> tensor<2xf32>
// TWO-NEXT: %[[S1:.*]] = adjit.slice %[[R0]] [2:18:1] : tensor<18xf32> -> tensor<16xf32>
// TWO-NEXT: %[[G1:.*]] = adjit.reshape %[[S1]] : tensor<16xf32> -> tensor<8x2xf32>
// TWO-NEXT: %[[R1:.*]] = adjit.all_reduce_wait %[[H1]]
// TWO-NEXT: return %{{.*}}, %[[R1]], %[[G1]], %[[G0]]

// The default bucket (25 MiB) holds all three, started after the last.
// ONE-LABEL: func.func @loss_grad
// ONE: %[[DW1:.*]] = adjit.exp %{{.*}} : tensor<4x8xf32>
// ONE: adjit.concat {{.*}} -> tensor<50xf32>
// ONE-NEXT: adjit.all_reduce_start sum %{{.*}} : tensor<50xf32>
// ONE-NEXT: adjit.all_reduce_wait
// ONE-COUNT-3: adjit.slice
// ONE-NOT: adjit.all_reduce_start

// Lowered, the first bucket's start call comes before the computation of
// dw1, its wait after it.
// LOWERED-LABEL: func.func @loss_grad
// LOWERED: call @adjit_all_reduce_start_f32
// LOWERED: math.exp
// LOWERED: math.exp
// LOWERED: call @adjit_all_reduce_start_f32
// LOWERED: call @adjit_all_reduce_wait
// LOWERED: call @adjit_all_reduce_wait
// LOWERED: return
