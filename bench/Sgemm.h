//===- Sgemm.h - timing OpenBLAS sgemm on given products -------*- C++ -*-===//
//
// The FLOP-rate floor the benchmarks report beside compiled code: how long
// OpenBLAS's cblas_sgemm takes for a matrix product of a given shape.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_BENCH_SGEMM_H
#define ADJIT_BENCH_SGEMM_H

#include "common.h"

#include "adjit/Runtime/Gemm.h"

#include <cblas.h>

#include <cstdint>
#include <random>
#include <vector>

namespace adjit::bench {

/// A row-major product C[M, N] = op(A) op(B), op(A) [M, K], op(B) [K, N].
struct SgemmShape {
  int64_t m, n, k;
  CBLAS_TRANSPOSE transposeA = CblasNoTrans, transposeB = CblasNoTrans;

  double getFlops() const { return 2.0 * m * n * k; }
};

/// Who runs a product on several threads: OpenBLAS's threaded driver
/// (cblas_sgemm), or adjit's runtime::gemm, which splits it among libomp's
/// threads itself (as compiled code and eager products do by default).
enum class SgemmThreads { OpenBlas, Split };

/// Returns the seconds one product of `shape` takes with the current thread
/// count, the median of `samples` (on operands uniform in [-1, 1] drawn
/// from `generator`), run by `threads`.
inline double
medianSgemmSeconds(const SgemmShape &shape, int samples,
                   std::mt19937 &generator,
                   SgemmThreads threads = SgemmThreads::OpenBlas) {
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> a(shape.m * shape.k), b(shape.k * shape.n),
      c(shape.m * shape.n);
  for (float &v : a)
    v = uniform(generator);
  for (float &v : b)
    v = uniform(generator);
  int lda = shape.transposeA == CblasNoTrans ? shape.k : shape.m;
  int ldb = shape.transposeB == CblasNoTrans ? shape.n : shape.k;
  if (threads == SgemmThreads::Split)
    return medianSecondsPerCall(
        [&] {
          adjit::runtime::gemm(shape.transposeA == CblasTrans,
                               shape.transposeB == CblasTrans, shape.m, shape.n,
                               shape.k, a.data(), lda, b.data(), ldb, 0.0f,
                               c.data(), shape.n);
        },
        samples);
  return medianSecondsPerCall(
      [&] {
        cblas_sgemm(CblasRowMajor, shape.transposeA, shape.transposeB, shape.m,
                    shape.n, shape.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f,
                    c.data(), shape.n);
      },
      samples);
}

} // namespace adjit::bench

#endif // ADJIT_BENCH_SGEMM_H
