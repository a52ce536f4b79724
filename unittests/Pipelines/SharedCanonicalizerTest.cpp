//===- SharedCanonicalizerTest.cpp - canonicalizers sharing patterns ------===//

#include "SharedCanonicalizer.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

/// Folds (the constant additions), canonicalization patterns (x + 0 -> x
/// after folding `%zero`, `select true`), and dead code.
constexpr const char *kModule = R"mlir(
func.func @f(%x: i32, %c: i1) -> i32 {
  %one = arith.constant 1 : i32
  %two = arith.constant 2 : i32
  %zero = arith.subi %one, %one : i32
  %three = arith.addi %one, %two : i32
  %y = arith.addi %x, %zero : i32
  %t = arith.constant true
  %s = arith.select %t, %y, %three : i32
  %dead = arith.muli %s, %three : i32
  %z = arith.addi %s, %three : i32
  return %z : i32
}
)mlir";

DialectRegistry makeRegistry() {
  DialectRegistry registry;
  registry
      .insert<func::FuncDialect, arith::ArithDialect, cf::ControlFlowDialect>();
  return registry;
}

std::string print(ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return text;
}

/// Runs `pm` on kModule parsed in `context`; returns the result printed.
std::string run(PassManager &pm, MLIRContext &context) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  EXPECT_TRUE(module);
  EXPECT_TRUE(succeeded(pm.run(*module)));
  return print(*module);
}

/// What upstream's `canonicalize`, twice, makes of kModule.
std::string canonicalizeUpstream() {
  MLIRContext context(makeRegistry());
  PassManager pm(&context);
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  return run(pm, context);
}

TEST(SharedCanonicalizerTest, RewritesAsCanonicalize) {
  std::string expected = canonicalizeUpstream();
  // The upstream result is folded: no subtraction, select or dead product.
  EXPECT_EQ(expected.find("arith.subi"), std::string::npos) << expected;
  EXPECT_EQ(expected.find("arith.select"), std::string::npos) << expected;
  EXPECT_EQ(expected.find("arith.muli"), std::string::npos) << expected;

  MLIRContext context(makeRegistry());
  PassManager pm(&context);
  adjit::SharedCanonicalizers canonicalizers;
  pm.addPass(canonicalizers.create());
  pm.addPass(createCSEPass());
  pm.addPass(canonicalizers.create());
  EXPECT_EQ(run(pm, context), expected);
}

TEST(SharedCanonicalizerTest, PrintsAsCanonicalize) {
  MLIRContext context(makeRegistry());
  PassManager pm(&context);
  adjit::SharedCanonicalizers canonicalizers;
  pm.addPass(canonicalizers.create());
  pm.addPass(canonicalizers.create(GreedySimplifyRegionLevel::Disabled));
  std::string text;
  llvm::raw_string_ostream os(text);
  pm.printAsTextualPipeline(os);
  EXPECT_EQ(text, "any(canonicalize{region-simplify=normal},"
                  "canonicalize{region-simplify=disabled})");
}

/// A loop whose carried value only feeds itself: a dead cycle, which only
/// region simplification (its dead-code sweep) erases.
constexpr const char *kDeadCycle = R"mlir(
func.func @g(%x: i32, %c: i1) -> i32 {
  cf.br ^loop(%x : i32)
^loop(%v: i32):
  %w = arith.addi %v, %v : i32
  cf.cond_br %c, ^loop(%w : i32), ^exit
^exit:
  return %x : i32
}
)mlir";

/// What `pm` makes of kDeadCycle parsed in `context`.
std::string runOnUnreachable(PassManager &pm, MLIRContext &context) {
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kDeadCycle, &context);
  EXPECT_TRUE(module);
  EXPECT_TRUE(succeeded(pm.run(*module)));
  return print(*module);
}

TEST(SharedCanonicalizerTest, RegionSimplificationAsCanonicalize) {
  for (GreedySimplifyRegionLevel level : {GreedySimplifyRegionLevel::Disabled,
                                          GreedySimplifyRegionLevel::Normal}) {
    MLIRContext upstreamContext(makeRegistry());
    PassManager upstream(&upstreamContext);
    GreedyRewriteConfig config;
    config.setRegionSimplificationLevel(level);
    upstream.addPass(createCanonicalizerPass(config));
    std::string expected = runOnUnreachable(upstream, upstreamContext);
    // Only region simplification erases the dead cycle.
    EXPECT_EQ(expected.find("arith.addi") == std::string::npos,
              level == GreedySimplifyRegionLevel::Normal)
        << expected;

    MLIRContext context(makeRegistry());
    PassManager pm(&context);
    adjit::SharedCanonicalizers canonicalizers;
    pm.addPass(canonicalizers.create(level));
    EXPECT_EQ(runOnUnreachable(pm, context), expected);
  }
}

TEST(SharedCanonicalizerTest, LaterCanonicalizersUseTheFirstOnesPatterns) {
  // A pipeline whose first canonicalizer is nested under func.func: it still
  // initializes first, and the module-level one after it canonicalizes with
  // the same patterns.
  MLIRContext context(makeRegistry());
  PassManager pm(&context);
  adjit::SharedCanonicalizers canonicalizers;
  pm.addNestedPass<func::FuncOp>(canonicalizers.create());
  pm.addPass(createCSEPass());
  pm.addPass(canonicalizers.create());
  EXPECT_EQ(run(pm, context), canonicalizeUpstream());
}

TEST(SharedCanonicalizerTest, RunsAgainOnAnotherModule) {
  // Run twice: the second run reuses the initialized passes.
  std::string expected = canonicalizeUpstream();
  MLIRContext context(makeRegistry());
  PassManager pm(&context);
  adjit::SharedCanonicalizers canonicalizers;
  pm.addPass(canonicalizers.create());
  pm.addPass(createCSEPass());
  pm.addPass(canonicalizers.create());
  EXPECT_EQ(run(pm, context), expected);
  EXPECT_EQ(run(pm, context), expected);
}

TEST(SharedCanonicalizerTest, RefusesPatternsOfAnotherContext) {
  // A canonicalizer made for a pipeline in one context, added to a pipeline
  // in another without the one that freezes: the pipeline fails instead of
  // rewriting with the other context's operations.
  MLIRContext first(makeRegistry());
  PassManager pm(&first);
  adjit::SharedCanonicalizers canonicalizers;
  pm.addPass(canonicalizers.create());
  EXPECT_EQ(run(pm, first), canonicalizeUpstream());
  MLIRContext second(makeRegistry());
  PassManager other(&second);
  other.addPass(canonicalizers.create());
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &second);
  ASSERT_TRUE(module);
  EXPECT_TRUE(failed(other.run(*module)));
}

} // namespace
