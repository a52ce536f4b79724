//===- BlasRuntimeTest.cpp - the BLAS entry points of compiled code -------===//
//
// The batched product that compiled code calls, on memref descriptors: an
// operand broadcast over the batch (batch stride 0) gives exactly the
// products of its materialized copy, and layouts BLAS reads in place or only
// after a copy agree with the triple loop.
//
//===----------------------------------------------------------------------===//

#include "BlasRuntime.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include "gtest/gtest.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace adjit::jit;

namespace {

using BatchSgemm = void (*)(StridedMemRefType<float, 3> *,
                            StridedMemRefType<float, 3> *,
                            StridedMemRefType<float, 3> *, float);

BatchSgemm getBatchSgemm() {
  for (const auto &[name, address] : detail::getBlasRuntimeSymbols())
    if (name == "_mlir_ciface_adjit_blas_batch_sgemm")
      return reinterpret_cast<BatchSgemm>(address);
  return nullptr;
}

/// A descriptor of `sizes` and `strides` over `data`.
StridedMemRefType<float, 3> describe(std::vector<float> &data,
                                     std::array<int64_t, 3> sizes,
                                     std::array<int64_t, 3> strides) {
  StridedMemRefType<float, 3> memref;
  memref.basePtr = memref.data = data.data();
  memref.offset = 0;
  for (int d = 0; d < 3; ++d) {
    memref.sizes[d] = sizes[d];
    memref.strides[d] = strides[d];
  }
  return memref;
}

std::vector<float> randomValues(int64_t count, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(-1, 1);
  std::vector<float> values(count);
  for (float &v : values)
    v = uniform(generator);
  return values;
}

/// The element (batch, i, j) of `memref`.
float at(const StridedMemRefType<float, 3> &memref, int64_t batch, int64_t i,
         int64_t j) {
  return memref.data[memref.offset + batch * memref.strides[0] +
                     i * memref.strides[1] + j * memref.strides[2]];
}

/// Checks C = A B + beta C0 against the triple loop in double.
void expectProducts(const StridedMemRefType<float, 3> &a,
                    const StridedMemRefType<float, 3> &b,
                    const std::vector<float> &initial, float beta,
                    const std::vector<float> &c) {
  int64_t count = a.sizes[0], m = a.sizes[1], k = a.sizes[2], n = b.sizes[2];
  int64_t wrong = 0;
  for (int64_t batch = 0; batch < count; ++batch)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t index = (batch * m + i) * n + j;
        double expected = beta * static_cast<double>(initial[index]);
        for (int64_t l = 0; l < k; ++l)
          expected +=
              static_cast<double>(at(a, batch, i, l)) * at(b, batch, l, j);
        if (std::abs(c[index] - expected) > 1e-5 * k && wrong++ < 3)
          ADD_FAILURE() << "C[" << batch << ", " << i << ", " << j << "] is "
                        << c[index] << ", expected " << expected;
      }
  EXPECT_EQ(wrong, 0);
}

TEST(BlasRuntimeTest, BroadcastOperandEqualsItsMaterializedCopy) {
  BatchSgemm batchSgemm = getBatchSgemm();
  ASSERT_NE(batchSgemm, nullptr);
  // cumsum's product: a [64, 64] triangle with a [12, 64, 128] batch.
  const int64_t count = 12, m = 64, k = 64, n = 128;
  std::vector<float> shared = randomValues(m * k, 1);
  std::vector<float> copies;
  for (int64_t batch = 0; batch < count; ++batch)
    copies.insert(copies.end(), shared.begin(), shared.end());
  std::vector<float> rhs = randomValues(count * k * n, 2);
  for (bool onRight : {false, true}) {
    SCOPED_TRACE(onRight ? "broadcast right operand"
                         : "broadcast left operand");
    // On the right: [12, 128, 64] times the shared [64, 64].
    std::array<int64_t, 3> broadcastSizes = {count, k, k};
    std::vector<float> batched = randomValues(count * n * k, 3);
    auto broadcast = describe(shared, broadcastSizes, {0, k, 1});
    auto materialized = describe(copies, broadcastSizes, {k * k, k, 1});
    auto other = onRight ? describe(batched, {count, n, k}, {n * k, k, 1})
                         : describe(rhs, {count, k, n}, {k * n, n, 1});
    int64_t rows = onRight ? n : m, cols = onRight ? k : n;
    for (float beta : {0.0f, 1.0f}) {
      std::vector<float> initial = randomValues(count * rows * cols, 4);
      std::vector<float> fromBroadcast = initial, fromCopy = initial;
      auto c1 =
          describe(fromBroadcast, {count, rows, cols}, {rows * cols, cols, 1});
      auto c2 = describe(fromCopy, {count, rows, cols}, {rows * cols, cols, 1});
      if (onRight) {
        batchSgemm(&other, &broadcast, &c1, beta);
        batchSgemm(&other, &materialized, &c2, beta);
        expectProducts(other, broadcast, initial, beta, fromBroadcast);
      } else {
        batchSgemm(&broadcast, &other, &c1, beta);
        batchSgemm(&materialized, &other, &c2, beta);
        expectProducts(broadcast, other, initial, beta, fromBroadcast);
      }
      EXPECT_EQ(fromBroadcast, fromCopy);
    }
  }
}

TEST(BlasRuntimeTest, TransposedAndCopiedOperandsEqualTheTripleLoop) {
  BatchSgemm batchSgemm = getBatchSgemm();
  ASSERT_NE(batchSgemm, nullptr);
  const int64_t count = 6, m = 48, k = 40, n = 72;
  // A transposed view (column-major matrices), read in place with BLAS's
  // transpose flag, and a B of every other element of its rows, which BLAS
  // cannot read in place (copied first).
  std::vector<float> lhs = randomValues(count * m * k, 5);
  std::vector<float> rhs = randomValues(count * k * n * 2, 6);
  auto a = describe(lhs, {count, m, k}, {m * k, 1, m});
  auto b = describe(rhs, {count, k, n}, {k * n * 2, n * 2, 2});
  for (float beta : {0.0f, 1.0f}) {
    SCOPED_TRACE("beta " + std::to_string(beta));
    std::vector<float> initial = randomValues(count * m * n, 7);
    std::vector<float> result = initial;
    auto c = describe(result, {count, m, n}, {m * n, n, 1});
    batchSgemm(&a, &b, &c, beta);
    expectProducts(a, b, initial, beta, result);
  }
}

} // namespace
