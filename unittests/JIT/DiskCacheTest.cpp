//===- DiskCacheTest.cpp - the JIT's persistent cache of object code ------===//

#include "adjit/JIT/Engine.h"

#include "gtest/gtest.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace adjit::jit;
namespace fs = std::filesystem;

namespace {

/// A module whose name makes it (and its cache entry) distinct.
std::string moduleNamed(const std::string &name, float scale = 2.0f) {
  return "func.func @" + name +
         "(%x: tensor<4xf32>) -> tensor<4xf32> {\n"
         "  %c = adjit.constant dense<" +
         std::to_string(scale) +
         "> : tensor<4xf32>\n"
         "  %0 = adjit.mul %x, %c : tensor<4xf32>\n"
         "  %1 = adjit.exp %0 : tensor<4xf32>\n"
         "  return %1 : tensor<4xf32>\n"
         "}\n";
}

/// Calls the function `name` of `module` on [0, 1, 2, 3].
std::vector<float> callOn(const CompiledModule &module,
                          const std::string &name) {
  std::vector<float> x = {0, 1, 2, 3};
  std::vector<Buffer> results =
      module.call(name, {{x.data(), TensorType{ElementType::F32, {4}}}});
  const float *r = results[0].getDataAs<float>();
  return std::vector<float>(r, r + 4);
}

/// A fresh cache directory under the system's temporary directory.
class DiskCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory =
        fs::temp_directory_path() /
        ("adjit-disk-cache-test-" + std::to_string(getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory);
  }
  void TearDown() override { fs::remove_all(directory); }

  /// Options of an engine that compiles the optimized tier only, so that
  /// each compile makes one entry at a known time (TierTest covers the
  /// entries of the tiers).
  EngineOptions options(uint64_t maxBytes = 1ull << 30) const {
    EngineOptions result;
    result.tiering = Tiering::OptimizedOnly;
    result.diskCacheDirectory = directory.string();
    result.diskCacheMaxBytes = maxBytes;
    return result;
  }
  std::vector<fs::path> entries() const {
    std::vector<fs::path> found;
    if (fs::exists(directory))
      for (const auto &entry : fs::directory_iterator(directory))
        found.push_back(entry.path());
    return found;
  }

  fs::path directory;
};

TEST_F(DiskCacheTest, ASecondEngineLoadsTheObjectCode) {
  std::vector<float> generated;
  {
    Engine first(options());
    auto module = first.compile(moduleNamed("f"));
    EXPECT_FALSE(module->isLoadedFromDisk());
    generated = callOn(*module, "f");
    EXPECT_EQ(first.getCacheStatistics().diskStores, 1u);
    EXPECT_EQ(first.getCacheStatistics().diskHits, 0u);
  }
  ASSERT_EQ(entries().size(), 1u);
  Engine second(options());
  auto module = second.compile(moduleNamed("f"));
  EXPECT_TRUE(module->isLoadedFromDisk());
  EXPECT_EQ(second.getCacheStatistics().diskHits, 1u);
  EXPECT_EQ(second.getCacheStatistics().diskStores, 0u);
  EXPECT_EQ(callOn(*module, "f"), generated);
  EXPECT_NEAR(generated[1], std::exp(2.0), 1e-5 * std::exp(2.0));
  // Other code generation options are another entry.
  EngineOptions unoptimized = options();
  unoptimized.optLevel = 0;
  Engine third(unoptimized);
  EXPECT_FALSE(third.compile(moduleNamed("f"))->isLoadedFromDisk());
  EXPECT_EQ(entries().size(), 2u);
}

TEST_F(DiskCacheTest, CorruptedEntriesAreIgnoredAndRebuilt) {
  Engine(options()).compile(moduleNamed("g"));
  ASSERT_EQ(entries().size(), 1u);
  fs::path entry = entries()[0];
  std::string good;
  {
    std::ifstream in(entry, std::ios::binary);
    good.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto corruptions = {
      good.substr(0, good.size() / 2),                         // truncated
      good.substr(0, 20),                                      // header cut
      std::string("not an object file at all"),                // garbage
      good.substr(0, good.size() - 1) + char(good.back() ^ 1), // bit flip
  };
  for (const std::string &bad : corruptions) {
    {
      std::ofstream out(entry, std::ios::binary | std::ios::trunc);
      out << bad;
    }
    Engine engine(options());
    auto module = engine.compile(moduleNamed("g"));
    EXPECT_FALSE(module->isLoadedFromDisk());
    EXPECT_NEAR(callOn(*module, "g")[3], std::exp(6.0), 1e-5 * std::exp(6.0));
    EXPECT_EQ(engine.getCacheStatistics().diskStores, 1u);
    // Rebuilt: the next engine loads it.
    EXPECT_TRUE(
        Engine(options()).compile(moduleNamed("g"))->isLoadedFromDisk());
  }
}

TEST_F(DiskCacheTest, AnUnwritableDirectoryOnlyCostsTheCache) {
  // A directory that cannot be made: its parent is a regular file.
  fs::create_directories(directory);
  std::ofstream(directory / "file") << "x";
  EngineOptions unwritable = options();
  unwritable.diskCacheDirectory = (directory / "file" / "cache").string();
  Engine engine(unwritable);
  auto module = engine.compile(moduleNamed("h"));
  EXPECT_FLOAT_EQ(callOn(*module, "h")[0], 1.0f);
  EXPECT_EQ(engine.getCacheStatistics().diskStores, 0u);

  // A read-only directory (permissions bind only users other than root).
  if (geteuid() != 0) {
    fs::create_directories(directory / "readonly");
    fs::permissions(directory / "readonly",
                    fs::perms::owner_read | fs::perms::owner_exec);
    EngineOptions readOnly = options();
    readOnly.diskCacheDirectory = (directory / "readonly").string();
    Engine engine2(readOnly);
    EXPECT_FLOAT_EQ(callOn(*engine2.compile(moduleNamed("h")), "h")[0], 1.0f);
    EXPECT_EQ(engine2.getCacheStatistics().diskStores, 0u);
    fs::permissions(directory / "readonly", fs::perms::owner_all);
  }
}

TEST_F(DiskCacheTest, TheCapEvictsTheLeastRecentlyUsedEntries) {
  // A cap below one entry keeps nothing, and compiling still works.
  {
    Engine tiny(options(/*maxBytes=*/1));
    EXPECT_FLOAT_EQ(callOn(*tiny.compile(moduleNamed("a")), "a")[0], 1.0f);
    EXPECT_EQ(tiny.getCacheStatistics().diskStores, 0u);
    EXPECT_TRUE(entries().empty());
  }
  // Room for two entries: a, b stored; a used again; c evicts b.
  Engine(options()).compile(moduleNamed("a"));
  uint64_t entrySize = fs::file_size(entries()[0]);
  auto capped = [&] { return options(entrySize * 5 / 2); };
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Engine(capped()).compile(moduleNamed("b"));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(Engine(capped()).compile(moduleNamed("a"))->isLoadedFromDisk());
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  Engine(capped()).compile(moduleNamed("c"));
  EXPECT_EQ(entries().size(), 2u);
  EXPECT_TRUE(Engine(capped()).compile(moduleNamed("a"))->isLoadedFromDisk());
  EXPECT_TRUE(Engine(capped()).compile(moduleNamed("c"))->isLoadedFromDisk());
  EXPECT_FALSE(Engine(capped()).compile(moduleNamed("b"))->isLoadedFromDisk());
}

TEST_F(DiskCacheTest, ProcessesRacingOnOneEntryAllSucceed) {
  constexpr int kProcesses = 4;
  std::vector<pid_t> children;
  for (int i = 0; i < kProcesses; ++i) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Each process compiles the same module a few times with fresh
      // engines, storing and loading the same entry as the others.
      int status = 0;
      for (int round = 0; round < 5 && status == 0; ++round) {
        Engine engine(options());
        std::vector<float> r =
            callOn(*engine.compile(moduleNamed("race")), "race");
        if (std::abs(r[2] - std::exp(4.0)) > 1e-5 * std::exp(4.0))
          status = 1;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t child : children) {
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "a racing process failed";
  }
  // One complete entry, no partial files left behind.
  std::vector<fs::path> left = entries();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].extension(), ".adjitobj");
  EXPECT_TRUE(
      Engine(options()).compile(moduleNamed("race"))->isLoadedFromDisk());
}

} // namespace
