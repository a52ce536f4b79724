//===- gemm_bench.cpp - adjit.matmul against OpenBLAS sgemm ---------------===//
//
// Times a JIT-compiled `adjit.matmul` f32 NxNxN (the whole call: argument
// marshalling, the zero-filled result allocation, the product, freeing the
// result) against `cblas_sgemm` into a preallocated matrix, both with two
// threads, in one run. Prints GFLOP/s and the ratio ours / OpenBLAS. The
// compiled product splits itself among the pool's threads (runtime::gemm;
// ADJIT_SPLIT_GEMM=0 leaves the threads to OpenBLAS). Then the products of
// an MLP training step alone, with either kind of threads and with one.
//
//===----------------------------------------------------------------------===//

#include "../Sgemm.h"
#include "../common.h"

#include "adjit/JIT/Engine.h"

#include <cblas.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int);

using namespace adjit::jit;

namespace {

std::string matmulModule(int n) {
  std::string t =
      "tensor<" + std::to_string(n) + "x" + std::to_string(n) + "xf32>";
  return "func.func @mm(%a: " + t + ", %b: " + t + ") -> " + t + " {\n" +
         "  %0 = adjit.matmul %a, %b : " + t + ", " + t + " -> " + t + "\n" +
         "  return %0 : " + t + "\n}\n";
}

} // namespace

int main(int argc, char **argv) {
  openblas_set_num_threads(2);
  std::vector<int> sizes = {16, 32, 64, 128, 256, 512, 1024};
  Engine engine;
  std::printf("adjit.matmul f32 NxNxN vs OpenBLAS cblas_sgemm (2 threads), "
              "GFLOP/s, median\n");
  std::printf("%6s %12s %12s %8s %14s %14s\n", "N", "adjit", "OpenBLAS",
              "ratio", "adjit us/call", "BLAS us/call");
  std::mt19937 generator(1);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (int n : sizes) {
    std::vector<float> a(n * n), b(n * n), c(n * n);
    for (float &v : a)
      v = uniform(generator);
    for (float &v : b)
      v = uniform(generator);
    auto module = engine.compile(matmulModule(n));
    TensorType type{ElementType::F32, {n, n}};
    std::vector<BufferView> args = {{a.data(), type}, {b.data(), type}};
    double ours = adjit::bench::medianSecondsPerCall(
        [&] { module->call("mm", args); }, 7);
    double theirs = adjit::bench::medianSecondsPerCall(
        [&] {
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f,
                      a.data(), n, b.data(), n, 0.0f, c.data(), n);
        },
        7);
    double flops = 2.0 * n * n * n;
    std::printf("%6d %12.2f %12.2f %7.0f%% %14.2f %14.2f\n", n,
                flops / ours * 1e-9, flops / theirs * 1e-9,
                100.0 * theirs / ours, ours * 1e6, theirs * 1e6);
  }

  // The products of one training step of the MLP 784-256-256-10, batch 64:
  // forward x W1^T, h1 W2^T, h2 W3^T; backward per layer g^T h (the weight
  // gradient) and g W (the input gradient, not needed for the first layer).
  struct Product {
    const char *name;
    adjit::bench::SgemmShape shape;
  };
  const Product products[] = {
      {"x W1^T", {64, 256, 784, CblasNoTrans, CblasTrans}},
      {"h1 W2^T", {64, 256, 256, CblasNoTrans, CblasTrans}},
      {"h2 W3^T", {64, 10, 256, CblasNoTrans, CblasTrans}},
      {"g3^T h2", {10, 256, 64, CblasTrans, CblasNoTrans}},
      {"g3 W3", {64, 256, 10, CblasNoTrans, CblasNoTrans}},
      {"g2^T h1", {256, 256, 64, CblasTrans, CblasNoTrans}},
      {"g2 W2", {64, 256, 256, CblasNoTrans, CblasNoTrans}},
      {"g1^T x", {256, 784, 64, CblasTrans, CblasNoTrans}},
  };
  std::printf("\nThe products alone of one MLP 784-256-256-10 training step "
              "(batch 64), median: OpenBLAS's cblas_sgemm on 2 threads and "
              "on 1, and runtime::gemm splitting them on 2 threads itself\n");
  std::printf("%-10s %16s %14s %14s %14s %12s\n", "product", "M x N x K",
              "2 threads us", "1 thread us", "split 2 us", "GFLOP/s (2)");
  double total[3] = {0, 0, 0}, flops = 0;
  for (const Product &p : products) {
    double seconds[3];
    for (int column : {0, 1, 2}) {
      openblas_set_num_threads(column == 1 ? 1 : 2);
      seconds[column] = adjit::bench::medianSgemmSeconds(
          p.shape, 7, generator,
          column == 2 ? adjit::bench::SgemmThreads::Split
                      : adjit::bench::SgemmThreads::OpenBlas);
      total[column] += seconds[column];
    }
    double productFlops = p.shape.getFlops();
    flops += productFlops;
    std::string shape = std::to_string(p.shape.m) + " x " +
                        std::to_string(p.shape.n) + " x " +
                        std::to_string(p.shape.k);
    std::printf("%-10s %16s %14.1f %14.1f %14.1f %12.1f\n", p.name,
                shape.c_str(), seconds[0] * 1e6, seconds[1] * 1e6,
                seconds[2] * 1e6, productFlops / seconds[0] * 1e-9);
  }
  std::printf("%-10s %16s %14.1f %14.1f %14.1f %12.1f\n", "total", "",
              total[0] * 1e6, total[1] * 1e6, total[2] * 1e6,
              flops / total[0] * 1e-9);
  openblas_set_num_threads(2);
  return 0;
}
