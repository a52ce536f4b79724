// RUN: adjit-opt %s --adjit-free-unretained-allocations --split-input-file | FileCheck %s

// Fresh buffers freed unconditionally: those no retained value views are
// freed (an unused one right after its allocation), and a retained value owns
// its buffer when it is one of them.
// CHECK-LABEL: func.func @fresh
// CHECK-SAME: (%[[ARG:.*]]: memref<4xf32>)
// CHECK: %[[A:.*]] = memref.alloc() : memref<2xf32>
// CHECK-NEXT: memref.dealloc %[[A]] : memref<2xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<2xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NOT: bufferization.dealloc
// CHECK-NOT: memref.dealloc
// CHECK: %[[OWNS_B:.*]] = arith.constant true
// CHECK-NEXT: %[[OWNS_C:.*]] = arith.constant true
// CHECK-NEXT: %[[OWNS_ARG:.*]] = arith.constant false
// CHECK-NEXT: return %[[B]], %{{.*}}, %{{.*}}, %[[OWNS_B]], %[[OWNS_C]], %[[OWNS_ARG]]
func.func @fresh(%arg: memref<4xf32>)
    -> (memref<2xf32>, memref<2x2xf32>, memref<2xf32>, i1, i1, i1) {
  %true = arith.constant true
  %a = memref.alloc() : memref<2xf32>
  %b = memref.alloc() : memref<2xf32>
  %c = memref.alloc() : memref<4xf32>
  %view = memref.expand_shape %c [[0, 1]] output_shape [2, 2]
      : memref<4xf32> into memref<2x2xf32>
  %part = memref.subview %arg[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  %cast = memref.cast %part : memref<2xf32, strided<[1]>> to memref<2xf32>
  %r:3 = bufferization.dealloc (%a, %b, %c : memref<2xf32>, memref<2xf32>, memref<4xf32>)
      if (%true, %true, %true)
      retain (%b, %view, %cast : memref<2xf32>, memref<2x2xf32>, memref<2xf32>)
  return %b, %view, %cast, %r#0, %r#1, %r#2
      : memref<2xf32>, memref<2x2xf32>, memref<2xf32>, i1, i1, i1
}

// -----

// A condition not known to be true: left to buffer-deallocation-simplification.
// CHECK-LABEL: func.func @conditional
// CHECK: bufferization.dealloc
// CHECK-NOT: memref.dealloc
func.func @conditional(%owned: i1) -> memref<2xf32> {
  %true = arith.constant true
  %a = memref.alloc() : memref<2xf32>
  %b = memref.alloc() : memref<2xf32>
  %r = bufferization.dealloc (%a, %b : memref<2xf32>, memref<2xf32>)
      if (%owned, %true) retain (%b : memref<2xf32>)
  return %b : memref<2xf32>
}

// -----

// A memref that is not a fresh allocation, and a retained value of unknown
// origin: both left as they are.
// CHECK-LABEL: func.func @not_fresh
// CHECK-COUNT-2: bufferization.dealloc
// CHECK-NOT: memref.dealloc
func.func @not_fresh(%arg: memref<2xf32>, %pick: i1) -> memref<2xf32> {
  %true = arith.constant true
  %a = memref.alloc() : memref<2xf32>
  %b = memref.alloc() : memref<2xf32>
  bufferization.dealloc (%a, %arg : memref<2xf32>, memref<2xf32>) if (%true, %true)
  %either = arith.select %pick, %a, %b : memref<2xf32>
  %r = bufferization.dealloc (%b : memref<2xf32>) if (%true) retain (%either : memref<2xf32>)
  return %either : memref<2xf32>
}

// -----

// Each buffer is freed right after the last use of it or of a value that
// may alias it: a view, a memref result of any op using it, a use inside a
// loop (at the loop).
// CHECK-LABEL: func.func @after_last_use
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.copy %[[ARG:.*]], %[[A]]
// CHECK-NEXT: %[[VIEW:.*]] = memref.expand_shape %[[A]]
// CHECK-NEXT: %[[SELECTED:.*]] = arith.select %{{.*}}, %[[VIEW]], %[[VIEW]]
// CHECK-NEXT: memref.copy %[[ARG]], %[[B]]
// CHECK-NEXT: %[[X:.*]] = memref.load %[[SELECTED]]
// CHECK-NEXT: memref.dealloc %[[A]] : memref<4xf32>
// CHECK-NEXT: scf.for
// CHECK: memref.load %[[B]]
// CHECK: memref.store %{{.*}}, %[[C]]
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[B]] : memref<4xf32>
// CHECK-NEXT: memref.copy %[[C]], %[[RESULT:.*]] :
// CHECK-NEXT: memref.dealloc %[[C]] : memref<4xf32>
// CHECK-NEXT: return %[[X]]
func.func @after_last_use(%arg: memref<4xf32>, %result: memref<4xf32>,
                          %pick: i1) -> f32 {
  %true = arith.constant true
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  %c = memref.alloc() : memref<4xf32>
  memref.copy %arg, %a : memref<4xf32> to memref<4xf32>
  %view = memref.expand_shape %a [[0, 1]] output_shape [2, 2]
      : memref<4xf32> into memref<2x2xf32>
  %selected = arith.select %pick, %view, %view : memref<2x2xf32>
  memref.copy %arg, %b : memref<4xf32> to memref<4xf32>
  %x = memref.load %selected[%c0, %c1] : memref<2x2xf32>
  scf.for %i = %c0 to %c4 step %c1 {
    %y = memref.load %b[%i] : memref<4xf32>
    memref.store %y, %c[%i] : memref<4xf32>
  }
  memref.copy %c, %result : memref<4xf32> to memref<4xf32>
  bufferization.dealloc (%a, %b, %c : memref<4xf32>, memref<4xf32>, memref<4xf32>)
      if (%true, %true, %true)
  return %x : f32
}

// -----

// A buffer whose address is taken as an integer, or that is yielded out of a
// region, stays allocated until the dealloc's position.
// CHECK-LABEL: func.func @escaping
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK: memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: scf.if
// CHECK: call @use
// CHECK-NEXT: memref.dealloc %[[A]] : memref<4xf32>
// CHECK-NEXT: memref.dealloc %[[B]] : memref<4xf32>
// CHECK-NEXT: return
func.func private @use(index, memref<4xf32>)
func.func @escaping(%pick: i1, %arg: memref<4xf32>) {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  %address = memref.extract_aligned_pointer_as_index %a : memref<4xf32> -> index
  %either = scf.if %pick -> memref<4xf32> {
    scf.yield %b : memref<4xf32>
  } else {
    scf.yield %arg : memref<4xf32>
  }
  func.call @use(%address, %either) : (index, memref<4xf32>) -> ()
  bufferization.dealloc (%a, %b : memref<4xf32>, memref<4xf32>) if (%true, %true)
  return
}

// -----

// A call's results may carry the buffer it was given: the request of an
// asynchronous all-reduce keeps the buffer in use until its wait, even where
// nothing reads the buffer after the wait.
// CHECK-LABEL: func.func @handle_of_a_call
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[REQUEST:.*]] = call @start(%[[A]])
// CHECK-NEXT: call @other()
// CHECK-NEXT: call @wait(%[[REQUEST]])
// CHECK-NEXT: memref.dealloc %[[A]] : memref<4xf32>
// CHECK-NEXT: return
func.func private @start(memref<4xf32>) -> i64
func.func private @wait(i64)
func.func private @other()
func.func @handle_of_a_call(%arg: memref<4xf32>) {
  %true = arith.constant true
  %a = memref.alloc() : memref<4xf32>
  memref.copy %arg, %a : memref<4xf32> to memref<4xf32>
  %request = func.call @start(%a) : (memref<4xf32>) -> i64
  func.call @other() : () -> ()
  func.call @wait(%request) : (i64) -> ()
  bufferization.dealloc (%a : memref<4xf32>) if (%true)
  return
}
