// Elementwise fusion leaves the copy that writes a loop's new carry back into
// the carry's buffer alone: a reshape folded into it would make the loop
// yield a reshaped view, which bufferization rejects (a nested adjit.scan
// whose step ends in reshape, matmul, reshape, tanh).
// RUN: adjit-opt %s --convert-adjit-to-linalg --canonicalize --cse --adjit-fuse-elementwise | FileCheck %s --check-prefix=FUSED
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s

// FUSED-LABEL: func @nested
// FUSED: scf.for
// FUSED: scf.for
// FUSED-SAME: iter_args(%[[CARRY:.*]] = %{{.*}})
// FUSED: linalg.matmul
// FUSED: %[[NEW:.*]] = tensor.collapse_shape
// FUSED: linalg.copy ins(%[[NEW]] : tensor<3xf64>) outs(%[[CARRY]] : tensor<3xf64>)
// CHECK-LABEL: llvm.func @nested
func.func @nested(%h0: tensor<3xf64>, %x: tensor<2x3xf64>, %w: tensor<3x3xf64>) -> tensor<3xf64> {
  %h = adjit.scan length = 2 init(%h0 : tensor<3xf64>) xs(%x : tensor<2x3xf64>)
      consts(%w : tensor<3x3xf64>) -> (tensor<3xf64>) {
  ^bb0(%a: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %inner = adjit.scan length = 3 init(%a : tensor<3xf64>)
        consts(%wi : tensor<3x3xf64>) -> (tensor<3xf64>) {
    ^bb0(%c: tensor<3xf64>, %w2: tensor<3x3xf64>):
      %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
      %p = adjit.matmul %m, %w2 : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
      %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
      %t = adjit.tanh %q : tensor<3xf64>
      adjit.yield %t : tensor<3xf64>
    }
    %s = adjit.add %inner, %xi : tensor<3xf64>
    adjit.yield %s : tensor<3xf64>
  }
  return %h : tensor<3xf64>
}
