//===- Gemm.h - matrix products on the pool's threads ----------*- C++ -*-===//
//
// The one entry point through which the eager runtime and compiled code run
// a BLAS matrix product. A product large enough for several threads is split
// here into blocks of rows or columns, one per thread of libomp's pool, each
// computed by a single-threaded OpenBLAS call; OpenBLAS's own threaded
// driver allocates a job array on the heap in every product it threads.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_GEMM_H
#define ADJIT_RUNTIME_GEMM_H

#include <cstdint>

namespace adjit::runtime {

/// Row-major C = op(A) op(B) + beta C, with C [m, n], op(A) [m, k] and
/// op(B) [k, n]; op transposes when `transposeA` / `transposeB` is set (A is
/// then stored [k, m], B [n, k]). `lda`, `ldb` and `ldc` are the row strides
/// of the stored matrices. With beta 0, C is only written.
///
/// Runs on the calling thread inside a parallel region, and where the
/// product is below OpenBLAS's threshold for threads (m n k <= 2^18);
/// otherwise splits C among the threads of libomp's pool when OpenBLAS is
/// its OpenMP build (see docs/jit.md, "Threads: one pool for products and
/// loops"), and leaves the threads to OpenBLAS with any other build.
void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
          const float *a, int64_t lda, const float *b, int64_t ldb, float beta,
          float *c, int64_t ldc);

/// The f64 version of the f32 `gemm` above.
void gemm(bool transposeA, bool transposeB, int64_t m, int64_t n, int64_t k,
          const double *a, int64_t lda, const double *b, int64_t ldb,
          double beta, double *c, int64_t ldc);

/// A batch of `count` products C_i = op(A_i) op(B_i) + beta C_i, each as in
/// `gemm`, with A_i at `a + i * strideA`, B_i at `b + i * strideB` and C_i at
/// `c + i * strideC`. A stride of 0 gives every product the same A or B (a
/// broadcast operand, read in place); the C_i must not overlap.
///
/// Where `gemm` would split products, a batch whose total work (count m n k)
/// is above OpenBLAS's threshold for threads is split among the pool's
/// threads by whole products, each a single-threaded OpenBLAS call, in one
/// parallel region: when the busiest thread gets at most a quarter more
/// products than the average, or when the products are each too small for
/// `gemm` to split. Any other batch runs product by product through `gemm`.
///
/// Defined for T float and double.
template <typename T>
void batchGemm(int64_t count, bool transposeA, bool transposeB, int64_t m,
               int64_t n, int64_t k, const T *a, int64_t lda, int64_t strideA,
               const T *b, int64_t ldb, int64_t strideB, T beta, T *c,
               int64_t ldc, int64_t strideC);

/// Whether `gemm` splits products itself: OpenBLAS's OpenMP build is the
/// one loaded, and splitting is on (the default; `ADJIT_SPLIT_GEMM=0` in the
/// environment, or `setGemmSplitting(false)`, turns it off).
bool splitsGemm();

/// Turns `gemm`'s own splitting on or off (for benchmarks and tests that
/// compare it with OpenBLAS's threads); returns whether it was on. It stays
/// off with any OpenBLAS build but the OpenMP one.
bool setGemmSplitting(bool enabled);

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_GEMM_H
