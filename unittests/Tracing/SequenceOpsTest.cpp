//===- SequenceOpsTest.cpp - sequence-model ops, eager and compiled -------===//
//
// layer_norm, gelu, softmax over any dim, the masking, shape and scan ops
// and scaled_dot_product_attention are compositions of primitives: their
// compiled values and gradients must agree with the eager ones.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"
#include "adjit/Einsum.h"
#include "adjit/NN/CrossEntropy.h"

using namespace adjit;

namespace {

using Loss = std::function<Tensor(const std::vector<Tensor> &)>;

/// Fresh float64 leaves of `shapes` drawn from seed 5 (so two calls give the
/// same values).
std::vector<Tensor> makeParams(const std::vector<Shape> &shapes) {
  manual_seed(5);
  std::vector<Tensor> params;
  for (const Shape &shape : shapes)
    params.push_back(randn(shape, kFloat64).requires_grad_());
  return params;
}

/// Runs `loss` on parameters of `shapes` eagerly and compiled (twice, the
/// second call from the cache) and expects the same loss and gradients to a
/// relative 1e-10: float64 reductions may be reassociated when compiled.
void expectCompiledAsEager(const std::vector<Shape> &shapes, const Loss &loss) {
  std::vector<Tensor> eager = makeParams(shapes);
  Tensor eagerLoss = loss(eager);
  eagerLoss.backward();
  std::vector<Tensor> compiled = makeParams(shapes);
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &) { return loss(compiled); }, "seq");
  for (int call = 0; call < 2; ++call) {
    SCOPED_TRACE("call " + std::to_string(call));
    for (Tensor &p : compiled)
      p.mutable_grad() = Tensor();
    Tensor compiledLoss = step(std::vector<Tensor>{});
    EXPECT_NEAR(compiledLoss.item(), eagerLoss.item(),
                1e-10 * (1 + std::abs(eagerLoss.item())));
    for (size_t i = 0; i < eager.size(); ++i) {
      SCOPED_TRACE("parameter " + std::to_string(i));
      ASSERT_TRUE(compiled[i].grad().defined());
      Tensor e = eager[i].grad().contiguous(),
             c = compiled[i].grad().contiguous();
      ASSERT_EQ(c.sizes(), e.sizes());
      for (int64_t j = 0; j < e.numel(); ++j)
        EXPECT_NEAR(c.data_ptr<double>()[j], e.data_ptr<double>()[j],
                    1e-10 * (1 + std::abs(e.data_ptr<double>()[j])))
            << "element " << j;
    }
  }
  EXPECT_EQ(step.getStats().compilations, 1);
}

/// A fixed, irregular weighting of `t`'s elements, so that every element's
/// gradient differs.
Tensor weigh(const Tensor &t) {
  return (t * linspace(-1, 2, t.numel(), kFloat64).reshape(t.sizes())).sum();
}

TEST(SequenceOpsJit, LayerNormAndGelu) {
  expectCompiledAsEager({{2, 3, 4}, {3, 4}, {3, 4}}, [](auto &p) {
    Tensor y = layer_norm(p[0], {3, 4}, p[1], p[2], 1e-3);
    return weigh(gelu(y)) + weigh(gelu(layer_norm(p[0], {4}), "tanh"));
  });
}

TEST(SequenceOpsJit, LayerNormModuleInFloat32) {
  manual_seed(12);
  nn::LayerNorm eager(nn::LayerNormOptions({8}));
  nn::LayerNorm compiled(nn::LayerNormOptions({8}));
  nn::GELU act(nn::GELUOptions().approximate("tanh"));
  {
    NoGradGuard noGrad;
    Tensor w = randn({8}), b = randn({8});
    eager->weight.copy_(w);
    compiled->weight.copy_(w);
    eager->bias.copy_(b);
    compiled->bias.copy_(b);
  }
  auto loss = [&](nn::LayerNorm &norm, const Tensor &x) {
    return (act(norm(x)) * linspace(0, 1, 40).reshape({5, 8})).sum();
  };
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &in) { return loss(compiled, in[0]); },
      "layer_norm_module");
  for (int call = 0; call < 3; ++call) {
    Tensor x = randn({5, 8}) * 3;
    eager->zero_grad();
    compiled->zero_grad();
    Tensor e = loss(eager, x);
    e.backward();
    Tensor c = step(x);
    EXPECT_NEAR(c.item(), e.item(), 1e-4 * (1 + std::abs(e.item())));
    test::expectClose(compiled->weight.grad(), eager->weight.grad());
    test::expectClose(compiled->bias.grad(), eager->bias.grad());
  }
}

TEST(SequenceOpsJit, SoftmaxOverEveryDim) {
  for (int64_t dim : {0, 1, 2, -1, -2, -3}) {
    SCOPED_TRACE("dim " + std::to_string(dim));
    expectCompiledAsEager({{2, 3, 4}}, [dim](auto &p) {
      return weigh(p[0].softmax(dim)) + weigh(p[0].log_softmax(dim) * 0.25);
    });
  }
}

// log_softmax does not depend on the row maximum it subtracts, so the
// compiled gradient has no adjoint of that maximum (a tie mask over the
// input and two more reductions, whose value would be the rounding error of
// 1 - sum(softmax) sent to the row's maxima), as eagerly; rows of ties
// still get g - sum(g) / n.
TEST(SequenceOpsJit, LogSoftmaxSendsNoGradientThroughTheRowMaximum) {
  std::vector<Tensor> x = {
      from_vector({1.0, 3.0, 3.0, 0.5, 2.0, 2.0, 2.0, 2.0}, {2, 4}, kFloat64)
          .requires_grad_()};
  Tensor weights = from_vector({0.5, -1.0, 2.0, 0.25, 1.0, -2.0, 3.0, 0.5},
                               {2, 4}, kFloat64);
  jit::CompiledFunction step = jit::compile(
      [&](const std::vector<Tensor> &) {
        return (nn::functional::log_softmax(x[0], -1) * weights).sum();
      },
      "log_softmax_ties");
  step(std::vector<Tensor>{});
  std::string ir = step.getLastIR();
  EXPECT_EQ(ir.find("adjit.compare"), std::string::npos) << ir;
  // The row of ties: g - sum(g) / 4 with g = (1, -2, 3, 0.5).
  Tensor grad = x[0].grad().contiguous();
  const double expected[] = {1 - 0.625, -2 - 0.625, 3 - 0.625, 0.5 - 0.625};
  for (int j = 0; j < 4; ++j)
    EXPECT_NEAR(grad.data_ptr<double>()[4 + j], expected[j], 1e-15) << j;
  Tensor eager = x[0].detach().clone().requires_grad_();
  (nn::functional::log_softmax(eager, -1) * weights).sum().backward();
  Tensor eagerGrad = eager.grad().contiguous();
  for (int j = 0; j < 8; ++j)
    EXPECT_NEAR(grad.data_ptr<double>()[j], eagerGrad.data_ptr<double>()[j],
                1e-15)
        << j;
}

TEST(SequenceOpsJit, ShapeOps) {
  expectCompiledAsEager({{2, 6}, {2, 6}}, [](auto &p) {
    Tensor s = stack({p[0], p[1]}, 1);
    std::vector<Tensor> pieces = s.split(2, -1);
    // Pieces of ceil(6 / 4) = 2: three chunks, as PyTorch.
    std::vector<Tensor> chunks = p[0].chunk(4, 1);
    EXPECT_EQ(chunks.size(), 3u);
    std::vector<Tensor> rows = p[1].unbind(0);
    Tensor r = p[0].narrow(1, 1, 3).repeat({2, 1, 2});
    Tensor q = p[1].reshape({1, 2, 1, 6}).squeeze();
    return weigh(pieces[2]) + weigh(chunks[1] * chunks[2]) +
           weigh(rows[1] * rows[0]) + weigh(r) + weigh(q * q) +
           weigh(split(p[0], Shape{1, 5}, 1)[1]);
  });
  expectCompiledAsEager({{3, 2, 4}, {3, 4, 2}},
                        [](auto &p) { return weigh(bmm(p[0], p[1])); });
}

TEST(SequenceOpsJit, CumsumTriangleAndMasks) {
  expectCompiledAsEager({{3, 5}, {3, 5}}, [](auto &p) {
    Tensor mask = p[1] > 0.0;
    return weigh(p[0].cumsum(1)) + weigh(p[0].cumsum(0) * p[1]) +
           weigh(p[0].tril(1) + p[1].triu(-1)) +
           weigh(p[0].masked_fill(mask, 2.5)) +
           weigh(where(mask, -1.0, p[0] * p[1])) +
           weigh(where(mask, p[1], 0.5));
  });
}

TEST(SequenceOpsJit, CausalAttentionForAnyLength) {
  // Query and key lengths equal, shorter and longer.
  for (int64_t l : {1, 4, 7})
    for (int64_t s : {l, int64_t(5)}) {
      SCOPED_TRACE("L " + std::to_string(l) + ", S " + std::to_string(s));
      expectCompiledAsEager(
          {{2, 2, l, 3}, {2, 2, s, 3}, {2, 2, s, 4}}, [](auto &p) {
            return weigh(
                scaled_dot_product_attention(p[0], p[1], p[2], {}, 0, true));
          });
    }
  // A bool padding mask and an additive mask.
  expectCompiledAsEager({{2, 3, 4}, {2, 5, 4}, {2, 5, 2}, {3, 5}}, [](auto &p) {
    Tensor keep = from_vector({1, 1, 1, 0, 1}, {5}, kBool);
    return weigh(scaled_dot_product_attention(p[0], p[1], p[2], keep)) +
           weigh(scaled_dot_product_attention(p[0], p[1], p[2], p[3]));
  });
}

TEST(SequenceOpsJit, CausalAttentionMatchesAnExplicitMask) {
  // The causal mask is query i seeing keys 0..i, for any length: equal to
  // masking with tril(ones) by hand, eagerly and compiled.
  manual_seed(13);
  for (int64_t l : {3, 6}) {
    Tensor q = randn({l, 2}, kFloat64), k = randn({l, 2}, kFloat64),
           v = randn({l, 2}, kFloat64);
    Tensor scores = matmul(q, k.t()) / std::sqrt(2.0);
    Tensor keep = tril(ones({l, l}, kBool));
    Tensor expected =
        matmul(scores.masked_fill(keep == 0.0, -1e300).softmax(-1), v);
    test::expectClose(scaled_dot_product_attention(q, k, v, {}, 0, true),
                      expected);
    jit::CompiledFunction f = jit::compile(
        [](const std::vector<Tensor> &in) {
          return scaled_dot_product_attention(in[0], in[1], in[2], {}, 0, true);
        },
        "causal");
    test::expectClose(f(std::vector<Tensor>{q, k, v}), expected);
  }
}

TEST(SequenceOpsJit, CrossEntropyWithOptions) {
  namespace F = nn::functional;
  Tensor t = from_vector({1, -100, 3, 0, 2}, {5}, kInt64);
  Tensor st = from_vector({0, 2, 1, -100, 2, 2, 0, 1}, {2, 2, 2}, kInt64);
  for (F::Reduction reduction :
       {F::Reduction::Mean, F::Reduction::Sum, F::Reduction::None}) {
    SCOPED_TRACE(static_cast<int>(reduction));
    expectCompiledAsEager({{5, 4}, {4}, {2, 3, 2, 2}, {5, 4}}, [&](auto &p) {
      F::CrossEntropyFuncOptions options;
      options.reduction(reduction).label_smoothing(0.2);
      Tensor weight = p[1].abs() + 0.5;
      return weigh(F::cross_entropy(p[0], t, options)) +
             weigh(F::cross_entropy(p[0], t, options.weight(weight))) +
             weigh(F::cross_entropy(p[2], st,
                                    options.weight(weight.slice(0, 0, 3)))) +
             weigh(F::cross_entropy(p[0], p[3].softmax(1), options));
    });
  }
}

TEST(SequenceOpsJit, CrossEntropyChecksTargetsButNotTheIgnoredOne) {
  namespace F = nn::functional;
  Tensor w = ones({3, 4}, requires_grad());
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return F::cross_entropy(
            in[0].matmul(w), in[1],
            F::CrossEntropyFuncOptions().ignore_index(7).label_smoothing(0.1));
      },
      "ignore_index");
  Tensor x = ones({3, 3});
  loss(x, from_vector({0, 7, 1}, {3}, kInt64));
  // Every call checks its targets; 7 is ignored, -100 is out of range.
  loss(x, from_vector({7, 7, 3}, {3}, kInt64));
  EXPECT_EQ(test::errorOf([&] {
              loss(x, from_vector({0, -100, 1}, {3}, kInt64));
            }),
            "cross_entropy: target -100 at position 1 is out of bounds for 4 "
            "classes");
  EXPECT_EQ(loss.getStats().compilations, 1);
  // The ignored rows add nothing: the gradient of [0, 7, 1] equals that of
  // the two kept rows alone, times the ratio of the means' counts.
  w.mutable_grad() = Tensor();
  loss(x, from_vector({0, 7, 1}, {3}, kInt64));
  Tensor kept = ones({3, 4}, requires_grad());
  F::cross_entropy(x.slice(0, 0, 2).matmul(kept),
                   from_vector({0, 1}, {2}, kInt64),
                   F::CrossEntropyFuncOptions().label_smoothing(0.1))
      .backward();
  test::expectClose(w.grad(), kept.grad());
}

TEST(SequenceOpsJit, EinsumDiagAndDiagEmbed) {
  expectCompiledAsEager({{2, 3, 4}, {2, 4, 3}, {3}}, [](auto &p) {
    return weigh(einsum("bij,bjk->kib", {p[0], p[1]})) +
           weigh(einsum("bij,bji->b", {p[0], p[1]})) +
           weigh(einsum("ijk,j->ki", {p[0], p[2]})) +
           weigh(einsum("i,j", {p[2], p[2]})) +
           weigh(einsum("ijk->kj", {p[0]}));
  });
  // Diagonals, ellipses, broadcast dims of size 1 and three operands.
  expectCompiledAsEager({{2, 3, 3}, {2, 3, 4}, {4}, {3, 1}}, [](auto &p) {
    return weigh(einsum("bii,bij->bj", {p[0], p[1]})) +
           weigh(einsum("...ij,...jk->...ik", {p[0], p[1]})) +
           weigh(einsum("bij,bjk,k->bi", {p[0], p[1], p[2]})) +
           weigh(einsum("ij,j->i", {p[3], p[1][0][0]})) +
           weigh(einsum("...j->...", {p[1]}));
  });
  expectCompiledAsEager({{3, 4}, {3}, {2, 3}}, [](auto &p) {
    return weigh(diag(p[0], 1) * diag(p[0], -1).sum()) +
           weigh(diag(p[1] * p[1], -1)) + weigh(diag_embed(p[2], 1)) +
           weigh(diag_embed(p[2], -1, 0, 2) * p[0].sum());
  });
}

TEST(SequenceOpsJit, Int64ArangeAsAnIndex) {
  // An int64 arange is a constant of the trace, which the indexing ops take
  // without a per-call check.
  expectCompiledAsEager({{6, 3}}, [](auto &p) {
    Tensor even = arange(0, 6, 2, kInt64);
    return weigh(p[0].index_select(0, even)) +
           weigh(embedding(p[0], arange(2, 5, 1, kLong))) +
           weigh(p[0].index_select(1, arange(2, -1, -1, kInt64)));
  });
  // An index computed from it inside the function is not a constant.
  Tensor x = ones({6, 3});
  jit::CompiledFunction gatherRows = jit::compile(
      [&](const std::vector<Tensor> &) {
        return x.gather(0, arange(3, kInt64).reshape({3, 1})).sum();
      },
      "computed_index");
  EXPECT_NE(test::errorOf([&] { gatherRows(std::vector<Tensor>{}); })
                .find("gather: the index indices (shape [3, 1]) are computed "
                      "inside the traced function"),
            std::string::npos);
}

} // namespace
