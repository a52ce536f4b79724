//===- GemmTest.cpp - products split among the pool's threads -------------===//
//
// runtime::gemm against a plain triple loop on products large enough to be
// split among threads, by columns and by rows, of every operand layout, with
// sizes that do not divide evenly, inside a larger C whose other elements
// must stay untouched.
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

} // namespace
