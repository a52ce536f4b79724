// Every verifier error of the adjit dialect, one case each.
// RUN: adjit-opt %s -split-input-file -verify-diagnostics

func.func @binary_operand_types(%a: tensor<2x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'adjit.add' op requires operands of identical type, got 'tensor<2x3xf32>' and 'tensor<3xf32>' (broadcasting is explicit: use adjit.broadcast)}}
  %0 = "adjit.add"(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @binary_element_types(%a: tensor<2xf32>, %b: tensor<2xf64>) {
  // expected-error @+1 {{'adjit.mul' op requires operands of identical type, got 'tensor<2xf32>' and 'tensor<2xf64>'}}
  %0 = "adjit.mul"(%a, %b) : (tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return
}

// -----

func.func @binary_result_type(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.sub' op result type 'tensor<2xf64>' does not match the type 'tensor<2xf32>' that follows from the operands and attributes}}
  %0 = "adjit.sub"(%a, %a) : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf64>
  return
}

// -----

func.func @unary_result_type(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.exp' op result type 'tensor<3xf32>' does not match the type 'tensor<2xf32>' that follows from the operands and attributes}}
  %0 = "adjit.exp"(%a) : (tensor<2xf32>) -> tensor<3xf32>
  return
}

// -----

func.func @integer_operands(%a: tensor<2xi32>) {
  // expected-error @+1 {{'adjit.neg' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 64-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = adjit.neg %a : tensor<2xi32>
  return
}

// -----

// Eager exp, log, ... of an integer tensor compute in float32: the IR has no
// integer exp.
func.func @float_only_unary(%a: tensor<2xi64>) {
  // expected-error @+1 {{'adjit.exp' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<2xi64>'}}
  %0 = adjit.exp %a : tensor<2xi64>
  return
}

// -----

func.func @float_only_binary(%a: tensor<2xi64>) {
  // expected-error @+1 {{'adjit.div' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<2xi64>'}}
  %0 = adjit.div %a, %a : tensor<2xi64>
  return
}

// -----

func.func @float_only_rounding(%a: tensor<2xi64>) {
  // expected-error @+1 {{'adjit.floor' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<2xi64>'}}
  %0 = adjit.floor %a : tensor<2xi64>
  return
}

// -----

func.func @integer_matmul(%a: tensor<2x2xi64>) {
  // expected-error @+1 {{'adjit.matmul' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<2x2xi64>'}}
  %0 = adjit.matmul %a, %a : tensor<2x2xi64>, tensor<2x2xi64> -> tensor<2x2xi64>
  return
}

// -----

func.func @convert_mask(%a: tensor<2xi1>) {
  // expected-error @+1 {{'adjit.convert' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float or 64-bit signless integer values, but got 'tensor<2xi1>'}}
  %0 = adjit.convert %a : tensor<2xi1> to tensor<2xi64>
  return
}

// -----

func.func @compare_mixed(%a: tensor<2xi64>, %b: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.compare' op requires operands of identical type, got 'tensor<2xi64>' and 'tensor<2xf32>'}}
  %0 = "adjit.compare"(%a, %b) {predicate = 0 : i64} : (tensor<2xi64>, tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @argmax_dim_range(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.argmax' op dimension 2 is out of range for 'tensor<2x3xf32>' (valid: 0 to 1)}}
  %v, %i = "adjit.argmax"(%x) {dim = 2 : i64} : (tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xi64>)
  return
}

// -----

func.func @argmax_rank_zero(%x: tensor<f32>) {
  // expected-error @+1 {{'adjit.argmin' op expects an operand of rank at least 1, got 'tensor<f32>'}}
  %v, %i = "adjit.argmin"(%x) {dim = 0 : i64} : (tensor<f32>) -> (tensor<f32>, tensor<i64>)
  return
}

// -----

func.func @argmax_empty_dim(%x: tensor<2x0xf32>) {
  // expected-error @+1 {{'adjit.argmax' op cannot choose an element along dimension 1 of size 0 of 'tensor<2x0xf32>'}}
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x0xf32> -> tensor<2xf32>, tensor<2xi64>
  return
}

// -----

func.func @argmax_result_types(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.argmax' op result type 'tensor<3xf32>', 'tensor<2xi64>' does not match the type 'tensor<2xf32>', 'tensor<2xi64>' that follows from the operands and attributes}}
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x3xf32> -> tensor<3xf32>, tensor<2xi64>
  return
}

// -----

func.func @argmax_index_type(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.argmax' op result #1 must be statically shaped tensor of 64-bit signless integer values, but got 'tensor<2xf32>'}}
  %v, %i = adjit.argmax %x, dim = 1 : tensor<2x3xf32> -> tensor<2xf32>, tensor<2xf32>
  return
}

// -----

func.func @dynamic_shape(%a: tensor<?xf32>) {
  // expected-error @+1 {{'adjit.tanh' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<?xf32>'}}
  %0 = adjit.tanh %a : tensor<?xf32>
  return
}

// -----

func.func @compare_unknown_predicate(%a: tensor<2xf32>) {
  // expected-error @+1 {{unknown comparison predicate 'less', expected one of eq, ne, lt, le, gt, ge}}
  %0 = adjit.compare less, %a, %a : tensor<2xf32>
  return
}

// -----

func.func @compare_operand_types(%a: tensor<2xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'adjit.compare' op requires operands of identical type, got 'tensor<2xf32>' and 'tensor<4xf32>'}}
  %0 = "adjit.compare"(%a, %b) {predicate = 0 : i64} : (tensor<2xf32>, tensor<4xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @compare_result_type(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.compare' op result #0 must be statically shaped tensor of 1-bit signless integer values, but got 'tensor<2xf32>'}}
  %0 = "adjit.compare"(%a, %a) {predicate = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @compare_predicate_value(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.compare' op attribute 'predicate' failed to satisfy constraint: comparison predicate of adjit.compare}}
  %0 = "adjit.compare"(%a, %a) {predicate = 9 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xi1>
  return
}

// -----

func.func @select_value_types(%m: tensor<2xi1>, %a: tensor<2xf32>, %b: tensor<2xf64>) {
  // expected-error @+1 {{'adjit.select' op requires on_true and on_false of identical type, got 'tensor<2xf32>' and 'tensor<2xf64>'}}
  %0 = "adjit.select"(%m, %a, %b) : (tensor<2xi1>, tensor<2xf32>, tensor<2xf64>) -> tensor<2xf32>
  return
}

// -----

func.func @select_condition_shape(%m: tensor<3xi1>, %a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.select' op requires a condition of the values' shape, got condition 'tensor<3xi1>' and values 'tensor<2xf32>'}}
  %0 = "adjit.select"(%m, %a, %a) : (tensor<3xi1>, tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return
}

// -----

func.func @constant_element_type() {
  // expected-error @+1 {{'adjit.constant' op result #0 must be statically shaped tensor of 32-bit float or 64-bit float or 64-bit signless integer or 1-bit signless integer values, but got 'tensor<2xi32>'}}
  %0 = adjit.constant dense<[1, 2]> : tensor<2xi32>
  return
}

// -----

func.func @constant_result_type() {
  // expected-error @+1 {{'adjit.constant' op result type 'tensor<2xf64>' does not match the type 'tensor<2xf32>' that follows from the operands and attributes}}
  %0 = "adjit.constant"() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf64>
  return
}

// -----

func.func @constant_not_elements() {
  // expected-error @+1 {{'adjit.constant' op attribute 'value' failed to satisfy constraint: constant vector/tensor attribute}}
  %0 = "adjit.constant"() {value = 1.0 : f32} : () -> tensor<f32>
  return
}

// -----

func.func @convert_shape(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.convert' op requires operand and result of one shape, got 'tensor<2xf32>' and 'tensor<3xf64>' (use adjit.reshape to change the shape)}}
  %0 = adjit.convert %a : tensor<2xf32> to tensor<3xf64>
  return
}

// -----

func.func @broadcast_element_type(%a: tensor<3xf32>) {
  // expected-error @+1 {{'adjit.broadcast' op requires operand and result of one element type, got 'tensor<3xf32>' and 'tensor<2x3xf64>'}}
  %0 = adjit.broadcast %a, dims = [1] : tensor<3xf32> -> tensor<2x3xf64>
  return
}

// -----

func.func @broadcast_dims_count(%a: tensor<3xf32>) {
  // expected-error @+1 {{'adjit.broadcast' op requires one entry in dims per operand dimension, got 2 entries for 'tensor<3xf32>'}}
  %0 = adjit.broadcast %a, dims = [0, 1] : tensor<3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_dims_range(%a: tensor<3xf32>) {
  // expected-error @+1 {{'adjit.broadcast' op dims entry 2 is out of range for 'tensor<2x3xf32>' (valid: 0 to 1)}}
  %0 = adjit.broadcast %a, dims = [2] : tensor<3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @broadcast_dims_order(%a: tensor<3x3xf32>) {
  // expected-error @+1 {{'adjit.broadcast' op requires strictly increasing dims, got [1, 0]}}
  %0 = adjit.broadcast %a, dims = [1, 0] : tensor<3x3xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @broadcast_sizes(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.broadcast' op operand dimension 0 of size 2 cannot broadcast to result dimension 1 of size 3 ('tensor<2xf32>' -> 'tensor<4x3xf32>'; a broadcast dimension has size 1 or the result's size)}}
  %0 = adjit.broadcast %a, dims = [1] : tensor<2xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @reshape_elements(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reshape' op requires the same number of elements, got 'tensor<2x3xf32>' (6 elements) and 'tensor<7xf32>' (7 elements)}}
  %0 = adjit.reshape %a : tensor<2x3xf32> -> tensor<7xf32>
  return
}

// -----

func.func @reshape_element_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reshape' op requires operand and result of one element type, got 'tensor<2x3xf32>' and 'tensor<6xf64>'}}
  %0 = adjit.reshape %a : tensor<2x3xf32> -> tensor<6xf64>
  return
}

// -----

func.func @transpose_not_permutation(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.transpose' op permutation [0, 0] is not a permutation of the 2 dimensions of 'tensor<2x3xf32>'}}
  %0 = adjit.transpose %a, [0, 0] : tensor<2x3xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @transpose_permutation_length(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.transpose' op permutation [0] is not a permutation of the 2 dimensions of 'tensor<2x3xf32>'}}
  %0 = adjit.transpose %a, [0] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @transpose_result_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.transpose' op result type 'tensor<2x3xf32>' does not match the type 'tensor<3x2xf32>' that follows from the operands and attributes}}
  %0 = adjit.transpose %a, [1, 0] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @slice_rank(%a: tensor<4x4xf32>) {
  // expected-error @+1 {{'adjit.slice' op requires one start:limit:stride range per dimension of 'tensor<4x4xf32>', got 1, 1 and 1}}
  %0 = adjit.slice %a [0:2:1] : tensor<4x4xf32> -> tensor<2xf32>
  return
}

// -----

func.func @slice_limit(%a: tensor<4xf32>) {
  // expected-error @+1 {{'adjit.slice' op range 2:5:1 of dimension 0 is invalid for size 4 (valid: 0 <= start <= limit <= size and stride >= 1)}}
  %0 = adjit.slice %a [2:5:1] : tensor<4xf32> -> tensor<3xf32>
  return
}

// -----

func.func @slice_stride(%a: tensor<4xf32>) {
  // expected-error @+1 {{'adjit.slice' op range 0:4:0 of dimension 0 is invalid for size 4}}
  %0 = adjit.slice %a [0:4:0] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_syntax(%a: tensor<4xf32>) {
  // expected-error @+1 {{expected ':'}}
  %0 = adjit.slice %a [0:4] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @slice_result_type(%a: tensor<4xf32>) {
  // expected-error @+1 {{'adjit.slice' op result type 'tensor<4xf32>' does not match the type 'tensor<2xf32>' that follows from the operands and attributes}}
  %0 = adjit.slice %a [0:4:2] : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @concat_no_inputs() {
  // expected-error @+1 {{'adjit.concat' op requires at least one input}}
  %0 = "adjit.concat"() {dim = 0 : i64} : () -> tensor<2xf32>
  return
}

// -----

func.func @concat_dim(%a: tensor<2xf32>) {
  // expected-error @+1 {{'adjit.concat' op dim 1 is out of range for 'tensor<2xf32>' (valid: 0 to 0)}}
  %0 = adjit.concat %a, %a dim = 1 : tensor<2xf32>, tensor<2xf32> -> tensor<2x2xf32>
  return
}

// -----

func.func @concat_shapes(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  // expected-error @+1 {{'adjit.concat' op cannot concatenate 'tensor<2x3xf32>' and 'tensor<2x4xf32>' along dim 0 (inputs need one rank, one element type and equal sizes in all other dimensions)}}
  %0 = adjit.concat %a, %b dim = 0 : tensor<2x3xf32>, tensor<2x4xf32> -> tensor<4x3xf32>
  return
}

// -----

func.func @matmul_element_types(%a: tensor<2x3xf32>, %b: tensor<3x4xf64>) {
  // expected-error @+1 {{'adjit.matmul' op requires operands of one element type, got 'tensor<2x3xf32>' and 'tensor<3x4xf64>'}}
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf64> -> tensor<2x4xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'adjit.matmul' op requires operands of rank >= 2 (MxK and KxN, with equal leading batch dimensions when batched), got 'tensor<3xf32>' and 'tensor<3x4xf32>'}}
  %0 = adjit.matmul %a, %b : tensor<3xf32>, tensor<3x4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @matmul_ranks_differ(%a: tensor<2x2x3xf32>, %b: tensor<3x4xf32>) {
  // expected-error @+1 {{'adjit.matmul' op requires operands of equal rank, got 'tensor<2x2x3xf32>' and 'tensor<3x4xf32>'}}
  %0 = adjit.matmul %a, %b : tensor<2x2x3xf32>, tensor<3x4xf32> -> tensor<2x2x4xf32>
  return
}

// -----

func.func @matmul_batch(%a: tensor<2x2x3xf32>, %b: tensor<5x3x4xf32>) {
  // expected-error @+1 {{'adjit.matmul' op requires equal batch dimensions, got 'tensor<2x2x3xf32>' and 'tensor<5x3x4xf32>'}}
  %0 = adjit.matmul %a, %b : tensor<2x2x3xf32>, tensor<5x3x4xf32> -> tensor<2x2x4xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+1 {{'adjit.matmul' op requires the contracted dimensions (last of lhs, second to last of rhs) to agree, got 'tensor<2x3xf32>' and 'tensor<4x5xf32>'}}
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<4x5xf32> -> tensor<2x5xf32>
  return
}

// -----

func.func @matmul_result_type(%a: tensor<2x3xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+1 {{'adjit.matmul' op result type 'tensor<5x2xf32>' does not match the type 'tensor<2x5xf32>' that follows from the operands and attributes}}
  %0 = adjit.matmul %a, %b : tensor<2x3xf32>, tensor<3x5xf32> -> tensor<5x2xf32>
  return
}

// -----

func.func @reduce_dim_range(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reduce_sum' op dimension 2 is out of range for 'tensor<2x3xf32>' (valid: 0 to 1)}}
  %0 = adjit.reduce_sum %a, dims = [2] : tensor<2x3xf32> -> tensor<2x3xf32>
  return
}

// -----

func.func @reduce_dim_order(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reduce_max' op requires strictly increasing dims, got [1, 1]}}
  %0 = adjit.reduce_max %a, dims = [1, 1] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_prod_dim_range(%a: tensor<2x3xf64>) {
  // expected-error @+1 {{'adjit.reduce_prod' op dimension 2 is out of range for 'tensor<2x3xf64>' (valid: 0 to 1)}}
  %0 = adjit.reduce_prod %a, dims = [2] : tensor<2x3xf64> -> tensor<2xf64>
  return
}

// -----

func.func @reduce_prod_result_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reduce_prod' op result type 'tensor<2xf32>' does not match the type 'tensor<3xf32>' that follows from the operands and attributes}}
  %0 = adjit.reduce_prod %a, dims = [0] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @reduce_result_type(%a: tensor<2x3xf32>) {
  // expected-error @+1 {{'adjit.reduce_sum' op result type 'tensor<2xf32>' does not match the type 'tensor<3xf32>' that follows from the operands and attributes}}
  %0 = adjit.reduce_sum %a, dims = [0] : tensor<2x3xf32> -> tensor<2xf32>
  return
}

// -----

func.func @dropout_mask_probability(%s: tensor<i64>, %o: tensor<i64>) {
  // expected-error @+1 {{'adjit.dropout_mask' op requires p in [0, 1], got 1.5}}
  %0 = adjit.dropout_mask %s, %o {p = 1.5 : f64} : tensor<4xf32>
  return
}

// -----

func.func @dropout_mask_nan(%s: tensor<i64>, %o: tensor<i64>) {
  // expected-error @+1 {{'adjit.dropout_mask' op requires p in [0, 1], got nan}}
  %0 = adjit.dropout_mask %s, %o {p = 0x7FF8000000000000 : f64} : tensor<4xf32>
  return
}

// -----

func.func @dropout_mask_seed_type(%s: tensor<1xi64>, %o: tensor<i64>) {
  // expected-error @+1 {{'adjit.dropout_mask' op operand #0 must be 0D tensor of 64-bit signless integer values}}
  %0 = "adjit.dropout_mask"(%s, %o) <{p = 0.5 : f64}> : (tensor<1xi64>, tensor<i64>) -> tensor<4xf32>
  return
}

// -----

func.func @dropout_mask_result_type(%s: tensor<i64>, %o: tensor<i64>) {
  // expected-error @+1 {{'adjit.dropout_mask' op result #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = "adjit.dropout_mask"(%s, %o) <{p = 0.5 : f64}> : (tensor<i64>, tensor<i64>) -> tensor<4xi64>
  return
}
