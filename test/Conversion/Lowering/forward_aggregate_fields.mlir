// RUN: adjit-opt %s --adjit-forward-aggregate-fields --split-input-file | FileCheck %s

// A field read back from the chain that built the descriptor is the value
// inserted; the chain is then dead and erased.
// CHECK-LABEL: llvm.func @exact
// CHECK-SAME: (%[[P:[a-z0-9]+]]: !llvm.ptr, %[[N:[a-z0-9]+]]: i64)
// CHECK-NOT: llvm.insertvalue
// CHECK-NOT: llvm.extractvalue
// CHECK: %[[G:.*]] = llvm.getelementptr %[[P]][%[[N]]]
// CHECK: llvm.return %[[G]]
llvm.func @exact(%p: !llvm.ptr, %n: i64) -> !llvm.ptr {
  %u = llvm.mlir.poison : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %0 = llvm.insertvalue %p, %u[0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %1 = llvm.insertvalue %p, %0[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %2 = llvm.insertvalue %n, %1[2] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %3 = llvm.insertvalue %n, %2[3, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %4 = llvm.extractvalue %3[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %5 = llvm.extractvalue %3[3, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>)>
  %6 = llvm.getelementptr %4[%5] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  llvm.return %6 : !llvm.ptr
}

// -----

// A field of an inserted aggregate, and a field of an extracted one.
// CHECK-LABEL: llvm.func @nested
// CHECK-SAME: (%[[A:[a-z0-9]+]]: !llvm.array<2 x i64>, %[[S:[a-z0-9]+]]: !llvm.struct<(i64, array<2 x i64>)>)
// CHECK-DAG: %[[X:.*]] = llvm.extractvalue %[[A]][1] : !llvm.array<2 x i64>
// CHECK-DAG: %[[Y:.*]] = llvm.extractvalue %[[S]][1, 0] : !llvm.struct<(i64, array<2 x i64>)>
// CHECK: llvm.add %[[X]], %[[Y]]
llvm.func @nested(%a: !llvm.array<2 x i64>,
                  %s: !llvm.struct<(i64, array<2 x i64>)>) -> i64 {
  %u = llvm.mlir.poison : !llvm.struct<(i64, array<2 x i64>)>
  %0 = llvm.insertvalue %a, %u[1] : !llvm.struct<(i64, array<2 x i64>)>
  %1 = llvm.extractvalue %0[1, 1] : !llvm.struct<(i64, array<2 x i64>)>
  %2 = llvm.extractvalue %s[1] : !llvm.struct<(i64, array<2 x i64>)>
  %3 = llvm.extractvalue %2[0] : !llvm.array<2 x i64>
  %4 = llvm.add %1, %3 : i64
  llvm.return %4 : i64
}

// -----

// A read of an aggregate whose part a later insert overwrote stays a read
// of that insert; a read past inserts of other fields reads the aggregate
// before them. Ops with side effects stay, even unused.
// CHECK-LABEL: llvm.func @partial
// CHECK-SAME: (%[[S:[a-z0-9]+]]: !llvm.struct<(i64, array<2 x i64>)>, %[[V:[a-z0-9]+]]: i64, %[[P:[a-z0-9]+]]: !llvm.ptr)
// CHECK: %[[I:.*]] = llvm.insertvalue %[[V]], %[[S]][1, 0]
// CHECK: %[[PART:.*]] = llvm.extractvalue %[[I]][1]
// CHECK: %[[OTHER:.*]] = llvm.extractvalue %[[S]][0]
// CHECK: llvm.store %[[V]], %[[P]]
// CHECK: llvm.load volatile %[[P]]
// CHECK-NOT: llvm.load
// CHECK: llvm.call @use(%[[PART]], %[[OTHER]])
llvm.func @use(!llvm.array<2 x i64>, i64)
llvm.func @partial(%s: !llvm.struct<(i64, array<2 x i64>)>, %v: i64,
                   %p: !llvm.ptr) {
  %0 = llvm.insertvalue %v, %s[1, 0] : !llvm.struct<(i64, array<2 x i64>)>
  %1 = llvm.extractvalue %0[1] : !llvm.struct<(i64, array<2 x i64>)>
  %2 = llvm.extractvalue %0[0] : !llvm.struct<(i64, array<2 x i64>)>
  llvm.store %v, %p : i64, !llvm.ptr
  %3 = llvm.load %p {volatile_} : !llvm.ptr -> i64
  %4 = llvm.load %p : !llvm.ptr -> i64
  llvm.call @use(%1, %2) : (!llvm.array<2 x i64>, i64) -> ()
  llvm.return
}

// -----

// Folds of other LLVM ops that need no new constant are applied (a constant
// GEP index becomes static, a bitcast to the same type is its operand); a
// fold to a constant is not.
// CHECK-LABEL: llvm.func @fold
// CHECK-SAME: (%[[P:[a-z0-9]+]]: !llvm.ptr, %[[X:[a-z0-9]+]]: i64)
// CHECK: %[[G:.*]] = llvm.getelementptr %[[P]][16] : (!llvm.ptr) -> !llvm.ptr, f32
// CHECK-NOT: llvm.bitcast
// CHECK: %[[S:.*]] = llvm.add %{{.*}}, %{{.*}} : i64
// CHECK: llvm.call @take(%[[G]], %[[X]], %[[S]])
llvm.func @take(!llvm.ptr, i64, i64)
llvm.func @fold(%p: !llvm.ptr, %x: i64) {
  %c2 = llvm.mlir.constant(2 : i64) : i64
  %c16 = llvm.mlir.constant(16 : i32) : i32
  %0 = llvm.getelementptr %p[%c16] : (!llvm.ptr, i32) -> !llvm.ptr, f32
  %1 = llvm.bitcast %x : i64 to i64
  %2 = llvm.add %c2, %c2 : i64
  llvm.call @take(%0, %1, %2) : (!llvm.ptr, i64, i64) -> ()
  llvm.return
}
