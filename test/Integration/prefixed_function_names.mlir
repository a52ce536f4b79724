// The JIT prefixes the functions it compiles with __adjit_; a module whose
// own names already carry the prefix still calls and runs the right ones.
// RUN: adjit-run %s --entry=f --arg='dense<[1.0, 2.0]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=F
// RUN: adjit-run %s --entry=__adjit_f --arg='dense<[1.0, 2.0]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=PREFIXED
// RUN: adjit-run %s --entry=__adjit_f_0 --arg='dense<[1.0, 2.0]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=SUFFIXED

// F: dense<[-1.0, -2.0]> : tensor<2xf32>
// PREFIXED: dense<[2.0, 4.0]> : tensor<2xf32>
// SUFFIXED: dense<[1.0, 4.0]> : tensor<2xf32>

func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = call @g(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

func.func private @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = adjit.neg %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

func.func @__adjit_f(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = call @__adjit_g(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

func.func @__adjit_g(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = adjit.add %x, %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

func.func @__adjit_f_0(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = adjit.mul %x, %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}
