// adjit.scan lowers to an scf.for whose iteration arguments are the carries
// and the preallocated stacked outputs; slices are extract_slices, step
// outputs insert_slices, and each new carry is copied into its old buffer.
// RUN: adjit-opt %s --convert-adjit-to-linalg --split-input-file | FileCheck %s
// After bufferization nothing is allocated inside the loop.
// RUN: adjit-opt %s --split-input-file --adjit-to-llvm --mlir-print-ir-before=convert-scf-to-cf -o /dev/null 2>&1 | FileCheck %s --check-prefix=BUFFERS

// CHECK-LABEL: func @rnn
// CHECK-SAME: (%[[H0:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<5x3xf32>, %[[W:.*]]: tensor<3xf32>)
// CHECK: %[[YS:.*]] = tensor.empty() : tensor<5x3xf32>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[LOOP:.*]]:2 = scf.for %[[I:.*]] = %[[C0]] to %[[C5]] step %[[C1]] iter_args(%[[C:.*]] = %[[H0]], %[[ACC:.*]] = %[[YS]]) -> (tensor<3xf32>, tensor<5x3xf32>)
// CHECK: %[[XI:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [1, 3] [1, 1] : tensor<5x3xf32> to tensor<3xf32>
// CHECK: %[[T:.*]] = linalg.generic {{.*}} ins(%{{[^,]*}} : tensor<3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: math.tanh
// CHECK: %[[INS:.*]] = tensor.insert_slice %[[T]] into %[[ACC]][%[[I]], 0] [1, 3] [1, 1]
// CHECK: %[[NEW:.*]] = linalg.copy ins(%[[T]] : tensor<3xf32>) outs(%[[C]] : tensor<3xf32>)
// CHECK: scf.yield %[[NEW]], %[[INS]]
// CHECK: return %[[LOOP]]#0, %[[LOOP]]#1

// BUFFERS-LABEL: func.func @rnn
// BUFFERS: scf.for
// BUFFERS-NOT: memref.alloc
// BUFFERS: return
func.func @rnn(%h0: tensor<3xf32>, %x: tensor<5x3xf32>, %w: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<5x3xf32>) {
  %h, %ys = adjit.scan length = 5 init(%h0 : tensor<3xf32>)
      xs(%x : tensor<5x3xf32>) consts(%w : tensor<3xf32>)
      -> (tensor<3xf32>, tensor<5x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    %t = adjit.tanh %s : tensor<3xf32>
    adjit.yield %t, %t : tensor<3xf32>, tensor<3xf32>
  }
  return %h, %ys : tensor<3xf32>, tensor<5x3xf32>
}

// -----

// A reverse scan reads and writes step length - 1 - i; a carry that may be a
// view of another carry's buffer goes through a temporary.
// CHECK-LABEL: func @reverse_swap
// CHECK: scf.for %[[I:.*]] = {{.*}} iter_args(%[[A:.*]] = %{{.*}}, %[[B:.*]] = %{{.*}})
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[J:.*]] = arith.subi %[[C2]], %[[I]] : index
// CHECK: tensor.extract_slice %{{.*}}[%[[J]]] [1] [1] : tensor<3xf32> to tensor<f32>
// CHECK: %[[TMP:.*]] = linalg.copy ins(%[[B]] : tensor<f32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[NEWA:.*]] = linalg.copy ins(%[[TMP]] : tensor<f32>) outs(%[[A]] : tensor<f32>)
// CHECK: %[[NEWB:.*]] = linalg.copy ins(%{{.*}} : tensor<f32>) outs(%[[B]] : tensor<f32>)
// CHECK: scf.yield %[[NEWA]], %[[NEWB]]

// BUFFERS-LABEL: func.func @reverse_swap
// BUFFERS: scf.for
// BUFFERS-NOT: memref.alloc
// BUFFERS: return
func.func @reverse_swap(%a: tensor<f32>, %b: tensor<f32>, %x: tensor<3xf32>)
    -> (tensor<f32>, tensor<f32>) {
  %r:2 = adjit.scan reverse length = 3 init(%a, %b : tensor<f32>, tensor<f32>)
      xs(%x : tensor<3xf32>) -> (tensor<f32>, tensor<f32>) {
  ^bb0(%ca: tensor<f32>, %cb: tensor<f32>, %xi: tensor<f32>):
    %s = adjit.add %ca, %xi : tensor<f32>
    adjit.yield %cb, %s : tensor<f32>, tensor<f32>
  }
  return %r#0, %r#1 : tensor<f32>, tensor<f32>
}

// -----

// A trip count known at run time is the loop's upper bound, clamped into
// [0, bound]; the stacked outputs start zero-filled, and a reverse scan reads
// and writes step n - 1 - i.
// CHECK-LABEL: func @dynamic_reverse
// CHECK-SAME: (%[[N:.*]]: tensor<i64>, %[[H0:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<5x3xf32>)
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<5x3xf32>
// CHECK: %[[YS:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<5x3xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C5:.*]] = arith.constant 5 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[E:.*]] = tensor.extract %[[N]][] : tensor<i64>
// CHECK: %[[CAST:.*]] = arith.index_cast %[[E]] : i64 to index
// CHECK: %[[LOW:.*]] = arith.maxsi %[[CAST]], %[[C0]] : index
// CHECK: %[[UP:.*]] = arith.minsi %[[LOW]], %[[C5]] : index
// CHECK: scf.for %[[I:.*]] = %[[C0]] to %[[UP]] step %[[C1]] iter_args(%{{.*}} = %[[H0]], %{{.*}} = %[[YS]])
// CHECK: %[[LAST:.*]] = arith.subi %[[UP]], %[[C1]] : index
// CHECK: %[[J:.*]] = arith.subi %[[LAST]], %[[I]] : index
// CHECK: tensor.extract_slice %[[X]][%[[J]], 0] [1, 3] [1, 1]
// CHECK: tensor.insert_slice %{{.*}}[%[[J]], 0] [1, 3] [1, 1]

// BUFFERS-LABEL: func.func @dynamic_reverse
// BUFFERS: scf.for
// BUFFERS-NOT: memref.alloc
// BUFFERS: return
func.func @dynamic_reverse(%n: tensor<i64>, %h0: tensor<3xf32>, %x: tensor<5x3xf32>)
    -> (tensor<3xf32>, tensor<5x3xf32>) {
  %h, %ys = adjit.scan reverse length = %n : tensor<i64> bound 5
      init(%h0 : tensor<3xf32>) xs(%x : tensor<5x3xf32>)
      -> (tensor<3xf32>, tensor<5x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>):
    %t = adjit.tanh %c : tensor<3xf32>
    %s = adjit.add %t, %xi : tensor<3xf32>
    adjit.yield %s, %s : tensor<3xf32>, tensor<3xf32>
  }
  return %h, %ys : tensor<3xf32>, tensor<5x3xf32>
}
