//===- AutogradTest.cpp - Autograd semantics one by one -------------------===//

#include "TestUtil.h"

#include <cmath>
#include <thread>

using namespace adjit;
using namespace adjit::test;

namespace {

TEST(AutogradTest, LeavesAndGradFn) {
  Tensor x = ones({2}, requires_grad());
  Tensor c = ones({2});
  EXPECT_TRUE(x.requires_grad());
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(c.requires_grad());
  EXPECT_EQ(x.grad_fn(), nullptr);
  Tensor y = x * c;
  EXPECT_TRUE(y.requires_grad());
  EXPECT_FALSE(y.is_leaf());
  ASSERT_NE(y.grad_fn(), nullptr);
  EXPECT_STREQ(y.grad_fn()->name(), "MulBackward0");
  ASSERT_EQ(y.grad_fn()->next_functions().size(), 2u);
  EXPECT_STREQ(y.grad_fn()->next_functions()[0]->name(), "AccumulateGrad");
  EXPECT_EQ(y.grad_fn()->next_functions()[1], nullptr);
  // Ops on tensors that do not require grad record nothing.
  EXPECT_EQ((c + c).grad_fn(), nullptr);
  c.requires_grad_();
  EXPECT_TRUE(c.requires_grad());
  EXPECT_TRUE((c + c).requires_grad());
}

TEST(AutogradTest, BackwardOfScalarUsesImplicitOne) {
  Tensor x = tensor({1, 2, 3}, requires_grad());
  (x * x).sum().backward();
  expectTensor(x.grad(), {3}, {2, 4, 6});
}

TEST(AutogradTest, BackwardWithExplicitGradient) {
  Tensor x = tensor({1, 2, 3}, requires_grad());
  Tensor y = x * 2.0;
  y.backward(tensor({1, 0.5, -1}));
  expectTensor(x.grad(), {3}, {2, 1, -2});
}

TEST(AutogradTest, GradientsAccumulateAcrossCalls) {
  Tensor x = tensor({1, 2}, requires_grad());
  (x * 3.0).sum().backward();
  (x * x).sum().backward();
  expectTensor(x.grad(), {2}, {5, 7});
  x.mutable_grad() = Tensor();
  (x * 3.0).sum().backward();
  expectTensor(x.grad(), {2}, {3, 3});
}

TEST(AutogradTest, SharedInputsAndDiamonds) {
  Tensor x = tensor({2}, requires_grad());
  Tensor a = x * x; // 4
  Tensor b = a * x; // x^3
  Tensor c = a + b; // x^2 + x^3
  c.backward();
  expectTensor(x.grad(), {1}, {2 * 2 + 3 * 4});
}

TEST(AutogradTest, GradIsNotAliasedBetweenLeaves) {
  Tensor a = tensor({1}, requires_grad());
  Tensor b = tensor({1}, requires_grad());
  (a + b).sum().backward();
  a.mutable_grad().add_(10.0);
  expectTensor(b.grad(), {1}, {1});
}

TEST(AutogradTest, NoGradGuardStopsRecording) {
  Tensor x = ones({2}, requires_grad());
  EXPECT_TRUE(GradMode::is_enabled());
  {
    NoGradGuard guard;
    EXPECT_FALSE(GradMode::is_enabled());
    Tensor y = x * 2.0;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    {
      NoGradGuard nested;
      EXPECT_FALSE(GradMode::is_enabled());
    }
    EXPECT_FALSE(GradMode::is_enabled());
  }
  EXPECT_TRUE(GradMode::is_enabled());
  EXPECT_TRUE((x * 2.0).requires_grad());
}

TEST(AutogradTest, GradModeIsThreadLocal) {
  NoGradGuard guard;
  bool otherThreadEnabled = false;
  std::thread t([&] { otherThreadEnabled = GradMode::is_enabled(); });
  t.join();
  EXPECT_TRUE(otherThreadEnabled);
  EXPECT_FALSE(GradMode::is_enabled());
}

/// A chain of \p length ops from \p x whose gradient is known: each step
/// multiplies by 1.5 and adds x, so d/dx of the sum is a polynomial in 1.5.
Tensor longChain(const Tensor &x, int length) {
  Tensor h = x;
  for (int i = 0; i < length; ++i)
    h = h * 1.5 + x;
  return h.sum();
}

TEST(AutogradTest, ConcurrentPassesOverOneGraphAgree) {
  // Passes on two threads over the same nodes at once, each with its own
  // numbering of the nodes and its own gradients.
  Tensor x = tensor({0.5, -1.0}, requires_grad());
  Tensor loss = longChain(x, 300);
  Tensor expected = autograd::grad({loss}, {x}, {}, /*retainGraph=*/true)[0];
  std::vector<Tensor> results[2];
  auto run = [&](int t) {
    for (int i = 0; i < 50; ++i)
      results[t].push_back(
          autograd::grad({loss}, {x}, {}, /*retainGraph=*/true)[0]);
  };
  std::thread a(run, 0), b(run, 1);
  a.join();
  b.join();
  for (auto &list : results) {
    ASSERT_EQ(list.size(), 50u);
    for (const Tensor &g : list)
      EXPECT_TRUE(equal(g, expected));
  }
}

TEST(AutogradTest, BackwardInAHookOverTheSameNodes) {
  // A hook runs a backward pass of its own over nodes of the pass that
  // calls it; both find the right gradients.
  Tensor x = tensor({2.0, 3.0}, requires_grad());
  Tensor w = tensor({1.0, 1.0}, requires_grad());
  Tensor shared = longChain(x, 20);
  Tensor expected = autograd::grad({shared}, {x}, {}, /*retainGraph=*/true)[0];
  Tensor inner;
  autograd::register_post_accumulate_grad_hook(w, [&](const Tensor &) {
    inner = autograd::grad({shared}, {x}, {}, /*retainGraph=*/true)[0];
  });
  (shared * w.sum()).backward(Tensor(), /*retainGraph=*/true);
  ASSERT_TRUE(inner.defined());
  EXPECT_TRUE(equal(inner, expected));
  // The outer pass: d/dx of shared * sum(w), with sum(w) = 2.
  EXPECT_TRUE(equal(x.grad(), expected * 2.0));
}

TEST(AutogradTest, DetachCutsTheGraphButSharesData) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor y = x * 2.0;
  Tensor d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  (x * d).sum().backward();
  expectTensor(x.grad(), {2}, {2, 4});
  {
    NoGradGuard guard;
    d.fill_(0);
  }
  expectTensor(y, {2}, {0, 0});
  Tensor z = x * 1.0;
  z.detach_();
  EXPECT_FALSE(z.requires_grad());
}

TEST(AutogradTest, SecondBackwardNeedsRetainGraph) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor y = (x * x).sum();
  y.backward(Tensor(), /*retainGraph=*/true);
  y.backward();
  expectTensor(x.grad(), {2}, {4, 8});
  EXPECT_ADJIT_ERROR(y.backward(), "MulBackward0: trying to backward through "
                                   "the graph a second time");
  EXPECT_ADJIT_ERROR(y.backward(), "retain_graph=true");
}

TEST(AutogradTest, InPlaceChangeOfSavedTensorIsDetected) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor a = x * 1.0;
  Tensor y = (a * a).sum();
  a.add_(1.0);
  EXPECT_EQ(a._version(), 1u);
  EXPECT_ADJIT_ERROR(y.backward(), "MulBackward0: one of the tensors needed "
                                   "for gradient computation has been "
                                   "modified by an in-place operation");
  EXPECT_ADJIT_ERROR(y.backward(),
                     "saved at version 0 and is now at version 1");
}

TEST(AutogradTest, InPlaceOnNonLeafRebasesHistory) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor y = x * 2.0;
  y.mul_(x); // y = 2x^2
  EXPECT_STREQ(y.grad_fn()->name(), "MulBackward0");
  y.add_(x); // y = 2x^2 + x
  y.sum().backward();
  expectTensor(x.grad(), {2}, {5, 9});
}

TEST(AutogradTest, InPlaceUnderNoGradOnLeafIsAllowed) {
  Tensor w = tensor({1, 2}, requires_grad());
  {
    NoGradGuard guard;
    w.sub_(tensor({1, 1}));
  }
  EXPECT_TRUE(w.is_leaf());
  EXPECT_TRUE(w.requires_grad());
  expectTensor(w, {2}, {0, 1});
}

TEST(AutogradTest, FillAndCopyOnNonLeaf) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor y = x * 2.0;
  y.fill_(3.0);
  EXPECT_STREQ(y.grad_fn()->name(), "FillBackward0");
  Tensor z = x * 2.0;
  Tensor src = tensor({5}, requires_grad());
  z.copy_(src);
  (y.sum() + z.sum() * 1.0).backward();
  EXPECT_FALSE(x.grad().defined());
  expectTensor(src.grad(), {1}, {2});
}

TEST(AutogradTest, GradReturnsGradientsWithoutAccumulating) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor w = tensor({3, 4}, requires_grad());
  Tensor y = (x * w).sum();
  std::vector<Tensor> g = autograd::grad({y}, {x, w});
  expectTensor(g[0], {2}, {3, 4});
  expectTensor(g[1], {2}, {1, 2});
  EXPECT_FALSE(x.grad().defined());
  EXPECT_FALSE(w.grad().defined());
}

TEST(AutogradTest, GradWithRespectToNonLeaf) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor h = x * x;
  Tensor y = (h * 3.0).sum();
  std::vector<Tensor> g = autograd::grad({y}, {h, x});
  expectTensor(g[0], {2}, {3, 3});
  expectTensor(g[1], {2}, {6, 12});
}

TEST(AutogradTest, GradReachesANonLeafAlongPathsOfDifferentLengths) {
  // The engine discovers the graph breadth first: `h` is found one step from
  // the root, through the short path, before the long path's nodes. Which
  // nodes lead to `h` must still be decided children first, or the long
  // path's contribution is lost.
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor h = x * x;
  Tensor longPath = ((h * 2.0).exp() * 0.5).log() + h * 3.0;
  Tensor y = (h + longPath).sum();
  // y = h + (2h - log 2) + 3h: dy/dh = 6.
  std::vector<Tensor> g = autograd::grad({y}, {h}, {}, /*retainGraph=*/true);
  expectTensor(g[0], {2}, {6, 6});
  // Only the nodes on a path to `h` run: x's gradient stays undefined.
  EXPECT_FALSE(x.grad().defined());
  g = autograd::grad({y}, {x});
  expectTensor(g[0], {2}, {12, 24});
}

TEST(AutogradTest, GradUnusedInput) {
  Tensor x = tensor({1}, requires_grad());
  Tensor unused = tensor({1}, requires_grad());
  Tensor y = x * 2.0;
  EXPECT_ADJIT_ERROR(autograd::grad({y}, {unused}, {}, true),
                     "input 0 appears to not have been used in the graph");
  std::vector<Tensor> g =
      autograd::grad({y}, {x, unused}, {}, true, false, /*allowUnused=*/true);
  expectTensor(g[0], {1}, {2});
  EXPECT_FALSE(g[1].defined());
}

TEST(AutogradTest, HigherOrderGradients) {
  Tensor x = tensor({2.0}, dtype(kFloat64).requires_grad(true));
  Tensor y = x * x * x; // x^3
  Tensor dy = autograd::grad({y}, {x}, {}, std::nullopt, true)[0];
  expectTensor(dy, {1}, {12});
  EXPECT_TRUE(dy.requires_grad());
  Tensor d2y = autograd::grad({dy}, {x}, {}, std::nullopt, true)[0];
  expectTensor(d2y, {1}, {12}); // 6x
  Tensor d3y = autograd::grad({d2y}, {x})[0];
  expectTensor(d3y, {1}, {6});
  // Second derivative of tanh: -2 tanh(x) (1 - tanh(x)^2).
  Tensor z = tensor({0.3}, dtype(kFloat64).requires_grad(true));
  Tensor g1 = autograd::grad({tanh(z)}, {z}, {}, true, true)[0];
  Tensor g2 = autograd::grad({g1}, {z})[0];
  double t = std::tanh(0.3);
  expectTensor(g2, {1}, {-2 * t * (1 - t * t)}, 1e-12);
}

TEST(AutogradTest, BackwardWithCreateGraphAccumulatesDifferentiableGrad) {
  Tensor x = tensor({3.0}, dtype(kFloat64).requires_grad(true));
  (x * x).sum().backward(Tensor(), std::nullopt, /*createGraph=*/true);
  Tensor g = x.grad();
  EXPECT_TRUE(g.requires_grad());
  expectTensor(g, {1}, {6});
  Tensor gg = autograd::grad({g}, {x})[0];
  expectTensor(gg, {1}, {2});
}

TEST(AutogradTest, RetainGradOnNonLeaf) {
  Tensor x = tensor({1, 2}, requires_grad());
  Tensor h = x * 2.0;
  h.retain_grad();
  (h * h).sum().backward();
  expectTensor(h.grad(), {2}, {4, 8});
  expectTensor(x.grad(), {2}, {8, 16});
}

TEST(AutogradTest, MultipleRootsAndIntegerOpsDoNotRecord) {
  Tensor x = tensor({1, 2}, requires_grad());
  autograd::backward({(x * 2.0).sum(), (x * x).sum()});
  expectTensor(x.grad(), {2}, {4, 6});
  Tensor mask = x > 1.0;
  EXPECT_FALSE(mask.requires_grad());
  EXPECT_FALSE(x.argmax(0).requires_grad());
}

TEST(AutogradTest, MaxGradientGoesToTheArgmax) {
  Tensor x = tensor({{1, 5, 2}, {7, 3, 7}}, requires_grad());
  x.max(1).first.sum().backward();
  expectTensor(x.grad(), {2, 3}, {0, 1, 0, 1, 0, 0});
  Tensor y = tensor({1, 3, 3}, requires_grad());
  y.max().backward();
  expectTensor(y.grad(), {3}, {0, 0.5, 0.5});
}

TEST(AutogradTest, GradientsThroughViewsAndBroadcasts) {
  Tensor x = arange(6, requires_grad()).view({2, 3}).detach().requires_grad_();
  Tensor b = tensor({1, 2, 3}, requires_grad());
  // The scalar (x + b).sum() is broadcast over the 2 column sums.
  ((x.t() * 2.0).sum({0}) + (x + b).sum()).sum().backward();
  expectTensor(x.grad(), {2, 3}, {4, 4, 4, 4, 4, 4});
  expectTensor(b.grad(), {3}, {4, 4, 4});
}

TEST(AutogradTest, SlicesOfOneTensorAccumulateIntoItsGradient) {
  Tensor x = arange(12, dtype(kFloat64)).view({3, 4}).requires_grad_();
  auto loss = [&] {
    return (x[0] * 1.0).sum() + (x[1] * 2.0).sum() +
           (x.slice(1, 1, 3) * 3.0).sum() + (x.slice(1, 0, 4, 2) * 4.0).sum() +
           (x.select(1, -1) * 5.0).sum() +
           (x.narrow(0, 1, 2) * x.narrow(0, 1, 2)).sum();
  };
  std::vector<double> expected(12);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j)
      expected[i * 4 + j] = (i == 0 ? 1 : 0) + (i == 1 ? 2 : 0) +
                            (j == 1 || j == 2 ? 3 : 0) + (j % 2 == 0 ? 4 : 0) +
                            (j == 3 ? 5 : 0) + (i >= 1 ? 2.0 * (i * 4 + j) : 0);
  Tensor l = loss();
  l.backward(Tensor(), /*retainGraph=*/true);
  expectTensor(x.grad(), {3, 4}, expected, 0);
  // A second backward accumulates into .grad; autograd::grad leaves it alone.
  l.backward();
  std::vector<double> twice = expected;
  for (double &v : twice)
    v *= 2;
  expectTensor(x.grad(), {3, 4}, twice, 0);
  expectTensor(autograd::grad({loss()}, {x})[0], {3, 4}, expected, 0);
  expectTensor(x.grad(), {3, 4}, twice, 0);
}

TEST(AutogradTest, SliceGradientsLeaveGivenGradientsUntouched) {
  // A view's gradient aliases the gradient given for it; the slices' gradients
  // are added into a copy, whether they arrive before or after it.
  for (bool viewFirst : {true, false}) {
    Tensor x = tensor({1, 2, 3}, dtype(kFloat64).requires_grad(true));
    Tensor viewed, selected, sliced;
    if (viewFirst)
      viewed = x.view({3});
    selected = x.select(0, 1);
    sliced = x.slice(0, 0, 2);
    if (!viewFirst)
      viewed = x.view({3});
    Tensor g = tensor({1, 2, 3}, kFloat64);
    autograd::backward(
        {viewed, selected, sliced},
        {g, scalar_tensor(10, kFloat64), tensor({100, 200}, kFloat64)});
    expectTensor(x.grad(), {3}, {101, 212, 3}, 0);
    expectTensor(g, {3}, {1, 2, 3}, 0);
    std::vector<Tensor> grads = autograd::grad(
        {viewed, sliced}, {x}, {g, tensor({100, 200}, kFloat64)});
    expectTensor(grads[0], {3}, {101, 202, 3}, 0);
    expectTensor(g, {3}, {1, 2, 3}, 0);
  }
}

TEST(AutogradTest, GradOfASliceOutputAndItsInput) {
  Tensor x = tensor({1, 2, 3}, dtype(kFloat64).requires_grad(true));
  Tensor y = x * 2.0;
  Tensor head = y.slice(0, 0, 2);
  Tensor loss = (head * head).sum() + y.sum();
  std::vector<Tensor> grads = autograd::grad({loss}, {head, y, x});
  expectTensor(grads[0], {2}, {4, 8}, 0);
  expectTensor(grads[1], {3}, {5, 9, 1}, 0);
  expectTensor(grads[2], {3}, {10, 18, 2}, 0);
}

TEST(AutogradTest, MixedPrecisionGradientKeepsLeafDtype) {
  Tensor a = tensor({1, 2}, requires_grad());
  Tensor b = tensor({3, 4}, dtype(kFloat64).requires_grad(true));
  Tensor y = (a * b).sum();
  EXPECT_EQ(y.dtype(), kFloat64);
  y.backward();
  EXPECT_EQ(a.grad().dtype(), kFloat32);
  expectTensor(a.grad(), {2}, {3, 4});
  EXPECT_EQ(b.grad().dtype(), kFloat64);
}

TEST(AutogradTest, DeepGraphsBackwardAndReleaseWithoutRecursion) {
  Tensor x = tensor({1.0}, requires_grad());
  Tensor y = x;
  for (int i = 0; i < 200000; ++i)
    y = y * 1.0 + 0.0;
  y.backward(Tensor(), /*retainGraph=*/true);
  expectTensor(x.grad(), {1}, {1});
  y = Tensor(); // frees 400000 nodes
  EXPECT_TRUE(x.is_leaf());
}

} // namespace
