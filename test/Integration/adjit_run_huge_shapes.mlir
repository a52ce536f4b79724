// Shapes whose size in bytes overflows int64 are refused, never allocated as
// a small buffer and read past its end.
// RUN: not adjit-run %s --entry=id \
// RUN:   --arg='dense<1.0> : tensor<4611686018427387904x4xf32>' 2>&1 \
// RUN: | FileCheck %s --check-prefix=LITERAL
// RUN: not adjit-run %s --entry=id \
// RUN:   --arg='random<seed=1>:tensor<2305843009213693952x3xf32>' 2>&1 \
// RUN: | FileCheck %s --check-prefix=RANDOM
// RUN: not adjit-run %s --entry=id --arg='dense<1.0> : tensor<2xf32>' 2>&1 \
// RUN: | FileCheck %s --check-prefix=CALL
// RUN: not adjit-run %s --entry=broadcast --arg='dense<1.0> : tensor<1xf32>' \
// RUN:   2>&1 | FileCheck %s --check-prefix=RESULT

// LITERAL: adjit-run: error: --arg #0 ('dense<1.0> : tensor<4611686018427387904x4xf32>'): the literal's type tensor<4611686018427387904x4xf32> is too large (its size in bytes overflows int64)
// RANDOM: adjit-run: error: --arg #0 ('random<seed=1>:tensor<2305843009213693952x3xf32>'): random<...> needs a tensor whose size in bytes fits in int64, not tensor<2305843009213693952x3xf32>
// CALL: adjit-run: error: jit::Engine: cannot call @id: argument #0 has type tensor<4611686018427387904x4xf32>, whose size in bytes overflows int64
// RESULT: adjit-run: error: jit::Engine: cannot call @broadcast: result #0 has type tensor<4611686018427387904x4xf32>, whose size in bytes overflows int64

func.func @id(%x: tensor<4611686018427387904x4xf32>) -> tensor<4611686018427387904x4xf32> {
  return %x : tensor<4611686018427387904x4xf32>
}

func.func @broadcast(%x: tensor<1xf32>) -> tensor<4611686018427387904x4xf32> {
  %0 = adjit.broadcast %x, dims = [1] : tensor<1xf32> -> tensor<4611686018427387904x4xf32>
  return %0 : tensor<4611686018427387904x4xf32>
}
