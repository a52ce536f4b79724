// Adjoints of broadcast, reshape, transpose, slice and concat.
// RUN: adjit-opt %s --adjit-autodiff | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff --canonicalize --cse | FileCheck %s --check-prefix=CANON

// A broadcast's adjoint sums over the new dimensions (0 and 3) and the
// expanded size-1 dimension (2 of the result), then reshapes to the operand.
// CHECK-LABEL: func.func @broadcast_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<2x3x4x5xf32>) -> (tensor<2x3x4x5xf32>, tensor<3x1xf32>)
// CHECK: %[[S:.*]] = adjit.reduce_sum %[[G]], dims = [0, 2, 3] : tensor<2x3x4x5xf32> -> tensor<3xf32>
// CHECK-NEXT: %[[DX:.*]] = adjit.reshape %[[S]] : tensor<3xf32> -> tensor<3x1xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @broadcast(%x: tensor<3x1xf32>) -> tensor<2x3x4x5xf32> attributes {adjit.grad = {}} {
  %0 = adjit.broadcast %x, dims = [1, 2] : tensor<3x1xf32> -> tensor<2x3x4x5xf32>
  return %0 : tensor<2x3x4x5xf32>
}

// Without expanded dimensions no reshape is needed.
// CHECK-LABEL: func.func @broadcast_rows_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>)
// CHECK: %[[DX:.*]] = adjit.reduce_sum %[[G]], dims = [0] : tensor<4x3xf32> -> tensor<3xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @broadcast_rows(%x: tensor<3xf32>) -> tensor<4x3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.broadcast %x, dims = [1] : tensor<3xf32> -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// CHECK-LABEL: func.func @reshape_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<6xf32>) -> (tensor<6xf32>, tensor<2x3xf32>)
// CHECK: %[[DX:.*]] = adjit.reshape %[[G]] : tensor<6xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @reshape(%x: tensor<2x3xf32>) -> tensor<6xf32> attributes {adjit.grad = {}} {
  %0 = adjit.reshape %x : tensor<2x3xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// The inverse of [2, 0, 1] is [1, 2, 0].
// CHECK-LABEL: func.func @transpose_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<4x2x3xf32>) -> (tensor<4x2x3xf32>, tensor<2x3x4xf32>)
// CHECK: %[[DX:.*]] = adjit.transpose %[[G]], [1, 2, 0] : tensor<4x2x3xf32> -> tensor<2x3x4xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.transpose %x, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// A unit-stride slice pads with zero blocks before and after.
// CHECK-LABEL: func.func @slice_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<5x3xf32>)
// CHECK: %[[BEFORE:.*]] = adjit.constant dense<0.000000e+00> : tensor<1x3xf32>
// CHECK-NEXT: %[[AFTER:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x3xf32>
// CHECK-NEXT: %[[DX:.*]] = adjit.concat %[[BEFORE]], %[[G]], %[[AFTER]] dim = 0 : tensor<1x3xf32>, tensor<2x3xf32>, tensor<2x3xf32> -> tensor<5x3xf32>
// CHECK-NEXT: return %{{.*}}, %[[DX]]
func.func @slice(%x: tensor<5x3xf32>) -> tensor<2x3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.slice %x [1:3:1, 0:3:1] : tensor<5x3xf32> -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// A strided slice interleaves zeros: elements 1 and 4 of 6 (stride 3) come
// from [g0, 0, 0, g1, 0, 0][0:4], then one zero before and one after.
// CHECK-LABEL: func.func @strided_slice_grad
// CHECK-SAME: %[[G:[^:]*]]: tensor<2xf32>) -> (tensor<2xf32>, tensor<6xf32>)
// CHECK: %[[COL:.*]] = adjit.reshape %[[G]] : tensor<2xf32> -> tensor<2x1xf32>
// CHECK-NEXT: %[[GAP:.*]] = adjit.constant dense<0.000000e+00> : tensor<2x2xf32>
// CHECK-NEXT: %[[J:.*]] = adjit.concat %[[COL]], %[[GAP]] dim = 1 : tensor<2x1xf32>, tensor<2x2xf32> -> tensor<2x3xf32>
// CHECK-NEXT: %[[FLAT:.*]] = adjit.reshape %[[J]] : tensor<2x3xf32> -> tensor<6xf32>
// CHECK-NEXT: %[[SPAN:.*]] = adjit.slice %[[FLAT]] [0:4:1] : tensor<6xf32> -> tensor<4xf32>
// CHECK-NEXT: %[[BEFORE:.*]] = adjit.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %[[AFTER:.*]] = adjit.constant dense<0.000000e+00> : tensor<1xf32>
// CHECK-NEXT: %[[DX:.*]] = adjit.concat %[[BEFORE]], %[[SPAN]], %[[AFTER]] dim = 0
// CHECK-NEXT: return %{{.*}}, %[[DX]]
// CANON-LABEL: func.func @strided_slice_grad
// CANON: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<1xf32>
// CANON: adjit.concat %[[Z]], %{{.*}}, %[[Z]] dim = 0
func.func @strided_slice(%x: tensor<6xf32>) -> tensor<2xf32> attributes {adjit.grad = {}} {
  %0 = adjit.slice %x [1:6:3] : tensor<6xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// An empty slice contributes nothing: the adjoint is zero.
// CHECK-LABEL: func.func @empty_slice_grad
// CHECK: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK-NEXT: return %{{.*}}, %[[Z]]
func.func @empty_slice(%x: tensor<4xf32>) -> tensor<0xf32> attributes {adjit.grad = {}} {
  %0 = adjit.slice %x [2:2:1] : tensor<4xf32> -> tensor<0xf32>
  return %0 : tensor<0xf32>
}

// Each concat operand gets the slice that it filled.
// CHECK-LABEL: func.func @concat_grad
// CHECK-SAME: (%[[A:.*]]: tensor<2x2xf32>, %[[B:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2x5xf32>)
// CHECK: %[[DA:.*]] = adjit.slice %[[G]] [0:2:1, 0:2:1] : tensor<2x5xf32> -> tensor<2x2xf32>
// CHECK-NEXT: %[[DB:.*]] = adjit.slice %[[G]] [0:2:1, 2:5:1] : tensor<2x5xf32> -> tensor<2x3xf32>
// CHECK-NEXT: return %{{.*}}, %[[DA]], %[[DB]]
func.func @concat(%a: tensor<2x2xf32>, %b: tensor<2x3xf32>) -> tensor<2x5xf32> attributes {adjit.grad = {}} {
  %0 = adjit.concat %a, %b dim = 1 : tensor<2x2xf32>, tensor<2x3xf32> -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// Transposing there and back: the adjoint's transposes compose to the
// identity after canonicalization.
// CHECK-LABEL: func.func @transpose_twice_grad
// CHECK-COUNT-4: adjit.transpose
// CANON-LABEL: func.func @transpose_twice_grad
// CANON-SAME: (%[[X:.*]]: tensor<2x3xf32>, %[[G:.*]]: tensor<2x3xf32>) ->
// CANON-NOT: adjit.transpose
// CANON: return %[[X]], %[[G]]
func.func @transpose_twice(%x: tensor<2x3xf32>) -> tensor<2x3xf32> attributes {adjit.grad = {}} {
  %0 = adjit.transpose %x, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  %1 = adjit.transpose %0, [1, 0] : tensor<3x2xf32> -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
