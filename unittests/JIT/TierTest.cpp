//===- TierTest.cpp - tiered compilation in the JIT engine ----------------===//

#include "adjit/JIT/Engine.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace adjit::jit;
namespace fs = std::filesystem;

namespace {

/// A module with elementwise chains, reductions and a product, so that the
/// optimizing pipeline has loops to vectorize and unroll; `scale` makes it
/// (and its cache entries) distinct.
std::string moduleScaledBy(float scale) {
  return R"mlir(
func.func @f(%x: tensor<16x32xf32>, %w: tensor<32x8xf32>)
    -> (tensor<f32>, tensor<16x8xf32>) {
  %c = adjit.constant dense<)mlir" +
         std::to_string(scale) + R"mlir(> : tensor<16x32xf32>
  %0 = adjit.mul %x, %c : tensor<16x32xf32>
  %1 = adjit.tanh %0 : tensor<16x32xf32>
  %2 = adjit.exp %1 : tensor<16x32xf32>
  %3 = adjit.matmul %2, %w : tensor<16x32xf32>, tensor<32x8xf32> -> tensor<16x8xf32>
  %4 = adjit.sigmoid %3 : tensor<16x8xf32>
  %5 = adjit.mul %4, %4 : tensor<16x8xf32>
  %6 = adjit.reduce_sum %5, dims = [0, 1] : tensor<16x8xf32> -> tensor<f32>
  return %6, %4 : tensor<f32>, tensor<16x8xf32>
}
)mlir";
}

/// The results of @f on fixed inputs, and the tier that computed them.
struct Results {
  std::vector<float> values;
  Tier tier;
};

Results callF(const CompiledModule &module) {
  std::vector<float> x(16 * 32), w(32 * 8);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.37f * i);
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = std::cos(0.11f * i) / 8;
  Results results;
  std::vector<Buffer> buffers =
      module.call("f",
                  {{x.data(), {ElementType::F32, {16, 32}}},
                   {w.data(), {ElementType::F32, {32, 8}}}},
                  &results.tier);
  for (const Buffer &buffer : buffers)
    for (int64_t i = 0; i < buffer.getNumElements(); ++i)
      results.values.push_back(buffer.getDataAs<float>()[i]);
  return results;
}

/// Options without the persistent cache whose tiered compiles tier up right
/// after the fast compile (EngineOptions::tierUpAfterCalls 1), unless
/// `tierUpAfterCalls` says otherwise.
EngineOptions withTiering(Tiering tiering, uint64_t tierUpAfterCalls = 1) {
  EngineOptions options;
  options.tiering = tiering;
  options.diskCacheDirectory = "";
  options.tierUpAfterCalls = tierUpAfterCalls;
  return options;
}

/// Expects the same values up to a relative 1e-5 (the tiers may differ by
/// the reassociation of sums).
void expectClose(const std::vector<float> &actual,
                 const std::vector<float> &expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_NEAR(actual[i], expected[i], 1e-5 * (1 + std::abs(expected[i])))
        << "element " << i;
}

TEST(TierTest, ATieredCompileTiersUpAndComputesTheSameResults) {
  Engine fastOnly(withTiering(Tiering::FastOnly));
  auto fast = fastOnly.compile(moduleScaledBy(0.5f));
  Results fastResults = callF(*fast);
  EXPECT_EQ(fastResults.tier, Tier::Fast);
  fastOnly.waitForTierUps();
  EXPECT_EQ(fast->getTier(), Tier::Fast);
  EXPECT_EQ(fastOnly.getCacheStatistics().tierUps, 0u);

  Engine optimizedOnly(withTiering(Tiering::OptimizedOnly));
  auto optimized = optimizedOnly.compile(moduleScaledBy(0.5f));
  EXPECT_EQ(optimized->getTier(), Tier::Optimized);
  Results optimizedResults = callF(*optimized);
  EXPECT_EQ(optimizedResults.tier, Tier::Optimized);
  expectClose(optimizedResults.values, fastResults.values);

  Engine tiered(withTiering(Tiering::Tiered));
  auto module = tiered.compile(moduleScaledBy(0.5f));
  // Fast code until the tier-up, optimized code after it.
  Results first = callF(*module);
  expectClose(first.values, fastResults.values);
  tiered.waitForTierUps();
  Engine::CacheStatistics statistics = tiered.getCacheStatistics();
  EXPECT_EQ(statistics.tierUps, 1u);
  EXPECT_EQ(statistics.pendingTierUps, 0u);
  EXPECT_EQ(module->getTier(), Tier::Optimized);
  Results later = callF(*module);
  EXPECT_EQ(later.tier, Tier::Optimized);
  EXPECT_EQ(later.values, optimizedResults.values);
  // A cache hit shares the module and its tier.
  EXPECT_EQ(tiered.compile(moduleScaledBy(0.5f)), module);
}

TEST(TierTest, TierUpsArePrintedUnderAdjitLog) {
  setenv("ADJIT_LOG", "1", 1);
  ::testing::internal::CaptureStderr();
  {
    Engine tiered(withTiering(Tiering::Tiered));
    auto module = tiered.compile(moduleScaledBy(0.25f));
    tiered.waitForTierUps();
  }
  std::string log = ::testing::internal::GetCapturedStderr();
  unsetenv("ADJIT_LOG");
  EXPECT_NE(log.find("LLVM"), std::string::npos) << log;
  EXPECT_NE(log.find("(fast tier, -O0)"), std::string::npos) << log;
  EXPECT_NE(log.find("adjit: tier-up of @f to the optimized tier (-O3) in "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("adjit: tier-up of @f scheduled after the first compile"),
            std::string::npos)
      << log;

  setenv("ADJIT_LOG", "1", 1);
  ::testing::internal::CaptureStderr();
  {
    Engine tiered(withTiering(Tiering::Tiered, /*tierUpAfterCalls=*/2));
    auto module = tiered.compile(moduleScaledBy(0.125f));
    callF(*module);
    callF(*module);
    tiered.waitForTierUps();
  }
  log = ::testing::internal::GetCapturedStderr();
  unsetenv("ADJIT_LOG");
  EXPECT_NE(log.find("adjit: tier-up of @f scheduled after 2 calls"),
            std::string::npos)
      << log;
}

TEST(TierTest, DestroyingTheEngineDuringTierUpsIsClean) {
  // The engine cancels and joins its background compiles; the modules keep
  // working with the code they have.
  for (int round = 0; round < 2; ++round) {
    std::shared_ptr<const CompiledModule> module;
    {
      Engine tiered(withTiering(Tiering::Tiered));
      module = tiered.compile(moduleScaledBy(1.0f + round));
      for (int other = 0; other < 2; ++other)
        tiered.compile(moduleScaledBy(10.0f + 2 * round + other));
    }
    Engine reference(withTiering(Tiering::OptimizedOnly));
    expectClose(callF(*module).values,
                callF(*reference.compile(moduleScaledBy(1.0f + round))).values);
  }
}

/// Compiles a module in a tiered engine that is never destroyed and exits
/// while its tier-up may still run: the exit handler cancels and joins it.
[[noreturn]] void exitDuringATierUp() {
  auto *engine = new Engine(withTiering(Tiering::Tiered));
  auto module = engine->compile(moduleScaledBy(3.0f));
  callF(*module);
  for (int i = 0; i < 3; ++i)
    engine->compile(moduleScaledBy(30.0f + i));
  std::fprintf(stderr, "pending tier-ups at exit: %llu\n",
               static_cast<unsigned long long>(
                   engine->getCacheStatistics().pendingTierUps));
  std::exit(0);
}

TEST(TierTest, ExitingDuringATierUpIsClean) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringATierUp(), ::testing::ExitedWithCode(0),
              "pending tier-ups at exit: [0-9]+");
}

TEST(TierTest, AForkedChildCompilesAndTiersUpWhileTheParentTiersUp) {
  // fork() waits for the tier-up in progress, so the child inherits no lock
  // of LLVM or MLIR that a compile holds; the child's queue starts idle.
  Engine tiered(withTiering(Tiering::Tiered));
  auto parentModule = tiered.compile(moduleScaledBy(5.0f));
  tiered.compile(moduleScaledBy(50.0f));
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto module = tiered.compile(moduleScaledBy(6.0f));
    Results fast = callF(*module);
    tiered.waitForTierUps();
    Results optimized = callF(*module);
    bool sameValues = true;
    for (size_t i = 0; i < fast.values.size(); ++i)
      sameValues &= std::abs(fast.values[i] - optimized.values[i]) <=
                    1e-5f * (1 + std::abs(fast.values[i]));
    _exit(optimized.tier == Tier::Optimized && sameValues ? 0 : 7);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  tiered.waitForTierUps();
  EXPECT_EQ(parentModule->getTier(), Tier::Optimized);
}

TEST(TierTest, AModuleTiersUpOnceWhenItsCallsReachTheThreshold) {
  Engine tiered(withTiering(Tiering::Tiered, /*tierUpAfterCalls=*/3));
  auto module = tiered.compile(moduleScaledBy(0.75f));
  EXPECT_EQ(module->getTierUpReason(), "after 3 calls");
  Results first = callF(*module);
  EXPECT_EQ(first.tier, Tier::Fast);
  // Below the threshold nothing is queued, so there is nothing to wait for.
  tiered.waitForTierUps();
  EXPECT_FALSE(module->isTierUpScheduled());
  EXPECT_EQ(module->getTier(), Tier::Fast);
  EXPECT_EQ(callF(*module).tier, Tier::Fast);
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 0u);
  // The third call queues the tier-up, and later calls queue no other.
  expectClose(callF(*module).values, first.values);
  EXPECT_TRUE(module->isTierUpScheduled());
  for (int i = 0; i < 5; ++i)
    callF(*module);
  tiered.waitForTierUps();
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
  EXPECT_EQ(tiered.getCacheStatistics().pendingTierUps, 0u);
  Results optimized = callF(*module);
  EXPECT_EQ(optimized.tier, Tier::Optimized);
  expectClose(optimized.values, first.values);
  // A cache hit shares the module, its count and its tier.
  EXPECT_EQ(tiered.compile(moduleScaledBy(0.75f)), module);
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
}

TEST(TierTest, CallsFromManyThreadsQueueOneTierUp) {
  Engine tiered(withTiering(Tiering::Tiered, /*tierUpAfterCalls=*/4));
  auto module = tiered.compile(moduleScaledBy(0.625f));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i)
        callF(*module);
    });
  for (std::thread &thread : threads)
    thread.join();
  EXPECT_TRUE(module->isTierUpScheduled());
  tiered.waitForTierUps();
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
  EXPECT_EQ(module->getTier(), Tier::Optimized);
}

TEST(TierTest, AThresholdOfOneOrZeroTiersUpRightAfterTheCompile) {
  for (uint64_t threshold : {0u, 1u}) {
    Engine tiered(withTiering(Tiering::Tiered, threshold));
    auto module = tiered.compile(moduleScaledBy(0.875f + threshold));
    EXPECT_TRUE(module->isTierUpScheduled());
    EXPECT_EQ(module->getTierUpReason(), "after the first compile");
    tiered.waitForTierUps();
    EXPECT_EQ(module->getTier(), Tier::Optimized);
    EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
  }
}

TEST(TierTest, AModuleThatOutlivesItsEngineKeepsItsFastCode) {
  std::shared_ptr<const CompiledModule> module;
  {
    Engine tiered(withTiering(Tiering::Tiered, /*tierUpAfterCalls=*/2));
    module = tiered.compile(moduleScaledBy(0.375f));
    callF(*module);
  }
  // The second call reaches the threshold with no engine to queue it.
  EXPECT_EQ(callF(*module).tier, Tier::Fast);
  EXPECT_FALSE(module->isTierUpScheduled());
}

TEST(TierTest, TheThresholdComesFromTheEnvironment) {
  const char *variable = "ADJIT_TIER_UP_AFTER";
  unsetenv(variable);
  EXPECT_EQ(EngineOptions().tierUpAfterCalls, 2u);
  setenv(variable, "7", 1);
  EXPECT_EQ(EngineOptions().tierUpAfterCalls, 7u);
  setenv(variable, "0", 1);
  EXPECT_EQ(EngineOptions().tierUpAfterCalls, 0u);
  for (const char *bad : {"-1", "two", "3x", " 4", "99999999999999999999999"}) {
    setenv(variable, bad, 1);
    try {
      EngineOptions options;
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const adjit::Error &error) {
      EXPECT_NE(std::string(error.what())
                    .find("ADJIT_TIER_UP_AFTER is '" + std::string(bad) + "'"),
                std::string::npos)
          << error.what();
    }
  }
  unsetenv(variable);
}

/// A fresh directory for a persistent cache.
class TierDiskCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    directory =
        fs::temp_directory_path() /
        ("adjit-tier-test-" + std::to_string(getpid()) + "-" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(directory);
  }
  void TearDown() override { fs::remove_all(directory); }

  EngineOptions options(Tiering tiering) const {
    EngineOptions result;
    result.tiering = tiering;
    result.diskCacheDirectory = directory.string();
    result.tierUpAfterCalls = 1;
    return result;
  }
  size_t countEntries() const {
    size_t count = 0;
    if (fs::exists(directory))
      for (const auto &entry : fs::directory_iterator(directory))
        count += entry.path().extension() == ".adjitobj";
    return count;
  }

  fs::path directory;
};

TEST_F(TierDiskCacheTest, TheOptimizedTierReplacesTheFastEntryOnDisk) {
  Results generated;
  {
    Engine tiered(options(Tiering::Tiered));
    auto module = tiered.compile(moduleScaledBy(2.0f));
    tiered.waitForTierUps();
    generated = callF(*module);
    EXPECT_EQ(generated.tier, Tier::Optimized);
    // The fast entry, then the optimized one, which deleted it.
    EXPECT_EQ(tiered.getCacheStatistics().diskStores, 2u);
    EXPECT_EQ(countEntries(), 1u);
  }
  // A later engine loads optimized code directly: no tier-up.
  Engine later(options(Tiering::Tiered));
  auto module = later.compile(moduleScaledBy(2.0f));
  EXPECT_TRUE(module->isLoadedFromDisk());
  EXPECT_EQ(module->getTier(), Tier::Optimized);
  EXPECT_EQ(later.getCacheStatistics().pendingTierUps, 0u);
  // Nor does it count calls towards one.
  EXPECT_FALSE(module->isTierUpScheduled());
  EXPECT_EQ(module->getTierUpReason(), "");
  later.waitForTierUps();
  EXPECT_EQ(later.getCacheStatistics().tierUps, 0u);
  EXPECT_EQ(callF(*module).values, generated.values);
  // So does an engine that compiles the fast tier only.
  EXPECT_EQ(Engine(options(Tiering::FastOnly))
                .compile(moduleScaledBy(2.0f))
                ->getTier(),
            Tier::Optimized);
}

TEST_F(TierDiskCacheTest, AFastEntryLoadsAndTiersUpFromTheModuleText) {
  Results fast;
  {
    Engine fastOnly(options(Tiering::FastOnly));
    fast = callF(*fastOnly.compile(moduleScaledBy(4.0f)));
    EXPECT_EQ(fastOnly.getCacheStatistics().diskStores, 1u);
  }
  // A process that exited before its tier-up finished left the fast entry:
  // it is loaded, and the optimized tier compiled from the module's text.
  Engine tiered(options(Tiering::Tiered));
  auto module = tiered.compile(moduleScaledBy(4.0f));
  EXPECT_TRUE(module->isLoadedFromDisk());
  EXPECT_EQ(tiered.getCacheStatistics().diskHits, 1u);
  tiered.waitForTierUps();
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
  Results optimized = callF(*module);
  EXPECT_EQ(optimized.tier, Tier::Optimized);
  expectClose(optimized.values, fast.values);
  EXPECT_EQ(countEntries(), 1u);
  // An engine of the optimized tier only never loads the fast entry.
  Engine optimizedOnly(options(Tiering::OptimizedOnly));
  EXPECT_EQ(optimizedOnly.compile(moduleScaledBy(4.0f))->getTier(),
            Tier::Optimized);
}

TEST_F(TierDiskCacheTest, AFastEntryOfAKeyedModuleTiersUpFromTheModule) {
  // A module compiled under a key text is printed only for the tier-up of a
  // fast entry loaded from disk, before the engine renames its functions:
  // here @f becomes @__adjit_f_0, since the module also defines @__adjit_f.
  std::string text = moduleScaledBy(5.0f) + R"mlir(
func.func @__adjit_f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.neg %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)mlir";
  const std::string keyText = "moduleScaledBy(5) and @__adjit_f";
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  auto parse = [&] {
    return mlir::parseSourceString<mlir::ModuleOp>(text, &context);
  };
  Results fast;
  {
    Engine fastOnly(options(Tiering::FastOnly));
    fast = callF(*fastOnly.compile(parse(), keyText));
    EXPECT_EQ(fastOnly.getCacheStatistics().diskStores, 1u);
  }
  Engine tiered(options(Tiering::Tiered));
  auto module = tiered.compile(parse(), keyText);
  EXPECT_TRUE(module->isLoadedFromDisk());
  tiered.waitForTierUps();
  EXPECT_EQ(tiered.getCacheStatistics().tierUps, 1u);
  Results optimized = callF(*module);
  EXPECT_EQ(optimized.tier, Tier::Optimized);
  expectClose(optimized.values, fast.values);
  std::vector<float> x = {1, -2, 3, -4};
  std::vector<Buffer> negated =
      module->call("__adjit_f", {{x.data(), {ElementType::F32, {4}}}});
  EXPECT_EQ(negated[0].getDataAs<float>()[1], 2.0f);
}

/// Loads the fast entries of `count` modules from the persistent cache in
/// `directory`, so that no code is generated on this thread, and exits while
/// their tier-ups (from the modules' text) run.
[[noreturn]] void exitDuringTierUpsOfLoadedEntries(const std::string &directory,
                                                   int count) {
  EngineOptions options;
  options.tiering = Tiering::Tiered;
  options.diskCacheDirectory = directory;
  options.tierUpAfterCalls = 1;
  auto *engine = new Engine(options);
  for (int i = 0; i < count; ++i)
    callF(*engine->compile(moduleScaledBy(70.0f + i)));
  std::fprintf(
      stderr, "loaded %llu entries from disk\n",
      static_cast<unsigned long long>(engine->getCacheStatistics().diskHits));
  std::exit(0);
}

TEST_F(TierDiskCacheTest, ExitingDuringTierUpsOfLoadedEntriesIsClean) {
  // The death test runs again in a new process, which finds the directory
  // of this one in the environment and loads the entries stored here.
  constexpr int count = 4;
  const char *variable = "ADJIT_TIER_TEST_LOADED_DIRECTORY";
  const char *inherited = std::getenv(variable);
  std::string stored = inherited ? inherited : directory.string();
  if (!inherited) {
    Engine fastOnly(options(Tiering::FastOnly));
    for (int i = 0; i < count; ++i)
      fastOnly.compile(moduleScaledBy(70.0f + i));
    ASSERT_EQ(countEntries(), size_t(count));
    setenv(variable, stored.c_str(), 1);
  }
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(exitDuringTierUpsOfLoadedEntries(stored, count),
              ::testing::ExitedWithCode(0), "loaded 4 entries from disk");
  unsetenv(variable);
}

} // namespace
