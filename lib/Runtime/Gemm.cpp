//===- Gemm.cpp - matrix products on the pool's threads -------------------===//
//
// A product that OpenBLAS would run on several threads is split here into
// one block of C per thread of libomp's pool, in a parallel region opened
// with `__kmpc_fork_call` (as compiled parallel loops open theirs). Inside a
// parallel region, OpenBLAS's OpenMP build runs each call on its caller's
// thread, and single-threaded it allocates nothing; its threaded level-3
// driver allocates a job array on the heap in every product. The blocks are
// whole rows or whole columns of C: columns when C has at least as many
// columns as rows, so that the operand every thread reads (and packs) whole
// is the smaller one, A [m, k] rather than B [k, n].
//
//===----------------------------------------------------------------------===//

#include "adjit/Runtime/Gemm.h"

#include "Libomp.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <type_traits>

using namespace adjit;

namespace {

/// The largest m n k that OpenBLAS computes on one thread (its
/// GEMM_MULTITHREAD_THRESHOLD of 4 times SMP_THRESHOLD_MIN, 65536).
constexpr double kSingleThreadedWork = 4 * 65536.0;

/// Blocks of C start at multiples of this many rows or columns (a multiple
/// of OpenBLAS's register blocking), unless C is too small to give each
/// thread one.
constexpr int64_t kBlockAlignment = 16;

/// The parallel regions' source location, as libomp's tools show it.
AdjitOmpLocation regionLocation = {0, runtime::kOmpIdentKmpc, 0, 0,
                                   ";adjit;runtime::gemm;0;0;;"};

/// Whether products are split here: -1 until first asked.
std::atomic<int> splitting{-1};

bool isOpenMPBuild() { return openblas_get_parallel() == 2; }

/// One call of OpenBLAS's `sgemm` or `dgemm`, with alpha 1.
template <typename T>
void blasGemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
              const T *a, int64_t lda, const T *b, int64_t ldb, T beta, T *c,
              int64_t ldc) {
  CBLAS_TRANSPOSE opA = transposeA ? CblasTrans : CblasNoTrans;
  CBLAS_TRANSPOSE opB = transposeB ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, opA, opB, m, n, k, 1.0f, a, lda, b, ldb, beta, c,
                ldc);
  else
    cblas_dgemm(CblasRowMajor, opA, opB, m, n, k, 1.0, a, lda, b, ldb, beta, c,
                ldc);
}

/// One product split among the threads of a parallel region.
template <typename T> struct SplitProduct {
  bool transposeA, transposeB;
  int64_t m, n, k;
  const T *a;
  int64_t lda;
  const T *b;
  int64_t ldb;
  T beta;
  T *c;
  int64_t ldc;
  /// Whether each thread computes a block of columns (else of rows) of C.
  bool byColumns;

  /// Computes the block of thread `thread` of `threads`.
  void runBlock(int64_t thread, int64_t threads) const {
    int64_t extent = byColumns ? n : m;
    int64_t alignment =
        extent >= threads * kBlockAlignment ? kBlockAlignment : int64_t(1);
    int64_t blocks = (extent + alignment - 1) / alignment;
    int64_t first = std::min(extent, blocks * thread / threads * alignment);
    int64_t last =
        std::min(extent, blocks * (thread + 1) / threads * alignment);
    if (first >= last)
      return;
    if (byColumns)
      blasGemm(transposeA, transposeB, m, last - first, k, a, lda,
               transposeB ? b + first * ldb : b + first, ldb, beta, c + first,
               ldc);
    else
      blasGemm(transposeA, transposeB, last - first, n, k,
               transposeA ? a + first : a + first * lda, lda, b, ldb, beta,
               c + first * ldc, ldc);
  }
};

/// The body of the parallel region: each thread computes its block.
template <typename T>
void runThreadBlock(int32_t *, int32_t *, const SplitProduct<T> *product) {
  product->runBlock(omp_get_thread_num(), omp_get_num_threads());
}

/// Whether a product of m n k goes to the pool's threads from here.
bool shouldSplit(int64_t m, int64_t n, int64_t k) {
  return static_cast<double>(m) * static_cast<double>(n) *
                 static_cast<double>(k) >
             kSingleThreadedWork &&
         std::max(m, n) > 1 && runtime::splitsGemm() && !omp_in_parallel() &&
         omp_get_max_threads() > 1;
}

template <typename T>
void gemmOnPool(bool transposeA, bool transposeB, int64_t m, int64_t n,
                int64_t k, const T *a, int64_t lda, const T *b, int64_t ldb,
                T beta, T *c, int64_t ldc) {
  if (!shouldSplit(m, n, k)) {
    blasGemm(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  SplitProduct<T> product{
      transposeA,          transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc,
      /*byColumns=*/n >= m};
  __kmpc_fork_call(&regionLocation, 1,
                   reinterpret_cast<AdjitOmpMicrotask>(&runThreadBlock<T>),
                   &product);
}

/// A batch of products split among the threads of a parallel region, a
/// contiguous range of whole products per thread.
template <typename T> struct SplitBatch {
  int64_t count;
  bool transposeA, transposeB;
  int64_t m, n, k;
  const T *a;
  int64_t lda, strideA;
  const T *b;
  int64_t ldb, strideB;
  T beta;
  T *c;
  int64_t ldc, strideC;

  /// Computes the products of thread `thread` of `threads`.
  void runProducts(int64_t thread, int64_t threads) const {
    int64_t first = count * thread / threads;
    int64_t last = count * (thread + 1) / threads;
    for (int64_t i = first; i < last; ++i)
      blasGemm(transposeA, transposeB, m, n, k, a + i * strideA, lda,
               b + i * strideB, ldb, beta, c + i * strideC, ldc);
  }
};

/// The body of the parallel region: each thread computes its products.
template <typename T>
void runThreadProducts(int32_t *, int32_t *, const SplitBatch<T> *batch) {
  batch->runProducts(omp_get_thread_num(), omp_get_num_threads());
}

/// Whether a batch of `count` products of m n k goes to the pool's threads
/// whole product by whole product.
bool shouldSplitBatch(int64_t count, int64_t m, int64_t n, int64_t k) {
  double work =
      static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k);
  if (count < 2 || work * static_cast<double>(count) <= kSingleThreadedWork ||
      !runtime::splitsGemm() || omp_in_parallel())
    return false;
  int64_t threads = omp_get_max_threads();
  if (threads < 2)
    return false;
  // The busiest thread computes at most a quarter more than the average,
  // unless `gemm` would run each product on one thread anyway.
  int64_t busiest = (count + threads - 1) / threads;
  return busiest * threads * 4 <= count * 5 || !shouldSplit(m, n, k);
}

} // namespace

void runtime::gemm(bool transposeA, bool transposeB, int64_t m, int64_t n,
                   int64_t k, const float *a, int64_t lda, const float *b,
                   int64_t ldb, float beta, float *c, int64_t ldc) {
  gemmOnPool(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void runtime::gemm(bool transposeA, bool transposeB, int64_t m, int64_t n,
                   int64_t k, const double *a, int64_t lda, const double *b,
                   int64_t ldb, double beta, double *c, int64_t ldc) {
  gemmOnPool(transposeA, transposeB, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

template <typename T>
void runtime::batchGemm(int64_t count, bool transposeA, bool transposeB,
                        int64_t m, int64_t n, int64_t k, const T *a,
                        int64_t lda, int64_t strideA, const T *b, int64_t ldb,
                        int64_t strideB, T beta, T *c, int64_t ldc,
                        int64_t strideC) {
  if (!shouldSplitBatch(count, m, n, k)) {
    for (int64_t i = 0; i < count; ++i)
      gemmOnPool(transposeA, transposeB, m, n, k, a + i * strideA, lda,
                 b + i * strideB, ldb, beta, c + i * strideC, ldc);
    return;
  }
  SplitBatch<T> batch{count, transposeA, transposeB, m,      n,   k,
                      a,     lda,        strideA,    b,      ldb, strideB,
                      beta,  c,          ldc,        strideC};
  __kmpc_fork_call(&regionLocation, 1,
                   reinterpret_cast<AdjitOmpMicrotask>(&runThreadProducts<T>),
                   &batch);
}

template void runtime::batchGemm(int64_t, bool, bool, int64_t, int64_t, int64_t,
                                 const float *, int64_t, int64_t, const float *,
                                 int64_t, int64_t, float, float *, int64_t,
                                 int64_t);
template void runtime::batchGemm(int64_t, bool, bool, int64_t, int64_t, int64_t,
                                 const double *, int64_t, int64_t,
                                 const double *, int64_t, int64_t, double,
                                 double *, int64_t, int64_t);

bool runtime::splitsGemm() {
  int state = splitting.load(std::memory_order_relaxed);
  if (state < 0) {
    const char *setting = std::getenv("ADJIT_SPLIT_GEMM");
    state = isOpenMPBuild() && !(setting && std::strcmp(setting, "0") == 0);
    splitting.store(state, std::memory_order_relaxed);
  }
  return state != 0;
}

bool runtime::setGemmSplitting(bool enabled) {
  bool previous = splitsGemm();
  splitting.store(enabled && isOpenMPBuild(), std::memory_order_relaxed);
  return previous;
}
