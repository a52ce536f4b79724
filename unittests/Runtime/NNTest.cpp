//===- NNTest.cpp - Modules, losses and optimizers ------------------------===//

#include "TestUtil.h"

#include <cmath>

using namespace adjit;
using namespace adjit::test;
namespace F = adjit::nn::functional;

namespace {

class TwoLayerImpl : public nn::Module {
public:
  TwoLayerImpl() : Module("TwoLayer") {
    fc1 = register_module("fc1", nn::Linear(3, 4));
    fc2 =
        register_module("fc2", nn::Linear(nn::LinearOptions(4, 2).bias(false)));
    scale = register_parameter("scale", ones({1}));
  }
  Tensor forward(const Tensor &x) override { return fc2(relu(fc1(x))) * scale; }
  nn::Linear fc1{nullptr}, fc2{nullptr};
  Tensor scale;
};
ADJIT_MODULE(TwoLayer);

TEST(NNTest, ModuleRegistersNamedParameters) {
  TwoLayer model;
  auto named = model->named_parameters();
  ASSERT_EQ(named.size(), 4u);
  EXPECT_EQ(named[0].first, "scale");
  EXPECT_EQ(named[1].first, "fc1.weight");
  EXPECT_EQ(named[2].first, "fc1.bias");
  EXPECT_EQ(named[3].first, "fc2.weight");
  EXPECT_EQ(model->parameters().size(), 4u);
  EXPECT_EQ(model->parameters(/*recurse=*/false).size(), 1u);
  for (const Tensor &p : model->parameters()) {
    EXPECT_TRUE(p.requires_grad());
    EXPECT_TRUE(p.is_leaf());
  }
  // parameters() shares the tensors with the module.
  EXPECT_TRUE(model->parameters()[1].is_same(model->fc1->weight));
  EXPECT_EQ(model(ones({5, 3})).sizes(), (Shape{5, 2}));
  model->eval();
  EXPECT_FALSE(model->fc1->is_training());
}

TEST(NNTest, LinearMatchesFormulaAndInitBounds) {
  manual_seed(1);
  nn::Linear fc(100, 50);
  EXPECT_EQ(fc->weight.sizes(), (Shape{50, 100}));
  EXPECT_EQ(fc->bias.sizes(), (Shape{50}));
  double bound = 1.0 / std::sqrt(100.0);
  for (double v : values(fc->weight))
    EXPECT_LE(std::fabs(v), bound);
  for (double v : values(fc->bias))
    EXPECT_LE(std::fabs(v), bound);
  // The spread of U(-b, b) is b / sqrt(3).
  Tensor w = fc->weight;
  double var = (w * w).mean().item();
  EXPECT_NEAR(std::sqrt(var), bound / std::sqrt(3.0), 0.005);
  Tensor x = randn({4, 100});
  EXPECT_TRUE(allclose(fc(x), matmul(x, w.t()) + fc->bias, 1e-5, 1e-5));
}

TEST(NNTest, SequentialAppliesModulesInOrder) {
  nn::Sequential seq(nn::Linear(2, 2), nn::ReLU(), nn::Tanh(), nn::Sigmoid());
  EXPECT_EQ(seq->size(), 4u);
  EXPECT_EQ(seq->named_parameters()[0].first, "0.weight");
  auto first =
      std::static_pointer_cast<nn::LinearImpl>(seq->named_children()[0].second);
  Tensor x = tensor({{1, -2}});
  Tensor expected = sigmoid(tanh(relu(first->forward(x))));
  EXPECT_TRUE(allclose(seq(x), expected));
}

TEST(NNTest, ZeroGrad) {
  nn::Linear fc(2, 1);
  fc(ones({1, 2})).sum().backward();
  ASSERT_TRUE(fc->weight.grad().defined());
  fc->zero_grad(/*setToNone=*/false);
  expectTensor(fc->weight.grad(), {1, 2}, {0, 0});
  fc->zero_grad();
  EXPECT_FALSE(fc->weight.grad().defined());
}

TEST(NNTest, MseLoss) {
  Tensor a = tensor({1, 2, 3});
  Tensor b = tensor({1, 0, 0});
  expectTensor(F::mse_loss(a, b), {}, {13.0 / 3});
  expectTensor(F::mse_loss(a, b, F::Reduction::Sum), {}, {13});
  expectTensor(F::mse_loss(a, b, F::Reduction::None), {3}, {0, 4, 9});
}

TEST(NNTest, CrossEntropyIsStableAndMatchesSoftmax) {
  Tensor logits = tensor({{1, 2, 3}, {1000, 0, -1000}}, kFloat64);
  Tensor target = tensor({2, 0}, kInt64);
  double lse = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  expectTensor(F::cross_entropy(logits, target, F::Reduction::None), {2},
               {lse - 3, 0}, 1e-12);
  expectTensor(F::cross_entropy(logits, target), {}, {(lse - 3) / 2}, 1e-12);
  // Gradient: (softmax - onehot) / N.
  Tensor x = logits.clone().requires_grad_();
  F::cross_entropy(x, target).backward();
  Tensor expected =
      (F::softmax(logits, 1) - tensor({{0, 0, 1}, {1, 0, 0}}, kFloat64)) / 2.0;
  EXPECT_TRUE(allclose(x.grad(), expected, 1e-10, 1e-12));
  expectTensor(F::softmax(tensor({{0, 0}}), 1), {1, 2}, {0.5, 0.5});
  // Along a leading dim, compared with the definition.
  Tensor z = tensor({{1, -2}, {3, 0.5}, {-1, 2}}, kFloat64);
  Tensor byDefinition = z - log(exp(z).sum({0}, true));
  EXPECT_TRUE(allclose(F::log_softmax(z, 0), byDefinition, 1e-12, 1e-12));
  EXPECT_TRUE(F::log_softmax(z, 0).is_contiguous());
  expectTensor(F::log_softmax(tensor({{0, 0}}, kFloat64), -1), {1, 2},
               {std::log(0.5), std::log(0.5)}, 1e-12);
}

TEST(NNTest, BinaryCrossEntropyWithLogits) {
  Tensor x = tensor({0, 2, -100}, dtype(kFloat64).requires_grad(true));
  Tensor y = tensor({1, 0, 0}, kFloat64);
  auto bce = [](double xv, double yv) {
    double s = 1 / (1 + std::exp(-xv));
    return -(yv * std::log(s) + (1 - yv) * std::log(1 - s));
  };
  Tensor loss = F::binary_cross_entropy_with_logits(x, y, F::Reduction::None);
  expectTensor(loss, {3}, {bce(0, 1), bce(2, 0), 0}, 1e-12);
  F::binary_cross_entropy_with_logits(x, y).backward();
  // Gradient (sigmoid(x) - y) / N, also at x == 0.
  expectTensor(x.grad(), {3},
               {(0.5 - 1) / 3, (1 / (1 + std::exp(-2.0))) / 3, 0}, 1e-12);
}

TEST(NNTest, SgdPlainMomentumAndWeightDecay) {
  Tensor p = tensor({1, 2}, dtype(kFloat64).requires_grad(true));
  optim::SGD plain({p}, optim::SGDOptions(0.1));
  p.mutable_grad() = tensor({1, -1}, kFloat64);
  plain.step();
  expectTensor(p, {2}, {0.9, 2.1}, 1e-12);

  Tensor q = tensor({1}, dtype(kFloat64).requires_grad(true));
  optim::SGD sgd({q}, optim::SGDOptions(0.1).momentum(0.9).weight_decay(0.5));
  // step 1: d = 1 + 0.5*1 = 1.5, buf = 1.5, q = 1 - 0.15 = 0.85
  q.mutable_grad() = tensor({1}, kFloat64);
  sgd.step();
  expectTensor(q, {1}, {0.85}, 1e-12);
  // step 2: d = 1 + 0.425 = 1.425, buf = 0.9*1.5 + 1.425 = 2.775
  sgd.step();
  expectTensor(q, {1}, {0.85 - 0.2775}, 1e-12);
  sgd.zero_grad();
  EXPECT_FALSE(q.grad().defined());
  sgd.step(); // no gradient: no change
  expectTensor(q, {1}, {0.85 - 0.2775}, 1e-12);

  // A learning rate converts to SGDOptions, and the in-place methods are
  // const as in LibTorch, so a gradient is zeroed through grad().
  Tensor s = tensor({1}, dtype(kFloat64).requires_grad(true));
  optim::SGD fromRate({s}, 0.5);
  s.mutable_grad() = tensor({2}, kFloat64);
  fromRate.step();
  expectTensor(s, {1}, {0.0}, 1e-12);
  s.grad().zero_();
  expectTensor(s.grad(), {1}, {0.0}, 0.0);
  fromRate.step();
  expectTensor(s, {1}, {0.0}, 1e-12);

  Tensor r = tensor({0}, dtype(kFloat64).requires_grad(true));
  optim::SGD nesterov({r}, optim::SGDOptions(1).momentum(0.5).nesterov(true));
  r.mutable_grad() = tensor({1}, kFloat64);
  nesterov.step(); // buf = 1, d = 1 + 0.5 = 1.5
  expectTensor(r, {1}, {-1.5}, 1e-12);
}

TEST(NNTest, AdamMatchesReferenceSteps) {
  Tensor p = tensor({1, -1}, dtype(kFloat64).requires_grad(true));
  optim::Adam adam({p}, optim::AdamOptions(0.1));
  p.mutable_grad() = tensor({0.5, -2}, kFloat64);
  adam.step();
  // First step moves each parameter by lr against the gradient's sign.
  expectTensor(p, {2}, {0.9, -0.9}, 1e-6);
  p.mutable_grad() = tensor({0.5, 1}, kFloat64);
  adam.step();
  // Reference values computed with PyTorch's Adam update rule.
  double m1 = 0.1 * 0.5 * 0.9 + 0.1 * 0.5,
         v1 = 0.001 * 0.25 * 0.999 + 0.001 * 0.25;
  double m2 = 0.1 * -2 * 0.9 + 0.1 * 1, v2 = 0.001 * 4 * 0.999 + 0.001 * 1;
  double bc1 = 1 - 0.81, bc2 = 1 - 0.999 * 0.999;
  double e1 = 0.9 - 0.1 / bc1 * m1 / (std::sqrt(v1) / std::sqrt(bc2) + 1e-8);
  double e2 = -0.9 - 0.1 / bc1 * m2 / (std::sqrt(v2) / std::sqrt(bc2) + 1e-8);
  expectTensor(p, {2}, {e1, e2}, 1e-7);
}

TEST(NNTest, AdamWDecaysTheWeightsDecoupled) {
  Tensor p = tensor({1.0}, dtype(kFloat64).requires_grad(true));
  optim::AdamW adamw({p}, optim::AdamWOptions(0.1).weight_decay(0.1));
  EXPECT_EQ(optim::AdamWOptions().weight_decay(), 1e-2);
  p.mutable_grad() = tensor({0.5}, kFloat64);
  adamw.step();
  // p * (1 - lr * wd) = 0.99, then Adam's first step moves it by lr * m̂ /
  // (sqrt(v̂) + eps) = 0.1 * 0.5 / (0.5 + 1e-8).
  expectTensor(p, {1}, {0.99 - 0.1 * 0.5 / (0.5 + 1e-8)}, 1e-12);
  // Adam's L2 decay differs: the decay goes through the moments.
  Tensor q = tensor({1.0}, dtype(kFloat64).requires_grad(true));
  optim::Adam adam({q}, optim::AdamOptions(0.1).weight_decay(0.1));
  q.mutable_grad() = tensor({0.5}, kFloat64);
  adam.step();
  expectTensor(q, {1}, {1.0 - 0.1 * 0.6 / (0.6 + 1e-8)}, 1e-12);
  EXPECT_ADJIT_ERROR(optim::AdamW({p}, optim::AdamWOptions(-1)),
                     "AdamW: invalid learning rate");
}

TEST(NNTest, ClipGradNormScalesTheGradientsAsOneVector) {
  Tensor a = tensor({1.0}, dtype(kFloat64).requires_grad(true));
  Tensor b = tensor({1.0, 1.0}, dtype(kFloat64).requires_grad(true));
  Tensor unused = tensor({1.0}, dtype(kFloat64).requires_grad(true));
  a.mutable_grad() = tensor({3.0}, kFloat64);
  b.mutable_grad() = tensor({0.0, -4.0}, kFloat64);
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_({a, b, unused}, 10.0), 5.0);
  expectTensor(a.grad(), {1}, {3.0}, 0.0); // below the cap: unchanged
  EXPECT_DOUBLE_EQ(nn::utils::clip_grad_norm_({a, b, unused}, 1.0), 5.0);
  expectTensor(a.grad(), {1}, {3.0 / (5.0 + 1e-6)}, 1e-15);
  expectTensor(b.grad(), {2}, {0.0, -4.0 / (5.0 + 1e-6)}, 1e-15);
  EXPECT_FALSE(unused.grad().defined());
  EXPECT_NEAR(nn::utils::clip_grad_norm_({a, b}, 0.1, INFINITY),
              4.0 / (5.0 + 1e-6), 1e-15);
  expectTensor(b.grad(), {2}, {0.0, -0.1}, 1e-6);
  EXPECT_ADJIT_ERROR(nn::utils::clip_grad_norm_({a}, 1.0, 0.0),
                     "clip_grad_norm_: norm_type must be positive");
}

TEST(NNTest, TrainingReducesLoss) {
  manual_seed(3);
  Tensor x = randn({64, 2});
  Tensor y = (x.select(1, 0) > x.select(1, 1)).to(kInt64);
  nn::Sequential model(nn::Linear(2, 8), nn::Tanh(), nn::Linear(8, 2));
  optim::Adam opt(model->parameters(), optim::AdamOptions(0.05));
  double first = 0, last = 0;
  for (int i = 0; i < 100; ++i) {
    opt.zero_grad();
    Tensor loss = F::cross_entropy(model(x), y);
    loss.backward();
    opt.step();
    (i == 0 ? first : last) = loss.item();
  }
  EXPECT_LT(last, first * 0.3);
  NoGradGuard guard;
  double acc = (model(x).argmax(1) == y).to(kFloat).mean().item();
  EXPECT_GT(acc, 0.9);
}

} // namespace
