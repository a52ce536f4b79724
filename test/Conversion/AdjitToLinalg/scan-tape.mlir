// A step output that is a step argument (the tape of carries an adjoint
// reads) is stored before the step's ops, so that the new carry can take the
// old carry's buffer: here the fused tanh writes into the carry's buffer, and
// bufferization would reject (or copy) a store of the old carry after it.
// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func @tape
// CHECK: scf.for %[[I:.*]] = {{.*}} iter_args(%[[C:[^ ]*]] = %{{[^,]*}}, %[[TAPE:[^ ]*]] = %{{[^)]*}})
// CHECK-NEXT: %[[STORED:.*]] = tensor.insert_slice %[[C]] into %[[TAPE]][%[[I]], 0] [1, 3] [1, 1]
// CHECK: linalg.matmul
// CHECK: math.tanh
// CHECK: %[[NEW:.*]] = linalg.copy
// CHECK: scf.yield %{{.*}}, %[[STORED]]

// LLVM: llvm.func @tape
func.func @tape(%h0: tensor<3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<4x3xf64>) {
  %h, %tape = adjit.scan length = 4 init(%h0 : tensor<3xf64>)
      consts(%w : tensor<3x3xf64>) -> (tensor<3xf64>, tensor<4x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %row = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %row, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %v = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %t = adjit.tanh %v : tensor<3xf64>
    adjit.yield %t, %c : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %tape : tensor<3xf64>, tensor<4x3xf64>
}
