// Gradients through adjit.scan with a trip count known only at run time
// (argument 0, bound 9), checked against central finite differences for
// n = 0, 1, 7 and the bound, forward and reverse, first and second order.
// Rows of xs from n on get zero gradient.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn --int 0:0 | FileCheck %s --check-prefix=RNN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn --int 0:1 | FileCheck %s --check-prefix=RNN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn --int 0:7 | FileCheck %s --check-prefix=RNN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn --int 0:9 | FileCheck %s --check-prefix=RNN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reverse_rnn --int 0:0 | FileCheck %s --check-prefix=REVERSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reverse_rnn --int 0:1 | FileCheck %s --check-prefix=REVERSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reverse_rnn --int 0:7 | FileCheck %s --check-prefix=REVERSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss --function loss_grad --wrt 1,3 --of 1,3 --int 0:0 | FileCheck %s --check-prefix=SECOND
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss --function loss_grad --wrt 1,3 --of 1,3 --int 0:1 | FileCheck %s --check-prefix=SECOND
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss --function loss_grad --wrt 1,2,3 --of 1,2,3 --int 0:7 | FileCheck %s --check-prefix=SECOND-X
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss --function loss_grad --wrt 1,3 --of 1,3 --int 0:9 | FileCheck %s --check-prefix=SECOND
// Checkpoint policies with the trip count known at run time, n not a
// multiple of the segment length.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every3 --int 0:7 | FileCheck %s --check-prefix=EVERY3
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every3 --int 0:8 | FileCheck %s --check-prefix=EVERY3
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every3 --int 0:0 | FileCheck %s --check-prefix=EVERY3
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every2_reverse --int 0:7 | FileCheck %s --check-prefix=EVERY2R
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sqrt_policy --int 0:7 | FileCheck %s --check-prefix=SQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sqrt_policy --int 0:2 | FileCheck %s --check-prefix=SQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sqrt_policy --int 0:9 | FileCheck %s --check-prefix=SQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function recompute --int 0:7 | FileCheck %s --check-prefix=RECOMPUTE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function recompute_reverse --int 0:5 | FileCheck %s --check-prefix=RECOMPUTER
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss_every3 --function loss_every3_grad --wrt 1,3 --of 1,3 --int 0:7 | FileCheck %s --check-prefix=SECOND-EVERY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss_sqrt --function loss_sqrt_grad --wrt 1,3 --of 1,3 --int 0:7 | FileCheck %s --check-prefix=SECOND-SQRT
// The gradient of the rows from n on is exactly zero.
// RUN: adjit-opt %s --adjit-autodiff=function=rnn -o %t.mlir
// RUN: adjit-run %t.mlir --entry=rnn_grad --arg='dense<2> : tensor<i64>' --arg='dense<0.5> : tensor<3xf64>' \
// RUN:   --arg='dense<0.25> : tensor<9x3xf64>' --arg='dense<0.3> : tensor<3x3xf64>' \
// RUN:   --arg='dense<1.0> : tensor<3xf64>' --arg='dense<1.0> : tensor<9x3xf64>' | FileCheck %s --check-prefix=ROWS
// ROWS: tensor<3xf64>
// ROWS-NEXT: dense<{{\[\[}}0.604{{[0-9]*}}, {{.*}}], [0.660{{[0-9]*}}, {{.*}}], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]> : tensor<9x3xf64>
// ROWS-NEXT: tensor<3xf64>
// ROWS-NEXT: dense<{{\[\[}}1.278{{[0-9]*}}, {{.*}}], [1.127{{[0-9]*}}, {{.*}}], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]> : tensor<9x3xf64>

// RNN: @rnn wrt #1: ok
// RNN: @rnn wrt #2: ok
// RNN: @rnn wrt #3: ok
func.func @rnn(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t, %t : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// REVERSE: @reverse_rnn wrt #1: ok
// REVERSE: @reverse_rnn wrt #2: ok
// REVERSE: @reverse_rnn wrt #3: ok
func.func @reverse_rnn(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan reverse length = %n : tensor<i64> bound 9 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// SECOND: @loss_grad wrt #1: ok
// SECOND: @loss_grad wrt #3: ok
// SECOND-X: @loss_grad wrt #1: ok
// SECOND-X: @loss_grad wrt #2: ok
// SECOND-X: @loss_grad wrt #3: ok
func.func @loss(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t, %t : tensor<3xf64>, tensor<3xf64>
  }
  %sq = adjit.mul %ys, %ys : tensor<9x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<9x3xf64> -> tensor<f64>
  %hh = adjit.mul %h, %h : tensor<3xf64>
  %lh = adjit.reduce_sum %hh, dims = [0] : tensor<3xf64> -> tensor<f64>
  %r = adjit.add %l, %lh : tensor<f64>
  return %r : tensor<f64>
}

// EVERY3: @every3 wrt #1: ok
// EVERY3: @every3 wrt #2: ok
// EVERY3: @every3 wrt #3: ok
func.func @every3(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 checkpoint = every 3 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// EVERY2R: @every2_reverse wrt #1: ok
// EVERY2R: @every2_reverse wrt #2: ok
// EVERY2R: @every2_reverse wrt #3: ok
func.func @every2_reverse(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan reverse length = %n : tensor<i64> bound 9 checkpoint = every 2 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// SQRT: @sqrt_policy wrt #1: ok
// SQRT: @sqrt_policy wrt #2: ok
// SQRT: @sqrt_policy wrt #3: ok
func.func @sqrt_policy(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 checkpoint = sqrt init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// RECOMPUTE: @recompute wrt #1: ok
// RECOMPUTE: @recompute wrt #2: ok
// RECOMPUTE: @recompute wrt #3: ok
func.func @recompute(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 checkpoint = recompute_all init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// RECOMPUTER: @recompute_reverse wrt #1: ok
// RECOMPUTER: @recompute_reverse wrt #2: ok
// RECOMPUTER: @recompute_reverse wrt #3: ok
func.func @recompute_reverse(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<9x3xf64>) {
  %h, %ys = adjit.scan reverse length = %n : tensor<i64> bound 9 checkpoint = recompute_all init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<9x3xf64>
}

// SECOND-EVERY: @loss_every3_grad wrt #1: ok
// SECOND-EVERY: @loss_every3_grad wrt #3: ok
func.func @loss_every3(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 checkpoint = every 3 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  %sq = adjit.mul %ys, %ys : tensor<9x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<9x3xf64> -> tensor<f64>
  %hh = adjit.mul %h, %h : tensor<3xf64>
  %lh = adjit.reduce_sum %hh, dims = [0] : tensor<3xf64> -> tensor<f64>
  %r = adjit.add %l, %lh : tensor<f64>
  return %r : tensor<f64>
}

// SECOND-SQRT: @loss_sqrt_grad wrt #1: ok
// SECOND-SQRT: @loss_sqrt_grad wrt #3: ok
func.func @loss_sqrt(%n: tensor<i64>, %h0: tensor<3xf64>, %x: tensor<9x3xf64>, %w: tensor<3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 9 checkpoint = sqrt init(%h0 : tensor<3xf64>)
      xs(%x : tensor<9x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<9x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  %sq = adjit.mul %ys, %ys : tensor<9x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<9x3xf64> -> tensor<f64>
  %hh = adjit.mul %h, %h : tensor<3xf64>
  %lh = adjit.reduce_sum %hh, dims = [0] : tensor<3xf64> -> tensor<f64>
  %r = adjit.add %l, %lh : tensor<f64>
  return %r : tensor<f64>
}
