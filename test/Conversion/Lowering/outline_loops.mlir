// RUN: adjit-opt %s --adjit-outline-loops --split-input-file | FileCheck %s

// Each top-level loop nest becomes a call of a private no-inline function:
// the buffers and values it uses are arguments, constants are cloned, and
// what is between the loops stays.
// CHECK-LABEL: func.func @two_loops
// CHECK-SAME: (%[[X:.*]]: memref<8xf32>, %[[Y:.*]]: memref<8xf32>, %[[N:.*]]: index)
// CHECK: call @two_loops_loop0(%[[X]], %[[Y]], %[[N]]) : (memref<8xf32>, memref<8xf32>, index) -> ()
// CHECK-NEXT: %[[A:.*]] = memref.alloc
// CHECK-NEXT: call @two_loops_loop1(%[[Y]], %[[A]]) : (memref<8xf32>, memref<8xf32>) -> ()
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: return
// CHECK: func.func private @two_loops_loop1(%[[B0:.*]]: memref<8xf32>, %[[B1:.*]]: memref<8xf32>)
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK-DAG: arith.constant 0 : index
// CHECK-DAG: arith.constant 8 : index
// CHECK: scf.for
// CHECK: memref.load %[[B0]]
// CHECK: memref.store %{{.*}}, %[[B1]]
// CHECK: return
// CHECK: func.func private @two_loops_loop0(%[[X0:.*]]: memref<8xf32>, %[[Y0:.*]]: memref<8xf32>, %[[N0:.*]]: index)
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[N0]])
// CHECK: memref.load %[[X0]]
// CHECK: math.exp
// CHECK: memref.store %{{.*}}, %[[Y0]]
// CHECK: return
func.func @two_loops(%x: memref<8xf32>, %y: memref<8xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %x[%i] : memref<8xf32>
    %e = math.exp %v : f32
    memref.store %e, %y[%i] : memref<8xf32>
    scf.reduce
  }
  %a = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %v = memref.load %y[%i] : memref<8xf32>
    memref.store %v, %a[%i] : memref<8xf32>
  }
  memref.dealloc %a : memref<8xf32>
  return
}

// -----

// A loop with results returns them from the new function; a name in use is
// skipped; declarations are left alone.
// CHECK: func.func private @external(memref<4xf32>)
// CHECK-NEXT: func.func private @sum_loop0() {
// CHECK-NEXT: return
// CHECK-LABEL: func.func @sum
// CHECK: %[[S:.*]] = call @sum_loop1(%{{.*}}) : (memref<4xf32>) -> f32
// CHECK: return %[[S]]
// CHECK: func.func private @sum_loop1(%{{.*}}: memref<4xf32>) -> f32
// CHECK: %[[R:.*]] = scf.for {{.*}} iter_args
// CHECK: return %[[R]] : f32
// CHECK-NOT: func.func
func.func private @external(memref<4xf32>)
func.func private @sum_loop0() {
  return
}
func.func @sum(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %s = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %x[%i] : memref<4xf32>
    %t = arith.addf %acc, %v : f32
    scf.yield %t : f32
  }
  return %s : f32
}
