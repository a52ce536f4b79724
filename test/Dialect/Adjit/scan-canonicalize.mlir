// Canonicalization of adjit.scan: trip counts 0 and 1, unused stacked outputs.
// RUN: adjit-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func @length_zero
// CHECK-SAME: (%[[C:.*]]: tensor<2xf32>, %[[X:.*]]: tensor<0x3xf32>)
// CHECK-NOT: adjit.scan
// CHECK: %[[E:.*]] = adjit.constant dense<> : tensor<0x3xf32>
// CHECK: return %[[C]], %[[E]]
func.func @length_zero(%c0: tensor<2xf32>, %x: tensor<0x3xf32>)
    -> (tensor<2xf32>, tensor<0x3xf32>) {
  %r:2 = adjit.scan length = 0 init(%c0 : tensor<2xf32>) xs(%x : tensor<0x3xf32>)
      -> (tensor<2xf32>, tensor<0x3xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<3xf32>):
    %e = adjit.exp %xi : tensor<3xf32>
    adjit.yield %c, %e : tensor<2xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<0x3xf32>
}

// -----

// CHECK-LABEL: func @length_one
// CHECK-SAME: (%[[C:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<1x3xf32>, %[[W:.*]]: tensor<3xf32>)
// CHECK-NOT: adjit.scan
// CHECK: %[[XI:.*]] = adjit.reshape %[[X]] : tensor<1x3xf32> -> tensor<3xf32>
// CHECK: %[[M:.*]] = adjit.mul %[[C]], %[[W]]
// CHECK: %[[S:.*]] = adjit.add %[[M]], %[[XI]]
// CHECK: %[[Y:.*]] = adjit.reshape %[[S]] : tensor<3xf32> -> tensor<1x3xf32>
// CHECK: return %[[S]], %[[Y]]
func.func @length_one(%c0: tensor<3xf32>, %x: tensor<1x3xf32>, %w: tensor<3xf32>)
    -> (tensor<3xf32>, tensor<1x3xf32>) {
  %r:2 = adjit.scan length = 1 init(%c0 : tensor<3xf32>) xs(%x : tensor<1x3xf32>)
      consts(%w : tensor<3xf32>) -> (tensor<3xf32>, tensor<1x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %wi: tensor<3xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    adjit.yield %s, %s : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<3xf32>, tensor<1x3xf32>
}

// -----

// CHECK-LABEL: func @unused_output
// CHECK: %[[R:.*]] = adjit.scan length = 4 init(%{{.*}} : tensor<3xf32>) xs(%{{.*}} : tensor<4x3xf32>) -> (tensor<3xf32>)
// CHECK: adjit.yield %{{.*}} : tensor<3xf32>
// CHECK: return %[[R]]
func.func @unused_output(%c0: tensor<3xf32>, %x: tensor<4x3xf32>) -> tensor<3xf32> {
  %r:2 = adjit.scan length = 4 init(%c0 : tensor<3xf32>) xs(%x : tensor<4x3xf32>)
      -> (tensor<3xf32>, tensor<4x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>):
    %s = adjit.add %c, %xi : tensor<3xf32>
    %e = adjit.exp %s : tensor<3xf32>
    adjit.yield %s, %e : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0 : tensor<3xf32>
}

// -----

// A scan of several steps whose outputs are all used stays.
// CHECK-LABEL: func @no_change
// CHECK: adjit.scan length = 4
func.func @no_change(%c0: tensor<3xf32>, %x: tensor<4x3xf32>) -> (tensor<3xf32>, tensor<4x3xf32>) {
  %r:2 = adjit.scan length = 4 init(%c0 : tensor<3xf32>) xs(%x : tensor<4x3xf32>)
      -> (tensor<3xf32>, tensor<4x3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>):
    %s = adjit.add %c, %xi : tensor<3xf32>
    adjit.yield %s, %s : tensor<3xf32>, tensor<3xf32>
  }
  return %r#0, %r#1 : tensor<3xf32>, tensor<4x3xf32>
}

// -----

// Scanned inputs and consts that the body does not use are dropped.
// CHECK-LABEL: func @unused_inputs
// CHECK-SAME: (%[[C:.*]]: tensor<3xf32>, %[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<4x2xf32>, %[[W:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<2xf32>)
// CHECK: adjit.scan length = 4 init(%[[C]] : tensor<3xf32>) xs(%[[X]] : tensor<4x3xf32>) consts(%[[W]] : tensor<3xf32>) -> (tensor<3xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>, %{{.*}}: tensor<3xf32>):
func.func @unused_inputs(%c0: tensor<3xf32>, %x: tensor<4x3xf32>, %y: tensor<4x2xf32>,
                         %w: tensor<3xf32>, %v: tensor<2xf32>) -> tensor<3xf32> {
  %r = adjit.scan length = 4 init(%c0 : tensor<3xf32>) xs(%x, %y : tensor<4x3xf32>, tensor<4x2xf32>)
      consts(%w, %v : tensor<3xf32>, tensor<2xf32>) -> (tensor<3xf32>) {
  ^bb0(%c: tensor<3xf32>, %xi: tensor<3xf32>, %yi: tensor<2xf32>, %wi: tensor<3xf32>, %vi: tensor<2xf32>):
    %m = adjit.mul %c, %wi : tensor<3xf32>
    %s = adjit.add %m, %xi : tensor<3xf32>
    adjit.yield %s : tensor<3xf32>
  }
  return %r : tensor<3xf32>
}

// -----

// A constant trip count equal to the bound is the static scan.
// CHECK-LABEL: func @trip_count_at_bound
// CHECK: adjit.scan length = 3 init(
func.func @trip_count_at_bound(%c0: tensor<2xf32>, %x: tensor<3x2xf32>) -> tensor<2xf32> {
  %n = adjit.constant dense<3> : tensor<i64>
  %r = adjit.scan length = %n : tensor<i64> bound 3 init(%c0 : tensor<2xf32>)
      xs(%x : tensor<3x2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<2xf32>):
    %s = adjit.add %c, %xi : tensor<2xf32>
    adjit.yield %s : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

// A constant trip count 0 runs no step: the initial carries, zero stacks of
// the bound's length.
// CHECK-LABEL: func @trip_count_zero
// CHECK-SAME: (%[[C:.*]]: tensor<2xf32>, %[[X:.*]]: tensor<3x2xf32>)
// CHECK-NOT: adjit.scan
// CHECK: %[[Z:.*]] = adjit.constant dense<0.000000e+00> : tensor<3x2xf32>
// CHECK: return %[[C]], %[[Z]]
func.func @trip_count_zero(%c0: tensor<2xf32>, %x: tensor<3x2xf32>)
    -> (tensor<2xf32>, tensor<3x2xf32>) {
  %n = adjit.constant dense<0> : tensor<i64>
  %r:2 = adjit.scan length = %n : tensor<i64> bound 3 init(%c0 : tensor<2xf32>)
      xs(%x : tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<2xf32>):
    %s = adjit.add %c, %xi : tensor<2xf32>
    adjit.yield %s, %s : tensor<2xf32>, tensor<2xf32>
  }
  return %r#0, %r#1 : tensor<2xf32>, tensor<3x2xf32>
}

// -----

// Another constant trip count stays; a bound of 1 is not inlined, since the
// trip count may be 0. Unused inputs and outputs are still dropped.
// CHECK-LABEL: func @no_fold_trip_count
// CHECK: adjit.scan length = %{{.*}} : tensor<i64> bound 3 init(%{{.*}} : tensor<2xf32>) xs(%{{.*}} : tensor<3x2xf32>) -> (tensor<2xf32>)
// CHECK: adjit.scan length = %{{.*}} : tensor<i64> bound 1 init(
func.func @no_fold_trip_count(%c0: tensor<2xf32>, %x: tensor<3x2xf32>, %u: tensor<3x2xf32>,
                              %m: tensor<i64>, %y: tensor<1x2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %n = adjit.constant dense<2> : tensor<i64>
  %r:2 = adjit.scan length = %n : tensor<i64> bound 3 init(%c0 : tensor<2xf32>)
      xs(%x, %u : tensor<3x2xf32>, tensor<3x2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
  ^bb0(%c: tensor<2xf32>, %xi: tensor<2xf32>, %ui: tensor<2xf32>):
    %s = adjit.add %c, %xi : tensor<2xf32>
    adjit.yield %s, %s : tensor<2xf32>, tensor<2xf32>
  }
  %q = adjit.scan length = %m : tensor<i64> bound 1 init(%c0 : tensor<2xf32>)
      xs(%y : tensor<1x2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>, %yi: tensor<2xf32>):
    %s = adjit.add %c, %yi : tensor<2xf32>
    adjit.yield %s : tensor<2xf32>
  }
  return %r#0, %q : tensor<2xf32>, tensor<2xf32>
}
