// RUN: adjit-opt %s --adjit-convert-to-llvm --reconcile-unrealized-casts --adjit-check-lowered="to-llvm=true" | FileCheck %s
// RUN: adjit-opt %s --adjit-convert-to-llvm="use-generic-functions=true" --reconcile-unrealized-casts | FileCheck %s --check-prefix=GENERIC

// arith, cf, func (a call of a private function and several results),
// index, memref (allocation and deallocation) and omp ops in one module all
// reach the LLVM dialect (which adjit-check-lowered checks) in the one
// conversion.
// CHECK-LABEL: llvm.func @step
// CHECK: llvm.call @malloc
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.getelementptr
// CHECK: llvm.store
// CHECK: llvm.cond_br
// CHECK: llvm.call @step_helper
// CHECK: llvm.call @free
// CHECK: llvm.return %{{.*}} : !llvm.struct<(struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, i64)>
// CHECK-LABEL: llvm.func @step_helper
// CHECK-SAME: attributes {sym_visibility = "private"}
// CHECK: llvm.mul
// GENERIC: llvm.call @_mlir_memref_to_llvm_alloc
// GENERIC: llvm.call @_mlir_memref_to_llvm_free
func.func @step(%x: memref<16xf32>, %n: index) -> (memref<16xf32>, i64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %y = memref.alloc() : memref<16xf32>
  %t = memref.alloc() : memref<16xf32>
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c16) step (%c1) {
        %v = memref.load %x[%i] : memref<16xf32>
        %w = arith.addf %v, %v : f32
        memref.store %w, %y[%i] : memref<16xf32>
        memref.store %w, %t[%i] : memref<16xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  %positive = arith.cmpi sgt, %n, %c0 : index
  cf.cond_br %positive, ^scaled, ^done(%n : index)
^scaled:
  %m = func.call @step_helper(%n) : (index) -> index
  cf.br ^done(%m : index)
^done(%r: index):
  %s = index.add %r, %c1
  %k = arith.index_cast %s : index to i64
  memref.dealloc %t : memref<16xf32>
  return %y, %k : memref<16xf32>, i64
}

func.func private @step_helper(%n: index) -> index {
  %0 = index.mul %n, %n
  return %0 : index
}

// The signature's casts go to a block of their own during the conversion
// (so that no use of an argument asks for the op order of a large body);
// the converted function is one block again, its ops in their order.
// CHECK-LABEL: llvm.func @straight_line
// CHECK-SAME: (%[[A:.*]]: i64, %[[B:.*]]: i64)
// CHECK-NEXT: %[[S:.*]] = llvm.add %[[A]], %[[B]] : i64
// CHECK-NEXT: %[[P:.*]] = llvm.mul %[[S]], %[[A]] : i64
// CHECK-NEXT: llvm.return %[[P]] : i64
// CHECK-NEXT: }
func.func @straight_line(%a: i64, %b: i64) -> i64 {
  %s = arith.addi %a, %b : i64
  %p = arith.muli %s, %a : i64
  return %p : i64
}

// A function whose body is more than one block keeps its blocks.
// CHECK-LABEL: llvm.func @two_blocks
// CHECK-SAME: (%[[X:.*]]: i64)
// CHECK-NEXT: llvm.br ^bb1(%[[X]] : i64)
// CHECK-NEXT: ^bb1(%[[Y:.*]]: i64):
// CHECK-NEXT: llvm.return %[[Y]] : i64
func.func @two_blocks(%x: i64) -> i64 {
  cf.br ^next(%x : i64)
^next(%y: i64):
  return %y : i64
}
