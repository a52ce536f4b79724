// The adjoint of adjit.scan: the forward scan stores the carry entering every
// step (one stacked tensor per carry, nothing for the consts), and a scan in
// the opposite direction recomputes each step from it and differentiates it.
// RUN: adjit-opt %s --adjit-autodiff="function=rnn cleanup=false" | FileCheck %s --check-prefix=RAW
// RUN: adjit-opt %s --adjit-autodiff=function=rnn --canonicalize --cse | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff="function=inactive_carry wrt=1" | FileCheck %s --check-prefix=ACTIVITY

// RAW-LABEL: func.func @rnn_grad
// RAW-SAME: (%[[H0:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<5x3xf32>, %[[W:.*]]: tensor<3xf32>, %[[DH:.*]]: tensor<3xf32>, %[[DYS:.*]]: tensor<5x3xf32>)
// The forward scan returns its results and the tape of input carries.
// RAW: %[[FWD:.*]]:3 = adjit.scan length = 5 init(%[[H0]] : tensor<3xf32>) xs(%[[X]] : tensor<5x3xf32>) consts(%[[W]] : tensor<3xf32>) -> (tensor<3xf32>, tensor<5x3xf32>, tensor<5x3xf32>)
// RAW-NEXT: ^bb0(%[[C:.*]]: tensor<3xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>):
// RAW: adjit.yield %{{.*}}, %{{.*}}, %[[C]] : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
// The reverse scan: carries (adjoint of h, sum of adjoints of w), slices
// (tape, x, adjoint of ys), consts (w).
// RAW: %[[ZERO:.*]] = adjit.constant dense<0.000000e+00> : tensor<3xf32>
// RAW: %[[REV:.*]]:3 = adjit.scan reverse length = 5 init(%[[DH]], %[[ZERO]] : tensor<3xf32>, tensor<3xf32>) xs(%[[FWD]]#2, %[[X]], %[[DYS]] : tensor<5x3xf32>, tensor<5x3xf32>, tensor<5x3xf32>) consts(%[[W]] : tensor<3xf32>) -> (tensor<3xf32>, tensor<3xf32>, tensor<5x3xf32>)
// RAW-NEXT: ^bb0(%[[DC:.*]]: tensor<3xf32>, %[[DW:.*]]: tensor<3xf32>, %[[TC:.*]]: tensor<3xf32>, %[[XI:.*]]: tensor<3xf32>, %[[DY:.*]]: tensor<3xf32>, %[[WI:.*]]: tensor<3xf32>):
// The step is recomputed from the taped carry ...
// RAW: %[[M:.*]] = adjit.mul %[[TC]], %[[WI]]
// RAW: %[[S:.*]] = adjit.add %[[M]], %[[XI]]
// RAW: %[[T:.*]] = adjit.tanh %[[S]]
// ... and differentiated: the adjoint of the new carry and of the output add.
// RAW: %[[SEED:.*]] = adjit.add %[[DC]], %[[DY]]
// RAW: %[[DWI:.*]] = adjit.mul %{{.*}}, %[[TC]]
// RAW: %[[DWSUM:.*]] = adjit.add %[[DW]], %[[DWI]]
// RAW: adjit.yield %{{.*}}, %[[DWSUM]], %{{.*}} : tensor<3xf32>, tensor<3xf32>, tensor<3xf32>
// RAW: return %[[FWD]]#0, %[[FWD]]#1, %[[REV]]#0, %[[REV]]#2, %[[REV]]#1

// Canonicalized, the gradient is two loops.
// CHECK-LABEL: func.func @rnn_grad
// CHECK-COUNT-1: adjit.scan length = 5
// CHECK: adjit.scan reverse length = 5
// CHECK-NOT: adjit.scan
// CHECK: return
func.func @rnn(%h0: tensor<3xf32>, %x: tensor<5x3xf32>, %w: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<5x3xf32>) {
  %h, %ys = adjit.scan length = 5 init(%h0 : tensor<3xf32>)
      xs(%x : tensor<5x3xf32>) consts(%w : tensor<3xf32>)
      -> (tensor<3xf32>, tensor<5x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    %t = adjit.tanh %s : tensor<3xf32>
    adjit.yield %t, %t : tensor<3xf32>, tensor<3xf32>
  }
  return %h, %ys : tensor<3xf32>, tensor<5x3xf32>
}

// Loop-carried activity: differentiated with respect to the consts only,
// the carry %a still becomes varied through the body (a' = a * w), so the
// reverse loop carries its adjoint; the carry %b, which never depends on w,
// takes none, and neither does %x.
// ACTIVITY-LABEL: func.func @inactive_carry_grad
// ACTIVITY: adjit.scan reverse length = 4 init(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xf32>) xs
// ACTIVITY-SAME: -> (tensor<2xf32>, tensor<2xf32>)
func.func @inactive_carry(%a0: tensor<2xf32>, %w: tensor<2xf32>, %x: tensor<4x2xf32>)
    -> tensor<2xf32> {
  %r:2 = adjit.scan length = 4 init(%a0, %a0 : tensor<2xf32>, tensor<2xf32>)
      xs(%x : tensor<4x2xf32>) consts(%w : tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  ^bb0(%a: tensor<2xf32>, %b: tensor<2xf32>, %xi: tensor<2xf32>, %wi: tensor<2xf32>):
    %p = adjit.mul %a, %wi : tensor<2xf32>
    %q = adjit.add %b, %xi : tensor<2xf32>
    %s = adjit.add %p, %q : tensor<2xf32>
    adjit.yield %s, %q : tensor<2xf32>, tensor<2xf32>
  }
  return %r#0 : tensor<2xf32>
}

// After canonicalization the tape of %b, which the reverse sweep does not
// need, is gone: the forward scan stacks only %a.
// RUN: adjit-opt %s "--adjit-autodiff=function=inactive_carry wrt=1 name=tape" --canonicalize | FileCheck %s --check-prefix=TAPE
// TAPE-LABEL: func.func @tape
// TAPE: adjit.scan length = 4 init(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xf32>) xs(%{{.*}} : tensor<4x2xf32>) consts(%{{.*}} : tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<4x2xf32>)
// TAPE: adjit.scan reverse length = 4 init(%{{.*}}, %{{.*}} : tensor<2xf32>, tensor<2xf32>) xs(%{{.*}} : tensor<4x2xf32>) consts(%{{.*}} : tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>)
