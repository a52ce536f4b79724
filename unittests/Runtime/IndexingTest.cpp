//===- IndexingTest.cpp - gather, scatter_add, embedding, index ... -------===//
//
// Eager values (the expected ones computed by PyTorch 1.13), the checks of
// index values and shapes, the padding row's gradient, and nn::Embedding with
// a tied weight. Gradients against finite differences: GradcheckTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "TestUtil.h"

#include "adjit/adjit.h"

using namespace adjit;
using namespace adjit::test;

namespace {

Tensor ints(const std::vector<double> &v, const Shape &shape) {
  return from_vector(v, shape, kInt64);
}

Tensor grid34() { return arange(12.0, kFloat64).view({3, 4}); }

TEST(Indexing, GatherMatchesPyTorch) {
  Tensor i = ints({2, 0, 1, 1, 0, 2, 2, 0}, {2, 4});
  expectTensor(gather(grid34(), 0, i), {2, 4}, {8, 1, 6, 7, 0, 9, 10, 3});
  expectTensor(grid34().gather(-1, ints({3, 0, 1, 1, 2, 3}, {3, 2})), {3, 2},
               {3, 0, 5, 5, 10, 11});
  // int64 tensors gather too.
  Tensor g = gather(ints({5, 6, 7}, {3}), 0, ints({2, 2, 0}, {3}));
  EXPECT_EQ(g.dtype(), kInt64);
  expectTensor(g, {3}, {7, 7, 5});
}

TEST(Indexing, ScatterAddMatchesPyTorch) {
  Tensor i = ints({2, 0, 1, 1, 0, 2, 2, 0}, {2, 4});
  Tensor src = from_vector({1, 2, 3, 4, 1, 2, 3, 4}, {2, 4}, kFloat64);
  expectTensor(scatter_add(zeros({3, 4}, kFloat64), 0, i, src), {3, 4},
               {1, 2, 0, 4, 0, 0, 3, 4, 1, 2, 3, 0});
  // self is added; src larger than index uses its leading part.
  Tensor wide = from_vector({1, 2, 3, 9, 4, 5, 6, 9}, {2, 4}, kFloat64);
  expectTensor(ones({2, 2}, kFloat64)
                   .scatter_add(1, ints({0, 0, 1, 1, 0, 1}, {2, 3}), wide),
               {2, 2}, {4, 4, 6, 11});
}

TEST(Indexing, IndexSelectEmbeddingOneHotAndIndexMatchPyTorch) {
  expectTensor(grid34().index_select(1, ints({3, 1, 3}, {3})), {3, 3},
               {3, 1, 3, 7, 5, 7, 11, 9, 11});
  expectTensor(index_select(grid34(), 0, ints({2}, {})), {1, 4},
               {8, 9, 10, 11});
  Tensor w = arange(6.0, kFloat64).view({3, 2});
  expectTensor(embedding(w, ints({2, 0, 2, 1}, {2, 2})), {2, 2, 2},
               {4, 5, 0, 1, 4, 5, 2, 3});
  Tensor oh = one_hot(ints({0, 2, 1, 0}, {2, 2}), 3);
  EXPECT_EQ(oh.dtype(), kInt64);
  expectTensor(oh, {2, 2, 3}, {1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0});
  expectTensor(one_hot(ints({1, 3}, {2})), {2, 4}, {0, 1, 0, 0, 0, 0, 0, 1});
  Tensor y = arange(24.0, kFloat64).view({2, 3, 4});
  expectTensor(y.index({ints({1, 0, 1}, {3}), ints({2, 2, 0}, {3})}), {3, 4},
               {20, 21, 22, 23, 8, 9, 10, 11, 12, 13, 14, 15});
  // Index tensors broadcast.
  expectTensor(index(y, {ints({1, 0}, {2, 1}), ints({0, 2}, {1, 2})}),
               {2, 2, 4},
               {12, 13, 14, 15, 20, 21, 22, 23, 0, 1, 2, 3, 8, 9, 10, 11});
}

TEST(Indexing, IndexPutMatchesPyTorch) {
  Tensor z = zeros({3, 2}, kFloat64);
  Tensor v = from_vector({1, 2, 3, 4, 5, 6}, {3, 2}, kFloat64);
  z.index_put_({ints({0, 2, 0}, {3})}, v, /*accumulate=*/true);
  expectTensor(z, {3, 2}, {6, 8, 0, 0, 3, 4});
  Tensor r = index_put(grid34(), {ints({0, 2}, {2}), ints({1, 3}, {2})},
                       from_vector({-1, -2}, {2}, kFloat64));
  expectTensor(r, {3, 4}, {0, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -2});
  // A scalar value broadcasts to the indexed rows.
  expectTensor(index_put(zeros({2, 2}, kFloat64), {ints({1}, {1})},
                         scalar_tensor(7, kFloat64)),
               {2, 2}, {0, 0, 7, 7});
  EXPECT_ADJIT_ERROR(
      index_put(zeros({3}, kFloat64), {ints({1, 1}, {2})}, ones({2}, kFloat64)),
      "index_put: position 1 of the indexed dims is written "
      "twice");
}

TEST(Indexing, OutOfRangeIndicesNameOpValueAndSize) {
  EXPECT_ADJIT_ERROR(gather(grid34(), 0, ints({0, 3, 1, 1}, {1, 4})),
                     "gather: index 3 at position 1 is out of bounds for 3 "
                     "elements in the indexed dim");
  EXPECT_ADJIT_ERROR(index_select(grid34(), 1, ints({-1}, {1})),
                     "index_select: index -1 at position 0 is out of bounds "
                     "for 4 elements in the indexed dim");
  EXPECT_ADJIT_ERROR(embedding(zeros({5, 2}), ints({0, 5}, {2})),
                     "embedding: index 5 at position 1 is out of bounds for 5 "
                     "embeddings");
  EXPECT_ADJIT_ERROR(one_hot(ints({3}, {1}), 3),
                     "one_hot: index 3 at position 0 is out of bounds for 3 "
                     "classes");
  EXPECT_ADJIT_ERROR(
      scatter_add(zeros({2}), 0, ints({2}, {1}), ones({1})),
      "scatter_add: index 2 at position 0 is out of bounds for 2 elements");
  EXPECT_ADJIT_ERROR(index(grid34(), {ints({0}, {1}), ints({4}, {1})}),
                     "index: index 4 at position 0 is out of bounds for 4");
}

TEST(Indexing, BadShapesAndTypesNameTheOp) {
  EXPECT_ADJIT_ERROR(gather(grid34(), 0, ints({0}, {1})),
                     "gather: index of shape [1] must have the rank of the "
                     "input of shape [3, 4]");
  EXPECT_ADJIT_ERROR(gather(grid34(), 0, ints({0, 0, 0, 0, 0}, {1, 5})),
                     "gather: index of shape [1, 5] is larger than the input "
                     "of shape [3, 4] in dim 1");
  EXPECT_ADJIT_ERROR(gather(grid34(), 0, zeros({1, 4})),
                     "gather: expected an int64 index tensor, got float32");
  EXPECT_ADJIT_ERROR(gather(grid34(), 2, ints({0}, {1, 1})), "gather");
  EXPECT_ADJIT_ERROR(index_select(grid34(), 0, ints({0, 1}, {1, 2})),
                     "index_select: expected a 0-d or 1-D index");
  EXPECT_ADJIT_ERROR(embedding(zeros({3}), ints({0}, {1})),
                     "embedding: expected a 2-D weight");
  EXPECT_ADJIT_ERROR(embedding(zeros({3, 2}), ints({0}, {1}), 3),
                     "embedding: padding_idx 3 is out of range");
  EXPECT_ADJIT_ERROR(one_hot(ints({}, {0})), "one_hot: cannot infer");
  EXPECT_ADJIT_ERROR(index(grid34(), {grid34() > 3.0}),
                     "index: boolean mask indices are not supported");
  EXPECT_ADJIT_ERROR(
      index(grid34(), {ints({0}, {1}), ints({0}, {1}), ints({0}, {1})}),
      "index: expected 1 to 2 index tensors");
  EXPECT_ADJIT_ERROR(index(grid34(), {ints({0, 1}, {2}), ints({0, 1, 2}, {3})}),
                     "index");
  EXPECT_ADJIT_ERROR(
      scatter_add(zeros({2}), 0, ints({0}, {1}), ones({1}, kFloat64)),
      "scatter_add: expected self and src of one float or "
      "int64 dtype, got float32 and float64");
  EXPECT_ADJIT_ERROR(index_put(zeros({2, 2}), {ints({0}, {1})}, ones({3})),
                     "index_put: shapes [1, 2] and [3] are not broadcastable");
  EXPECT_ADJIT_ERROR(
      index_put(zeros({2, 2}), {ints({0}, {1})}, ones({3, 1, 2})),
      "index_put: values of shape [3, 1, 2] cannot be "
      "broadcast to the indexed shape [1, 2]");
}

TEST(Indexing, PaddingRowGetsNoGradient) {
  Tensor w = arange(6.0, kFloat64).view({3, 2}).requires_grad_();
  Tensor out = embedding(w, ints({1, 1, 0, 2, 1}, {5}), 1);
  expectTensor(out, {5, 2}, {2, 3, 2, 3, 0, 1, 4, 5, 2, 3});
  out.sum().backward();
  expectTensor(w.grad(), {3, 2}, {1, 1, 0, 0, 1, 1});
}

TEST(EmbeddingModule, InitShapesAndPadding) {
  manual_seed(3);
  nn::Embedding emb(nn::EmbeddingOptions(1000, 8).padding_idx(-2));
  EXPECT_EQ(emb->weight.sizes(), (Shape{1000, 8}));
  EXPECT_EQ(*emb->options.padding_idx(), 998);
  expectTensor(emb->weight[998], {8}, std::vector<double>(8, 0.0));
  // N(0, 1): sample moments of 7992 draws.
  Tensor others =
      cat({emb->weight.slice(0, 0, 998), emb->weight.slice(0, 999)});
  EXPECT_NEAR(others.mean().item(), 0.0, 0.05);
  EXPECT_NEAR(others.std().item(), 1.0, 0.05);
  Tensor out = emb(ints({998, 3}, {1, 2}));
  EXPECT_EQ(out.sizes(), (Shape{1, 2, 8}));
  out.sum().backward();
  expectTensor(emb->weight.grad()[998], {8}, std::vector<double>(8, 0.0));
  expectTensor(emb->weight.grad()[3], {8}, std::vector<double>(8, 1.0));
  EXPECT_EQ(emb->parameters().size(), 1u);
  EXPECT_ADJIT_ERROR(nn::Embedding(nn::EmbeddingOptions(4, 2).padding_idx(4)),
                     "Embedding: padding_idx 4 must be within [-4, 4)");
  expectTensor(nn::functional::embedding(
                   ints({1}, {1}), emb->weight.detach(),
                   nn::functional::EmbeddingFuncOptions().padding_idx(-1)),
               {1, 8}, values(emb->weight[1]));
}

TEST(EmbeddingModule, TiedHeadAccumulatesBothGradients) {
  manual_seed(5);
  nn::Embedding emb(nn::EmbeddingOptions(5, 3));
  Tensor w = emb->weight;
  Tensor tokens = ints({4, 1, 1, 0}, {4});
  auto loss = [&](const Tensor &weight) {
    Tensor h = embedding(weight, tokens);
    Tensor logits = matmul(tanh(h), weight.t());
    return nn::functional::cross_entropy(logits, ints({1, 1, 0, 3}, {4}));
  };
  loss(w).backward();
  // The same loss with the two uses of the weight as separate leaves: the
  // tied gradient is the sum of theirs.
  Tensor a = w.detach().clone().requires_grad_();
  Tensor b = w.detach().clone().requires_grad_();
  Tensor h = embedding(a, tokens);
  nn::functional::cross_entropy(matmul(tanh(h), b.t()), ints({1, 1, 0, 3}, {4}))
      .backward();
  EXPECT_GT(a.grad().abs().sum().item(), 0.0);
  EXPECT_GT(b.grad().abs().sum().item(), 0.0);
  expectTensor(w.grad(), {5, 3}, values(a.grad() + b.grad()), 1e-6);
}

} // namespace
