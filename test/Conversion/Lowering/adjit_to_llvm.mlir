// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s
// RUN: adjit-opt %s --adjit-to-llvm='blas-min-flops=1' | FileCheck %s --check-prefix=BLAS
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s --check-prefix=OUTLINE
// RUN: adjit-opt %s --adjit-to-llvm='outline-loops=false' | FileCheck %s --check-prefix=INLINE
// RUN: adjit-opt %s --adjit-to-llvm='fast-tier=true' | FileCheck %s
// RUN: adjit-opt %s --adjit-to-llvm='fast-tier=true' | FileCheck %s --check-prefix=OUTLINE
// RUN: adjit-opt %s --adjit-to-llvm='fast-tier=true' --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=FASTPIPE
// RUN: adjit-opt %s --adjit-to-llvm --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=FULLPIPE

// The fast tier (fast-tier=true) lowers to code that passes the same checks,
// with the descriptor fields forwarded instead of a final canonicalizer.
// FASTPIPE: reconcile-unrealized-casts,
// FASTPIPE-NEXT: adjit-widen-i1-memory-accesses,
// FASTPIPE-NEXT: adjit-forward-aggregate-fields,
// FASTPIPE-NEXT: adjit-drop-unused-arguments,
// FASTPIPE-NEXT: adjit-check-lowered
// Until scf-to-cf the regions are single blocks, and the canonicalizers
// skip region simplification; the last one, on the LLVM dialect's blocks,
// keeps it.
// FULLPIPE: builtin.module(
// FULLPIPE-NEXT: canonicalize{region-simplify=disabled},
// FULLPIPE-NOT: region-simplify=normal
// FULLPIPE: convert-scf-to-cf
// FULLPIPE: reconcile-unrealized-casts,
// FULLPIPE-NEXT: adjit-widen-i1-memory-accesses,
// FULLPIPE-NEXT: canonicalize{region-simplify=normal},
// FULLPIPE-NEXT: adjit-drop-unused-arguments,
// FULLPIPE-NEXT: adjit-check-lowered

// Every loop nest is a function of its own, which LLVM may not inline, so
// that the size of the functions LLVM compiles does not grow with the
// program (its compile time grows faster than linearly in a function's
// size); outline-loops=false keeps the loops in place. The outlined
// function is internal and takes only the descriptor fields it reads: the
// aligned pointers of the two arguments and of the result.
// OUTLINE-LABEL: llvm.func @chain(
// OUTLINE: llvm.call @chain_loop0(%{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[0-9]+}}) : (!llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// OUTLINE: llvm.func internal @chain_loop0(%{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr, %{{[a-z0-9]+}}: !llvm.ptr)
// OUTLINE-SAME: passthrough = ["noinline"], sym_visibility = "private"
// INLINE-NOT: _loop0

// The pipeline ends in the LLVM dialect. The elementwise chain fuses into one
// loop nest with one allocation: a single malloc for the result, whose
// ownership passes to the caller (no free), and exp is expanded into
// arithmetic (no call of expf).
// CHECK-LABEL: llvm.func @chain
// CHECK-COUNT-1: llvm.call @malloc
// CHECK-NOT: llvm.call @malloc
// CHECK-NOT: llvm.call @free
// CHECK-NOT: expf
// CHECK: llvm.return
func.func @chain(%x: tensor<16x16xf32>, %y: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %0 = adjit.mul %x, %y : tensor<16x16xf32>
  %1 = adjit.exp %0 : tensor<16x16xf32>
  %2 = adjit.add %1, %x : tensor<16x16xf32>
  %3 = adjit.tanh %2 : tensor<16x16xf32>
  return %3 : tensor<16x16xf32>
}

// Intermediate buffers are freed.
// CHECK-LABEL: llvm.func @temporaries
// CHECK: llvm.call @malloc
// CHECK: llvm.call @free
func.func @temporaries(%x: tensor<4x4xf32>) -> tensor<4xf32> {
  %0 = adjit.matmul %x, %x : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  %1 = adjit.reduce_sum %0, dims = [1] : tensor<4x4xf32> -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// BLAS: llvm.func internal @adjit_blas_sgemm(
// BLAS: llvm.call @_mlir_ciface_adjit_blas_sgemm(
// BLAS-LABEL: llvm.func @temporaries
// BLAS: llvm.call @adjit_blas_sgemm(
