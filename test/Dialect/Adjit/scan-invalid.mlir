// Verifier errors of adjit.scan and adjit.yield.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @carry_changes_type(%c0: tensor<2xf32>) -> tensor<2xf32> {
  %r = adjit.scan length = 3 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    %d = adjit.convert %c : tensor<2xf32> to tensor<2xf64>
    // expected-error @+1 {{'adjit.yield' op carry #0 changes type: the body yields 'tensor<2xf64>' for a carry of type 'tensor<2xf32>' (a carry keeps its type through the loop)}}
    adjit.yield %d : tensor<2xf64>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @mismatched_lengths(%a: tensor<3x2xf32>, %b: tensor<4x2xf32>) {
  // expected-error @+1 {{'adjit.scan' op scanned input #1 of type 'tensor<4x2xf32>' has leading dimension 4, but the scan length is 3 (every scanned input has the scan length as its leading dimension)}}
  %r = adjit.scan length = 3 xs(%a, %b : tensor<3x2xf32>, tensor<4x2xf32>) -> (tensor<3x2xf32>) {
  ^bb0(%x: tensor<2xf32>, %y: tensor<4xf32>):
    adjit.yield %x : tensor<2xf32>
  }
  return
}

// -----

func.func @scalar_xs(%a: tensor<f32>) {
  // expected-error @+1 {{'adjit.scan' op scanned input #0 of type 'tensor<f32>' has no leading dimension to scan over (rank 0)}}
  adjit.scan length = 1 xs(%a : tensor<f32>) {
  ^bb0(%x: tensor<f32>):
    adjit.yield
  }
  return
}

// -----

func.func @negative_length() {
  // expected-error @+1 {{'adjit.scan' op length must be >= 0, got -1}}
  adjit.scan length = -1 {
  ^bb0:
    adjit.yield
  }
  return
}

// -----

func.func @final_carry_type(%c0: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.scan' op final carry #0 has type 'tensor<3xf32>', but its initial value has type 'tensor<2xf32>'}}
  %r = adjit.scan length = 2 init(%c0 : tensor<2xf32>) -> (tensor<3xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return
}

// -----

func.func @too_few_results(%c0: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.scan' op has 0 results for 1 carries (expected the final carries, then the stacked outputs)}}
  adjit.scan length = 2 init(%c0 : tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return
}

// -----

func.func @stacked_length(%c0: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.scan' op stacked output #0 of type 'tensor<3x2xf32>' must have the scan length 2 as its leading dimension}}
  %r:2 = adjit.scan length = 2 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>, tensor<3x2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c, %c : tensor<2xf32>, tensor<2xf32>
  }
  return
}

// -----

func.func @argument_count(%c0: tensor<2xf32>, %w: tensor<f32>) {
  // expected-error @+1 {{'adjit.scan' op body has 1 arguments, expected 2 (1 carries, 0 slices, 1 consts)}}
  %r = adjit.scan length = 2 init(%c0 : tensor<2xf32>) consts(%w : tensor<f32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return
}

// -----

func.func @slice_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.scan' op body argument #0 has type 'tensor<2x3xf32>', expected 'tensor<3xf32>'}}
  adjit.scan length = 2 xs(%x : tensor<2x3xf32>) {
  ^bb0(%xi: tensor<2x3xf32>):
    adjit.yield
  }
  return
}

// -----

func.func @yield_count(%c0: tensor<2xf32>) {
  %r:2 = adjit.scan length = 2 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>, tensor<2x2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    // expected-error @+1 {{'adjit.yield' op yields 1 values, but the scan has 1 carries and 1 stacked outputs}}
    adjit.yield %c : tensor<2xf32>
  }
  return
}

// -----

func.func @step_output_type(%c0: tensor<2xf32>) {
  %r:2 = adjit.scan length = 2 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>, tensor<2x2xf64>) {
  ^bb0(%c: tensor<2xf32>):
    // expected-error @+1 {{'adjit.yield' op step output #0 of type 'tensor<2xf32>' does not stack to the result type 'tensor<2x2xf64>'}}
    adjit.yield %c, %c : tensor<2xf32>, tensor<2xf32>
  }
  return
}

// -----

func.func @implicit_capture(%c0: tensor<2xf32>, %w: tensor<2xf32>) {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = adjit.scan length = 2 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    // expected-error @+1 {{using value defined outside the region}}
    %d = adjit.add %c, %w : tensor<2xf32>
    adjit.yield %d : tensor<2xf32>
  }
  return
}

// -----

func.func @yield_outside(%c0: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.yield' op expects parent op 'adjit.scan'}}
  adjit.yield %c0 : tensor<2xf32>
}

// -----

func.func @checkpoint_every_zero(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every 0 does not fit the trip count 4: K must be between 1 and the length}}
  %r = adjit.scan length = 4 checkpoint = every 0 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_every_negative(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every -2 does not fit the trip count 4: K must be between 1 and the length}}
  %r = adjit.scan length = 4 checkpoint = every -2 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_every_beyond_length(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every 5 does not fit the trip count 4: K must be between 1 and the length}}
  %r = adjit.scan length = 4 checkpoint = every 5 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_every_empty_scan(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every 1 does not fit the trip count 0: K must be between 1 and the length (a scan of length 0 has no step to checkpoint: use store_all, sqrt or recompute_all)}}
  %r = adjit.scan length = 0 checkpoint = every 1 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_every_without_k(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every needs a segment length K (checkpoint = every K, 1 <= K <= length)}}
  %r = "adjit.scan"(%c0) <{checkpoint = 3 : i64, length = 4 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}> ({
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }) : (tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_k_without_every(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op has checkpoint_every = 2 with checkpoint = sqrt (a segment length belongs to checkpoint = every K only)}}
  %r = "adjit.scan"(%c0) <{checkpoint = 2 : i64, checkpoint_every = 2 : i64, length = 4 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}> ({
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }) : (tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_unknown(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{unknown checkpoint policy 'half' (expected store_all, recompute_all, sqrt or every K)}}
  %r = adjit.scan length = 4 checkpoint = half init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @checkpoint_out_of_range(%c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{invalid properties {checkpoint = 9 : i64, length = 4 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>} for op adjit.scan: Invalid attribute `checkpoint` in property conversion: 9 : i64}}
  %r = "adjit.scan"(%c0) <{checkpoint = 9 : i64, length = 4 : i64, operandSegmentSizes = array<i32: 1, 0, 0, 0>}> ({
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }) : (tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func @trip_count_not_0d(%n: tensor<1xi64>, %c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op trip count must be a 0-d i64 tensor (the number of steps, known at run time), got 'tensor<1xi64>'}}
  %r = adjit.scan length = %n : tensor<1xi64> bound 4 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @trip_count_float(%n: tensor<f32>, %c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op trip count must be a 0-d i64 tensor (the number of steps, known at run time), got 'tensor<f32>'}}
  %r = adjit.scan length = %n : tensor<f32> bound 4 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @trip_count_xs_not_bound(%n: tensor<i64>, %x: tensor<3x2xf32>) {
  // expected-error @+1 {{'adjit.scan' op scanned input #0 of type 'tensor<3x2xf32>' has leading dimension 3, but the scan length is 4 (every scanned input has the scan length as its leading dimension)}}
  adjit.scan length = %n : tensor<i64> bound 4 xs(%x : tensor<3x2xf32>) {
  ^bb0(%xi: tensor<2xf32>):
    adjit.yield
  }
  return
}

// -----

func.func @trip_count_every_above_bound(%n: tensor<i64>, %c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'adjit.scan' op checkpoint = every 5 does not fit the trip count 4: K must be between 1 and the length}}
  %r = adjit.scan length = %n : tensor<i64> bound 4 checkpoint = every 5 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @trip_count_missing_bound(%n: tensor<i64>, %c0: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{expected 'bound'}}
  %r = adjit.scan length = %n : tensor<i64> 4 init(%c0 : tensor<2xf32>) -> (tensor<2xf32>) {
  ^bb0(%c: tensor<2xf32>):
    adjit.yield %c : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}
