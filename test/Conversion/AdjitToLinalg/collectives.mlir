// The collectives become calls of the JIT runtime on a buffer of their own.
// RUN: adjit-opt %s --convert-adjit-to-linalg -split-input-file -verify-diagnostics | FileCheck %s

// CHECK-LABEL: module
// CHECK-DAG: func.func private @adjit_all_reduce_start_f32(memref<?xf32>, i64) -> i64 attributes {llvm.emit_c_interface}
// CHECK-DAG: func.func private @adjit_all_reduce_wait(i64)
// CHECK-LABEL: func @start_wait
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK: %[[BUF:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK: %[[SRC:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK: memref.copy %[[SRC]], %[[BUF]]
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[BUF]] to offset: [0], sizes: [32], strides: [1]
// CHECK: %[[DYN:.*]] = memref.cast %[[FLAT]] : memref<32xf32> to memref<?xf32>
// CHECK: %[[KIND:.*]] = arith.constant 1 : i64
// CHECK: %[[REQ:.*]] = call @adjit_all_reduce_start_f32(%[[DYN]], %[[KIND]])
// The computation between start and wait stays between them.
// CHECK: linalg.generic
// CHECK: math.exp
// CHECK: call @adjit_all_reduce_wait(%[[REQ]]) : (i64) -> ()
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[BUF]] restrict writable : memref<4x8xf32>
// CHECK: linalg.generic
// CHECK: arith.addf
func.func @start_wait(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %h = adjit.all_reduce_start mean %x : tensor<4x8xf32>
  %y = adjit.exp %x : tensor<4x8xf32>
  %r = adjit.all_reduce_wait %h : !adjit.collective<tensor<4x8xf32>>
  %s = adjit.add %r, %y : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// The blocking form is a start and its wait; one declaration per element
// type; 0-d tensors are buffers of one element.
// CHECK-LABEL: module
// CHECK-DAG: func.func private @adjit_all_reduce_start_f64(memref<?xf64>, i64) -> i64
// CHECK-DAG: func.func private @adjit_all_reduce_start_i64(memref<?xi64>, i64) -> i64
// CHECK-LABEL: func @blocking
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [1], strides: [1] : memref<f64> to memref<1xf64>
// CHECK: %[[REQ:.*]] = call @adjit_all_reduce_start_f64
// CHECK-NEXT: call @adjit_all_reduce_wait(%[[REQ]])
// CHECK: arith.constant 2 : i64
// CHECK: call @adjit_all_reduce_start_i64
func.func @blocking(%x: tensor<f64>, %i: tensor<3xi64>) -> (tensor<f64>, tensor<3xi64>) {
  %0 = adjit.all_reduce sum %x : tensor<f64>
  %1 = adjit.all_reduce max %i : tensor<3xi64>
  return %0, %1 : tensor<f64>, tensor<3xi64>
}

// -----

// Another symbol of a runtime function's name is an error.
func.func @adjit_all_reduce_wait(%x: i64) {
  return
}
func.func @clash(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'adjit.all_reduce' op cannot call the runtime function 'adjit_all_reduce_wait': the module defines another symbol of that name}}
  %0 = adjit.all_reduce sum %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
