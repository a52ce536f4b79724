// RUN: adjit-opt %s --pass-pipeline='builtin.module(func.func(adjit-mark-arguments-readonly))' | FileCheck %s

// CHECK-LABEL: func @public
// CHECK-SAME: (%{{.*}}: tensor<2xf32> {bufferization.writable = false}, %{{.*}}: f32)
func.func @public(%x: tensor<2xf32>, %s: f32) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

// Private functions are left to bufferization.
// CHECK-LABEL: func private @private
// CHECK-SAME: (%{{.*}}: tensor<2xf32>)
func.func private @private(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
