// A chain of elementwise ops fuses into ops of at most 16 operands: the sum
// of the gradient contributions of a weight shared by many unrolled steps
// would otherwise grow one op per step, quadratic in the chain's length.
// RUN: adjit-opt %s --convert-adjit-to-linalg --canonicalize --cse --adjit-fuse-elementwise | FileCheck %s
// RUN: adjit-opt %s --adjit-to-llvm | FileCheck %s --check-prefix=LOWERED

// The first op takes 15 inputs and the init: the 16th input would exceed
// the cap. The second takes the first's result and the remaining 5.
// CHECK-LABEL: func @sum_of_contributions
// CHECK: %[[FIRST:.*]] = linalg.generic
// CHECK-SAME: ins(%{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}} :
// CHECK: %[[SECOND:.*]] = linalg.generic
// CHECK-SAME: ins(%[[FIRST]], %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}}, %{{[a-z0-9]+}} :
// CHECK-NOT: linalg.generic
// CHECK: return %[[SECOND]]
// LOWERED-LABEL: llvm.func @sum_of_contributions
func.func @sum_of_contributions(%a0: tensor<8xf32>, %a1: tensor<8xf32>, %a2: tensor<8xf32>, %a3: tensor<8xf32>, %a4: tensor<8xf32>, %a5: tensor<8xf32>, %a6: tensor<8xf32>, %a7: tensor<8xf32>, %a8: tensor<8xf32>, %a9: tensor<8xf32>, %a10: tensor<8xf32>, %a11: tensor<8xf32>, %a12: tensor<8xf32>, %a13: tensor<8xf32>, %a14: tensor<8xf32>, %a15: tensor<8xf32>, %a16: tensor<8xf32>, %a17: tensor<8xf32>, %a18: tensor<8xf32>, %a19: tensor<8xf32>) -> tensor<8xf32> {
  %s1 = adjit.add %a0, %a1 : tensor<8xf32>
  %s2 = adjit.add %s1, %a2 : tensor<8xf32>
  %s3 = adjit.add %s2, %a3 : tensor<8xf32>
  %s4 = adjit.add %s3, %a4 : tensor<8xf32>
  %s5 = adjit.add %s4, %a5 : tensor<8xf32>
  %s6 = adjit.add %s5, %a6 : tensor<8xf32>
  %s7 = adjit.add %s6, %a7 : tensor<8xf32>
  %s8 = adjit.add %s7, %a8 : tensor<8xf32>
  %s9 = adjit.add %s8, %a9 : tensor<8xf32>
  %s10 = adjit.add %s9, %a10 : tensor<8xf32>
  %s11 = adjit.add %s10, %a11 : tensor<8xf32>
  %s12 = adjit.add %s11, %a12 : tensor<8xf32>
  %s13 = adjit.add %s12, %a13 : tensor<8xf32>
  %s14 = adjit.add %s13, %a14 : tensor<8xf32>
  %s15 = adjit.add %s14, %a15 : tensor<8xf32>
  %s16 = adjit.add %s15, %a16 : tensor<8xf32>
  %s17 = adjit.add %s16, %a17 : tensor<8xf32>
  %s18 = adjit.add %s17, %a18 : tensor<8xf32>
  %s19 = adjit.add %s18, %a19 : tensor<8xf32>
  return %s19 : tensor<8xf32>
}
