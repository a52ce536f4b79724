// Gradients through adjit.scan against central finite differences (f64,
// relative error <= 1e-6): trip counts 0, 1 and 7, carries that the body
// swaps and passes through, an integer counter carry, a reverse scan, a scan
// nested in a scan's body, and second order (the gradient of a gradient,
// whose reverse loop is itself differentiated). With --pre=--canonicalize
// the trip counts 0 and 1 are folded before differentiation; without it the
// scans are differentiated as loops.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn | FileCheck %s --check-prefix=RNN
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn_once | FileCheck %s --check-prefix=ONCE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--canonicalize --function rnn_once | FileCheck %s --check-prefix=ONCE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function rnn_empty | FileCheck %s --check-prefix=EMPTY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--canonicalize --function rnn_empty | FileCheck %s --check-prefix=EMPTY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function swap_carries | FileCheck %s --check-prefix=SWAP
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function counter | FileCheck %s --check-prefix=COUNTER
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function reverse_cumprod --low 0.5 --high 1.5 | FileCheck %s --check-prefix=REVERSE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function nested | FileCheck %s --check-prefix=NESTED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=rnn_loss --function rnn_loss_grad --wrt 0,2 --of 1,3 | FileCheck %s --check-prefix=SECOND
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=nested --function nested_grad --wrt 0,1 --of 1,2 | FileCheck %s --check-prefix=SECOND-NESTED

// An Elman RNN over 7 steps: h' = tanh(h W + x_i); both the final state and
// every state are differentiated.
// RNN: @rnn wrt #0: ok
// RNN: @rnn wrt #1: ok
// RNN: @rnn wrt #2: ok
func.func @rnn(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<7x3xf64>) {
  %h, %ys = adjit.scan length = 7 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<7x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<7x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t, %t : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<7x3xf64>
}

// ONCE: @rnn_once wrt #0: ok
// ONCE: @rnn_once wrt #1: ok
// ONCE: @rnn_once wrt #2: ok
func.func @rnn_once(%h0: tensor<3xf64>, %x: tensor<1x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<1x3xf64>) {
  %h, %ys = adjit.scan length = 1 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<1x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<1x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<1x3xf64>
}

// With no steps the final carry is the initial one: its gradient passes
// through, the consts get none.
// EMPTY: @rnn_empty wrt #0: ok
// EMPTY: @rnn_empty wrt #1: ok
func.func @rnn_empty(%h0: tensor<3xf64>, %w: tensor<3xf64>) -> tensor<3xf64> {
  %h = adjit.scan length = 0 init(%h0 : tensor<3xf64>)
      consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    adjit.yield %p : tensor<3xf64>
  }
  %e = adjit.exp %h : tensor<3xf64>
  return %e : tensor<3xf64>
}

// Carries that trade places every step and one passed through unchanged.
// SWAP: @swap_carries wrt #0: ok
// SWAP: @swap_carries wrt #1: ok
// SWAP: @swap_carries wrt #2: ok
// SWAP: @swap_carries wrt #3: ok
func.func @swap_carries(%a: tensor<2xf64>, %b: tensor<2xf64>, %k: tensor<2xf64>,
                        %x: tensor<5x2xf64>)
    -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %r:3 = adjit.scan length = 5 init(%a, %b, %k : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>)
      xs(%x : tensor<5x2xf64>) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  ^bb0(%ca: tensor<2xf64>, %cb: tensor<2xf64>, %ck: tensor<2xf64>, %xi: tensor<2xf64>):
    %m = adjit.mul %ca, %ck : tensor<2xf64>
    %s = adjit.add %m, %xi : tensor<2xf64>
    adjit.yield %cb, %s, %ck : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
  }
  return %r#0, %r#1, %r#2 : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
}

// An i64 step counter carried beside the state: it is recomputed from the
// tape, never differentiated.
// COUNTER: @counter wrt #0: ok
// COUNTER: @counter wrt #1: ok
func.func @counter(%h0: tensor<2xf64>, %w: tensor<2xf64>) -> tensor<2xf64> {
  %n0 = adjit.constant dense<0> : tensor<2xi64>
  %r:2 = adjit.scan length = 4 init(%h0, %n0 : tensor<2xf64>, tensor<2xi64>)
      consts(%w : tensor<2xf64>) -> (tensor<2xf64>, tensor<2xi64>) {
  ^bb0(%h: tensor<2xf64>, %n: tensor<2xi64>, %wi: tensor<2xf64>):
    %one = adjit.constant dense<1> : tensor<2xi64>
    %n1 = adjit.add %n, %one : tensor<2xi64>
    %f = adjit.convert %n1 : tensor<2xi64> to tensor<2xf64>
    %p = adjit.mul %h, %wi : tensor<2xf64>
    %q = adjit.mul %p, %f : tensor<2xf64>
    %t = adjit.tanh %q : tensor<2xf64>
    adjit.yield %t, %n1 : tensor<2xf64>, tensor<2xi64>
  }
  return %r#0 : tensor<2xf64>
}

// A reverse scan: suffix products, stacked at their own index.
// REVERSE: @reverse_cumprod wrt #0: ok
func.func @reverse_cumprod(%x: tensor<6x2xf64>) -> tensor<6x2xf64> {
  %one = adjit.constant dense<1.0> : tensor<2xf64>
  %r:2 = adjit.scan reverse length = 6 init(%one : tensor<2xf64>)
      xs(%x : tensor<6x2xf64>) -> (tensor<2xf64>, tensor<6x2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>):
    %p = adjit.mul %c, %xi : tensor<2xf64>
    adjit.yield %p, %p : tensor<2xf64>, tensor<2xf64>
  }
  return %r#1 : tensor<6x2xf64>
}

// A scan in a scan's body: a 3x4 double loop with a carry in each.
// NESTED: @nested wrt #0: ok
// NESTED: @nested wrt #1: ok
func.func @nested(%h0: tensor<2xf64>, %x: tensor<3x4x2xf64>) -> tensor<2xf64> {
  %h = adjit.scan length = 3 init(%h0 : tensor<2xf64>)
      xs(%x : tensor<3x4x2xf64>) -> (tensor<2xf64>) {
  ^bb0(%c: tensor<2xf64>, %row: tensor<4x2xf64>):
    %inner = adjit.scan length = 4 init(%c : tensor<2xf64>)
        xs(%row : tensor<4x2xf64>) -> (tensor<2xf64>) {
    ^bb0(%d: tensor<2xf64>, %xi: tensor<2xf64>):
      %p = adjit.mul %d, %xi : tensor<2xf64>
      %s = adjit.sin %p : tensor<2xf64>
      %t = adjit.add %s, %d : tensor<2xf64>
      adjit.yield %t : tensor<2xf64>
    }
    %u = adjit.tanh %inner : tensor<2xf64>
    adjit.yield %u : tensor<2xf64>
  }
  return %h : tensor<2xf64>
}

// Second order: the Hessian of a scalar RNN loss, applied to directions.
// SECOND: @rnn_loss_grad wrt #0: ok
// SECOND: @rnn_loss_grad wrt #2: ok
// SECOND-NESTED: @nested_grad wrt #0: ok
// SECOND-NESTED: @nested_grad wrt #1: ok
func.func @rnn_loss(%h0: tensor<3xf64>, %x: tensor<5x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = 5 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<5x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<5x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t, %t : tensor<3xf64>, tensor<3xf64>
  }
  %sq = adjit.mul %ys, %ys : tensor<5x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<5x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}
