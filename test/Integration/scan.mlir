// adjit.scan compiled and run: an RNN (values from a reference computed in
// Python), a reverse scan whose carries trade places, a scan of length 0 and
// a nested scan.
// RUN: adjit-run %s --entry=rnn \
// RUN:   --arg='dense<[0.1, -0.2, 0.3]> : tensor<3xf64>' \
// RUN:   --arg='dense<[[1.0, 0.5, -0.5], [0.2, 0.1, 0.0], [-1.0, 2.0, 0.3], [0.0, 0.0, 1.0]]> : tensor<4x3xf64>' \
// RUN:   --arg='dense<[[0.5, -0.1, 0.2], [0.3, 0.4, -0.6], [0.0, 0.7, 0.1]]> : tensor<3x3xf64>' \
// RUN: | FileCheck %s --check-prefix=RNN
// RUN: adjit-run %s --entry=reverse_swap --arg='dense<1.0> : tensor<f32>' \
// RUN:   --arg='dense<10.0> : tensor<f32>' --arg='dense<[100.0, 200.0, 300.0]> : tensor<3xf32>' \
// RUN: | FileCheck %s --check-prefix=SWAP
// RUN: adjit-run %s --entry=empty --arg='dense<[1.0, 2.0]> : tensor<2xf32>' \
// RUN:   --arg='dense<0.0> : tensor<0x2xf32>' | FileCheck %s --check-prefix=EMPTY
// RUN: adjit-run %s --entry=nested --arg='dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>' \
// RUN: | FileCheck %s --check-prefix=NESTED

// h_i = tanh(h_{i-1} W + x_i).
// RNN: dense<[-0.01096755891790{{[0-9]*}}, 0.603835744932688{{[0-9]*}}, 0.3374961980788{{[0-9]*}}]> : tensor<3xf64>
// RNN-NEXT: dense<{{\[\[}}0.7573623242165{{[0-9]*}}, 0.551128028538146{{[0-9]*}}, -0.318520776902770{{[0-9]*}}], [0.631567551999825{{[0-9]*}}, 0.02174700590160{{[0-9]*}}, -0.2079774559648{{[0-9]*}}], [-0.590016984648970{{[0-9]*}}, 0.946801645406608{{[0-9]*}}, 0.37348553981499{{[0-9]*}}], [-0.01096755891790{{[0-9]*}}, 0.603835744932688{{[0-9]*}}, 0.3374961980788{{[0-9]*}}]]> : tensor<4x3xf64>
func.func @rnn(%h0: tensor<3xf64>, %x: tensor<4x3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<4x3xf64>) {
  %h, %ys = adjit.scan length = 4 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<4x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<4x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t, %t : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<4x3xf64>
}

// Steps 2, 1, 0: (a, b) -> (b, a + x_i), stacking a + x_i at i:
// (1, 10) -> (10, 301) -> (301, 210) -> (210, 401).
// SWAP: dense<210.0> : tensor<f32>
// SWAP-NEXT: dense<401.0> : tensor<f32>
// SWAP-NEXT: dense<[401.0, 210.0, 301.0]> : tensor<3xf32>
func.func @reverse_swap(%a: tensor<f32>, %b: tensor<f32>, %x: tensor<3xf32>)
    -> (tensor<f32>, tensor<f32>, tensor<3xf32>) {
  %r:3 = adjit.scan reverse length = 3 init(%a, %b : tensor<f32>, tensor<f32>)
      xs(%x : tensor<3xf32>) -> (tensor<f32>, tensor<f32>, tensor<3xf32>) {
  ^bb0(%ca: tensor<f32>, %cb: tensor<f32>, %xi: tensor<f32>):
    %s = adjit.add %ca, %xi : tensor<f32>
    adjit.yield %cb, %s, %s : tensor<f32>, tensor<f32>, tensor<f32>
  }
  return %r#0, %r#1, %r#2 : tensor<f32>, tensor<f32>, tensor<3xf32>
}

// EMPTY: dense<[1.0, 2.0]> : tensor<2xf32>
func.func @empty(%c0: tensor<2xf32>, %x: tensor<0x2xf32>) -> tensor<2xf32> {
  %r = adjit.scan length = 0 init(%c0 : tensor<2xf32>) xs(%x : tensor<0x2xf32>)
      -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<2xf32>):
    %s = adjit.add %c, %xi : tensor<2xf32>
    adjit.yield %s : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// Running products of each row: p = 1, then p = p * x_j, stacked; the outer
// scan stacks each row's stack.
// NESTED: dense<{{\[\[}}1.0, 2.0, 6.0], [4.0, 20.0, 120.0]]> : tensor<2x3xf32>
func.func @nested(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %r = adjit.scan length = 2 xs(%x : tensor<2x3xf32>) -> (tensor<2x3xf32>) {
  ^bb0(%row: tensor<3xf32>):
    %one = adjit.constant dense<1.0> : tensor<f32>
    %p:2 = adjit.scan length = 3 init(%one : tensor<f32>) xs(%row : tensor<3xf32>)
        -> (tensor<f32>, tensor<3xf32>) {
    ^bb0(%c: tensor<f32>, %xi: tensor<f32>):
      %m = adjit.mul %c, %xi : tensor<f32>
      adjit.yield %m, %m : tensor<f32>, tensor<f32>
    }
    adjit.yield %p#1 : tensor<3xf32>
  }
  return %r : tensor<2x3xf32>
}
