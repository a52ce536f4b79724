//===- BlasRuntime.cpp - BLAS entry points called by JIT code -------------===//
//
// `C = A * B + beta * C` on strided memref descriptors, forwarded to
// OpenBLAS through runtime::gemm (which splits a large product among the
// pool's threads) and runtime::batchGemm (which splits a batch among them by
// whole products). A matrix whose rows are contiguous is passed as is, one
// whose columns are contiguous (a transposed view) as a transposed matrix, and
// any other layout is copied first.
//
//===----------------------------------------------------------------------===//

#include "BlasRuntime.h"

#include "adjit/Runtime/Gemm.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace {

/// A matrix operand as BLAS takes it.
template <typename T> struct BlasMatrix {
  const T *data;
  bool transposed;
  int leadingDimension;
  std::vector<T> copy;
};

/// How BLAS reads a matrix in place: as stored or transposed, with its
/// leading dimension.
struct BlasLayout {
  bool transposed;
  int64_t leadingDimension;
};

/// The layout of a rows x cols matrix of the given strides if BLAS can read
/// it in place.
std::optional<BlasLayout> getBlasLayout(int64_t rows, int64_t cols,
                                        int64_t rowStride, int64_t colStride) {
  if (colStride == 1 && rowStride >= std::max<int64_t>(1, cols))
    return BlasLayout{false, rowStride};
  if (rowStride == 1 && colStride >= std::max<int64_t>(1, rows))
    return BlasLayout{true, colStride};
  return std::nullopt;
}

template <typename T>
BlasMatrix<T> toBlas(const T *base, int64_t rows, int64_t cols,
                     int64_t rowStride, int64_t colStride) {
  if (std::optional<BlasLayout> layout =
          getBlasLayout(rows, cols, rowStride, colStride))
    return {base,
            layout->transposed,
            static_cast<int>(layout->leadingDimension),
            {}};
  BlasMatrix<T> matrix{
      nullptr, false, static_cast<int>(std::max<int64_t>(1, cols)), {}};
  matrix.copy.resize(rows * cols);
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      matrix.copy[i * cols + j] = base[i * rowStride + j * colStride];
  matrix.data = matrix.copy.data();
  return matrix;
}

template <typename T>
void gemm(int64_t m, int64_t n, int64_t k, const BlasMatrix<T> &a,
          const BlasMatrix<T> &b, T beta, T *c, int64_t ldc) {
  adjit::runtime::gemm(a.transposed, b.transposed, m, n, k, a.data,
                       a.leadingDimension, b.data, b.leadingDimension, beta, c,
                       ldc);
}

/// C (m x n, at `c` with row stride `cStrides[0]`, column stride
/// `cStrides[1]`) = A * B + beta * C. With beta 0, C is only written (BLAS
/// never reads it), so it may hold anything.
template <typename T>
void multiply(const T *a, const int64_t *aStrides, const T *b,
              const int64_t *bStrides, T beta, T *c, const int64_t *cStrides,
              int64_t m, int64_t n, int64_t k) {
  if (m == 0 || n == 0)
    return;
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        T &element = c[i * cStrides[0] + j * cStrides[1]];
        element = beta == T(0) ? T(0) : beta * element;
      }
    return;
  }
  BlasMatrix<T> lhs = toBlas(a, m, k, aStrides[0], aStrides[1]);
  BlasMatrix<T> rhs = toBlas(b, k, n, bStrides[0], bStrides[1]);
  if (cStrides[1] == 1 && cStrides[0] >= std::max<int64_t>(1, n)) {
    gemm(m, n, k, lhs, rhs, beta, c, cStrides[0]);
    return;
  }
  std::vector<T> result(m * n);
  if (beta != T(0))
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        result[i * n + j] = c[i * cStrides[0] + j * cStrides[1]];
  gemm(m, n, k, lhs, rhs, beta, result.data(), std::max<int64_t>(1, n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      c[i * cStrides[0] + j * cStrides[1]] = result[i * n + j];
}

template <typename T>
void matmul(StridedMemRefType<T, 2> *a, StridedMemRefType<T, 2> *b,
            StridedMemRefType<T, 2> *c, T beta) {
  multiply(a->data + a->offset, a->strides, b->data + b->offset, b->strides,
           beta, c->data + c->offset, c->strides, c->sizes[0], c->sizes[1],
           a->sizes[1]);
}

/// A batch whose operands BLAS reads in place, and whose C is row-major with
/// disjoint elements, is one runtime::batchGemm call; a broadcast operand
/// (batch stride 0) is read in place too. Any other batch is multiplied
/// element by element.
template <typename T>
void batchMatmul(StridedMemRefType<T, 3> *a, StridedMemRefType<T, 3> *b,
                 StridedMemRefType<T, 3> *c, T beta) {
  int64_t count = c->sizes[0], m = c->sizes[1], n = c->sizes[2];
  int64_t k = a->sizes[2];
  std::optional<BlasLayout> lhs =
      getBlasLayout(m, k, a->strides[1], a->strides[2]);
  std::optional<BlasLayout> rhs =
      getBlasLayout(k, n, b->strides[1], b->strides[2]);
  bool rowMajorC =
      c->strides[2] == 1 && c->strides[1] >= std::max<int64_t>(1, n);
  bool disjointC = count <= 1 || c->strides[0] >= c->strides[1] * m;
  if (m > 0 && n > 0 && k > 0 && lhs && rhs && rowMajorC && disjointC) {
    adjit::runtime::batchGemm(
        count, lhs->transposed, rhs->transposed, m, n, k, a->data + a->offset,
        lhs->leadingDimension, a->strides[0], b->data + b->offset,
        rhs->leadingDimension, b->strides[0], beta, c->data + c->offset,
        c->strides[1], c->strides[0]);
    return;
  }
  for (int64_t batch = 0; batch < c->sizes[0]; ++batch)
    multiply(a->data + a->offset + batch * a->strides[0], a->strides + 1,
             b->data + b->offset + batch * b->strides[0], b->strides + 1, beta,
             c->data + c->offset + batch * c->strides[0], c->strides + 1,
             c->sizes[1], c->sizes[2], a->sizes[2]);
}

} // namespace

extern "C" {
void _mlir_ciface_adjit_blas_sgemm(StridedMemRefType<float, 2> *a,
                                   StridedMemRefType<float, 2> *b,
                                   StridedMemRefType<float, 2> *c, float beta) {
  matmul(a, b, c, beta);
}
void _mlir_ciface_adjit_blas_dgemm(StridedMemRefType<double, 2> *a,
                                   StridedMemRefType<double, 2> *b,
                                   StridedMemRefType<double, 2> *c,
                                   double beta) {
  matmul(a, b, c, beta);
}
void _mlir_ciface_adjit_blas_batch_sgemm(StridedMemRefType<float, 3> *a,
                                         StridedMemRefType<float, 3> *b,
                                         StridedMemRefType<float, 3> *c,
                                         float beta) {
  batchMatmul(a, b, c, beta);
}
void _mlir_ciface_adjit_blas_batch_dgemm(StridedMemRefType<double, 3> *a,
                                         StridedMemRefType<double, 3> *b,
                                         StridedMemRefType<double, 3> *c,
                                         double beta) {
  batchMatmul(a, b, c, beta);
}
}

std::vector<std::pair<std::string, void *>>
adjit::jit::detail::getBlasRuntimeSymbols() {
  return {
      {"_mlir_ciface_adjit_blas_sgemm",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_blas_sgemm)},
      {"_mlir_ciface_adjit_blas_dgemm",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_blas_dgemm)},
      {"_mlir_ciface_adjit_blas_batch_sgemm",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_blas_batch_sgemm)},
      {"_mlir_ciface_adjit_blas_batch_dgemm",
       reinterpret_cast<void *>(&_mlir_ciface_adjit_blas_batch_dgemm)},
  };
}
