//===- GemmTest.cpp - products split among the pool's threads -------------===//
//
// runtime::gemm against a plain triple loop on products large enough to be
// split among threads, by columns and by rows, of every operand layout, with
// sizes that do not divide evenly, inside a larger C whose other elements
// must stay untouched; runtime::batchGemm likewise, with operands shared by
// the whole batch.
//
//===----------------------------------------------------------------------===//

#include "adjit/Runtime/Gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using namespace adjit;

namespace {

/// A product C [m, n] = op(A) op(B) + beta C to check.
struct Case {
  int64_t m, n, k;
};

/// Checks runtime::gemm for `c` against the triple loop in double, for each
/// operand layout and for beta 0 and 0.5, in a C with 3 columns of padding
/// whose elements must keep their value.
template <typename T> void checkProducts(const Case &c) {
  std::mt19937 generator(static_cast<unsigned>(c.m * 31 + c.n * 7 + c.k));
  std::uniform_real_distribution<double> uniform(-1, 1);
  std::vector<T> a(c.m * c.k), b(c.k * c.n);
  for (T &v : a)
    v = static_cast<T>(uniform(generator));
  for (T &v : b)
    v = static_cast<T>(uniform(generator));
  const int64_t ldc = c.n + 3;
  const T padding = T(7.25);
  double tolerance = (sizeof(T) == 4 ? 1e-5 : 1e-12) * c.k;
  for (bool transposeA : {false, true})
    for (bool transposeB : {false, true})
      for (T beta : {T(0), T(0.5)}) {
        SCOPED_TRACE("m " + std::to_string(c.m) + " n " + std::to_string(c.n) +
                     " k " + std::to_string(c.k) + " transposeA " +
                     std::to_string(transposeA) + " transposeB " +
                     std::to_string(transposeB) + " beta " +
                     std::to_string(beta));
        // A [m, k] is stored as is or as its transpose [k, m]; so is B.
        auto aAt = [&](int64_t i, int64_t l) {
          return transposeA ? a[l * c.m + i] : a[i * c.k + l];
        };
        auto bAt = [&](int64_t l, int64_t j) {
          return transposeB ? b[j * c.k + l] : b[l * c.n + j];
        };
        std::vector<T> result(c.m * ldc, padding);
        for (int64_t i = 0; i < c.m; ++i)
          for (int64_t j = 0; j < c.n; ++j)
            result[i * ldc + j] = static_cast<T>(i - j) / T(8);
        std::vector<T> initial = result;
        runtime::gemm(transposeA, transposeB, c.m, c.n, c.k, a.data(),
                      transposeA ? c.m : c.k, b.data(), transposeB ? c.k : c.n,
                      beta, result.data(), ldc);
        int64_t wrong = 0;
        for (int64_t i = 0; i < c.m; ++i) {
          for (int64_t j = 0; j < c.n; ++j) {
            double expected = beta * static_cast<double>(initial[i * ldc + j]);
            for (int64_t l = 0; l < c.k; ++l)
              expected += static_cast<double>(aAt(i, l)) * bAt(l, j);
            if (std::abs(result[i * ldc + j] - expected) > tolerance &&
                wrong++ < 3)
              ADD_FAILURE() << "C[" << i << ", " << j << "] is "
                            << result[i * ldc + j] << ", expected " << expected;
          }
          for (int64_t j = c.n; j < ldc; ++j)
            if (result[i * ldc + j] != padding && wrong++ < 3)
              ADD_FAILURE()
                  << "padding C[" << i << ", " << j << "] was written";
        }
        EXPECT_EQ(wrong, 0);
      }
}

/// Products above OpenBLAS's threshold for threads (m n k > 2^18): the
/// MLP's shapes, split by columns (n >= m) and by rows, sizes that are not
/// multiples of the blocks (16) or leave one thread without a whole block,
/// a C of one column, and one below the threshold (not split).
const Case kCases[] = {{64, 256, 784}, {256, 784, 64}, {784, 64, 256},
                       {33, 517, 70},  {517, 33, 70},  {20, 30, 1000},
                       {3000, 1, 100}, {16, 16, 16}};

TEST(GemmTest, SplitProductsEqualTheTripleLoopF32) {
  for (const Case &c : kCases)
    checkProducts<float>(c);
}

TEST(GemmTest, SplitProductsEqualTheTripleLoopF64) {
  for (const Case &c : kCases)
    checkProducts<double>(c);
}

TEST(GemmTest, ProductsLeftToOpenBlasEqualTheTripleLoop) {
  bool splitting = runtime::setGemmSplitting(false);
  EXPECT_FALSE(runtime::splitsGemm());
  checkProducts<float>({64, 256, 784});
  checkProducts<double>({517, 33, 70});
  EXPECT_FALSE(runtime::setGemmSplitting(splitting));
  EXPECT_EQ(runtime::splitsGemm(), splitting);
}

/// A batch of products C_i [m, n] = op(A_i) op(B_i) + beta C_i to check,
/// with A or B shared by all products (batch stride 0) where asked.
struct BatchCase {
  int64_t count, m, n, k;
  bool broadcastA, broadcastB;
};

/// Checks runtime::batchGemm for `c` against the triple loop in double, for
/// each operand layout and for beta 0 and 0.5. Each C_i has 3 columns of
/// padding and the C_i are 5 elements apart; padding and gaps must keep
/// their value.
template <typename T> void checkBatch(const BatchCase &c) {
  std::mt19937 generator(
      static_cast<unsigned>(c.count * 101 + c.m * 31 + c.n * 7 + c.k));
  std::uniform_real_distribution<double> uniform(-1, 1);
  const int64_t strideA = c.broadcastA ? 0 : c.m * c.k;
  const int64_t strideB = c.broadcastB ? 0 : c.k * c.n;
  std::vector<T> a((c.broadcastA ? 1 : c.count) * c.m * c.k);
  std::vector<T> b((c.broadcastB ? 1 : c.count) * c.k * c.n);
  for (T &v : a)
    v = static_cast<T>(uniform(generator));
  for (T &v : b)
    v = static_cast<T>(uniform(generator));
  const int64_t ldc = c.n + 3, strideC = c.m * ldc + 5;
  const T padding = T(7.25);
  double tolerance = (sizeof(T) == 4 ? 1e-5 : 1e-12) * c.k;
  for (bool transposeA : {false, true})
    for (bool transposeB : {false, true})
      for (T beta : {T(0), T(0.5)}) {
        SCOPED_TRACE(
            "count " + std::to_string(c.count) + " m " + std::to_string(c.m) +
            " n " + std::to_string(c.n) + " k " + std::to_string(c.k) +
            " broadcastA " + std::to_string(c.broadcastA) + " broadcastB " +
            std::to_string(c.broadcastB) + " transposeA " +
            std::to_string(transposeA) + " transposeB " +
            std::to_string(transposeB) + " beta " + std::to_string(beta));
        auto aAt = [&](int64_t batch, int64_t i, int64_t l) {
          const T *base = a.data() + batch * strideA;
          return transposeA ? base[l * c.m + i] : base[i * c.k + l];
        };
        auto bAt = [&](int64_t batch, int64_t l, int64_t j) {
          const T *base = b.data() + batch * strideB;
          return transposeB ? base[j * c.k + l] : base[l * c.n + j];
        };
        std::vector<T> result(c.count * strideC, padding);
        for (int64_t batch = 0; batch < c.count; ++batch)
          for (int64_t i = 0; i < c.m; ++i)
            for (int64_t j = 0; j < c.n; ++j)
              result[batch * strideC + i * ldc + j] =
                  static_cast<T>(i - j + batch) / T(8);
        std::vector<T> initial = result;
        runtime::batchGemm(c.count, transposeA, transposeB, c.m, c.n, c.k,
                           a.data(), transposeA ? c.m : c.k, strideA, b.data(),
                           transposeB ? c.k : c.n, strideB, beta, result.data(),
                           ldc, strideC);
        int64_t wrong = 0;
        for (int64_t batch = 0; batch < c.count; ++batch)
          for (int64_t i = 0; i < c.m; ++i)
            for (int64_t j = 0; j < c.n; ++j) {
              int64_t at = batch * strideC + i * ldc + j;
              double expected = beta * static_cast<double>(initial[at]);
              for (int64_t l = 0; l < c.k; ++l)
                expected +=
                    static_cast<double>(aAt(batch, i, l)) * bAt(batch, l, j);
              if (std::abs(result[at] - expected) > tolerance && wrong++ < 3)
                ADD_FAILURE()
                    << "C_" << batch << "[" << i << ", " << j << "] is "
                    << result[at] << ", expected " << expected;
            }
        // Everything outside the C_i: the padding columns and the gaps.
        for (int64_t at = 0; at < static_cast<int64_t>(result.size()); ++at) {
          int64_t inEntry = at % strideC;
          bool inside = inEntry < c.m * ldc && inEntry % ldc < c.n;
          if (!inside && result[at] != padding && wrong++ < 3)
            ADD_FAILURE() << "element " << at << " outside the products was "
                          << "written";
        }
        EXPECT_EQ(wrong, 0);
      }
}

/// Batches split by whole products (cumsum's 12 products of 64x128x64 with
/// a shared A, an even batch of products too small to split one by one, and
/// an uneven batch of such products), batches run product by product (3
/// products each large enough to split: an uneven split by products would
/// leave a thread idle a third of the time), a batch below the threshold,
/// and a batch of one.
const BatchCase kBatchCases[] = {
    {12, 64, 128, 64, true, false}, {12, 64, 128, 64, false, false},
    {8, 40, 50, 60, false, true},   {3, 50, 60, 70, false, false},
    {3, 70, 300, 40, true, false},  {5, 8, 8, 8, false, false},
    {1, 64, 256, 784, false, false}};

TEST(GemmTest, BatchesEqualTheTripleLoop) {
  for (const BatchCase &c : kBatchCases) {
    checkBatch<float>(c);
    checkBatch<double>(c);
  }
}

TEST(GemmTest, BatchesLeftToOpenBlasEqualTheTripleLoop) {
  bool splitting = runtime::setGemmSplitting(false);
  checkBatch<float>({12, 64, 128, 64, true, false});
  checkBatch<double>({3, 70, 300, 40, false, true});
  runtime::setGemmSplitting(splitting);
}

/// A batch split by whole products gives each product exactly what `gemm`
/// gives it on its own: products below the threshold for threads, which
/// `gemm` computes in one single-threaded call.
TEST(GemmTest, SplitBatchEqualsProductByProduct) {
  const int64_t count = 8, m = 40, n = 50, k = 60;
  std::mt19937 generator(5);
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> a(m * k), b(count * k * n);
  for (float &v : a)
    v = uniform(generator);
  for (float &v : b)
    v = uniform(generator);
  std::vector<float> batched(count * m * n), single(count * m * n);
  runtime::batchGemm(count, false, false, m, n, k, a.data(), k, 0, b.data(), n,
                     k * n, 0.0f, batched.data(), n, m * n);
  for (int64_t i = 0; i < count; ++i)
    runtime::gemm(false, false, m, n, k, a.data(), k, b.data() + i * k * n, n,
                  0.0f, single.data() + i * m * n, n);
  EXPECT_EQ(batched, single);
}

} // namespace
