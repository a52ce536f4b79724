// RUN: adjit-opt %s --adjit-free-unretained-allocations --split-input-file | FileCheck %s

// Fresh buffers freed unconditionally: those no retained value views are
// freed, and a retained value owns its buffer when it is one of them.
// CHECK-LABEL: func.func @fresh
// CHECK-SAME: (%[[ARG:.*]]: memref<4xf32>)
// CHECK: %[[A:.*]] = memref.alloc() : memref<2xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<2xf32>
// CHECK: %[[C:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NOT: bufferization.dealloc
// CHECK: memref.dealloc %[[A]] : memref<2xf32>
// CHECK-NEXT: %[[OWNS_B:.*]] = arith.constant true
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
