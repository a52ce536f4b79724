// The adjoint of a scan whose trip count is known only at run time: the
// reverse scan runs over the same trip count and bound; recompute_all starts
// its position at n - 1; every K becomes a nest whose outer scan runs the
// segments counted at run time and whose inner scans run min(K, n - s K)
// steps.
// RUN: adjit-opt %s --adjit-autodiff="function=rnn cleanup=false" | FileCheck %s
// RUN: adjit-opt %s --adjit-autodiff="function=recompute cleanup=false" | FileCheck %s --check-prefix=RECOMPUTE
// RUN: adjit-opt %s --adjit-autodiff=function=every3 --canonicalize --cse | FileCheck %s --check-prefix=EVERY

// CHECK-LABEL: func.func @rnn_grad
// CHECK-SAME: (%[[N:[^:]*]]: tensor<i64>,
// CHECK: %[[F:.*]]:3 = adjit.scan length = %[[N]] : tensor<i64> bound 6 init(
// CHECK-SAME: -> (tensor<2xf64>, tensor<6x2xf64>, tensor<6x2xf64>)
// CHECK: adjit.scan reverse length = %[[N]] : tensor<i64> bound 6 init(
// CHECK-SAME: xs(%[[F]]#2,
func.func @rnn(%n: tensor<i64>, %h0: tensor<2xf64>, %x: tensor<6x2xf64>, %w: tensor<2xf64>)
    -> (tensor<2xf64>, tensor<6x2xf64>) {
  %h, %ys = adjit.scan length = %n : tensor<i64> bound 6 init(%h0 : tensor<2xf64>)
      xs(%x : tensor<6x2xf64>) consts(%w : tensor<2xf64>) -> (tensor<2xf64>, tensor<6x2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>, %wi: tensor<2xf64>):
    %p = adjit.mul %c, %wi : tensor<2xf64>
    %s = adjit.add %p, %xi : tensor<2xf64>
    %t = adjit.tanh %s : tensor<2xf64>
    adjit.yield %t, %t : tensor<2xf64>, tensor<2xf64>
  }
  return %h, %ys : tensor<2xf64>, tensor<6x2xf64>
}

// RECOMPUTE-LABEL: func.func @recompute_grad
// RECOMPUTE-SAME: (%[[N:[^:]*]]: tensor<i64>,
// RECOMPUTE: %[[ONE:.*]] = adjit.constant dense<1> : tensor<i64>
// RECOMPUTE: %[[LAST:.*]] = adjit.sub %[[N]], %[[ONE]] : tensor<i64>
// RECOMPUTE: adjit.scan reverse length = %[[N]] : tensor<i64> bound 6 checkpoint = recompute_all init(%{{.*}}, %[[LAST]] :
// RECOMPUTE-SAME: consts({{.*}}, %[[N]] : {{.*}}, tensor<i64>)
// RECOMPUTE: ^bb0({{.*}}, %[[COUNT:[^:]*]]: tensor<i64>):
// RECOMPUTE: adjit.scan length = %[[COUNT]] : tensor<i64> bound 6 checkpoint = recompute_all
func.func @recompute(%n: tensor<i64>, %h0: tensor<2xf64>, %x: tensor<6x2xf64>, %w: tensor<2xf64>)
    -> tensor<2xf64> {
  %h = adjit.scan length = %n : tensor<i64> bound 6 checkpoint = recompute_all init(%h0 : tensor<2xf64>)
      xs(%x : tensor<6x2xf64>) consts(%w : tensor<2xf64>) -> (tensor<2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>, %wi: tensor<2xf64>):
    %p = adjit.mul %c, %wi : tensor<2xf64>
    %s = adjit.add %p, %xi : tensor<2xf64>
    %t = adjit.tanh %s : tensor<2xf64>
    adjit.yield %t : tensor<2xf64>
  }
  return %h : tensor<2xf64>
}

// The forward sweep tapes one carry per segment: 2 segments of 3 for the
// bound 6, ceil(n / 3) of them at run time.
// EVERY-LABEL: func.func @every3_grad
// EVERY: %[[SEGMENTS:.*]] = adjit.convert %{{.*}} : tensor<f64> to tensor<i64>
// EVERY: adjit.gather %{{.*}} dim = 0 : tensor<6x2xf64>, tensor<6x2xi64> -> tensor<6x2xf64>
// EVERY: %[[OUTER:.*]]:2 = adjit.scan length = %[[SEGMENTS]] : tensor<i64> bound 2 init({{.*}}) xs(%{{.*}}, %{{.*}} : tensor<2xi64>, tensor<2x3x2xf64>)
// EVERY-SAME: -> (tensor<2xf64>, tensor<2x2xf64>)
// EVERY: ^bb0(%{{.*}}: tensor<2xf64>, %[[S:[^:]*]]: tensor<i64>, %{{.*}}: tensor<3x2xf64>, %{{.*}}: tensor<2xf64>, %[[CN:[^:]*]]: tensor<i64>, %[[K:[^:]*]]: tensor<i64>):
// EVERY: %[[SK:.*]] = adjit.mul %[[S]], %[[K]] : tensor<i64>
// EVERY: %[[REST:.*]] = adjit.sub %[[CN]], %[[SK]] : tensor<i64>
// EVERY: %[[STEPS:.*]] = adjit.min %[[K]], %[[REST]] : tensor<i64>
// EVERY: adjit.scan length = %[[STEPS]] : tensor<i64> bound 3
// EVERY: adjit.scan reverse length = %[[SEGMENTS]] : tensor<i64> bound 2
func.func @every3(%n: tensor<i64>, %h0: tensor<2xf64>, %x: tensor<6x2xf64>, %w: tensor<2xf64>)
    -> tensor<2xf64> {
  %h = adjit.scan length = %n : tensor<i64> bound 6 checkpoint = every 3 init(%h0 : tensor<2xf64>)
      xs(%x : tensor<6x2xf64>) consts(%w : tensor<2xf64>) -> (tensor<2xf64>) {
  ^bb0(%c: tensor<2xf64>, %xi: tensor<2xf64>, %wi: tensor<2xf64>):
    %p = adjit.mul %c, %wi : tensor<2xf64>
    %s = adjit.add %p, %xi : tensor<2xf64>
    %t = adjit.tanh %s : tensor<2xf64>
    adjit.yield %t : tensor<2xf64>
  }
  return %h : tensor<2xf64>
}
