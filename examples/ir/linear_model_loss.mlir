// Mean squared error of a linear model y = x * w + b over a batch of 8
// samples, as the adjit tracer records it: every broadcast is explicit.
func.func @loss(%w: tensor<1x1xf32>, %b: tensor<1xf32>, %x: tensor<8x1xf32>,
                %y: tensor<8x1xf32>) -> tensor<f32> {
  %xw = adjit.matmul %x, %w : tensor<8x1xf32>, tensor<1x1xf32> -> tensor<8x1xf32>
  %bb = adjit.broadcast %b, dims = [1] : tensor<1xf32> -> tensor<8x1xf32>
  %pred = adjit.add %xw, %bb : tensor<8x1xf32>
  %diff = adjit.sub %pred, %y : tensor<8x1xf32>
  %sq = adjit.mul %diff, %diff : tensor<8x1xf32>
  // A scale by one that the tracer left behind: canonicalization removes it.
  %one = adjit.constant dense<1.0> : tensor<8x1xf32>
  %sq1 = adjit.mul %sq, %one : tensor<8x1xf32>
  %sum = adjit.reduce_sum %sq1, dims = [0, 1] : tensor<8x1xf32> -> tensor<f32>
  %n = adjit.constant dense<8.0> : tensor<f32>
  %mean = adjit.div %sum, %n : tensor<f32>
  return %mean : tensor<f32>
}
