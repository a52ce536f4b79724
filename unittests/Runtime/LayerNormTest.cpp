//===- LayerNormTest.cpp - eager layer_norm, gelu, softmax and attention --===//

#include "PyTorchReference.h"
#include "TestUtil.h"

#include <cmath>
#include <functional>

using namespace adjit;
using namespace adjit::test;

namespace {

Tensor v(int64_t n, double phase, const Shape &shape) {
  return from_vector(pattern(n, phase), shape, kFloat64);
}

TEST(LayerNormTest, NormalizesTheTrailingDims) {
  // Statistics per row of the trailing [3, 4] block, with plain loops.
  Tensor x = v(24, 0.1, {2, 3, 4});
  Tensor w = v(12, 0.7, {3, 4}), b = v(12, 1.3, {3, 4});
  Tensor y = layer_norm(x, {3, 4}, w, b, 1e-3);
  std::vector<double> xs = values(x), ws = values(w), bs = values(b);
  std::vector<double> expected;
  for (int n = 0; n < 2; ++n) {
    double mean = 0, var = 0;
    for (int i = 0; i < 12; ++i)
      mean += xs[n * 12 + i] / 12;
    for (int i = 0; i < 12; ++i)
      var += (xs[n * 12 + i] - mean) * (xs[n * 12 + i] - mean) / 12;
    for (int i = 0; i < 12; ++i)
      expected.push_back(
          (xs[n * 12 + i] - mean) / std::sqrt(var + 1e-3) * ws[i] + bs[i]);
  }
  expectTensor(y, {2, 3, 4}, expected, 1e-12);
  // Without affine parameters each row has mean 0 and variance 1 - eps-ish.
  Tensor z = layer_norm(x.to(kFloat32), {4});
  EXPECT_EQ(z.dtype(), kFloat32);
  expectTensor(z.mean({2}), {2, 3}, std::vector<double>(6, 0.0), 1e-6);
  expectTensor(z.var({2}, 0), {2, 3}, std::vector<double>(6, 1.0), 1e-3);
}

TEST(LayerNormTest, Module) {
  nn::LayerNorm norm(nn::LayerNormOptions({3, 4}).eps(1e-3));
  ASSERT_EQ(norm->parameters().size(), 2u);
  EXPECT_EQ(norm->named_parameters()[0].first, "weight");
  expectTensor(norm->weight, {3, 4}, std::vector<double>(12, 1.0));
  expectTensor(norm->bias, {3, 4}, std::vector<double>(12, 0.0));
  Tensor x = v(24, 0.1, {2, 3, 4}).to(kFloat32);
  expectTensor(norm(x), {2, 3, 4}, values(layer_norm(x, {3, 4}, {}, {}, 1e-3)),
               1e-6);
  {
    NoGradGuard noGrad;
    norm->weight.fill_(2);
    norm->bias.fill_(0.5);
  }
  expectTensor(norm(x), {2, 3, 4},
               values(layer_norm(x, {3, 4}, {}, {}, 1e-3) * 2 + 0.5), 1e-6);
  norm->reset_parameters();
  expectTensor(norm->weight, {3, 4}, std::vector<double>(12, 1.0));
  // The gradient reaches the parameters.
  norm(x).pow(3).sum().backward();
  EXPECT_TRUE(norm->weight.grad().defined());
  EXPECT_TRUE(norm->bias.grad().defined());

  nn::LayerNorm plain(nn::LayerNormOptions({4}).elementwise_affine(false));
  EXPECT_TRUE(plain->parameters().empty());
  expectTensor(plain(x), {2, 3, 4}, values(layer_norm(x, {4})), 1e-6);
  nn::functional::LayerNormFuncOptions options({4});
  expectTensor(nn::functional::layer_norm(x, options.eps(1e-2)), {2, 3, 4},
               values(layer_norm(x, {4}, {}, {}, 1e-2)), 1e-6);
}

TEST(LayerNormTest, Errors) {
  Tensor x = zeros({2, 3, 4});
  EXPECT_ADJIT_ERROR(layer_norm(x, {3}),
                     "layer_norm: normalized_shape [3] must be a non-empty "
                     "suffix of the input's shape [2, 3, 4]");
  EXPECT_ADJIT_ERROR(layer_norm(x, {}), "normalized_shape [] must be");
  EXPECT_ADJIT_ERROR(layer_norm(x, {1, 2, 3, 4}),
                     "normalized_shape [1, 2, 3, 4]");
  EXPECT_ADJIT_ERROR(layer_norm(zeros({2, 4}, kInt64), {4}),
                     "layer_norm: expected a floating-point input, got int64 "
                     "of shape [2, 4]");
  EXPECT_ADJIT_ERROR(layer_norm(x, {3, 4}, ones({4})),
                     "layer_norm: weight should have shape [3, 4] "
                     "(normalized_shape), got [4] (input shape [2, 3, 4])");
  EXPECT_ADJIT_ERROR(layer_norm(x, {4}, {}, ones({4}, kInt64)),
                     "layer_norm: bias must be a floating-point tensor, got "
                     "int64 of shape [4]");
  EXPECT_ADJIT_ERROR(layer_norm(x, {4}, {}, {}, -1),
                     "layer_norm: eps must be non-negative");
  EXPECT_ADJIT_ERROR(nn::LayerNorm(nn::LayerNormOptions({0})),
                     "LayerNorm: normalized_shape must be non-empty with "
                     "positive sizes, got [0]");
  EXPECT_ADJIT_ERROR(gelu(x, "fast"),
                     "gelu: approximate must be \"none\" or \"tanh\", got "
                     "\"fast\" (input shape [2, 3, 4])");
  EXPECT_ADJIT_ERROR(gelu(zeros({2}, kInt64)),
                     "gelu: expected a floating-point input, got int64");
  EXPECT_ADJIT_ERROR(nn::GELU(nn::GELUOptions().approximate("erf")),
                     "GELU: approximate must be \"none\" or \"tanh\"");
}

TEST(LayerNormTest, GradcheckFirstAndSecondOrder) {
  manual_seed(7);
  Tensor x = randn({2, 3, 4}, kFloat64).requires_grad_();
  Tensor w = (rand({3, 4}, kFloat64) + 0.5).requires_grad_();
  Tensor b = randn({3, 4}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](auto &in) {
        return layer_norm(in[0], {3, 4}, in[1], in[2], 1e-3);
      },
      {x, w, b});
  checkFirstAndSecondOrder([](auto &in) { return layer_norm(in[0], {4}); },
                           {x});
}

TEST(GeluTest, ValuesAndGradients) {
  // x Phi(x) and the tanh form, from Python's math.erf and math.tanh.
  Tensor x = from_vector({-2, -0.5, 0, 1, 3}, {5}, kFloat64);
  expectTensor(gelu(x), {5},
               {-0.04550026389635842, -0.15426876936299344, 0,
                0.8413447460685429, 2.99595030590511},
               1e-12);
  expectTensor(gelu(x, "tanh"), {5},
               {-0.04540230591222494, -0.15428599017485606, 0,
                0.8411919906082768, 2.996362607918227},
               1e-12);
  nn::GELU module(nn::GELUOptions().approximate("tanh"));
  expectTensor(module(x), {5}, values(gelu(x, "tanh")), 0);
  expectTensor(nn::functional::gelu(x), {5}, values(gelu(x)), 0);
  manual_seed(8);
  Tensor y = (randn({6}, kFloat64) * 2).requires_grad_();
  checkFirstAndSecondOrder([](auto &in) { return gelu(in[0]); }, {y});
  checkFirstAndSecondOrder([](auto &in) { return gelu(in[0], "tanh"); }, {y});
}

TEST(SoftmaxTest, EveryDimIncludingNegative) {
  Tensor x = v(24, 0.4, {2, 3, 4});
  for (int64_t dim : {0, 1, 2, -1, -2, -3}) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    int64_t d = dim < 0 ? dim + 3 : dim;
    Tensor expected = exp(x) / exp(x).sum({d}, true);
    expectTensor(x.softmax(dim), {2, 3, 4}, values(expected), 1e-12);
    expectTensor(
        nn::functional::softmax(x, nn::functional::SoftmaxFuncOptions(dim)),
        {2, 3, 4}, values(expected), 1e-12);
    expectTensor(x.log_softmax(dim), {2, 3, 4}, values(log(expected)), 1e-12);
    expectTensor(nn::functional::log_softmax(x, dim), {2, 3, 4},
                 values(log(expected)), 1e-12);
  }
  EXPECT_ADJIT_ERROR(x.softmax(3), "log_softmax");
  manual_seed(9);
  Tensor y = randn({3, 4}, kFloat64).requires_grad_();
  for (int64_t dim : {0, -1})
    checkFirstAndSecondOrder([dim](auto &in) { return in[0].softmax(dim); },
                             {y});
}

TEST(AttentionTest, MatchesTheFormulaWithAndWithoutMasks) {
  Tensor q = v(2 * 5 * 4, 0.1, {2, 5, 4}), k = v(2 * 7 * 4, 0.9, {2, 7, 4});
  Tensor val = v(2 * 7 * 3, 1.7, {2, 7, 3});
  Tensor scores = matmul(q, k.transpose(-2, -1)) / 2.0;
  Tensor plain = matmul(scores.softmax(-1), val);
  expectTensor(scaled_dot_product_attention(q, k, val), {2, 5, 3},
               values(plain), 1e-12);
  // Causal for L = 5 queries and S = 7 keys: query i sees keys 0..i.
  std::vector<double> causalMask;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 7; ++j)
      causalMask.push_back(j <= i ? 0 : -1e300);
  Tensor causal = matmul(
      (scores + from_vector(causalMask, {5, 7}, kFloat64)).softmax(-1), val);
  expectTensor(scaled_dot_product_attention(q, k, val, {}, 0, true), {2, 5, 3},
               values(causal), 1e-12);
  // A bool mask (true takes part) and the equivalent additive mask.
  Tensor keep = from_vector(causalMask, {5, 7}) == 0.0;
  expectTensor(scaled_dot_product_attention(q, k, val, keep), {2, 5, 3},
               values(causal), 1e-12);
  Tensor additive = from_vector(causalMask, {5, 7}, kFloat64);
  expectTensor(scaled_dot_product_attention(q, k, val, additive), {2, 5, 3},
               values(causal), 1e-12);
  // An explicit scale.
  Tensor scaled = matmul((scores * 2.4).softmax(-1), val);
  expectTensor(scaled_dot_product_attention(q, k, val, {}, 0, false, 1.2),
               {2, 5, 3}, values(scaled), 1e-12);

  manual_seed(10);
  Tensor gq = randn({1, 3, 2}, kFloat64).requires_grad_();
  Tensor gk = randn({1, 4, 2}, kFloat64).requires_grad_();
  Tensor gv = randn({1, 4, 2}, kFloat64).requires_grad_();
  checkFirstAndSecondOrder(
      [](auto &in) {
        return scaled_dot_product_attention(in[0], in[1], in[2], {}, 0, true);
      },
      {gq, gk, gv});
}

TEST(AttentionTest, Errors) {
  Tensor q = zeros({2, 5, 4}), k = zeros({2, 7, 4}), val = zeros({2, 7, 3});
  EXPECT_ADJIT_ERROR(scaled_dot_product_attention(q, zeros({2, 7, 3}), val),
                     "scaled_dot_product_attention: query and key must have "
                     "the same last dim (query [2, 5, 4], key [2, 7, 3], "
                     "value [2, 7, 3])");
  EXPECT_ADJIT_ERROR(scaled_dot_product_attention(q, k, zeros({2, 6, 3})),
                     "key and value must have the same number of positions");
  EXPECT_ADJIT_ERROR(scaled_dot_product_attention(zeros({4}), k, val),
                     "expected query, key and value of at least 2 dims");
  EXPECT_ADJIT_ERROR(
      scaled_dot_product_attention(q, k, val, ones({5, 7}, kBool), 0, true),
      "is_causal and attn_mask are exclusive");
  EXPECT_ADJIT_ERROR(
      scaled_dot_product_attention(q, k, val, ones({5, 6}, kBool)),
      "attn_mask of shape [5, 6] does not broadcast to [..., 5, 7]");
  EXPECT_ADJIT_ERROR(scaled_dot_product_attention(q, k, val, {}, 1.0),
                     "dropout_p must be in [0, 1)");
}

TEST(SequenceModelOpsTest, MatchPyTorch) {
  std::string out = runPython(
      std::string("import math, torch\n"
                  "F = torch.nn.functional\n") +
      kPatternPython +
      "x = v(24, 0.1).reshape(2, 3, 4).requires_grad_()\n"
      "w = v(12, 0.7).reshape(3, 4).requires_grad_()\n"
      "b = v(12, 1.3).reshape(3, 4).requires_grad_()\n"
      "c = v(24, 2.0).reshape(2, 3, 4)\n"
      "y = F.layer_norm(x, [3, 4], w, b, 1e-3)\n"
      "(y * c).sum().backward()\n"
      "z = (v(24, 0.3) * 1.5).requires_grad_()\n"
      "g1, g2 = F.gelu(z), F.gelu(z, approximate=\"tanh\")\n"
      "d1, = torch.autograd.grad((g1 * c.flatten()).sum(), z)\n"
      "d2, = torch.autograd.grad((g2 * c.flatten()).sum(), z)\n"
      "s = x.detach()\n"
      "r = [y, x.grad, w.grad, b.grad, F.layer_norm(s, [4]), g1, g2, d1, d2,\n"
      "     F.softmax(s, 0), F.log_softmax(s, 1), F.softmax(s, -1),\n"
      "     torch.cumsum(s, 1), torch.tril(s, 1), torch.triu(s, -1)]\n"
      "print(\" \".join(repr(float(t)) for t in torch.cat([t.detach()"
      ".flatten() for t in r])))\n");
  if (out.empty())
    GTEST_SKIP() << "python3 with torch is not available";
  std::vector<double> expected = parseNumbers(out);
  ASSERT_EQ(expected.size(), 24u * 2 + 12 * 2 + 24 * 5 + 24 * 6);

  Tensor x = v(24, 0.1, {2, 3, 4}).requires_grad_();
  Tensor w = v(12, 0.7, {3, 4}).requires_grad_();
  Tensor b = v(12, 1.3, {3, 4}).requires_grad_();
  Tensor c = v(24, 2.0, {2, 3, 4});
  Tensor y = layer_norm(x, {3, 4}, w, b, 1e-3);
  (y * c).sum().backward();
  Tensor z = (v(24, 0.3, {24}) * 1.5).requires_grad_();
  Tensor g1 = gelu(z), g2 = gelu(z, "tanh");
  Tensor d1 = autograd::grad({(g1 * c.flatten()).sum()}, {z})[0];
  Tensor d2 = autograd::grad({(g2 * c.flatten()).sum()}, {z})[0];
  Tensor s = x.detach();
  std::vector<Tensor> r = {y,
                           x.grad(),
                           w.grad(),
                           b.grad(),
                           layer_norm(s, {4}),
                           g1,
                           g2,
                           d1,
                           d2,
                           s.softmax(0),
                           s.log_softmax(1),
                           s.softmax(-1),
                           s.cumsum(1),
                           s.tril(1),
                           s.triu(-1)};
  std::vector<Tensor> flat;
  for (const Tensor &t : r)
    flat.push_back(t.detach().flatten());
  std::vector<double> got = values(cat(flat));
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], expected[i], 1e-12 * (1 + std::abs(expected[i])))
        << "element " << i;
}

} // namespace
