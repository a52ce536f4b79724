//===- ParallelForTest.cpp - eager kernels on the pool's threads ----------===//
//
// runtime::parallelFor covers its range once, splits it among libomp's
// threads only when it is large and the caller is not in a parallel region
// already; eager kernels that use it give the values their elements give on
// one thread, and in-place ops whose operand overlaps the written tensor
// keep the one-thread order.
//
//===----------------------------------------------------------------------===//

#include "adjit/Runtime/ParallelFor.h"
#include "TestUtil.h"
#include "adjit/adjit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

extern "C" int omp_get_max_threads();

using namespace adjit;

namespace {

/// Runs parallelFor over `count` and returns how often each index was
/// visited, and the ranges' starts.
std::vector<int> visits(int64_t count, int64_t minimumPerThread,
                        int64_t alignment, std::vector<int64_t> &starts) {
  std::vector<std::atomic<int>> seen(count);
  std::mutex mutex;
  runtime::parallelFor(count, minimumPerThread, alignment,
                       [&](int64_t begin, int64_t end) {
                         {
                           std::lock_guard<std::mutex> lock(mutex);
                           starts.push_back(begin);
                         }
                         for (int64_t i = begin; i < end; ++i)
                           ++seen[i];
                       });
  return std::vector<int>(seen.begin(), seen.end());
}

TEST(ParallelFor, CoversEachIndexOnce) {
  for (int64_t count : {0, 1, 15, 199, 200, 217, 1000003}) {
    SCOPED_TRACE("count " + std::to_string(count));
    std::vector<int64_t> starts;
    std::vector<int> seen = visits(count, 100, 16, starts);
    for (int64_t i = 0; i < count; ++i)
      ASSERT_EQ(seen[i], 1) << i;
    if (count == 0) {
      EXPECT_TRUE(starts.empty());
    }
    // Ranges start at multiples of the alignment.
    for (int64_t start : starts)
      EXPECT_EQ(start % 16, 0) << start;
  }
}

TEST(ParallelFor, SplitsLargeRangesAmongThePoolsThreads) {
  if (omp_get_max_threads() < 2)
    GTEST_SKIP() << "the pool has one thread";
  std::mutex mutex;
  std::set<std::thread::id> threads;
  int64_t calls = 0;
  auto body = [&](int64_t, int64_t) {
    std::lock_guard<std::mutex> lock(mutex);
    threads.insert(std::this_thread::get_id());
    ++calls;
  };
  // Below twice the minimum: one call on the caller's thread.
  runtime::parallelFor(199, 100, 1, body);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});
  calls = 0;
  threads.clear();
  runtime::parallelFor(1 << 20, 100, 16, body);
  EXPECT_EQ(calls, omp_get_max_threads());
  EXPECT_EQ(static_cast<int>(threads.size()), omp_get_max_threads());
}

TEST(ParallelFor, RunsOnTheCallersThreadInsideAParallelRegion) {
  std::mutex mutex;
  int64_t mismatches = 0, innerCalls = 0;
  runtime::parallelFor(1 << 16, 100, 1, [&](int64_t, int64_t) {
    std::thread::id outer = std::this_thread::get_id();
    runtime::parallelFor(1 << 16, 100, 1, [&](int64_t begin, int64_t end) {
      std::lock_guard<std::mutex> lock(mutex);
      ++innerCalls;
      if (std::this_thread::get_id() != outer || begin != 0 || end != (1 << 16))
        ++mismatches;
    });
  });
  EXPECT_GE(innerCalls, 1);
  EXPECT_EQ(mismatches, 0);
}

TEST(ParallelFor, RethrowsABodysExceptionOnTheCaller) {
  for (int64_t count : {int64_t(150), int64_t(1) << 20}) {
    SCOPED_TRACE("count " + std::to_string(count));
    std::atomic<int64_t> ran{0};
    try {
      runtime::parallelFor(count, 100, 16, [&](int64_t begin, int64_t end) {
        ran += end - begin;
        if (end == count)
          throw Error("the last range fails");
      });
      ADD_FAILURE() << "no exception";
    } catch (const Error &error) {
      EXPECT_STREQ(error.what(), "the last range fails");
    }
    EXPECT_EQ(ran.load(), count);
  }
}

// A kernel that fails on a large tensor (here the unsupported gradient of
// digamma, evaluated element by element) is an adjit::Error on the caller,
// as on a small one.
TEST(ParallelKernels, AnErrorInsideAKernelReachesTheCaller) {
  for (int64_t rows : {int64_t(1), int64_t(512)}) {
    SCOPED_TRACE("rows " + std::to_string(rows));
    Tensor x = (rand({rows, 512}) + 1.0).requires_grad_();
    Tensor loss = digamma(x).sum();
    try {
      loss.backward();
      ADD_FAILURE() << "no error";
    } catch (const Error &error) {
      EXPECT_NE(std::string(error.what()).find("gradient of digamma"),
                std::string::npos)
          << error.what();
    }
  }
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

/// The f32 elements of `t`, row-major.
std::vector<float> floatsOf(const Tensor &t) {
  Tensor c = t.contiguous();
  return std::vector<float>(c.data_ptr<float>(),
                            c.data_ptr<float>() + c.numel());
}

/// Expects `got` to hold `expected`'s bits, element by element.
void expectSameBits(const std::vector<float> &got,
                    const std::vector<float> &expected) {
  ASSERT_EQ(got.size(), expected.size());
  int64_t mismatches = 0;
  for (size_t i = 0; i < got.size(); ++i)
    if (bitsOf(got[i]) != bitsOf(expected[i]) && ++mismatches <= 5)
      ADD_FAILURE() << "element " << i << ": " << got[i] << " against "
                    << expected[i];
  EXPECT_EQ(mismatches, 0);
}

// Kernels over 2^18 elements or more (past the threads' threshold) give
// each element the value one thread gives it.
TEST(ParallelKernels, ElementwiseOpsGiveEachElementItsOneThreadValue) {
  NoGradGuard noGrad;
  manual_seed(3);
  const int64_t rows = 600, columns = 500;
  Tensor a = randn({rows, columns});
  Tensor b = randn({columns});
  std::vector<float> av = floatsOf(a), bv = floatsOf(b);
  std::vector<float> sum(av.size()), product(av.size()), exponent(av.size()),
      transposed(av.size()), copied(av.size());
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < columns; ++j) {
      float x = av[i * columns + j];
      sum[i * columns + j] = x + bv[j];
      product[i * columns + j] = x * x;
      exponent[i * columns + j] = std::exp(x);
      // a.t() [columns, rows], element (j, i).
      transposed[j * rows + i] = std::exp(x);
      copied[j * rows + i] = x;
    }
  expectSameBits(floatsOf(a + b), sum);
  expectSameBits(floatsOf(a * a), product);
  expectSameBits(floatsOf(exp(a)), exponent);
  expectSameBits(floatsOf(exp(a.t())), transposed);
  Tensor copy = a.t().contiguous();
  ASSERT_TRUE(copy.is_contiguous());
  expectSameBits(std::vector<float>(copy.data_ptr<float>(),
                                    copy.data_ptr<float>() + copy.numel()),
                 copied);
  // erf, split among threads, against its own values over small pieces.
  Tensor pieces = cat({erf(a.narrow(0, 0, 1)), erf(a.narrow(0, 1, rows - 1))});
  expectSameBits(floatsOf(erf(a)), floatsOf(pieces));
}

TEST(ParallelKernels, RowReductionsAndLogSoftmaxGiveOneThreadValues) {
  NoGradGuard noGrad;
  manual_seed(4);
  const int64_t rows = 700, columns = 400;
  Tensor a = randn({rows, columns});
  std::vector<float> av = floatsOf(a);
  std::vector<float> rowSums(rows), columnSums(columns);
  for (int64_t i = 0; i < rows; ++i) {
    double total = 0;
    for (int64_t j = 0; j < columns; ++j)
      total += av[i * columns + j];
    rowSums[i] = static_cast<float>(total);
  }
  for (int64_t j = 0; j < columns; ++j) {
    double total = 0;
    for (int64_t i = 0; i < rows; ++i)
      total += av[i * columns + j];
    columnSums[j] = static_cast<float>(total);
  }
  expectSameBits(floatsOf(a.sum({1})), rowSums);
  expectSameBits(floatsOf(a.sum({0})), columnSums);
  // Each row's log_softmax alone, against the rows computed together.
  std::vector<Tensor> each;
  for (int64_t i = 0; i < rows; ++i)
    each.push_back(nn::functional::log_softmax(a.narrow(0, i, 1), 1));
  expectSameBits(floatsOf(nn::functional::log_softmax(a, 1)),
                 floatsOf(cat(each)));
}

// Leading dims of a contiguous tensor are reduced column by column, in
// place; a strided view of the same elements goes through a transposed copy.
// The two give the same values, in every dtype and for sum and prod.
TEST(ParallelKernels, ReducingLeadingDimsInPlaceGivesTheTransposedCopysValues) {
  NoGradGuard noGrad;
  manual_seed(6);
  Tensor wide = randn({12, 64, 130});
  Tensor strided = wide.narrow(2, 0, 128);
  ASSERT_FALSE(strided.is_contiguous());
  Tensor contiguous = strided.contiguous();
  expectSameBits(floatsOf(contiguous.sum({0, 1})),
                 floatsOf(strided.sum({0, 1})));
  expectSameBits(floatsOf(contiguous.sum({0}, /*keepdim=*/true)),
                 floatsOf(strided.sum({0}, /*keepdim=*/true)));
  expectSameBits(floatsOf(contiguous.mean({0})), floatsOf(strided.mean({0})));
  Tensor factors = (rand({40, 3000}) + 0.5);
  Tensor factorsStrided = cat({factors, factors}, 1).narrow(1, 0, 3000);
  expectSameBits(floatsOf(factors.prod(0)), floatsOf(factorsStrided.prod(0)));
  Tensor integers = (floor(rand({300, 500}) * 2000.0) - 1000.0).to(kInt64);
  Tensor integersStrided = cat({integers, integers}, 1).narrow(1, 0, 500);
  Tensor sums = integers.sum({0}), sumsStrided = integersStrided.sum({0});
  ASSERT_EQ(sums.dtype(), kInt64);
  for (int64_t j = 0; j < 500; ++j)
    ASSERT_EQ(sums[j].item<int64_t>(), sumsStrided[j].item<int64_t>()) << j;
  // An empty leading dim gives the initial values.
  EXPECT_EQ(test::values(zeros({0, 3}).sum({0})),
            (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(test::values(zeros({0, 3}).prod(0)),
            (std::vector<double>{1, 1, 1}));
}

// An in-place op or copy whose operand is a contiguous view of the written
// memory (here shifted by one element) reads elements it has already
// written: it keeps the one-thread order (a running sum, a repeated row). A
// non-contiguous operand is copied first, so it reads the values before the op.
TEST(ParallelKernels, InPlaceOpsOverTheirOwnMemoryKeepTheOneThreadOrder) {
  NoGradGuard noGrad;
  manual_seed(5);
  // Long enough that a second thread would read elements the first has
  // not reached yet, after a region that starts the pool's threads.
  const int64_t count = int64_t(1) << 22;
  runtime::parallelFor(count, 1, 1, [](int64_t, int64_t) {});
  Tensor v = randn({count}) * 1e-3;
  std::vector<float> running = floatsOf(v);
  for (int64_t i = 1; i < count; ++i)
    running[i] += running[i - 1];
  v.narrow(0, 1, count - 1).add_(v.narrow(0, 0, count - 1));
  expectSameBits(floatsOf(v), running);
  // A copy forward by one row within one buffer: the first row everywhere.
  Tensor rows = v.reshape({2048, 2048});
  rows.narrow(0, 1, 2047).copy_(rows.narrow(0, 0, 2047));
  std::vector<float> firstRow(running.begin(), running.begin() + 2048);
  std::vector<float> repeated;
  for (int i = 0; i < 2048; ++i)
    repeated.insert(repeated.end(), firstRow.begin(), firstRow.end());
  expectSameBits(floatsOf(rows), repeated);

  const int64_t n = 600;
  Tensor x = randn({n, n});
  std::vector<float> before = floatsOf(x), expected(before.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      expected[i * n + j] = before[i * n + j] + before[j * n + i];
  x.add_(x.t());
  expectSameBits(floatsOf(x), expected);
  // An operand of its own memory, and the tensor itself.
  Tensor y = randn({n, n}), z = randn({n, n});
  std::vector<float> yv = floatsOf(y), zv = floatsOf(z);
  for (size_t i = 0; i < yv.size(); ++i)
    yv[i] = (yv[i] + zv[i]) * (yv[i] + zv[i]);
  y.add_(z);
  y.mul_(y);
  expectSameBits(floatsOf(y), yv);
}

} // namespace
