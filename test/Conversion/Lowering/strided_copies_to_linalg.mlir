// RUN: adjit-opt %s --adjit-strided-copies-to-linalg | FileCheck %s
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s --check-prefix=LLVM

// A copy into a slice of a concatenation is not contiguous: it becomes a
// linalg.copy, and in the full pipeline a parallel loop, not a call of the
// runtime's element-by-element memrefCopy.
// CHECK-LABEL: func @into_slice
// CHECK: linalg.copy ins(%arg0 : memref<12x64x128xf32>) outs(%arg1 : memref<12x64x128xf32, strided<[24576, 384, 1], offset: 128>>)
// CHECK-NOT: memref.copy
// LLVM-LABEL: llvm.func @into_slice
// LLVM: omp.parallel
// LLVM-NOT: memrefCopy
func.func @into_slice(%a: memref<12x64x128xf32>, %b: memref<12x64x128xf32, strided<[24576, 384, 1], offset: 128>>) {
  memref.copy %a, %b : memref<12x64x128xf32> to memref<12x64x128xf32, strided<[24576, 384, 1], offset: 128>>
  return
}

// A strided source counts as well.
// CHECK-LABEL: func @from_columns
// CHECK: linalg.copy ins(%arg0 : memref<4x2xf32, strided<[8, 1], offset: 2>>) outs(%arg1 : memref<4x2xf32>)
func.func @from_columns(%a: memref<4x2xf32, strided<[8, 1], offset: 2>>, %b: memref<4x2xf32>) {
  memref.copy %a, %b : memref<4x2xf32, strided<[8, 1], offset: 2>> to memref<4x2xf32>
  return
}

// Contiguous copies, with an offset or not, stay memref.copy (one memcpy);
// so do unranked ones.
// CHECK-LABEL: func @contiguous
// CHECK-NEXT: memref.copy %arg0, %arg1
// CHECK-NEXT: memref.copy %arg0, %arg2
// CHECK-NEXT: memref.copy %arg3, %arg4
// CHECK-NEXT: return
// LLVM-LABEL: llvm.func @contiguous
// LLVM: "llvm.intr.memcpy"
// LLVM: "llvm.intr.memcpy"
func.func @contiguous(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<4x4xf32, strided<[4, 1], offset: 4>>,
                      %u: memref<*xf32>, %v: memref<*xf32>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %a, %c : memref<4x4xf32> to memref<4x4xf32, strided<[4, 1], offset: 4>>
  memref.copy %u, %v : memref<*xf32> to memref<*xf32>
  return
}
