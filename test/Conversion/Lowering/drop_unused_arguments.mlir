// RUN: adjit-opt %s --adjit-drop-unused-arguments --split-input-file | FileCheck %s

// A private function called directly becomes internal and loses the
// arguments its body does not read; its calls lose the matching operands,
// and the descriptor fields extracted only for them are erased.
// CHECK-LABEL: llvm.func @caller
// CHECK-SAME: (%[[D:[a-z0-9]+]]: !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, %[[N:[a-z0-9]+]]: i64)
// CHECK-NEXT: %[[P:.*]] = llvm.extractvalue %[[D]][1]
// CHECK-NEXT: llvm.call @loop(%[[P]], %[[N]]) : (!llvm.ptr, i64) -> ()
// CHECK-NEXT: llvm.call @loop(%[[P]], %[[N]]) : (!llvm.ptr, i64) -> ()
// CHECK-NEXT: llvm.return
// CHECK: llvm.func internal @loop(%[[Q:[a-z0-9]+]]: !llvm.ptr, %[[M:[a-z0-9]+]]: i64)
// CHECK-SAME: passthrough = ["noinline"]
// CHECK-NEXT: llvm.getelementptr %[[Q]][%[[M]]]
llvm.func @caller(%d: !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>, %n: i64) {
  %0 = llvm.extractvalue %d[0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  %1 = llvm.extractvalue %d[1] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  %2 = llvm.extractvalue %d[2] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  %3 = llvm.extractvalue %d[3, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  %4 = llvm.extractvalue %d[4, 0] : !llvm.struct<(ptr, ptr, i64, array<1 x i64>, array<1 x i64>)>
  llvm.call @loop(%0, %1, %2, %3, %4, %n) : (!llvm.ptr, !llvm.ptr, i64, i64, i64, i64) -> ()
  llvm.call @loop(%0, %1, %2, %3, %4, %n) : (!llvm.ptr, !llvm.ptr, i64, i64, i64, i64) -> ()
  llvm.return
}
llvm.func @loop(%allocated: !llvm.ptr, %aligned: !llvm.ptr, %offset: i64, %size: i64, %stride: i64, %n: i64) attributes {passthrough = ["noinline"], sym_visibility = "private"} {
  %0 = llvm.getelementptr %aligned[%n] : (!llvm.ptr, i64) -> !llvm.ptr, f32
  %1 = llvm.mlir.constant(1.0 : f32) : f32
  llvm.store %1, %0 : f32, !llvm.ptr
  llvm.return
}

// -----

// A public function keeps its arguments; so does a private one whose address
// is taken, and the operands of a call with side effects stay.
// CHECK-LABEL: llvm.func @public(%{{.*}}: i64, %{{.*}}: i64)
// CHECK-LABEL: llvm.func @user
// CHECK: %[[V:.*]] = llvm.call @side_effect() : () -> i64
// CHECK: llvm.call @private_used(%[[V]], %{{.*}}) : (i64, i64) -> ()
// CHECK: llvm.call @escaping(%[[V]], %{{.*}}) : (i64, i64) -> ()
// CHECK: llvm.func internal @private_used(%{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64)
// CHECK: llvm.func @escaping(%{{[a-z0-9]+}}: i64, %{{[a-z0-9]+}}: i64)
// CHECK-SAME: sym_visibility = "private"
llvm.func @public(%a: i64, %b: i64) {
  llvm.return
}
llvm.func @side_effect() -> i64
llvm.func @user(%a: i64) -> !llvm.ptr {
  %v = llvm.call @side_effect() : () -> i64
  llvm.call @private_used(%v, %a) : (i64, i64) -> ()
  llvm.call @escaping(%v, %a) : (i64, i64) -> ()
  %f = llvm.mlir.addressof @escaping : !llvm.ptr
  llvm.return %f : !llvm.ptr
}
llvm.func @private_used(%a: i64, %b: i64) attributes {sym_visibility = "private"} {
  %0 = llvm.add %a, %b : i64
  llvm.return
}
llvm.func @escaping(%a: i64, %b: i64) attributes {sym_visibility = "private"} {
  llvm.return
}

// -----

// The operand of a dropped argument that has side effects stays.
// CHECK-LABEL: llvm.func @keeps_effects
// CHECK: llvm.call @side_effect() : () -> i64
// CHECK: llvm.call @ignores() : () -> ()
llvm.func @side_effect() -> i64
llvm.func @keeps_effects() {
  %v = llvm.call @side_effect() : () -> i64
  llvm.call @ignores(%v) : (i64) -> ()
  llvm.return
}
llvm.func @ignores(%a: i64) attributes {sym_visibility = "private"} {
  llvm.return
}

// -----

// One value passed for two dropped arguments, and an op defining two dead
// operands, are erased once.
// CHECK-LABEL: llvm.func @shared_operand
// CHECK-NEXT: llvm.call @two_unused(%{{.*}}) : (i64) -> ()
// CHECK-NEXT: llvm.return
llvm.func @shared_operand(%a: i64) {
  %0 = llvm.add %a, %a : i64
  %1 = llvm.mul %0, %0 : i64
  llvm.call @two_unused(%1, %1, %a) : (i64, i64, i64) -> ()
  llvm.return
}
llvm.func @two_unused(%x: i64, %y: i64, %z: i64) attributes {sym_visibility = "private"} {
  %0 = llvm.add %z, %z : i64
  llvm.return
}
