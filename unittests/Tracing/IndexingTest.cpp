//===- IndexingTest.cpp - indexing ops eager against compiled -------------===//
//
// gather, scatter_add, index_select, embedding, one_hot, index and index_put
// traced with their int64 indices as arguments of the compiled function:
// values and gradients agree with eager ones, new indices run the same
// compiled code, and indices out of range are rejected on every call.
//
//===----------------------------------------------------------------------===//

#include "TracingTestUtil.h"

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

using namespace adjit;
using adjit::test::errorOf;
using adjit::test::expectClose;

namespace {

Tensor ints(const std::vector<double> &v, const Shape &shape) {
  return from_vector(v, shape, kInt64);
}

using Loss =
    std::function<Tensor(const Tensor &weight, const std::vector<Tensor> &in)>;

/// Runs `loss` eagerly and compiled (the weight captured, `inputs` passed)
/// on each list of inputs in turn; expects equal losses and weight
/// gradients, and one compilation for all.
void expectSameAsEager(const Shape &weightShape, const Loss &loss,
                       const std::vector<std::vector<Tensor>> &calls) {
  manual_seed(17);
  Tensor init = randn(weightShape, kFloat64);
  Tensor w = init.clone().requires_grad_();
  jit::CompiledFunction f =
      jit::compile([&](const std::vector<Tensor> &in) { return loss(w, in); });
  for (const std::vector<Tensor> &inputs : calls) {
    w.mutable_grad() = Tensor();
    Tensor compiled = f(inputs);
    Tensor eagerW = init.clone().requires_grad_();
    Tensor eager = loss(eagerW, inputs);
    eager.backward();
    expectClose(compiled, eager.detach());
    expectClose(w.grad(), eagerW.grad());
  }
  EXPECT_EQ(f.getStats().compilations, 1);
}

Tensor weighted(const Tensor &y) {
  Tensor weights = arange(y.numel(), kFloat64).view(y.sizes()) * 0.25 + 1.0;
  return (y * y * weights).sum();
}

TEST(IndexingCompiled, GatherAndScatterAddAgreeWithEagerForNewIndices) {
  expectSameAsEager(
      {3, 4},
      [](const Tensor &w, const std::vector<Tensor> &in) {
        Tensor g = gather(w, 0, in[0]);
        return weighted(scatter_add(w, 1, in[1], g * g));
      },
      {{ints({2, 0, 1, 1, 0, 2, 2, 0}, {2, 4}), ints({3, 3, 0, 1}, {2, 2})},
       {ints({1, 1, 1, 1, 2, 2, 0, 2}, {2, 4}), ints({0, 0, 0, 0}, {2, 2})}});
}

TEST(IndexingCompiled, EmbeddingIndexSelectAndIndexAgreeWithEager) {
  expectSameAsEager({5, 3},
                    [](const Tensor &w, const std::vector<Tensor> &in) {
                      Tensor e = embedding(w, in[0], /*padding_idx=*/4);
                      Tensor s = index_select(w, 1, in[1]);
                      Tensor x = w.index({in[2], in[3]});
                      return weighted(e) + weighted(s) + weighted(x);
                    },
                    {{ints({4, 1, 1, 0, 3, 4}, {2, 3}), ints({2, 0, 2}, {3}),
                      ints({4, 0}, {2}), ints({2, 0}, {2})},
                     {ints({0, 0, 0, 2, 2, 2}, {2, 3}), ints({1, 1, 0}, {3}),
                      ints({1, 1}, {2}), ints({1, 1}, {2})}});
}

TEST(IndexingCompiled, IndexPutAccumulateAndOneHotAgreeWithEager) {
  expectSameAsEager({4, 2},
                    [](const Tensor &w, const std::vector<Tensor> &in) {
                      Tensor put = index_put(w, {in[0]}, w.slice(0, 0, 3) * 2.0,
                                             /*accumulate=*/true);
                      Tensor hot = one_hot(in[1], 4).to(kFloat64);
                      return weighted(put) + weighted(matmul(hot, w));
                    },
                    {{ints({0, 3, 0}, {3}), ints({3, 1}, {2})},
                     {ints({2, 2, 2}, {3}), ints({0, 0}, {2})}});
}

TEST(IndexingCompiled, TiedEmbeddingAndHeadAgreeWithEager) {
  expectSameAsEager({6, 4},
                    [](const Tensor &w, const std::vector<Tensor> &in) {
                      Tensor h = tanh(embedding(w, in[0]));
                      return nn::functional::cross_entropy(matmul(h, w.t()),
                                                           in[1]);
                    },
                    {{ints({1, 5, 5, 0}, {4}), ints({5, 5, 0, 2}, {4})},
                     {ints({2, 2, 3, 4}, {4}), ints({1, 0, 0, 0}, {4})}});
}

TEST(IndexingCompiled, IndicesAreCheckedOnEveryCall) {
  for (bool assumePure : {false, true}) {
    SCOPED_TRACE(assumePure ? "assumePure" : "replayed");
    Tensor w = ones({5, 3}, kFloat64).requires_grad_();
    jit::CompileOptions options;
    options.assumePure = assumePure;
    jit::CompiledFunction f = jit::compile(
        [&](const std::vector<Tensor> &in) {
          return (embedding(w, in[0]) * gather(w, 1, in[1])).sum();
        },
        options);
    Tensor column = ints({0, 2, 1}, {1, 3});
    f(ints({0, 4, 1}, {3}), column);
    EXPECT_EQ(errorOf([&] {
                f(ints({0, 5, 1}, {3}), column);
              }),
              "embedding: index 5 at position 1 is out of bounds for 5 "
              "embeddings");
    EXPECT_EQ(errorOf([&] {
                f(ints({-1, 0, 0}, {3}), column);
              }),
              "embedding: index -1 at position 0 is out of bounds for 5 "
              "embeddings");
    EXPECT_EQ(errorOf([&] {
                f(ints({0, 0, 0}, {3}), ints({0, 3, 0}, {1, 3}));
              }),
              "gather: index 3 at position 1 is out of bounds for 3 elements "
              "in the indexed dim");
    EXPECT_EQ(f.getStats().compilations, 1);
  }
}

TEST(IndexingCompiled, UntraceableIndexingFailsLoudly) {
  Tensor w = ones({4, 3}, kFloat64).requires_grad_();
  jit::CompiledFunction computed =
      jit::compile([&](const std::vector<Tensor> &in) {
        return embedding(w, in[0].reshape({-1})).sum();
      });
  EXPECT_EQ(errorOf([&] {
              computed(ints({0, 1}, {2, 1}));
            }),
            "embedding: the index indices (shape [2]) are computed inside the "
            "traced function, so a later call could not check that they lie "
            "in [0, 4); pass them as an input instead");
  jit::CompiledFunction put = jit::compile([&](const std::vector<Tensor> &in) {
    return index_put(w, {in[0]}, zeros({3}, kFloat64)).sum();
  });
  EXPECT_EQ(errorOf([&] { put(ints({0}, {1})); }),
            "index_put: not supported inside a traced function "
            "(accumulate=false cannot check in compiled code that the "
            "indexed positions are distinct)");
  jit::CompiledFunction hot = jit::compile([&](const std::vector<Tensor> &in) {
    return matmul(one_hot(in[0]).to(kFloat64), w).sum();
  });
  EXPECT_EQ(errorOf([&] { hot(ints({0}, {1})); }),
            "one_hot: not supported inside a traced function (num_classes = "
            "-1 reads the largest index to the host)");
}

} // namespace
