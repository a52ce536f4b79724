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
