//===- ThreadPoolTest.cpp - products and compiled loops share threads -----===//
//
// OpenBLAS's products and the compiled code's parallel loops run on one pool
// of threads: OpenBLAS's OpenMP build, linked after libomp, calls libomp
// (cmake/AdjitBlas.cmake). With OpenBLAS's pthreads build, or its OpenMP
// build bound to GCC's libgomp, each library keeps threads of its own, and a
// threaded product after a parallel loop starts new ones.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <dirent.h>

extern "C" int omp_get_max_threads();
extern "C" int openblas_get_parallel();

using namespace adjit;

namespace {

/// Skips a test where the build found no OpenMP build of OpenBLAS (CMake
/// warned then).
class ThreadPoolTest : public ::testing::Test {
protected:
  void SetUp() override {
#ifndef ADJIT_OPENBLAS_OPENMP
    GTEST_SKIP() << "built against OpenBLAS's pthreads build "
                    "(cmake/AdjitBlas.cmake)";
#endif
  }
};

/// The number of threads of this process.
int countThreads() {
  DIR *tasks = opendir("/proc/self/task");
  if (!tasks)
    return -1;
  int count = 0;
  while (dirent *entry = readdir(tasks))
    if (entry->d_name[0] != '.')
      ++count;
  closedir(tasks);
  return count;
}

TEST_F(ThreadPoolTest, OpenBlasIsTheOpenMPBuild) {
  // 0: sequential, 1: pthreads, 2: OpenMP.
  EXPECT_EQ(openblas_get_parallel(), 2);
}

TEST_F(ThreadPoolTest, ProductsRunOnTheThreadsOfCompiledLoops) {
  if (omp_get_max_threads() < 2)
    GTEST_SKIP() << "one hardware thread: no pool to share";
  // The fast tier only: a tier-up would start a thread of its own.
  setenv("ADJIT_TIERING", "fast", /*overwrite=*/1);
  // An elementwise op large enough for a parallel loop.
  jit::CompiledFunction scale = jit::compile(
      [](const std::vector<Tensor> &in) { return (in[0] * 2.0).tanh(); },
      "parallel_tanh");
  Tensor x = randn({1 << 18});
  Tensor first = scale(x);
  // A product large enough for OpenBLAS to run it on several threads.
  Tensor a = randn({512, 512});
  Tensor product = matmul(a, a);
  // The process's threads are the pool's: the calling thread and libomp's
  // workers, no thread of OpenBLAS's own (the pthreads build starts its
  // threads when it is loaded) or of another OpenMP runtime.
  EXPECT_EQ(countThreads(), omp_get_max_threads())
      << "OpenBLAS runs threads beside the compiled loops' threads";

  // Both still compute what they should.
  Tensor again = scale(x);
  EXPECT_TRUE(allclose(first, again));
  EXPECT_TRUE(allclose(first, (x * 2.0).tanh()));
  Tensor row = a.narrow(0, 0, 1);
  EXPECT_TRUE(allclose(product.narrow(0, 0, 1), matmul(row, a), 1e-4, 1e-4));
}

} // namespace
