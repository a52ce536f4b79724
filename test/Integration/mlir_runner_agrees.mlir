// The same program through both execution paths: adjit-opt --adjit-to-llvm
// piped into mlir-runner (printing with printMemrefF32), and the in-process
// JIT through adjit-run. Both print the same values.
// RUN: adjit-opt %s --adjit-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_libs \
// RUN: | FileCheck %s --check-prefix=RUNNER
// RUN: adjit-run %s --entry=model \
// RUN:   --arg='dense<[[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]> : tensor<2x3xf32>' \
// RUN:   --arg='dense<[[0.5, 1.0], [-1.0, 2.0], [2.0, 0.0]]> : tensor<3x2xf32>' \
// RUN:   --arg='dense<[0.25, -4.0]> : tensor<2xf32>' \
// RUN: | FileCheck %s --check-prefix=JIT

// RUNNER: rank = 2 offset = 0 sizes = [2, 2] strides = [2, 1] data =
// RUNNER-NEXT: {{\[\[}}3.75,   -7],
// RUNNER-NEXT: [-0.25,   -1]]
// RUNNER: rank = 1 offset = 0 sizes = [2] strides = [1] data =
// RUNNER-NEXT: [7,  1]
// JIT: dense<{{\[\[}}3.75, -7.0], [-0.25, -1.0]]> : tensor<2x2xf32>
// JIT-NEXT: dense<[7.0, 1.0]> : tensor<2xf32>
// The JIT runs @main, too: it loads the MLIR runner utilities.
// RUN: adjit-run %s --entry=main | FileCheck %s --check-prefix=RUNNER

// x @ w + b, and the row maxima of |x @ w + b| from relu and neg.
func.func @model(%x: tensor<2x3xf32>, %w: tensor<3x2xf32>, %b: tensor<2xf32>)
    -> (tensor<2x2xf32>, tensor<2xf32>) {
  %0 = adjit.matmul %x, %w : tensor<2x3xf32>, tensor<3x2xf32> -> tensor<2x2xf32>
  %1 = adjit.broadcast %b, dims = [1] : tensor<2xf32> -> tensor<2x2xf32>
  %2 = adjit.add %0, %1 : tensor<2x2xf32>
  %3 = adjit.relu %2 : tensor<2x2xf32>
  %4 = adjit.reduce_max %3, dims = [1] : tensor<2x2xf32> -> tensor<2xf32>
  %5 = adjit.neg %2 : tensor<2x2xf32>
  %6 = adjit.reduce_max %5, dims = [1] : tensor<2x2xf32> -> tensor<2xf32>
  %7 = adjit.max %4, %6 : tensor<2xf32>
  return %2, %7 : tensor<2x2xf32>, tensor<2xf32>
}

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %x = adjit.constant dense<[[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]]> : tensor<2x3xf32>
  %w = adjit.constant dense<[[0.5, 1.0], [-1.0, 2.0], [2.0, 0.0]]> : tensor<3x2xf32>
  %b = adjit.constant dense<[0.25, -4.0]> : tensor<2xf32>
  %r:2 = call @model(%x, %w, %b)
      : (tensor<2x3xf32>, tensor<3x2xf32>, tensor<2xf32>) -> (tensor<2x2xf32>, tensor<2xf32>)
  %m0 = bufferization.to_buffer %r#0 : tensor<2x2xf32> to memref<2x2xf32>
  %u0 = memref.cast %m0 : memref<2x2xf32> to memref<*xf32>
  call @printMemrefF32(%u0) : (memref<*xf32>) -> ()
  %m1 = bufferization.to_buffer %r#1 : tensor<2xf32> to memref<2xf32>
  %u1 = memref.cast %m1 : memref<2xf32> to memref<*xf32>
  call @printMemrefF32(%u1) : (memref<*xf32>) -> ()
  return
}
