// adjit.scan with a trip count known only at run time, compiled once and run
// with n = 0, 1, 7 and the bound 9: running sums of the rows 0 .. n - 1
// (reverse: n - 1 down to 0); the rows from n on are zero. A count outside
// [0, bound] is clamped, never read out of bounds.
// RUN: adjit-run %s --entry=sums --arg='dense<0> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N0
// RUN: adjit-run %s --entry=sums --arg='dense<1> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N1
// RUN: adjit-run %s --entry=sums --arg='dense<7> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N7
// RUN: adjit-run %s --entry=sums --arg='dense<9> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N9
// RUN: adjit-run %s --entry=sums --arg='dense<12> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N9
// RUN: adjit-run %s --entry=sums --arg='dense<-3> : tensor<i64>' --arg='dense<0.5> : tensor<f64>' \
// RUN:   --arg='dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]> : tensor<9xf64>' | FileCheck %s --check-prefix=N0

// N0: dense<0.5> : tensor<f64>
// N0-NEXT: dense<[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<9xf64>
// N0-NEXT: dense<0.5> : tensor<f64>
// N0-NEXT: dense<[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<9xf64>

// N1: dense<1.5> : tensor<f64>
// N1-NEXT: dense<[1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<9xf64>
// N1-NEXT: dense<1.5> : tensor<f64>
// N1-NEXT: dense<[1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<9xf64>

// N7: dense<28.5> : tensor<f64>
// N7-NEXT: dense<[1.5, 3.5, 6.5, 10.5, 15.5, 21.5, 28.5, 0.0, 0.0]> : tensor<9xf64>
// N7-NEXT: dense<28.5> : tensor<f64>
// N7-NEXT: dense<[28.5, 27.5, 25.5, 22.5, 18.5, 13.5, 7.5, 0.0, 0.0]> : tensor<9xf64>

// N9: dense<45.5> : tensor<f64>
// N9-NEXT: dense<[1.5, 3.5, 6.5, 10.5, 15.5, 21.5, 28.5, 36.5, 45.5]> : tensor<9xf64>
// N9-NEXT: dense<45.5> : tensor<f64>
// N9-NEXT: dense<[45.5, 44.5, 42.5, 39.5, 35.5, 30.5, 24.5, 17.5, 9.5]> : tensor<9xf64>
func.func @sums(%n: tensor<i64>, %c0: tensor<f64>, %x: tensor<9xf64>)
    -> (tensor<f64>, tensor<9xf64>, tensor<f64>, tensor<9xf64>) {
  %f:2 = adjit.scan length = %n : tensor<i64> bound 9 init(%c0 : tensor<f64>)
      xs(%x : tensor<9xf64>) -> (tensor<f64>, tensor<9xf64>) {
  ^bb0(%c: tensor<f64>, %xi: tensor<f64>):
    %s = adjit.add %c, %xi : tensor<f64>
    adjit.yield %s, %s : tensor<f64>, tensor<f64>
  }
  %r:2 = adjit.scan reverse length = %n : tensor<i64> bound 9 init(%c0 : tensor<f64>)
      xs(%x : tensor<9xf64>) -> (tensor<f64>, tensor<9xf64>) {
  ^bb0(%c: tensor<f64>, %xi: tensor<f64>):
    %s = adjit.add %c, %xi : tensor<f64>
    adjit.yield %s, %s : tensor<f64>, tensor<f64>
  }
  return %f#0, %f#1, %r#0, %r#1 : tensor<f64>, tensor<9xf64>, tensor<f64>, tensor<9xf64>
}
