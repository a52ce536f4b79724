// lgamma and digamma compiled and run: +inf at the poles of lgamma, -inf /
// +inf at +0 / -0 and NaN at the negative integers for digamma (PyTorch).
// RUN: adjit-run %s --entry=gamma \
// RUN:   --arg='dense<[1.0, 2.0, 0.5, -0.0, 0.0, -2.0, 10.0, -2.5]> : tensor<8xf64>' \
// RUN: | FileCheck %s
// The gradient of lgamma is digamma.
// RUN: adjit-opt %s --adjit-autodiff=function=loss \
// RUN: | adjit-run - --entry=loss_grad \
// RUN:   --arg='dense<[1.0, 0.5, 10.0]> : tensor<3xf32>' \
// RUN: | FileCheck %s --check-prefix=GRAD

// The values are the C library's lgamma (PyTorch's vectorized kernel, Sleef,
// is 1 ulp lower at 10 and 3 ulp higher at -2.5) and PyTorch's digamma,
// exactly.
// CHECK: dense<[0.0, 0.0, 0.57236494292470008, 0x7FF0000000000000, 0x7FF0000000000000, 0x7FF0000000000000, 12.801827480081471, -0.056243716497674068]> : tensor<8xf64>
// CHECK-NEXT: dense<[-0.57721566490153275, 0.42278433509846702, -1.9635100260214229, 0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000, 2.2517525890667209, 1.1031566406452433]> : tensor<8xf64>
func.func @gamma(%x: tensor<8xf64>) -> (tensor<8xf64>, tensor<8xf64>) {
  %0 = adjit.lgamma %x : tensor<8xf64>
  %1 = adjit.digamma %x : tensor<8xf64>
  return %0, %1 : tensor<8xf64>, tensor<8xf64>
}

// PyTorch (float32): 13.374192237854004 and [-0.5772159099578857,
// -1.9635108709335327, 2.2517526149749756].
// GRAD: dense<13.3741922> : tensor<f32>
// GRAD-NEXT: dense<[-0.57721591, -1.96351087, 2.25175261]> : tensor<3xf32>
func.func @loss(%x: tensor<3xf32>) -> tensor<f32> {
  %0 = adjit.lgamma %x : tensor<3xf32>
  %1 = adjit.reduce_sum %0, dims = [0] : tensor<3xf32> -> tensor<f32>
  return %1 : tensor<f32>
}
