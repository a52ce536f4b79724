// adjit.broadcast, reshape, transpose, slice and concat, for f32, f64 and i1.
// RUN: adjit-run %s --entry=broadcast \
// RUN:   --arg='dense<[1.0, 2.0, 3.0]> : tensor<3xf32>' \
// RUN:   --arg='dense<[[1.0], [2.0]]> : tensor<2x1xf64>' \
// RUN:   --arg='dense<5.0> : tensor<f32>' \
// RUN:   --arg='dense<[[true, false]]> : tensor<1x2xi1>' \
// RUN: | FileCheck %s --check-prefix=BROADCAST
// RUN: adjit-run %s --entry=reshape \
// RUN:   --arg='dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>' \
// RUN:   --arg='dense<[[7.0]]> : tensor<1x1xf32>' \
// RUN: | FileCheck %s --check-prefix=RESHAPE
// RUN: adjit-run %s --entry=transpose \
// RUN:   --arg='dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>' \
// RUN: | FileCheck %s --check-prefix=TRANSPOSE
// RUN: adjit-run %s --entry=other_types \
// RUN:   --arg='dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf64>' \
// RUN:   --arg='dense<[1.5, 2.5]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=OTHER
// RUN: adjit-run %s --entry=slice_concat \
// RUN:   --arg='dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [9.0, 10.0, 11.0]]> : tensor<4x3xf64>' \
// RUN:   --arg='dense<[[-1.0], [-2.0], [-3.0], [-4.0]]> : tensor<4x1xf64>' \
// RUN: | FileCheck %s --check-prefix=SLICE

// BROADCAST: dense<{{\[\[}}1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]> : tensor<2x3xf32>
// BROADCAST-NEXT: dense<{{\[\[}}1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0]]> : tensor<2x4xf64>
// BROADCAST-NEXT: dense<{{\[\[}}5.0, 5.0], [5.0, 5.0]]> : tensor<2x2xf32>
// BROADCAST-NEXT: dense<{{\[\[\[}}true, false], [true, false]], {{\[\[}}true, false], [true, false]]]> : tensor<2x2x2xi1>
func.func @broadcast(%v: tensor<3xf32>, %col: tensor<2x1xf64>, %s: tensor<f32>,
                     %m: tensor<1x2xi1>)
    -> (tensor<2x3xf32>, tensor<2x4xf64>, tensor<2x2xf32>, tensor<2x2x2xi1>) {
  %0 = adjit.broadcast %v, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  %1 = adjit.broadcast %col, dims = [0, 1] : tensor<2x1xf64> -> tensor<2x4xf64>
  %2 = adjit.broadcast %s, dims = [] : tensor<f32> -> tensor<2x2xf32>
  %3 = adjit.broadcast %m, dims = [1, 2] : tensor<1x2xi1> -> tensor<2x2x2xi1>
  return %0, %1, %2, %3
      : tensor<2x3xf32>, tensor<2x4xf64>, tensor<2x2xf32>, tensor<2x2x2xi1>
}

// RESHAPE: dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]> : tensor<6xf64>
// RESHAPE-NEXT: dense<{{\[\[}}1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf64>
// RESHAPE-NEXT: dense<{{\[\[\[}}1.0], [2.0], [3.0]], {{\[\[}}4.0], [5.0], [6.0]]]> : tensor<2x3x1xf64>
// RESHAPE-NEXT: dense<7.0> : tensor<f32>
// RESHAPE-NEXT: dense<{{\[\[\[}}7.0]]]> : tensor<1x1x1xf32>
func.func @reshape(%x: tensor<2x3xf64>, %one: tensor<1x1xf32>)
    -> (tensor<6xf64>, tensor<3x2xf64>, tensor<2x3x1xf64>, tensor<f32>,
        tensor<1x1x1xf32>) {
  %0 = adjit.reshape %x : tensor<2x3xf64> -> tensor<6xf64>
  %1 = adjit.reshape %x : tensor<2x3xf64> -> tensor<3x2xf64>
  %2 = adjit.reshape %x : tensor<2x3xf64> -> tensor<2x3x1xf64>
  %3 = adjit.reshape %one : tensor<1x1xf32> -> tensor<f32>
  %4 = adjit.reshape %3 : tensor<f32> -> tensor<1x1x1xf32>
  return %0, %1, %2, %3, %4 : tensor<6xf64>, tensor<3x2xf64>,
      tensor<2x3x1xf64>, tensor<f32>, tensor<1x1x1xf32>
}

// Result dimension i is operand dimension permutation[i]: r[a][b][c] =
// x[b][c][a].
// TRANSPOSE: dense<{{\[\[\[}}0.0, 4.0, 8.0], [12.0, 16.0, 20.0]], {{\[\[}}1.0, 5.0, 9.0], [13.0, 17.0, 21.0]], {{\[\[}}2.0, 6.0, 10.0], [14.0, 18.0, 22.0]], {{\[\[}}3.0, 7.0, 11.0], [15.0, 19.0, 23.0]]]> : tensor<4x2x3xf32>
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = adjit.transpose %x, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
  return %0 : tensor<4x2x3xf32>
}

// SLICE: dense<{{\[\[}}3.0, 5.0], [9.0, 11.0]]> : tensor<2x2xf64>
// SLICE-NEXT: dense<{{\[\[}}-1.0, 0.0, 1.0, 2.0, -1.0], [-2.0, 3.0, 4.0, 5.0, -2.0], [-3.0, 6.0, 7.0, 8.0, -3.0], [-4.0, 9.0, 10.0, 11.0, -4.0]]> : tensor<4x5xf64>
// SLICE-NEXT: dense<{{\[\[}}3.0, 5.0], [9.0, 11.0], [0.0, 1.0], [3.0, 4.0]]> : tensor<4x2xf64>
func.func @slice_concat(%x: tensor<4x3xf64>, %c: tensor<4x1xf64>)
    -> (tensor<2x2xf64>, tensor<4x5xf64>, tensor<4x2xf64>) {
  %0 = adjit.slice %x [1:4:2, 0:3:2] : tensor<4x3xf64> -> tensor<2x2xf64>
  %1 = adjit.concat %c, %x, %c dim = 1
      : tensor<4x1xf64>, tensor<4x3xf64>, tensor<4x1xf64> -> tensor<4x5xf64>
  %2 = adjit.slice %x [0:2:1, 0:2:1] : tensor<4x3xf64> -> tensor<2x2xf64>
  %3 = adjit.concat %0, %2 dim = 0
      : tensor<2x2xf64>, tensor<2x2xf64> -> tensor<4x2xf64>
  return %0, %1, %3 : tensor<2x2xf64>, tensor<4x5xf64>, tensor<4x2xf64>
}

// OTHER: dense<{{\[\[}}1.0, 4.0], [2.0, 5.0], [3.0, 6.0]]> : tensor<3x2xf64>
// OTHER-NEXT: dense<[1.5, 2.5, 1.5, 2.5]> : tensor<4xf32>
// OTHER-NEXT: dense<[2.5]> : tensor<1xf32>
func.func @other_types(%x: tensor<2x3xf64>, %v: tensor<2xf32>)
    -> (tensor<3x2xf64>, tensor<4xf32>, tensor<1xf32>) {
  %0 = adjit.transpose %x, [1, 0] : tensor<2x3xf64> -> tensor<3x2xf64>
  %1 = adjit.concat %v, %v dim = 0 : tensor<2xf32>, tensor<2xf32> -> tensor<4xf32>
  %2 = adjit.slice %v [1:2:1] : tensor<2xf32> -> tensor<1xf32>
  return %0, %1, %2 : tensor<3x2xf64>, tensor<4xf32>, tensor<1xf32>
}
