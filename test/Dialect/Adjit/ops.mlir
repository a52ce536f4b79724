// Every adjit op round-trips through the custom and the generic form.
// RUN: adjit-opt %s | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | adjit-opt | FileCheck %s
// RUN: adjit-opt %s --mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// CHECK-LABEL: func @binary
// GENERIC-LABEL: sym_name = "binary"
func.func @binary(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.*]] = adjit.add %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.add"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %0 = adjit.add %a, %b : tensor<2x3xf32>
  // CHECK: adjit.sub %[[ADD]], %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.sub"
  %1 = adjit.sub %0, %b : tensor<2x3xf32>
  // CHECK: adjit.mul %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.mul"
  %2 = adjit.mul %1, %a : tensor<2x3xf32>
  // CHECK: adjit.div %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.div"
  %3 = adjit.div %2, %b : tensor<2x3xf32>
  // CHECK: adjit.max %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.max"
  %4 = adjit.max %3, %a : tensor<2x3xf32>
  // CHECK: adjit.min %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.min"
  %5 = adjit.min %4, %b : tensor<2x3xf32>
  // CHECK: adjit.pow %{{.*}}, %{{.*}} : tensor<2x3xf32>
  // GENERIC: "adjit.pow"
  %6 = adjit.pow %5, %a : tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// CHECK-LABEL: func @unary
// GENERIC-LABEL: sym_name = "unary"
func.func @unary(%x: tensor<4xf64>) -> tensor<4xf64> {
  // CHECK: adjit.neg %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.neg"(%{{.*}}) : (tensor<4xf64>) -> tensor<4xf64>
  %0 = adjit.neg %x : tensor<4xf64>
  // CHECK: adjit.exp %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.exp"
  %1 = adjit.exp %0 : tensor<4xf64>
  // CHECK: adjit.log %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.log"
  %2 = adjit.log %1 : tensor<4xf64>
  // CHECK: adjit.sqrt %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.sqrt"
  %3 = adjit.sqrt %2 : tensor<4xf64>
  // CHECK: adjit.rsqrt %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.rsqrt"
  %4 = adjit.rsqrt %3 : tensor<4xf64>
  // CHECK: adjit.tanh %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.tanh"
  %5 = adjit.tanh %4 : tensor<4xf64>
  // CHECK: adjit.sigmoid %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.sigmoid"
  %6 = adjit.sigmoid %5 : tensor<4xf64>
  // CHECK: adjit.relu %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.relu"
  %7 = adjit.relu %6 : tensor<4xf64>
  // CHECK: adjit.abs %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.abs"
  %8 = adjit.abs %7 : tensor<4xf64>
  return %8 : tensor<4xf64>
}

// CHECK-LABEL: func @compare_select
// GENERIC-LABEL: sym_name = "compare_select"
func.func @compare_select(%a: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xi1>) -> (tensor<4xf32>, tensor<4xi1>) {
  // CHECK: %[[MASK:.*]] = adjit.compare lt, %{{.*}}, %{{.*}} : tensor<4xf32>
  // GENERIC: "adjit.compare"(%{{.*}}, %{{.*}}) <{predicate = 2 : i64}> : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %0 = adjit.compare lt, %a, %b : tensor<4xf32>
  // CHECK: adjit.compare eq
  %1 = adjit.compare eq, %a, %b : tensor<4xf32>
  // CHECK: adjit.compare ne
  %2 = adjit.compare ne, %a, %b : tensor<4xf32>
  // CHECK: adjit.compare le
  %3 = adjit.compare le, %a, %b : tensor<4xf32>
  // CHECK: adjit.compare gt
  %4 = adjit.compare gt, %a, %b : tensor<4xf32>
  // CHECK: adjit.compare ge
  %5 = adjit.compare ge, %a, %b : tensor<4xf32>
  // CHECK: adjit.select %[[MASK]], %{{.*}}, %{{.*}} : tensor<4xf32>
  // GENERIC: "adjit.select"(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<4xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %6 = adjit.select %0, %a, %b : tensor<4xf32>
  // Masks can be selected, too.
  // CHECK: adjit.select %{{.*}}, %{{.*}}, %{{.*}} : tensor<4xi1>
  %7 = adjit.select %m, %1, %2 : tensor<4xi1>
  return %6, %7 : tensor<4xf32>, tensor<4xi1>
}

// CHECK-LABEL: func @constant_convert
// GENERIC-LABEL: sym_name = "constant_convert"
func.func @constant_convert() -> (tensor<2xf64>, tensor<2xi1>) {
  // CHECK: %[[C:.*]] = adjit.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
  // GENERIC: "adjit.constant"() <{value = dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %0 = adjit.constant dense<[1.0, 2.0]> : tensor<2xf32>
  // CHECK: adjit.constant dense<[true, false]> : tensor<2xi1>
  %1 = adjit.constant dense<[true, false]> : tensor<2xi1>
  // CHECK: adjit.convert %[[C]] : tensor<2xf32> to tensor<2xf64>
  // GENERIC: "adjit.convert"(%{{.*}}) : (tensor<2xf32>) -> tensor<2xf64>
  %2 = adjit.convert %0 : tensor<2xf32> to tensor<2xf64>
  return %2, %1 : tensor<2xf64>, tensor<2xi1>
}

// CHECK-LABEL: func @shape_ops
// GENERIC-LABEL: sym_name = "shape_ops"
func.func @shape_ops(%v: tensor<3xf32>, %x: tensor<2x1xf32>, %y: tensor<4x3xf32>) -> (tensor<2x5xf32>, tensor<6x3xf32>, tensor<3x2xf32>, tensor<6xf32>, tensor<2x2xf32>) {
  // CHECK: adjit.broadcast %{{.*}}, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  // GENERIC: "adjit.broadcast"(%{{.*}}) <{broadcast_dimensions = array<i64: 1>}> : (tensor<3xf32>) -> tensor<2x3xf32>
  %0 = adjit.broadcast %v, dims = [1] : tensor<3xf32> -> tensor<2x3xf32>
  // CHECK: adjit.broadcast %{{.*}}, dims = [0, 1] : tensor<2x1xf32> -> tensor<2x5xf32>
  %1 = adjit.broadcast %x, dims = [0, 1] : tensor<2x1xf32> -> tensor<2x5xf32>
  // CHECK: adjit.concat %{{.*}}, %{{.*}} dim = 0 : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<6x3xf32>
  // GENERIC: "adjit.concat"(%{{.*}}, %{{.*}}) <{dim = 0 : i64}> : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<6x3xf32>
  %2 = adjit.concat %0, %y dim = 0 : tensor<2x3xf32>, tensor<4x3xf32> -> tensor<6x3xf32>
  // CHECK: adjit.transpose %{{.*}}, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // GENERIC: "adjit.transpose"(%{{.*}}) <{permutation = array<i64: 1, 0>}> : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %3 = adjit.transpose %0, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32>
  // CHECK: adjit.reshape %{{.*}} : tensor<3x2xf32> -> tensor<6xf32>
  // GENERIC: "adjit.reshape"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<6xf32>
  %4 = adjit.reshape %3 : tensor<3x2xf32> -> tensor<6xf32>
  // CHECK: adjit.slice %{{.*}} [0:4:2, 1:3:1] : tensor<4x3xf32> -> tensor<2x2xf32>
  // GENERIC: "adjit.slice"(%{{.*}}) <{limit_indices = array<i64: 4, 3>, start_indices = array<i64: 0, 1>, strides = array<i64: 2, 1>}> : (tensor<4x3xf32>) -> tensor<2x2xf32>
  %5 = adjit.slice %y [0:4:2, 1:3:1] : tensor<4x3xf32> -> tensor<2x2xf32>
  return %1, %2, %3, %4, %5 : tensor<2x5xf32>, tensor<6x3xf32>, tensor<3x2xf32>, tensor<6xf32>, tensor<2x2xf32>
}

// CHECK-LABEL: func @matmul
// GENERIC-LABEL: sym_name = "matmul"
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<5x2x3xf64>, %d: tensor<5x3x4xf64>) -> (tensor<2x4xf32>, tensor<5x2x4xf64>) {
  // CHECK: adjit.matmul %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  // GENERIC: "adjit.matmul"(%{{.*}}, %{{.*}}) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32> -> tensor<2x4xf32>
  // CHECK: adjit.matmul %{{.*}}, %{{.*}} : tensor<5x2x3xf64>, tensor<5x3x4xf64> -> tensor<5x2x4xf64>
  %1 = adjit.matmul %c, %d : tensor<5x2x3xf64>, tensor<5x3x4xf64> -> tensor<5x2x4xf64>
  return %0, %1 : tensor<2x4xf32>, tensor<5x2x4xf64>
}

// CHECK-LABEL: func @reductions
// GENERIC-LABEL: sym_name = "reductions"
func.func @reductions(%x: tensor<2x3x4xf32>) -> (tensor<3xf32>, tensor<f32>, tensor<2x4xf32>) {
  // CHECK: adjit.reduce_sum %{{.*}}, dims = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  // GENERIC: "adjit.reduce_sum"(%{{.*}}) <{dims = array<i64: 0, 2>}> : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %0 = adjit.reduce_sum %x, dims = [0, 2] : tensor<2x3x4xf32> -> tensor<3xf32>
  // CHECK: adjit.reduce_max %{{.*}}, dims = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  // GENERIC: "adjit.reduce_max"(%{{.*}}) <{dims = array<i64: 0, 1, 2>}> : (tensor<2x3x4xf32>) -> tensor<f32>
  %1 = adjit.reduce_max %x, dims = [0, 1, 2] : tensor<2x3x4xf32> -> tensor<f32>
  // CHECK: adjit.reduce_prod %{{.*}}, dims = [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  // GENERIC: "adjit.reduce_prod"(%{{.*}}) <{dims = array<i64: 1>}> : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %2 = adjit.reduce_prod %x, dims = [1] : tensor<2x3x4xf32> -> tensor<2x4xf32>
  return %0, %1, %2 : tensor<3xf32>, tensor<f32>, tensor<2x4xf32>
}

// CHECK-LABEL: func @primitives
// GENERIC-LABEL: sym_name = "primitives"
func.func @primitives(%x: tensor<4xf64>) -> tensor<4xf64> {
  // CHECK: adjit.sin %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.sin"(%{{.*}}) : (tensor<4xf64>) -> tensor<4xf64>
  %0 = adjit.sin %x : tensor<4xf64>
  // CHECK: adjit.cos
  // GENERIC: "adjit.cos"
  %1 = adjit.cos %0 : tensor<4xf64>
  // CHECK: adjit.log1p
  // GENERIC: "adjit.log1p"
  %2 = adjit.log1p %1 : tensor<4xf64>
  // CHECK: adjit.expm1
  // GENERIC: "adjit.expm1"
  %3 = adjit.expm1 %2 : tensor<4xf64>
  // CHECK: adjit.lgamma
  // GENERIC: "adjit.lgamma"
  // CHECK: adjit.digamma
  // GENERIC: "adjit.digamma"
  %lg = adjit.lgamma %x : tensor<4xf64>
  %dg = adjit.digamma %lg : tensor<4xf64>
  // CHECK: adjit.erf
  // GENERIC: "adjit.erf"
  %4 = adjit.erf %3 : tensor<4xf64>
  // CHECK: adjit.sign
  // GENERIC: "adjit.sign"
  %5 = adjit.sign %4 : tensor<4xf64>
  // CHECK: adjit.floor
  // GENERIC: "adjit.floor"
  %6 = adjit.floor %5 : tensor<4xf64>
  // CHECK: adjit.ceil
  // GENERIC: "adjit.ceil"
  %7 = adjit.ceil %6 : tensor<4xf64>
  // CHECK: adjit.round
  // GENERIC: "adjit.round"
  %8 = adjit.round %7 : tensor<4xf64>
  // CHECK: adjit.stop_gradient %{{.*}} : tensor<4xf64>
  // GENERIC: "adjit.stop_gradient"(%{{.*}}) : (tensor<4xf64>) -> tensor<4xf64>
  %9 = adjit.stop_gradient %8 : tensor<4xf64>
  return %9 : tensor<4xf64>
}
