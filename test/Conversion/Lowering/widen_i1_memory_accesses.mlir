// RUN: adjit-opt %s --adjit-widen-i1-memory-accesses --split-input-file | FileCheck %s

// A mask read and written: the bytes are loaded and stored as i8, the
// addresses computed over i8, and the loaded value is the byte's low bit.
// The other attributes of the accesses stay.
// CHECK-LABEL: llvm.func @mask
// CHECK-SAME: (%[[MASK:[a-z0-9]+]]: !llvm.ptr, %[[X:[a-z0-9]+]]: !llvm.ptr, %[[OUT:[a-z0-9]+]]: !llvm.ptr, %[[I:[a-z0-9]+]]: i64)
// CHECK: %[[MA:.*]] = llvm.getelementptr inbounds %[[MASK]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK: %[[BYTE:.*]] = llvm.load %[[MA]] {alignment = 1 : i64} : !llvm.ptr -> i8
// CHECK: %[[BIT:.*]] = llvm.trunc %[[BYTE]] : i8 to i1
// CHECK: %[[XA:.*]] = llvm.getelementptr inbounds %[[X]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, f32
// CHECK: %[[V:.*]] = llvm.load %[[XA]]
// CHECK: %[[SEL:.*]] = llvm.select %[[BIT]], %{{.*}}, %[[V]] : i1, f32
// CHECK: %[[NOT:.*]] = llvm.xor %[[BIT]], %{{.*}} : i1
// CHECK: %[[OA:.*]] = llvm.getelementptr %[[OUT]][%[[I]]] : (!llvm.ptr, i64) -> !llvm.ptr, i8
// CHECK: %[[WIDE:.*]] = llvm.zext %[[NOT]] : i1 to i8
// CHECK: llvm.store volatile %[[WIDE]], %[[OA]] {alignment = 1 : i64} : i8, !llvm.ptr
// CHECK: llvm.return %[[SEL]] : f32
llvm.func @mask(%mask: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr, %i: i64) -> f32 {
  %zero = llvm.mlir.constant(0.0 : f32) : f32
  %true = llvm.mlir.constant(true) : i1
  %ma = llvm.getelementptr inbounds %mask[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i1
  %m = llvm.load %ma {alignment = 1 : i64} : !llvm.ptr -> i1
  %xa = llvm.getelementptr inbounds %x[%i] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %v = llvm.load %xa {alignment = 4 : i64} : !llvm.ptr -> f32
  %s = llvm.select %m, %zero, %v : i1, f32
  %n = llvm.xor %m, %true : i1
  %oa = llvm.getelementptr %out[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i1
  llvm.store volatile %n, %oa {alignment = 1 : i64} : i1, !llvm.ptr
  llvm.return %s : f32
}

// -----

// Vector accesses (packed into bits) and accesses of other types are left
// as they are.
// CHECK-LABEL: llvm.func @unchanged
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> vector<8xi1>
// CHECK: llvm.store %{{.*}}, %{{.*}} : vector<8xi1>, !llvm.ptr
// CHECK: llvm.getelementptr %{{.*}}[%{{.*}}] : (!llvm.ptr, i64) -> !llvm.ptr, i32
// CHECK: llvm.load %{{.*}} : !llvm.ptr -> i32
// CHECK-NOT: llvm.trunc
// CHECK-NOT: llvm.zext
llvm.func @unchanged(%p: !llvm.ptr, %i: i64) -> i32 {
  %v = llvm.load %p : !llvm.ptr -> vector<8xi1>
  llvm.store %v, %p : vector<8xi1>, !llvm.ptr
  %q = llvm.getelementptr %p[%i] : (!llvm.ptr, i64) -> !llvm.ptr, i32
  %w = llvm.load %q : !llvm.ptr -> i32
  llvm.return %w : i32
}
