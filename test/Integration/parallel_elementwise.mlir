// Large elementwise ops run their outer loop on two OpenMP threads; the
// results equal those of the sequential code exactly.
// RUN: adjit-run %s --entry=chain --arg='random<seed=5>:tensor<512x256xf32>' \
// RUN:   --arg='random<seed=6>:tensor<512x256xf32>' > %t.parallel
// RUN: adjit-run %s --entry=chain --parallel-min-elements=0 \
// RUN:   --arg='random<seed=5>:tensor<512x256xf32>' \
// RUN:   --arg='random<seed=6>:tensor<512x256xf32>' > %t.sequential
// RUN: diff %t.parallel %t.sequential
// RUN: FileCheck %s < %t.parallel
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s --check-prefix=LLVM

// CHECK: dense<{{\[\[}}{{.*}}]]> : tensor<512x256xf32>
// CHECK-NEXT: dense<{{\[\[}}{{.*}}]]> : tensor<512x256xf32>
// LLVM-LABEL: llvm.func @chain
// LLVM: omp.parallel
// LLVM: omp.wsloop
// LLVM-LABEL: llvm.func @small
// LLVM-NOT: omp.parallel
// LLVM: llvm.return
func.func @chain(%x: tensor<512x256xf32>, %y: tensor<512x256xf32>)
    -> (tensor<512x256xf32>, tensor<512x256xf32>) {
  %0 = adjit.mul %x, %y : tensor<512x256xf32>
  %1 = adjit.tanh %0 : tensor<512x256xf32>
  %2 = adjit.add %1, %x : tensor<512x256xf32>
  %3 = adjit.transpose %2, [1, 0] : tensor<512x256xf32> -> tensor<256x512xf32>
  %4 = adjit.transpose %3, [1, 0] : tensor<256x512xf32> -> tensor<512x256xf32>
  return %2, %4 : tensor<512x256xf32>, tensor<512x256xf32>
}

func.func @small(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %0 = adjit.tanh %x : tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}
