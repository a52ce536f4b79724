// RUN: adjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(adjit-mark-arguments-readonly,adjit-detach-argument-reads))' | FileCheck %s
// RUN: adjit-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(adjit-mark-arguments-readonly,adjit-detach-argument-reads),one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map})' | FileCheck %s --check-prefix=BUFFERS

// An unrolled recurrence: the input is sliced and the weight read once per
// step. Each read gets a read-only tensor of its own over the argument's
// buffer; the slices become the subviews bufferization would have made.
// CHECK-LABEL: func @unrolled
// CHECK-SAME: (%[[X:.*]]: tensor<3x4xf32> {bufferization.writable = false}, %[[W:.*]]: tensor<4x4xf32> {bufferization.writable = false})
// CHECK-DAG: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<3x4xf32> to memref<3x4xf32>
// CHECK-DAG: %[[WB:.*]] = bufferization.to_buffer %[[W]] read_only : tensor<4x4xf32> to memref<4x4xf32>
// CHECK: %[[V0:.*]] = memref.subview %[[XB]][0, 0] [1, 4] [1, 1] : memref<3x4xf32> to memref<1x4xf32, strided<[4, 1]>>
// CHECK: %[[X0:.*]] = bufferization.to_tensor %[[V0]] restrict : memref<1x4xf32, strided<[4, 1]>> to tensor<1x4xf32>
// CHECK: %[[W0:.*]] = bufferization.to_tensor %[[WB]] restrict : memref<4x4xf32> to tensor<4x4xf32>
// CHECK: linalg.matmul ins(%[[X0]], %[[W0]] :
// CHECK: %[[V1:.*]] = memref.subview %[[XB]][1, 0] [1, 4] [1, 1] : memref<3x4xf32> to memref<1x4xf32, strided<[4, 1], offset: 4>>
// CHECK: %[[X1:.*]] = bufferization.to_tensor %[[V1]] restrict : memref<1x4xf32, strided<[4, 1], offset: 4>> to tensor<1x4xf32>
// CHECK: %[[W1:.*]] = bufferization.to_tensor %[[WB]] restrict : memref<4x4xf32> to tensor<4x4xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %[[W1]] :
// CHECK-NOT: tensor.extract_slice
// CHECK-NOT: writable
// CHECK: return

// After bufferization, the products read the arguments' buffers and views
// of them, with no copy.
// BUFFERS-LABEL: func @unrolled
// BUFFERS-SAME: (%[[X:.*]]: memref<3x4xf32>, %[[W:.*]]: memref<4x4xf32>)
// BUFFERS-NOT: memref.copy
// BUFFERS: %[[V0:.*]] = memref.subview %[[X]][0, 0] [1, 4] [1, 1]
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.matmul ins(%[[V0]], %[[W]] :
// BUFFERS-NOT: memref.copy
// BUFFERS: %[[V1:.*]] = memref.subview %[[X]][1, 0] [1, 4] [1, 1]
// BUFFERS-NOT: memref.copy
// BUFFERS: linalg.matmul ins(%{{.*}}, %[[W]] :
// BUFFERS-NOT: memref.copy
// BUFFERS: return
func.func @unrolled(%x: tensor<3x4xf32>, %w: tensor<4x4xf32>) -> tensor<1x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x4xf32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %x0 = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %h0 = linalg.matmul ins(%x0, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f0 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %e1 = tensor.empty() : tensor<1x4xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %x1 = tensor.extract_slice %x[1, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %s1 = linalg.add ins(%x1, %h0 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%e1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %h1 = linalg.matmul ins(%s1, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%f1 : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %h1 : tensor<1x4xf32>
}

// -----

// A write into a slice of a read-only argument still gets a copy: the
// caller's buffer is never written. (The product accumulates into its init.)
// CHECK-LABEL: func @write_into_slice
// CHECK: bufferization.to_tensor %{{.*}} restrict : memref<1x4xf32, strided<[4, 1]>> to tensor<1x4xf32>
// BUFFERS-LABEL: func @write_into_slice
// BUFFERS-SAME: (%[[X:.*]]: memref<3x4xf32>, %[[W:.*]]: memref<4x4xf32>)
// BUFFERS: %[[V0:.*]] = memref.subview %[[X]][0, 0] [1, 4] [1, 1]
// BUFFERS: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<1x4xf32>
// BUFFERS: memref.copy %[[V0]], %[[COPY]]
// BUFFERS: linalg.matmul ins(%{{.*}}, %[[W]] : {{.*}}) outs(%[[COPY]] :
func.func @write_into_slice(%x: tensor<3x4xf32>, %w: tensor<4x4xf32>) -> tensor<1x4xf32> {
  %x0 = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %x1 = tensor.extract_slice %x[1, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %r = linalg.matmul ins(%x1, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%x0 : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// Left alone: a single read, reads of writable arguments (private
// functions), and reads inside a loop body.
// CHECK-LABEL: func @single_read
// CHECK-NOT: bufferization.to_buffer
// CHECK: tensor.extract_slice
func.func @single_read(%x: tensor<3x4xf32>) -> tensor<1x4xf32> {
  %x0 = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  return %x0 : tensor<1x4xf32>
}

// CHECK-LABEL: func private @writable
// CHECK-NOT: bufferization.to_buffer
// CHECK: tensor.extract_slice
// CHECK: tensor.extract_slice
func.func private @writable(%x: tensor<3x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %x0 = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  %x1 = tensor.extract_slice %x[1, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
  return %x0, %x1 : tensor<1x4xf32>, tensor<1x4xf32>
}

// CHECK-LABEL: func @in_loop
// CHECK-NOT: bufferization.to_buffer
// CHECK: scf.for
// CHECK: tensor.extract_slice
// CHECK: tensor.extract_slice
func.func @in_loop(%x: tensor<3x4xf32>, %init: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %r = scf.for %i = %c0 to %c3 step %c1 iter_args(%acc = %init) -> tensor<1x4xf32> {
    %xi = tensor.extract_slice %x[%i, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
    %xj = tensor.extract_slice %x[%i, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<1x4xf32>
    %s = linalg.add ins(%xi, %xj : tensor<1x4xf32>, tensor<1x4xf32>) outs(%acc : tensor<1x4xf32>) -> tensor<1x4xf32>
    scf.yield %s : tensor<1x4xf32>
  }
  return %r : tensor<1x4xf32>
}
