// adjit-run reports bad input with a message and a non-zero exit status.
// RUN: not adjit-run %s --entry=nope 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not adjit-run %s --entry=twice 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not adjit-run %s --entry=twice \
// RUN:   --arg='dense<[1.0, 2.0]> : tensor<2xf64>' 2>&1 \
// RUN: | FileCheck %s --check-prefix=TYPE
// RUN: not adjit-run %s --entry=twice \
// RUN:   --arg='dense<[1.0, 2.0, 3.0]> : tensor<3xf32>' 2>&1 \
// RUN: | FileCheck %s --check-prefix=SHAPE
// RUN: not adjit-run %s --entry=twice --arg='dense<[1.0, 2.0> : tensor<2xf32>' \
// RUN:   2>&1 | FileCheck %s --check-prefix=LITERAL
// RUN: not adjit-run %s --entry=twice --arg='42 : i32' 2>&1 \
// RUN: | FileCheck %s --check-prefix=NOTDENSE
// RUN: not adjit-run %s --entry=twice --arg='random<seed=1, mean=0.0>:tensor<2xf32>' \
// RUN:   2>&1 | FileCheck %s --check-prefix=RANDOMFIELD
// RUN: not adjit-run %s --entry=twice --arg='random<low=0.0>:tensor<2xf32>' \
// RUN:   2>&1 | FileCheck %s --check-prefix=RANDOMSEED
// RUN: not adjit-run %s --entry=twice --arg='random<seed=1>:tensor<?xf32>' \
// RUN:   2>&1 | FileCheck %s --check-prefix=RANDOMTYPE
// RUN: not adjit-run %s --entry=scalar 2>&1 | FileCheck %s --check-prefix=NOTCALLABLE
// RUN: echo 'func.func @broken(' > %t.mlir
// RUN: not adjit-run %t.mlir --entry=broken 2>&1 | FileCheck %s --check-prefix=MALFORMED
// RUN: not adjit-run %t.missing --entry=broken 2>&1 | FileCheck %s --check-prefix=MISSING

// UNKNOWN: adjit-run: error: jit::Engine: the module has no public function @nope; its public functions are: @twice, @scalar
// COUNT: adjit-run: error: jit::Engine: @twice takes 1 argument(s) (tensor<2xf32>), but 0 were passed
// TYPE: adjit-run: error: jit::Engine: argument #0 of @twice is a tensor<2xf64>, but @twice expects a tensor<2xf32>
// SHAPE: adjit-run: error: jit::Engine: argument #0 of @twice is a tensor<3xf32>, but @twice expects a tensor<2xf32>
// LITERAL: adjit-run: error: --arg #0 ('dense<[1.0, 2.0> : tensor<2xf32>'): cannot parse the literal: expected ']'
// NOTDENSE: adjit-run: error: --arg #0 ('42 : i32'): expected a dense literal of a statically shaped f32, f64, i1 or i64 tensor
// RANDOMFIELD: unknown field 'mean' in random<...>; valid fields are seed, low and high
// RANDOMSEED: random<...> needs a seed, e.g. random<seed=1>:tensor<4xf32>
// RANDOMTYPE: random<...> needs a statically shaped tensor of f32, f64, i1 or i64, not tensor<?xf32>
// NOTCALLABLE: adjit-run: error: jit::Engine: cannot call @scalar: argument #0 has type f32, but the JIT passes only statically shaped tensors of f32, f64, i1 or i64
// MALFORMED: adjit-run: error: jit::Engine: cannot parse the module:
// MALFORMED-NEXT: {{.*}}.mlir:1:19: error: expected non-function type
// MISSING: adjit-run: error: cannot read '{{.*}}.missing'

func.func @twice(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = adjit.add %x, %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

func.func @scalar(%x: f32) -> f32 {
  return %x : f32
}
