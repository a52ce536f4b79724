//===- PerfMapTest.cpp - the perf map of JIT-compiled functions -----------===//
//
// With ADJIT_PERF_MAP=1 (set by the ctest entry AdjitJITTests.perf_map; the
// variable is read once per process) linking compiled code appends its
// functions to /tmp/perf-<pid>.map.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT/Engine.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

using namespace adjit::jit;

namespace {

TEST(PerfMapTest, NamesEachCompiledFunctionWithItsAddressAndSize) {
  const char *enabled = std::getenv("ADJIT_PERF_MAP");
  if (!enabled || std::strcmp(enabled, "1") != 0)
    GTEST_SKIP()
        << "runs under ADJIT_PERF_MAP=1 (ctest AdjitJITTests.perf_map)";
  Engine engine;
  auto module = engine.compile(R"mlir(
func.func @perf_map_probe(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.neg %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)mlir");
  float input[4] = {1, 2, 3, 4};
  BufferView view;
  view.type = TensorType{ElementType::F32, {4}};
  view.data = input;
  std::vector<Buffer> results = module->call("perf_map_probe", {view});
  ASSERT_EQ(results.size(), 1u);

  std::ifstream map("/tmp/perf-" + std::to_string(getpid()) + ".map");
  ASSERT_TRUE(map) << "no /tmp/perf-<pid>.map";
  bool found = false;
  std::string line;
  while (std::getline(map, line)) {
    std::istringstream fields(line);
    std::string start, size, name;
    fields >> start >> size >> name;
    if (name.find("perf_map_probe") == std::string::npos)
      continue;
    found = true;
    // Hex start and size, as perf reads them; the size is not zero.
    EXPECT_GT(std::stoull(start, nullptr, 16), 0u) << line;
    EXPECT_GT(std::stoull(size, nullptr, 16), 0u) << line;
  }
  EXPECT_TRUE(found) << "perf_map_probe is not in the map";
}

} // namespace
