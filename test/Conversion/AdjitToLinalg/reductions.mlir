// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// CHECK-LABEL: func @reduce_sum
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @reduce_sum(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  // CHECK: %[[E:.*]] = tensor.empty() : tensor<3xf32>
  // CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
  // CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<3xf32>)
  // CHECK: %[[R:.*]] = linalg.reduce ins(%[[X]] : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<3xf32>) dimensions = [0, 2]
  // The sum may be reassociated (vectorized).
  // CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
  // CHECK: return %[[R]]
  %0 = adjit.reduce_sum %x, dims = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// The identity of max is -inf; maximumf propagates NaN.
// CHECK-LABEL: func @reduce_max
func.func @reduce_max(%x: tensor<2x3xf64>) -> tensor<f64> {
  // CHECK: %[[NEGINF:.*]] = arith.constant 0xFFF0000000000000 : f64
  // CHECK: linalg.fill ins(%[[NEGINF]] : f64)
  // CHECK: linalg.reduce ins(%{{.*}} : tensor<2x3xf64>) outs(%{{.*}} : tensor<f64>) dimensions = [0, 1]
  // CHECK: arith.maximumf
  %0 = adjit.reduce_max %x, dims = [0, 1] : tensor<2x3xf64> -> tensor<f64>
  return %0 : tensor<f64>
}

// The identity of the product is 1; without `reassoc` the product keeps the
// row-major order of the reduced elements, as the eager kernel's.
// CHECK-LABEL: func @reduce_prod
func.func @reduce_prod(%x: tensor<2x3xf32>) -> tensor<2xf32> {
  // CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
  // CHECK: linalg.fill ins(%[[ONE]] : f32)
  // CHECK: linalg.reduce ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<2xf32>) dimensions = [1]
  // CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
  // CHECK-NOT: reassoc
  %0 = adjit.reduce_prod %x, dims = [1] : tensor<2x3xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
