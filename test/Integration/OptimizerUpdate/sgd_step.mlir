// One jit::TrainStep, reproduced with adjit-opt from a traced-style function
// (the inputs, then the captured parameter): the same passes and options
// TrainStep runs (and dumps as <name>-<n>-pipeline.txt), lowered and executed.
// RUN: adjit-opt %s --adjit-autodiff="function=train_step wrt=2 name=train_step_grad cleanup=true" \
// RUN:   --adjit-append-optimizer-update="function=train_step_grad wrt=2 optimizer=sgd momentum=0.5 dampening=0 nesterov=false weight-decay=0.5" \
// RUN:   > %t.momentum.mlir
// RUN: adjit-opt %t.momentum.mlir --adjit-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: adjit-run %t.momentum.mlir --entry=train_step_grad \
// RUN:   --arg='dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf64>' \
// RUN:   --arg='dense<[[0.0], [1.0], [2.0]]> : tensor<3x1xf64>' \
// RUN:   --arg='dense<[[1.0], [2.0]]> : tensor<2x1xf64>' \
// RUN:   --arg='dense<[[1.0], [-1.0]]> : tensor<2x1xf64>' \
// RUN:   --arg='dense<0.25> : tensor<f64>' --arg='dense<2.0> : tensor<f64>' \
// RUN: | FileCheck %s --check-prefix=MOMENTUM
// The same as one pass pipeline, with plain SGD.
// RUN: adjit-opt %s --pass-pipeline="builtin.module(adjit-autodiff{function=train_step wrt=2 name=train_step_grad cleanup=true},adjit-append-optimizer-update{function=train_step_grad wrt=2 optimizer=sgd})" \
// RUN: | adjit-run - --entry=train_step_grad \
// RUN:   --arg='dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf64>' \
// RUN:   --arg='dense<[[0.0], [1.0], [2.0]]> : tensor<3x1xf64>' \
// RUN:   --arg='dense<[[1.0], [2.0]]> : tensor<2x1xf64>' \
// RUN:   --arg='dense<0.25> : tensor<f64>' --arg='dense<1.0> : tensor<f64>' \
// RUN: | FileCheck %s --check-prefix=PLAIN

// LLVM: llvm.func @train_step_grad(
// LLVM-NOT: adjit.

// x @ w = [1, 2, 3], r = x @ w - y = [1, 1, 1]: the loss is 3 and the
// gradient 2 x^T r = [4, 4].
// Weight decay: d = g + 0.5 w = [4.5, 5]; the buffer [1, -1] becomes
// 0.5 * [1, -1] + d = [5, 4.5]; w - 0.25 * buffer = [-0.25, 0.875].
// MOMENTUM: dense<3.0> : tensor<f64>
// MOMENTUM-NEXT: dense<{{\[}}[-0.25], [0.875]]> : tensor<2x1xf64>
// MOMENTUM-NEXT: dense<{{\[}}[5.0], [4.5]]> : tensor<2x1xf64>
// MOMENTUM-NOT: dense

// w - 0.25 * g = [0, 1].
// PLAIN: dense<3.0> : tensor<f64>
// PLAIN-NEXT: dense<{{\[}}[0.0], [1.0]]> : tensor<2x1xf64>
// PLAIN-NOT: dense
func.func @train_step(%x: tensor<3x2xf64>, %y: tensor<3x1xf64>, %w: tensor<2x1xf64>) -> tensor<f64> {
  %0 = adjit.matmul %x, %w : tensor<3x2xf64>, tensor<2x1xf64> -> tensor<3x1xf64>
  %1 = adjit.sub %0, %y : tensor<3x1xf64>
  %2 = adjit.mul %1, %1 : tensor<3x1xf64>
  %3 = adjit.reduce_sum %2, dims = [0, 1] : tensor<3x1xf64> -> tensor<f64>
  return %3 : tensor<f64>
}
