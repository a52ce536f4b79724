// adjit.dropout_mask compiled and run: the masks of the eager runtime's
// Philox stream (adjit/Semantics/Philox.h) for p = 0.5, i.e. 2 where kept.
// A mask of 2x4 elements from offset 0 equals the first 8 elements of the
// stream, and from offset 8 the next 8.
// RUN: adjit-run %s --entry=mask --arg='dense<0> : tensor<i64>' \
// RUN:   --arg='dense<0> : tensor<i64>' | FileCheck %s --check-prefix=SEED0
// RUN: adjit-run %s --entry=mask --arg='dense<0> : tensor<i64>' \
// RUN:   --arg='dense<8> : tensor<i64>' | FileCheck %s --check-prefix=OFFSET8
// RUN: adjit-run %s --entry=mask --arg='dense<42> : tensor<i64>' \
// RUN:   --arg='dense<0> : tensor<i64>' | FileCheck %s --check-prefix=SEED42

// SEED0: dense<{{\[}}[2.0, 0.0, 2.0, 0.0], [0.0, 2.0, 0.0, 0.0]]> : tensor<2x4xf64>
// OFFSET8: dense<{{\[}}[2.0, 0.0, 0.0, 0.0], [0.0, 2.0, 2.0, 0.0]]> : tensor<2x4xf64>
// SEED42: dense<{{\[}}[0.0, 0.0, 0.0, 0.0], [2.0, 2.0, 2.0, 2.0]]> : tensor<2x4xf64>
func.func @mask(%seed: tensor<i64>, %offset: tensor<i64>) -> tensor<2x4xf64> {
  %0 = adjit.dropout_mask %seed, %offset {p = 0.5 : f64} : tensor<2x4xf64>
  return %0 : tensor<2x4xf64>
}
