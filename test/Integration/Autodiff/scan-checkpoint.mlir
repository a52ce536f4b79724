// Gradients through checkpointed adjit.scan loops against central finite
// differences (f64, relative error <= 1e-6): every checkpoint policy with
// trip counts 0 (where the policy fits), 1 and 7, segment lengths that do
// and do not divide the trip count, reverse scans, several carries and an
// integer carry, a checkpointed scan in a checkpointed scan's body, and
// second order through one checkpointed loop of each policy.
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every3 | FileCheck %s --check-prefix=EVERY3
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every7 | FileCheck %s --check-prefix=EVERY7
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function every2_reverse | FileCheck %s --check-prefix=EVERY2R
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function sqrt7 | FileCheck %s --check-prefix=SQRT7
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function recompute7 | FileCheck %s --check-prefix=RECOMPUTE7
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function recompute7_reverse | FileCheck %s --check-prefix=RECOMPUTE7R
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function once | FileCheck %s --check-prefix=ONCE
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function empty | FileCheck %s --check-prefix=EMPTY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function swap_every2 | FileCheck %s --check-prefix=SWAP
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function counter_recompute | FileCheck %s --check-prefix=COUNTER
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --function nested_checkpoints | FileCheck %s --check-prefix=NESTED
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss_every3 --function loss_every3_grad --wrt 0,2 --of 1,3 | FileCheck %s --check-prefix=SECOND-EVERY
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss_sqrt --function loss_sqrt_grad --wrt 0,2 --of 1,3 | FileCheck %s --check-prefix=SECOND-SQRT
// RUN: %python %S/gradcheck.py %s --opt adjit-opt --run adjit-run --pre=--adjit-autodiff=function=loss_recompute --function loss_recompute_grad --wrt 0,2 --of 1,3 | FileCheck %s --check-prefix=SECOND-RECOMPUTE

// An Elman RNN over 7 steps taped every 3 steps: segments of 3, 3 and 1.
// EVERY3: @every3 wrt #0: ok
// EVERY3: @every3 wrt #1: ok
// EVERY3: @every3 wrt #2: ok
func.func @every3(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<7x3xf64>) {
  %h, %ys = adjit.scan length = 7 checkpoint = every 3 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<7x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<7x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<7x3xf64>
}

// One segment of the whole length: only the initial carry is taped.
// EVERY7: @every7 wrt #0: ok
// EVERY7: @every7 wrt #1: ok
// EVERY7: @every7 wrt #2: ok
func.func @every7(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<7x3xf64>) {
  %h, %ys = adjit.scan length = 7 checkpoint = every 7 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<7x3xf64>) consts(%w : tensor<3xf64>)
      -> (tensor<3xf64>, tensor<7x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    adjit.yield %t, %s : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<7x3xf64>
}

// A reverse scan in segments of 2: the whole segments are rows 1..6, the
// last segment row 0.
// EVERY2R: @every2_reverse wrt #0: ok
// EVERY2R: @every2_reverse wrt #1: ok
func.func @every2_reverse(%c0: tensor<2xf64>, %x: tensor<7x2xf64>)
    -> (tensor<2xf64>, tensor<7x2xf64>) {
  %r:2 = adjit.scan reverse length = 7 checkpoint = every 2 init(%c0 : tensor<2xf64>)
      xs(%x : tensor<7x2xf64>) -> (tensor<2xf64>, tensor<7x2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>):
    %p = adjit.mul %c, %xi : tensor<2xf64>
    %t = adjit.tanh %p : tensor<2xf64>
    %s = adjit.add %t, %xi : tensor<2xf64>
    adjit.yield %s, %p : tensor<2xf64>, tensor<2xf64>
  }
  return %r#0, %r#1 : tensor<2xf64>, tensor<7x2xf64>
}

// sqrt over 7 steps: segments of ceil(sqrt(7)) = 3.
// SQRT7: @sqrt7 wrt #0: ok
// SQRT7: @sqrt7 wrt #1: ok
// SQRT7: @sqrt7 wrt #2: ok
func.func @sqrt7(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<3xf64> {
  %h = adjit.scan length = 7 checkpoint = sqrt init(%h0 : tensor<3xf64>)
      xs(%x : tensor<7x3xf64>) consts(%w : tensor<3x3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t : tensor<3xf64>
  }
  return %h : tensor<3xf64>
}

// recompute_all: every reverse step recomputes its carry from the start.
// RECOMPUTE7: @recompute7 wrt #0: ok
// RECOMPUTE7: @recompute7 wrt #1: ok
// RECOMPUTE7: @recompute7 wrt #2: ok
func.func @recompute7(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> (tensor<3xf64>, tensor<7x3xf64>) {
  %h, %ys = adjit.scan length = 7 checkpoint = recompute_all init(%h0 : tensor<3xf64>)
      xs(%x : tensor<7x3xf64>) consts(%w : tensor<3x3xf64>)
      -> (tensor<3xf64>, tensor<7x3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3x3xf64>):
    %m = adjit.reshape %c : tensor<3xf64> -> tensor<1x3xf64>
    %p = adjit.matmul %m, %wi : tensor<1x3xf64>, tensor<3x3xf64> -> tensor<1x3xf64>
    %q = adjit.reshape %p : tensor<1x3xf64> -> tensor<3xf64>
    %s = adjit.add %q, %xi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    %y = adjit.mul %t, %c : tensor<3xf64>
    adjit.yield %t, %y : tensor<3xf64>, tensor<3xf64>
  }
  return %h, %ys : tensor<3xf64>, tensor<7x3xf64>
}

// RECOMPUTE7R: @recompute7_reverse wrt #0: ok
// RECOMPUTE7R: @recompute7_reverse wrt #1: ok
func.func @recompute7_reverse(%c0: tensor<2xf64>, %x: tensor<7x2xf64>)
    -> (tensor<2xf64>, tensor<7x2xf64>) {
  %r:2 = adjit.scan reverse length = 7 checkpoint = recompute_all init(%c0 : tensor<2xf64>)
      xs(%x : tensor<7x2xf64>) -> (tensor<2xf64>, tensor<7x2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>):
    %p = adjit.mul %c, %xi : tensor<2xf64>
    %t = adjit.tanh %p : tensor<2xf64>
    %s = adjit.add %t, %xi : tensor<2xf64>
    adjit.yield %s, %p : tensor<2xf64>, tensor<2xf64>
  }
  return %r#0, %r#1 : tensor<2xf64>, tensor<7x2xf64>
}

// One step under each policy (every 1 is the only segment length that fits).
// ONCE: @once wrt #0: ok
// ONCE: @once wrt #1: ok
// ONCE: @once wrt #2: ok
func.func @once(%h0: tensor<3xf64>, %x: tensor<1x3xf64>, %w: tensor<3xf64>)
    -> (tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) {
  %a = adjit.scan length = 1 checkpoint = every 1 init(%h0 : tensor<3xf64>)
      xs(%x : tensor<1x3xf64>) consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.add %p, %xi : tensor<3xf64>
    %t = adjit.sin %s : tensor<3xf64>
    adjit.yield %t : tensor<3xf64>
  }
  %b = adjit.scan length = 1 checkpoint = sqrt init(%a : tensor<3xf64>)
      xs(%x : tensor<1x3xf64>) consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %xi : tensor<3xf64>
    %s = adjit.add %p, %wi : tensor<3xf64>
    %t = adjit.tanh %s : tensor<3xf64>
    adjit.yield %t : tensor<3xf64>
  }
  %d = adjit.scan length = 1 checkpoint = recompute_all init(%b : tensor<3xf64>)
      xs(%x : tensor<1x3xf64>) consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %xi: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    %s = adjit.mul %p, %xi : tensor<3xf64>
    %t = adjit.cos %s : tensor<3xf64>
    adjit.yield %t : tensor<3xf64>
  }
  return %a, %b, %d : tensor<3xf64>, tensor<3xf64>, tensor<3xf64>
}

// No step: the gradient of the initial carry passes through.
// EMPTY: @empty wrt #0: ok
// EMPTY: @empty wrt #1: ok
func.func @empty(%h0: tensor<3xf64>, %w: tensor<3xf64>) -> (tensor<3xf64>, tensor<3xf64>) {
  %a = adjit.scan length = 0 checkpoint = sqrt init(%h0 : tensor<3xf64>)
      consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    adjit.yield %p : tensor<3xf64>
  }
  %b = adjit.scan length = 0 checkpoint = recompute_all init(%h0 : tensor<3xf64>)
      consts(%w : tensor<3xf64>) -> (tensor<3xf64>) {
  ^bb0(%c: tensor<3xf64>, %wi: tensor<3xf64>):
    %p = adjit.mul %c, %wi : tensor<3xf64>
    adjit.yield %p : tensor<3xf64>
  }
  %e = adjit.exp %a : tensor<3xf64>
  %s = adjit.sin %b : tensor<3xf64>
  return %e, %s : tensor<3xf64>, tensor<3xf64>
}

// Carries that trade places every step and one passed through unchanged, in
// segments of 2 over 5 steps.
// SWAP: @swap_every2 wrt #0: ok
// SWAP: @swap_every2 wrt #1: ok
// SWAP: @swap_every2 wrt #2: ok
// SWAP: @swap_every2 wrt #3: ok
func.func @swap_every2(%a: tensor<2xf64>, %b: tensor<2xf64>, %k: tensor<2xf64>,
                       %x: tensor<5x2xf64>)
    -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  %r:3 = adjit.scan length = 5 checkpoint = every 2 init(%a, %b, %k : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>)
      xs(%x : tensor<5x2xf64>) -> (tensor<2xf64>, tensor<2xf64>, tensor<2xf64>) {
  ^bb0(%ca: tensor<2xf64>, %cb: tensor<2xf64>, %ck: tensor<2xf64>, %xi: tensor<2xf64>):
    %m = adjit.mul %ca, %ck : tensor<2xf64>
    %s = adjit.add %m, %xi : tensor<2xf64>
    adjit.yield %cb, %s, %ck : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
  }
  return %r#0, %r#1, %r#2 : tensor<2xf64>, tensor<2xf64>, tensor<2xf64>
}

// An i64 step counter carried beside the state, recomputed with it.
// COUNTER: @counter_recompute wrt #0: ok
// COUNTER: @counter_recompute wrt #1: ok
func.func @counter_recompute(%h0: tensor<2xf64>, %w: tensor<2xf64>) -> tensor<2xf64> {
  %n0 = adjit.constant dense<0> : tensor<2xi64>
  %r:2 = adjit.scan length = 4 checkpoint = recompute_all init(%h0, %n0 : tensor<2xf64>, tensor<2xi64>)
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

// A scan in segments of 2 inside the body of a sqrt scan, and a
// recompute_all scan inside a scan in segments of 2.
// NESTED: @nested_checkpoints wrt #0: ok
// NESTED: @nested_checkpoints wrt #1: ok
func.func @nested_checkpoints(%h0: tensor<2xf64>, %x: tensor<5x3x2xf64>) -> tensor<2xf64> {
  %h = adjit.scan length = 5 checkpoint = sqrt init(%h0 : tensor<2xf64>)
      xs(%x : tensor<5x3x2xf64>) -> (tensor<2xf64>) {
  ^bb0(%c: tensor<2xf64>, %row: tensor<3x2xf64>):
    %inner = adjit.scan length = 3 checkpoint = every 2 init(%c : tensor<2xf64>)
        xs(%row : tensor<3x2xf64>) -> (tensor<2xf64>) {
    ^bb0(%d: tensor<2xf64>, %xi: tensor<2xf64>):
      %p = adjit.mul %d, %xi : tensor<2xf64>
      %s = adjit.sin %p : tensor<2xf64>
      %t = adjit.add %s, %d : tensor<2xf64>
      adjit.yield %t : tensor<2xf64>
    }
    %u = adjit.tanh %inner : tensor<2xf64>
    adjit.yield %u : tensor<2xf64>
  }
  %g = adjit.scan length = 5 checkpoint = every 2 init(%h : tensor<2xf64>)
      xs(%x : tensor<5x3x2xf64>) -> (tensor<2xf64>) {
  ^bb0(%c: tensor<2xf64>, %row: tensor<3x2xf64>):
    %inner = adjit.scan length = 3 checkpoint = recompute_all init(%c : tensor<2xf64>)
        xs(%row : tensor<3x2xf64>) -> (tensor<2xf64>) {
    ^bb0(%d: tensor<2xf64>, %xi: tensor<2xf64>):
      %p = adjit.mul %d, %xi : tensor<2xf64>
      %s = adjit.cos %p : tensor<2xf64>
      %t = adjit.add %s, %d : tensor<2xf64>
      adjit.yield %t : tensor<2xf64>
    }
    adjit.yield %inner : tensor<2xf64>
  }
  return %g : tensor<2xf64>
}

// Second order: the Hessian of a scalar RNN loss applied to directions,
// through one loop of each checkpoint policy.
// SECOND-EVERY: @loss_every3_grad wrt #0: ok
// SECOND-EVERY: @loss_every3_grad wrt #2: ok
// SECOND-SQRT: @loss_sqrt_grad wrt #0: ok
// SECOND-SQRT: @loss_sqrt_grad wrt #2: ok
// SECOND-RECOMPUTE: @loss_recompute_grad wrt #0: ok
// SECOND-RECOMPUTE: @loss_recompute_grad wrt #2: ok
func.func @loss_every3(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = 7 checkpoint = every 3 init(%h0 : tensor<3xf64>)
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
  %sq = adjit.mul %ys, %ys : tensor<7x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<7x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @loss_sqrt(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = 7 checkpoint = sqrt init(%h0 : tensor<3xf64>)
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
  %sq = adjit.mul %ys, %ys : tensor<7x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<7x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}

func.func @loss_recompute(%h0: tensor<3xf64>, %x: tensor<7x3xf64>, %w: tensor<3x3xf64>)
    -> tensor<f64> {
  %h, %ys = adjit.scan length = 7 checkpoint = recompute_all init(%h0 : tensor<3xf64>)
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
  %sq = adjit.mul %ys, %ys : tensor<7x3xf64>
  %l = adjit.reduce_sum %sq, dims = [0, 1] : tensor<7x3xf64> -> tensor<f64>
  return %l : tensor<f64>
}
