// RUN: adjit-opt %s --adjit-fuse-elementwise | FileCheck %s

// A producer whose result has other uses fuses into its elementwise consumer
// when those uses come after the consumer: the fused op yields the
// producer's value as well, so it is still stored once but not read back.

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>

// The saved value %h (used by the later product) and the consumer's value
// come from one op.
// CHECK-LABEL: func @later_use
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<3x4xf32>)
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK: linalg.yield
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul ins(%[[F]]#0, %arg1
// CHECK: return %{{.*}}, %[[F]]#1
func.func @later_use(%x: tensor<3x4xf32>, %w: tensor<4x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %cst = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<3x4xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %cst : f32
    linalg.yield %a : f32
  } -> tensor<3x4xf32>
  %e2 = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<3x4xf32>) outs(%e2 : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<3x4xf32>
  %z = arith.constant dense<0.0> : tensor<3x4xf32>
  %p = linalg.matmul ins(%h, %w : tensor<3x4xf32>, tensor<4x4xf32>) outs(%z : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %p, %y : tensor<3x4xf32>, tensor<3x4xf32>
}

// A use before the consumer would no longer be dominated: no fusion.
// CHECK-LABEL: func @earlier_use
// CHECK: %[[H:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: linalg.matmul ins(%[[H]], %arg1
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[H]] : tensor<3x4xf32>)
// CHECK: arith.mulf
func.func @earlier_use(%x: tensor<3x4xf32>, %w: tensor<4x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %cst = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<3x4xf32>
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %cst : f32
    linalg.yield %a : f32
  } -> tensor<3x4xf32>
  %z = arith.constant dense<0.0> : tensor<3x4xf32>
  %p = linalg.matmul ins(%h, %w : tensor<3x4xf32>, tensor<4x4xf32>) outs(%z : tensor<3x4xf32>) -> tensor<3x4xf32>
  %e2 = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%h : tensor<3x4xf32>) outs(%e2 : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<3x4xf32>
  return %p, %y : tensor<3x4xf32>, tensor<3x4xf32>
}

// A shared producer read broadcast by a larger consumer is not fused: it
// would be recomputed, and stored, once per broadcast element.
// CHECK-LABEL: func @broadcast_use
// CHECK: %[[B:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel"]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[B]] : tensor<4xf32>)
// CHECK: return
func.func @broadcast_use(%b: tensor<4xf32>) -> (tensor<4xf32>, tensor<3x4xf32>) {
  %cst = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%b : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %cst : f32
    linalg.yield %a : f32
  } -> tensor<4xf32>
  %e2 = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s : tensor<4xf32>) outs(%e2 : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<3x4xf32>
  return %s, %y : tensor<4xf32>, tensor<3x4xf32>
}

// A consumer reading the shared value twice (here once transposed) is not
// fused: its second operand would be a result of the fused op itself.
// CHECK-LABEL: func @consumer_reads_twice
// CHECK: %[[S:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: ins(%[[S]], %[[S]] : tensor<4x4xf32>, tensor<4x4xf32>)
// CHECK: return %[[S]], %[[Y]]
func.func @consumer_reads_twice(%b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %cst = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %cst : f32
    linalg.yield %a : f32
  } -> tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, affine_map<(d0, d1) -> (d1, d0)>, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s, %s : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e2 : tensor<4x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.mulf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<4x4xf32>
  return %s, %y : tensor<4x4xf32>, tensor<4x4xf32>
}

// A broadcast with several users (a layer norm's weight, used forward and
// backward) fuses into each of them: they read the vector, and the
// broadcast tensor is never built.
// CHECK-LABEL: func @broadcast_fused_into_each_user
// CHECK-NOT: linalg.generic {{.*}}ins(%arg0 : tensor<4xf32>) outs(%{{.*}} : tensor<3x4xf32>)
// CHECK: %[[A:.*]] = linalg.generic
// CHECK-SAME: ins(%arg1, %arg0 : tensor<3x4xf32>, tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: %[[B:.*]] = linalg.generic
// CHECK-SAME: ins(%arg2, %arg0 : tensor<3x4xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: return %[[A]], %[[B]]
func.func @broadcast_fused_into_each_user(%w: tensor<4xf32>, %x: tensor<3x4xf32>, %g: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %e = tensor.empty() : tensor<3x4xf32>
  %wb = linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3x4xf32>
  %e1 = tensor.empty() : tensor<3x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %wb : tensor<3x4xf32>, tensor<3x4xf32>) outs(%e1 : tensor<3x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %m = arith.mulf %in, %in2 : f32
    linalg.yield %m : f32
  } -> tensor<3x4xf32>
  %e2 = tensor.empty() : tensor<3x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%g, %wb : tensor<3x4xf32>, tensor<3x4xf32>) outs(%e2 : tensor<3x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<3x4xf32>
  return %a, %b : tensor<3x4xf32>, tensor<3x4xf32>
}
