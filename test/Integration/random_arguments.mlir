// random<seed=N[, low=L, high=H]>:TYPE arguments are reproducible, lie in
// [low, high), and feed back: the printed literal, passed again, gives the
// same result.
// RUN: adjit-run %s --entry=identity --arg='random<seed=7>:tensor<2x3xf64>' > %t.first
// RUN: adjit-run %s --entry=identity --arg='random<seed=7>:tensor<2x3xf64>' > %t.second
// RUN: diff %t.first %t.second
// RUN: adjit-run %s --entry=identity --arg="$(cat %t.first)" | diff %t.first -
// RUN: adjit-run %s --entry=range --arg='random<seed=3, low=2.0, high=2.5>:tensor<64xf32>' \
// RUN: | FileCheck %s --check-prefix=RANGE
// RUN: adjit-run %s --entry=mask --arg='random<seed=1>:tensor<8xi1>' \
// RUN: | FileCheck %s --check-prefix=MASK

func.func @identity(%x: tensor<2x3xf64>) -> tensor<2x3xf64> {
  return %x : tensor<2x3xf64>
}

// All 64 values in [2, 2.5): below 2 and at least 2.5 are both false.
// RANGE: dense<false> : tensor<i1>
// RANGE-NEXT: dense<false> : tensor<i1>
func.func @range(%x: tensor<64xf32>) -> (tensor<i1>, tensor<i1>) {
  %low = adjit.constant dense<2.0> : tensor<64xf32>
  %high = adjit.constant dense<2.5> : tensor<64xf32>
  %below = adjit.compare lt, %x, %low : tensor<64xf32>
  %above = adjit.compare ge, %x, %high : tensor<64xf32>
  %one = adjit.constant dense<1.0> : tensor<64xf32>
  %zero = adjit.constant dense<0.0> : tensor<64xf32>
  %b = adjit.select %below, %one, %zero : tensor<64xf32>
  %a = adjit.select %above, %one, %zero : tensor<64xf32>
  %nb = adjit.reduce_sum %b, dims = [0] : tensor<64xf32> -> tensor<f32>
  %na = adjit.reduce_sum %a, dims = [0] : tensor<64xf32> -> tensor<f32>
  %z = adjit.constant dense<0.0> : tensor<f32>
  %anyBelow = adjit.compare ne, %nb, %z : tensor<f32>
  %anyAbove = adjit.compare ne, %na, %z : tensor<f32>
  return %anyBelow, %anyAbove : tensor<i1>, tensor<i1>
}

// MASK: dense<[{{(true|false)(, (true|false))(, (true|false))(, (true|false))(, (true|false))(, (true|false))(, (true|false))(, (true|false))}}]> : tensor<8xi1>
func.func @mask(%m: tensor<8xi1>) -> tensor<8xi1> {
  return %m : tensor<8xi1>
}
