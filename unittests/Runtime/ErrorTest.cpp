//===- ErrorTest.cpp - Every user error is an adjit::Error ----------------===//

#include "TestUtil.h"

#include <cmath>
#include <cstdint>

using namespace adjit;
using namespace adjit::test;
namespace F = adjit::nn::functional;

namespace {

TEST(ErrorTest, BroadcastingAndShapes) {
  EXPECT_ADJIT_ERROR(ones({2, 3}) + ones({4}),
                     "add: shapes [2, 3] and [4] are not broadcastable");
  EXPECT_ADJIT_ERROR(ones({2}) * ones({3}), "mul: shapes [2] and [3]");
  EXPECT_ADJIT_ERROR(where(ones({2}, kBool), ones({3}), ones({2})),
                     "where: shapes [3] and [2] are not broadcastable");
  EXPECT_ADJIT_ERROR(ones({2}) < ones({3}), "lt: shapes [2] and [3]");
  EXPECT_ADJIT_ERROR(where(ones({2}), ones({2}), ones({2})),
                     "where: expected a condition of dtype bool, got float32");
}

TEST(ErrorTest, Matmul) {
  EXPECT_ADJIT_ERROR(matmul(ones({2, 3}), ones({4, 5})),
                     "matmul: shapes [2, 3] and [4, 5] cannot be multiplied "
                     "(3 != 4)");
  EXPECT_ADJIT_ERROR(matmul(ones({3}), ones({4})),
                     "matmul: 1-D tensors of shapes [3] and [4]");
  EXPECT_ADJIT_ERROR(matmul(scalar_tensor(1), ones({2})),
                     "matmul: both arguments need to be at least 1-D");
  EXPECT_ADJIT_ERROR(matmul(ones({2, 2}, kInt64), ones({2, 2}, kInt64)),
                     "matmul: expected floating-point tensors, got int64");
  EXPECT_ADJIT_ERROR(matmul(ones({2, 2, 3}), ones({3, 3, 2})),
                     "matmul: shapes [2] and [3] are not broadcastable");
}

TEST(ErrorTest, Dims) {
  EXPECT_ADJIT_ERROR(ones({2, 3}).sum({2}),
                     "sum: dimension 2 is out of range for a tensor of 2 "
                     "dimensions (expected to be in [-2, 1])");
  EXPECT_ADJIT_ERROR(ones({2, 3}).sum({1, -1}),
                     "sum: dim 1 appears multiple times");
  EXPECT_ADJIT_ERROR(ones({2}).transpose(0, 3), "transpose: dimension 3");
  EXPECT_ADJIT_ERROR(ones({2, 3}).permute({0, 0}),
                     "permute: dims [0, 0] is not a permutation");
  EXPECT_ADJIT_ERROR(ones({2, 3}).permute({0}), "permute: dims [0]");
  EXPECT_ADJIT_ERROR(ones({2}).select(0, 2),
                     "select: index 2 is out of bounds for dimension 0 with "
                     "size 2");
  EXPECT_ADJIT_ERROR(ones({2}).slice(0, 0, 2, 0),
                     "slice: step must be positive");
  EXPECT_ADJIT_ERROR(scalar_tensor(1).slice(0, 0, 1), "slice: cannot slice");
  EXPECT_ADJIT_ERROR(ones({2}).max(1), "max: dimension 1 is out of range");
  EXPECT_ADJIT_ERROR(ones({2}).size(3), "size: dimension 3 is out of range");
  EXPECT_ADJIT_ERROR(ones({2}).unsqueeze(3), "unsqueeze: dimension 3");
  EXPECT_ADJIT_ERROR(F::log_softmax(ones({2}), 1),
                     "log_softmax: dimension 1 is out of range");
}

TEST(ErrorTest, ReshapeViewExpandCat) {
  EXPECT_ADJIT_ERROR(ones({2, 3}).view({4, 2}),
                     "view: shape [4, 2] is invalid for input of size 6");
  EXPECT_ADJIT_ERROR(ones({2, 3}).reshape({-1, -1}),
                     "reshape: only one dimension can be inferred");
  EXPECT_ADJIT_ERROR(ones({2, 3}).reshape({-1, 4}),
                     "reshape: shape [-1, 4] is invalid for input of size 6");
  EXPECT_ADJIT_ERROR(ones({2, 3}).t().view({6}),
                     "view: the input of shape [3, 2] with strides [1, 3] is "
                     "not contiguous; use reshape instead");
  EXPECT_ADJIT_ERROR(ones({2, 3}).expand({2, 4}),
                     "expand: the expanded size 4 must match the existing "
                     "size 3 at non-singleton dimension 1");
  EXPECT_ADJIT_ERROR(ones({2, 3}).expand({3}), "expand: the target shape [3]");
  EXPECT_ADJIT_ERROR(cat({ones({2, 3}), ones({2, 4})}),
                     "cat: sizes of tensors must match except in dimension "
                     "0; got [2, 3] and [2, 4]");
  EXPECT_ADJIT_ERROR(cat({}), "cat: expected a non-empty list");
  EXPECT_ADJIT_ERROR(ones({2, 3}, kFloat64).t().t().t().t().t().view({6}),
                     "view:");
}

TEST(ErrorTest, Factories) {
  EXPECT_ADJIT_ERROR(tensor({{1, 2}, {3}}),
                     "tensor: nested lists must have equal shapes, got [2] "
                     "and [1]");
  EXPECT_ADJIT_ERROR(from_vector({1, 2, 3}, {2, 2}),
                     "from_vector: 3 values do not fill shape [2, 2]");
  EXPECT_ADJIT_ERROR(zeros({-1}), "empty: negative dimension in shape [-1]");
  // Shapes whose size in bytes overflows: no small buffer for a huge shape.
  EXPECT_ADJIT_ERROR(zeros({int64_t(1) << 62, 4}),
                     "empty: shape [4611686018427387904, 4] of float32 has too "
                     "many elements (its size in bytes overflows int64)");
  EXPECT_ADJIT_ERROR(ones({INT64_MAX, 2}, kFloat64),
                     "empty: shape [9223372036854775807, 2] of float64 has too "
                     "many elements");
  EXPECT_ADJIT_ERROR(arange(0, 5, -1), "arange: invalid range");
  EXPECT_ADJIT_ERROR(arange(0, std::nan("")), "arange: invalid range");
  EXPECT_ADJIT_ERROR(arange(0, 1e30),
                     "arange: the range from 0.000000 to "
                     "1000000000000000019884624838656.000000 with step "
                     "1.000000 has too many elements");
  EXPECT_ADJIT_ERROR(linspace(0, 1, -1), "linspace: number of steps");
  EXPECT_ADJIT_ERROR(rand({2}, kInt64),
                     "rand: expected a floating-point dtype, got int64");
  EXPECT_ADJIT_ERROR(ones({2}, dtype(kInt64).requires_grad(true)),
                     "requires_grad_: only tensors of floating-point dtype");
}

TEST(ErrorTest, ItemAndAccess) {
  EXPECT_ADJIT_ERROR(ones({2, 3}).item(),
                     "item: a tensor with 6 elements (shape [2, 3]) cannot be "
                     "converted to a scalar");
  EXPECT_ADJIT_ERROR(ones({2}).data_ptr<double>(),
                     "data_ptr: expected a tensor of dtype float64, got "
                     "float32");
  EXPECT_ADJIT_ERROR(Tensor().sizes(), "sizes: expected a defined tensor");
  EXPECT_ADJIT_ERROR(Tensor() + ones({1}), "add: expected a defined tensor");
  EXPECT_ADJIT_ERROR(ones({2, 2, 2}).t(), "t: expects a tensor with at most "
                                          "2 dimensions, got shape [2, 2, 2]");
  EXPECT_ADJIT_ERROR(ones({2}, kInt64).mean(),
                     "mean: expected a floating-point tensor, got int64");
  EXPECT_ADJIT_ERROR(zeros({0}).max(), "max: cannot reduce an empty tensor");
  EXPECT_ADJIT_ERROR(-ones({2}, kBool), "neg: not supported on a bool tensor");
}

TEST(ErrorTest, InPlace) {
  Tensor a = ones({2, 3});
  EXPECT_ADJIT_ERROR(a.add_(ones({3, 3})),
                     "add_: shapes [2, 3] and [3, 3] are not broadcastable");
  EXPECT_ADJIT_ERROR(ones({3}).mul_(ones({2, 3})),
                     "mul_: output with shape [3] doesn't match the broadcast "
                     "shape [2, 3]");
  EXPECT_ADJIT_ERROR(ones({2}, kInt64).add_(ones({2})),
                     "add_: result type float32 can't be cast to the desired "
                     "output type int64");
  EXPECT_ADJIT_ERROR(ones({2}, kInt64).div_(2.0), "div_: result type float32");
  EXPECT_ADJIT_ERROR(ones({2}).copy_(ones({3})),
                     "copy_: shapes [2] and [3] are not broadcastable");
  EXPECT_ADJIT_ERROR(ones({2}).copy_(ones({2, 2})),
                     "copy_: source of shape [2, 2] cannot be broadcast to "
                     "the destination shape [2]");
  Tensor leaf = ones({2}, requires_grad());
  EXPECT_ADJIT_ERROR(leaf.add_(1.0),
                     "add_: a leaf tensor that requires grad (shape [2]) is "
                     "being used in an in-place operation");
  EXPECT_ADJIT_ERROR(leaf.zero_(), "fill_: a leaf tensor that requires grad");
  Tensor view = (leaf * 2.0).slice(0, 0, 1);
  EXPECT_ADJIT_ERROR(view.mul_(2.0),
                     "mul_: in-place operations on views of tensors that "
                     "require grad are not supported");
  EXPECT_EQ(leaf._version(), 0u);
}

TEST(ErrorTest, BackwardMisuse) {
  EXPECT_ADJIT_ERROR(ones({2}).sum().backward(),
                     "backward: element 0 of tensors does not require grad "
                     "and does not have a grad_fn");
  Tensor x = ones({2, 3}, requires_grad());
  EXPECT_ADJIT_ERROR((x * 2.0).backward(),
                     "backward: grad can be implicitly created only for "
                     "scalar outputs, but the output has shape [2, 3]");
  EXPECT_ADJIT_ERROR((x * 2.0).backward(ones({3})),
                     "backward: gradient has shape [3] but the output has "
                     "shape [2, 3]");
  EXPECT_ADJIT_ERROR(autograd::grad({x.sum()}, {ones({1})}),
                     "autograd::grad: input 0 does not require grad");
  EXPECT_ADJIT_ERROR(autograd::grad({x.sum(), x.sum()}, {x}, {ones({})}),
                     "autograd::grad: got 1 gradients for 2 outputs");
  EXPECT_ADJIT_ERROR((x * 2.0).requires_grad_(false),
                     "requires_grad_: you can only change requires_grad of "
                     "leaf tensors");
  EXPECT_ADJIT_ERROR(ones({1}).retain_grad(), "retain_grad: cannot retain");
}

TEST(ErrorTest, Gradcheck) {
  Tensor f32 = ones({2}, requires_grad());
  EXPECT_ADJIT_ERROR(
      autograd::gradcheck([](auto &v) { return v[0] * 2.0; }, {f32}),
      "gradcheck: input 0 of shape [2] has dtype float32; gradcheck needs "
      "float64 inputs");
  EXPECT_ADJIT_ERROR(
      autograd::gradcheck([](auto &v) { return v[0]; }, {ones({2}, kFloat64)}),
      "gradcheck: no input requires grad");
  // A function whose recorded gradient disagrees with its values: the
  // detached factor makes autograd miss one term of d(x^2)/dx.
  Tensor x = tensor({1.5}, dtype(kFloat64).requires_grad(true));
  auto wrong = [](const std::vector<Tensor> &v) {
    return v[0] * v[0].detach();
  };
  EXPECT_ADJIT_ERROR(autograd::gradcheck(wrong, {x}),
                     "gradcheck: Jacobian mismatch for output 0 with respect "
                     "to input 0 element 0: numerical 3, analytical 1.5");
  autograd::GradcheckOptions quiet;
  quiet.raiseException = false;
  EXPECT_FALSE(autograd::gradcheck(wrong, {x}, quiet));
}

TEST(ErrorTest, NNAndOptim) {
  EXPECT_ADJIT_ERROR(F::mse_loss(ones({2}), ones({3})),
                     "mse_loss: input shape [2] and target shape [3] differ");
  EXPECT_ADJIT_ERROR(F::cross_entropy(ones({2, 3}), ones({2}, kBool)),
                     "cross_entropy: expected int64 class targets or "
                     "floating-point class probabilities, got bool");
  EXPECT_ADJIT_ERROR(F::cross_entropy(ones({2, 3}), ones({3}, kInt64)),
                     "cross_entropy: expected logits [N, C, d...] (or [C]) "
                     "with class targets [N, d...] (or []) or probabilities "
                     "of the logits' shape, got shapes [2, 3] and [3]");
  EXPECT_ADJIT_ERROR(F::cross_entropy(ones({2, 3}), tensor({0, 3}, kInt64)),
                     "cross_entropy: target 3 at position 1 is out of bounds "
                     "for 3 classes");
  EXPECT_ADJIT_ERROR(F::binary_cross_entropy_with_logits(ones({2}), ones({1})),
                     "binary_cross_entropy_with_logits: input shape [2] and "
                     "target shape [1] differ");
  nn::Linear fc(3, 2);
  EXPECT_ADJIT_ERROR(fc(ones({4, 2})),
                     "Linear: expected an input with last dimension 3, got "
                     "shape [4, 2]");
  EXPECT_ADJIT_ERROR(fc->register_parameter("weight", ones({1})),
                     "register_parameter: module Linear already has a "
                     "parameter, buffer or submodule named 'weight'");
  EXPECT_ADJIT_ERROR(fc->register_buffer("bias", ones({1})),
                     "register_buffer: module Linear already has a "
                     "parameter, buffer or submodule named 'bias'");
  EXPECT_ADJIT_ERROR(fc->register_parameter("a.b", ones({1})),
                     "register_parameter: invalid name 'a.b' in module Linear");
  nn::Linear empty{nullptr};
  EXPECT_TRUE(empty.is_empty());
  EXPECT_ADJIT_ERROR(empty(ones({1, 3})),
                     "ModuleHolder: accessing an empty module holder");
  nn::Module plain;
  EXPECT_ADJIT_ERROR(plain.forward(ones({1})),
                     "forward: module Module does not implement");
  EXPECT_ADJIT_ERROR(optim::SGD(std::vector<Tensor>{}, optim::SGDOptions(-1)),
                     "SGD: invalid learning rate");
  EXPECT_ADJIT_ERROR(
      optim::SGD(std::vector<Tensor>{}, optim::SGDOptions(0.1).nesterov(true)),
      "SGD: Nesterov momentum requires a momentum");
  EXPECT_ADJIT_ERROR(optim::Adam(std::vector<Tensor>{},
                                 optim::AdamOptions().betas({1.0, 0.5})),
                     "Adam: invalid betas");
  EXPECT_ADJIT_ERROR(optim::SGD({Tensor()}, optim::SGDOptions(0.1)),
                     "SGD: parameter 0 is undefined");
}

} // namespace
