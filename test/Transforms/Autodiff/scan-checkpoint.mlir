// The adjoint of adjit.scan under each checkpoint policy.
// RUN: adjit-opt %s --adjit-autodiff="function=every3 cleanup=false" | FileCheck %s --check-prefix=EVERY
// RUN: adjit-opt %s --adjit-autodiff=function=sqrt9 --canonicalize --cse | FileCheck %s --check-prefix=SQRT
// RUN: adjit-opt %s --adjit-autodiff="function=recompute cleanup=false" | FileCheck %s --check-prefix=RECOMPUTE
// RUN: adjit-opt %s --adjit-autodiff=function=every3 | FileCheck %s --check-prefix=PRIMAL

// every 3 over 7 steps: the forward sweep runs two segments of 3 steps as an
// outer scan of length 2 (taping the 2 carries entering them) and the last
// step as an outer scan of length 1 (taping 1); the reverse sweep runs the
// segments in reverse, each recomputing its 3 carries (an inner scan with a
// local tape) and differentiating its steps (an inner reverse scan).
// EVERY-LABEL: func.func @every3_grad
// EVERY: %[[WHOLE:.*]] = adjit.reshape %{{.*}} : tensor<6x3xf32> -> tensor<2x3x3xf32>
// EVERY: %[[FWD:.*]]:3 = adjit.scan length = 2 init(%{{.*}} : tensor<3xf32>) xs(%[[WHOLE]] : tensor<2x3x3xf32>)
// EVERY-SAME: -> (tensor<3xf32>, tensor<2x3x3xf32>, tensor<2x3xf32>)
// EVERY: adjit.scan length = 3 init(
// EVERY-NOT: adjit.scan reverse
// EVERY: %[[LAST:.*]]:3 = adjit.scan length = 1 init(%[[FWD]]#0 : tensor<3xf32>)
// EVERY-SAME: -> (tensor<3xf32>, tensor<1x1x3xf32>, tensor<1x3xf32>)
// EVERY: adjit.concat
// EVERY: adjit.scan reverse length = 1 init(
// EVERY: adjit.scan length = 1 init(
// EVERY: adjit.scan reverse length = 1 init(
// EVERY: adjit.scan reverse length = 2 init({{.*}}) xs(%[[FWD]]#2,
// EVERY: adjit.scan length = 3 init(
// EVERY-SAME: -> (tensor<3xf32>, tensor<3x3xf32>, tensor<3x3xf32>)
// EVERY: adjit.scan reverse length = 3 init(
// EVERY: return
func.func @every3(%h0: tensor<3xf32>, %x: tensor<7x3xf32>, %w: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<7x3xf32>) {
  %h, %ys = adjit.scan length = 7 checkpoint = every 3 init(%h0 : tensor<3xf32>)
      xs(%x : tensor<7x3xf32>) consts(%w : tensor<3xf32>)
      -> (tensor<3xf32>, tensor<7x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    %t = adjit.tanh %s : tensor<3xf32>
    adjit.yield %t, %t : tensor<3xf32>, tensor<3xf32>
  }
  return %h, %ys : tensor<3xf32>, tensor<7x3xf32>
}

// The function itself keeps its single checkpointed scan.
// PRIMAL-LABEL: func.func @every3(
// PRIMAL: adjit.scan length = 7 checkpoint = every 3 init(
// PRIMAL-LABEL: func.func @every3_grad(

// sqrt over 9 steps: 3 segments of 3, a tape of 3 carries.
// SQRT-LABEL: func.func @sqrt9_grad
// SQRT: adjit.scan length = 3 init(%{{.*}} : tensor<3xf32>) xs(%{{.*}} : tensor<3x3x3xf32>) consts(%{{.*}} : tensor<3xf32>) -> (tensor<3xf32>, tensor<3x3xf32>)
// SQRT: adjit.scan length = 3 init(
// SQRT: adjit.scan reverse length = 3 init(
// SQRT: adjit.scan length = 3 init(
// SQRT-SAME: -> (tensor<3xf32>, tensor<3x3xf32>)
// SQRT: adjit.scan reverse length = 3 init(
// SQRT-NOT: adjit.scan
// SQRT: return
func.func @sqrt9(%h0: tensor<3xf32>, %x: tensor<9x3xf32>, %w: tensor<3xf32>)
    -> tensor<3xf32> {
  %h = adjit.scan length = 9 checkpoint = sqrt init(%h0 : tensor<3xf32>)
      xs(%x : tensor<9x3xf32>) consts(%w : tensor<3xf32>) -> (tensor<3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    %t = adjit.tanh %s : tensor<3xf32>
    adjit.yield %t : tensor<3xf32>
  }
  return %h : tensor<3xf32>
}

// recompute_all: the forward scan tapes nothing; the reverse scan keeps the
// policy, carries the position of the step it differentiates (from 4 down
// to 0), and recomputes that step's carry from the initial carry with a scan
// over all steps that keeps its carry from the position on.
// RECOMPUTE-LABEL: func.func @recompute_grad
// RECOMPUTE-SAME: (%[[H0:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<5x3xf32>, %[[W:.*]]: tensor<3xf32>,
// RECOMPUTE: %[[FWD:.*]] = adjit.scan length = 5 checkpoint = recompute_all init(%[[H0]] : tensor<3xf32>) xs(%[[X]] : tensor<5x3xf32>) consts(%[[W]] : tensor<3xf32>) -> (tensor<3xf32>) {
// RECOMPUTE: %[[LAST:.*]] = adjit.constant dense<4> : tensor<i64>
// RECOMPUTE: adjit.scan reverse length = 5 checkpoint = recompute_all init(%{{.*}}, %{{.*}}, %[[LAST]] : tensor<3xf32>, tensor<3xf32>, tensor<i64>) xs(%[[X]] : tensor<5x3xf32>) consts(%[[W]], %[[H0]], %[[X]] : tensor<3xf32>, tensor<3xf32>, tensor<5x3xf32>)
// RECOMPUTE-NEXT: ^bb0(%{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>, %[[POS:.*]]: tensor<i64>, %{{.*}}: tensor<3xf32>, %[[WI:.*]]: tensor<3xf32>, %[[INIT:.*]]: tensor<3xf32>, %[[XS:.*]]: tensor<5x3xf32>):
// RECOMPUTE: %[[CARRY:.*]]:2 = adjit.scan length = 5 checkpoint = recompute_all init(%[[INIT]], %{{.*}} : tensor<3xf32>, tensor<i64>) xs(%[[XS]] : tensor<5x3xf32>) consts(%[[WI]], %[[POS]] : tensor<3xf32>, tensor<i64>)
// RECOMPUTE: %[[BEFORE:.*]] = adjit.compare lt, %{{.*}}, %{{.*}} : tensor<i64>
// RECOMPUTE: %[[MASK:.*]] = adjit.broadcast %[[BEFORE]], dims = [] : tensor<i1> -> tensor<3xi1>
// RECOMPUTE: adjit.select %[[MASK]], %{{.*}}, %{{.*}} : tensor<3xf32>
// RECOMPUTE: adjit.mul %[[CARRY]]#0, %[[WI]]
// RECOMPUTE: %[[NEXT:.*]] = adjit.sub %[[POS]], %{{.*}} : tensor<i64>
// RECOMPUTE: adjit.yield %{{.*}}, %{{.*}}, %[[NEXT]], %{{.*}} : tensor<3xf32>, tensor<3xf32>, tensor<i64>, tensor<3xf32>
func.func @recompute(%h0: tensor<3xf32>, %x: tensor<5x3xf32>, %w: tensor<3xf32>)
    -> tensor<3xf32> {
  %h = adjit.scan length = 5 checkpoint = recompute_all init(%h0 : tensor<3xf32>)
      xs(%x : tensor<5x3xf32>) consts(%w : tensor<3xf32>) -> (tensor<3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    %t = adjit.tanh %s : tensor<3xf32>
    adjit.yield %t : tensor<3xf32>
  }
  return %h : tensor<3xf32>
}
