//===- DistributedFailure.cpp - Jobs that must fail without hanging -------===//
//
// Run as `adjit-distributed-failure <case>`, under mpiexec or alone; ctest
// checks the output of each case:
//   before-init  a collective before init() names itself;
//   stall        rank 1 stops calling collectives; rank 0's all_reduce times
//                out with an error and rank 0 ends the job;
//   crash        rank 1 dies of an uncaught exception while rank 0 waits in
//                all_reduce; the job ends instead of hanging;
//   compiled-stall
//                rank 1 stops calling collectives; rank 0's compiled
//                adjit.all_reduce times out, prints the error and ends the
//                job (compiled code cannot throw).
//
//===----------------------------------------------------------------------===//

#include "adjit/Distributed.h"
#include "adjit/JIT/Engine.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

using namespace adjit;
namespace dist = adjit::distributed;

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!std::strcmp(mode, "before-init")) {
    try {
      dist::all_reduce(ones({2}));
    } catch (const Error &e) {
      std::printf("error: %s\n", e.what());
    }
    try {
      dist::world_size();
    } catch (const Error &e) {
      std::printf("error: %s\n", e.what());
    }
    return 0;
  }
  dist::init();
  Tensor t = ones({4});
  dist::all_reduce(t);
  if (!std::strcmp(mode, "stall")) {
    dist::set_timeout(2);
    if (dist::rank() == 1) {
      std::this_thread::sleep_for(std::chrono::seconds(60));
      return 1;
    }
    try {
      dist::all_reduce(t);
    } catch (const Error &e) {
      std::printf("error: %s\n", e.what());
      std::fflush(stdout);
      dist::abort(3);
    }
    return 1;
  }
  if (!std::strcmp(mode, "compiled-stall")) {
    dist::set_timeout(2);
    if (dist::rank() == 1) {
      std::this_thread::sleep_for(std::chrono::seconds(60));
      return 1;
    }
    jit::Engine engine;
    auto module = engine.compile(R"mlir(
      func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
        %0 = adjit.all_reduce sum %x : tensor<4xf32>
        return %0 : tensor<4xf32>
      })mlir");
    float x[4] = {1, 2, 3, 4};
    jit::BufferView view;
    view.data = x;
    view.type.shape = {4};
    module->call("f", {view});
    return 1;
  }
  if (!std::strcmp(mode, "crash")) {
    if (dist::rank() == 1)
      throw Error("a failure on rank 1");
    dist::all_reduce(t);
    return 1;
  }
  std::fprintf(stderr, "unknown case '%s'\n", mode);
  return 2;
}
