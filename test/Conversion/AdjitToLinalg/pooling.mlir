// Pooling ops become all-parallel linalg.generics whose bodies walk the
// windows (or the outputs reading a position) with scf.for, reading the
// static window tables with tensor.extract.
// RUN: adjit-opt %s --convert-adjit-to-linalg | FileCheck %s

// Windows of 2x2 with stride 2 over 4 positions: first [0, 2], count [2, 2].
// The walk starts from -inf at the window's first position and moves to an
// element that is larger (ordered) or NaN.
// CHECK-LABEL: func.func @max_indices
// CHECK-DAG: %[[FIRST:.*]] = arith.constant dense<[0, 2]> : tensor<2xi64>
// CHECK-DAG: %[[COUNT:.*]] = arith.constant dense<2> : tensor<2xi64>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: linalg.index 2
// CHECK: tensor.extract %[[FIRST]]
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: scf.for
// CHECK: scf.for
// CHECK: tensor.extract %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x2x4x4xf32>
// CHECK: arith.cmpf ogt
// CHECK: arith.cmpf uno
// CHECK: arith.ori
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: -> tensor<1x2x2x2xi64>
func.func @max_indices(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xi64> {
  %i = adjit.max_pool2d_indices %x kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xi64>
  return %i : tensor<1x2x2x2xi64>
}

// The gather reads the values at the index split into row and column.
// CHECK-LABEL: func.func @max_gather
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<1x2x2x2xi64>)
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.divui
// CHECK: arith.remui
// CHECK: tensor.extract
func.func @max_gather(%x: tensor<1x2x4x4xf32>, %i: tensor<1x2x2x2xi64>) -> tensor<1x2x2x2xf32> {
  %y = adjit.max_pool2d_gather %x, %i kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x4x4xf32>, tensor<1x2x2x2xi64> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// The scatter sums, per input position, the chosen outputs among those
// reading it (users of position 0..3: [0], [0], [1], [1]).
// CHECK-LABEL: func.func @max_scatter
// CHECK-DAG: arith.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CHECK-DAG: arith.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.cmpi eq
// CHECK: arith.addf
// CHECK: arith.select
// CHECK: -> tensor<1x2x4x4xf32>
func.func @max_scatter(%g: tensor<1x2x2x2xf32>, %i: tensor<1x2x2x2xi64>) -> tensor<1x2x4x4xf32> {
  %dx = adjit.max_pool2d_scatter %g, %i kernel_size = [2, 2] stride = [2, 2] padding = [0, 0] dilation = [1, 1] : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64> -> tensor<1x2x4x4xf32>
  return %dx : tensor<1x2x4x4xf32>
}

// Average pooling divides each window's sum by the product of the axes'
// divisors (3 with padding counted: the windows [-1, 2) and [1, 4) of 3).
// CHECK-LABEL: func.func @avg
// CHECK-DAG: arith.constant dense<3> : tensor<2xi64>
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.addf
// CHECK: arith.muli
// CHECK: arith.sitofp %{{.*}} : i64 to f64
// CHECK: arith.divf
func.func @avg(%x: tensor<1x1x3x3xf64>) -> tensor<1x1x2x2xf64> {
  %y = adjit.avg_pool2d %x kernel_size = [3, 3] stride = [2, 2] padding = [1, 1] count_include_pad : tensor<1x1x3x3xf64> -> tensor<1x1x2x2xf64>
  return %y : tensor<1x1x2x2xf64>
}

// CHECK-LABEL: func.func @adaptive_backward
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.divf
// CHECK: arith.addf
// CHECK: -> tensor<1x1x7x7xf32>
func.func @adaptive_backward(%g: tensor<1x1x3x3xf32>) -> tensor<1x1x7x7xf32> {
  %dx = adjit.adaptive_avg_pool2d_backward %g : tensor<1x1x3x3xf32> -> tensor<1x1x7x7xf32>
  return %dx : tensor<1x1x7x7xf32>
}
