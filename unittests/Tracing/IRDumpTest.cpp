//===- IRDumpTest.cpp - ADJIT_DUMP_IR writes IR that adjit-opt parses -----===//

#include "TracingTestUtil.h"

#include "adjit/Dialect/Adjit/Transforms/Passes.h"
#include "adjit/InitAll.h"
#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace adjit;
namespace fs = std::filesystem;

namespace {

/// Sets ADJIT_DUMP_IR to a fresh directory for the test's lifetime.
class IRDumpTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "adjit-dump-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    directory = pattern;
    setenv("ADJIT_DUMP_IR", directory.c_str(), 1);
  }
  void TearDown() override {
    unsetenv("ADJIT_DUMP_IR");
    fs::remove_all(directory);
  }

  /// Returns the dumped file `name`, parsed and verified as adjit-opt
  /// parses its input (every adjit and upstream dialect registered), with
  /// its text.
  std::string parseDump(const std::string &name) {
    fs::path path = fs::path(directory) / name;
    EXPECT_TRUE(fs::exists(path)) << path;
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    mlir::DialectRegistry registry;
    mlir::adjit::registerAllDialects(registry);
    mlir::adjit::registerAllExtensions(registry);
    mlir::MLIRContext context(registry);
    std::string diagnostics;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return mlir::success();
    });
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text.str(), &context);
    EXPECT_TRUE(module) << name << " does not parse: " << diagnostics;
    return text.str();
  }

  /// Returns the text of the dumped file `name`.
  std::string readDump(const std::string &name) const {
    std::ifstream file(fs::path(directory) / name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  /// Replays the dumped pipeline of compilation `prefix` (e.g. "step-0") as
  /// `adjit-opt <prefix>-traced.mlir --pass-pipeline=<pipeline>` does, and
  /// expects the differentiated dump as its output, to the character.
  void expectPipelineReplays(const std::string &prefix) {
    std::string pipeline = readDump(prefix + "-pipeline.txt");
    ASSERT_FALSE(pipeline.empty()) << prefix;
    EXPECT_EQ(pipeline.back(), '\n');
    mlir::adjit::registerAdjitTransformsPasses();
    mlir::DialectRegistry registry;
    mlir::adjit::registerAllDialects(registry);
    mlir::adjit::registerAllExtensions(registry);
    mlir::MLIRContext context(registry);
    std::string diagnostics;
    mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return mlir::success();
    });
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(
            readDump(prefix + "-traced.mlir"), &context);
    ASSERT_TRUE(module) << diagnostics;

    std::string errors;
    llvm::raw_string_ostream errorStream(errors);
    mlir::FailureOr<mlir::OpPassManager> parsed =
        mlir::parsePassPipeline(pipeline, errorStream);
    ASSERT_TRUE(mlir::succeeded(parsed)) << pipeline << errors;
    EXPECT_EQ(parsed->getOpAnchorName(), "builtin.module");
    mlir::PassManager pm(&context);
    static_cast<mlir::OpPassManager &>(pm) = std::move(*parsed);
    ASSERT_TRUE(mlir::succeeded(pm.run(*module))) << diagnostics;

    std::string replayed;
    llvm::raw_string_ostream os(replayed);
    module->print(os);
    EXPECT_EQ(replayed, readDump(prefix + "-differentiated.mlir"));
  }

  /// The names of the files in the directory.
  std::vector<std::string> listDirectory() const {
    std::vector<std::string> names;
    for (const fs::directory_entry &entry : fs::directory_iterator(directory))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string directory;
};

TEST_F(IRDumpTest, WritesTracedDifferentiatedAndLoweredIR) {
  Tensor w = ones({3, 1}, requires_grad());
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return (in[0].matmul(w).tanh() - in[1]).pow(2.0).mean();
      },
      "dumped");
  loss(ones({4, 3}), zeros({4, 1}));
  loss(ones({4, 3}), zeros({4, 1})); // cached: no new files
  loss(ones({2, 3}), zeros({2, 1}));
  EXPECT_EQ(listDirectory(),
            (std::vector<std::string>{
                "dumped-0-differentiated.mlir", "dumped-0-lowered.mlir",
                "dumped-0-pipeline.txt", "dumped-0-traced.mlir",
                "dumped-1-differentiated.mlir", "dumped-1-lowered.mlir",
                "dumped-1-pipeline.txt", "dumped-1-traced.mlir"}));

  std::string traced = parseDump("dumped-0-traced.mlir");
  EXPECT_NE(traced.find("func.func @dumped(%arg0: tensor<4x3xf32>"),
            std::string::npos)
      << traced;
  EXPECT_EQ(traced.find("@dumped_grad"), std::string::npos) << traced;

  std::string differentiated = parseDump("dumped-0-differentiated.mlir");
  EXPECT_NE(differentiated.find("func.func @dumped_grad("), std::string::npos)
      << differentiated;

  std::string lowered = parseDump("dumped-0-lowered.mlir");
  EXPECT_NE(lowered.find("llvm.func @dumped_grad("), std::string::npos);
  EXPECT_EQ(lowered.find("adjit."), std::string::npos);
  EXPECT_EQ(lowered.find("func.func"), std::string::npos);

  std::string second = parseDump("dumped-1-traced.mlir");
  EXPECT_NE(second.find("tensor<2x3xf32>"), std::string::npos) << second;
  parseDump("dumped-1-differentiated.mlir");
  parseDump("dumped-1-lowered.mlir");
}

TEST_F(IRDumpTest, FunctionsOfTheSameNameDoNotOverwriteEachOther) {
  jit::CompiledFunction exp = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].exp(); }, "twin");
  jit::CompiledFunction tanh = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].tanh(); }, "twin");
  exp(ones({3}));
  tanh(ones({3}));
  EXPECT_EQ(listDirectory(), (std::vector<std::string>{
                                 "twin-0-lowered.mlir", "twin-0-traced.mlir",
                                 "twin-1-lowered.mlir", "twin-1-traced.mlir"}));
  EXPECT_NE(parseDump("twin-0-traced.mlir").find("adjit.exp"),
            std::string::npos);
  EXPECT_NE(parseDump("twin-1-traced.mlir").find("adjit.tanh"),
            std::string::npos);
}

TEST_F(IRDumpTest, UndifferentiatedCompilationHasNoDifferentiatedIR) {
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].exp().sum({1}); },
      "forward_only");
  f(ones({2, 5}));
  EXPECT_EQ(listDirectory(),
            (std::vector<std::string>{"forward_only-0-lowered.mlir",
                                      "forward_only-0-traced.mlir"}));
  parseDump("forward_only-0-traced.mlir");
  std::string lowered = parseDump("forward_only-0-lowered.mlir");
  EXPECT_NE(lowered.find("llvm.func @forward_only("), std::string::npos);
}

TEST_F(IRDumpTest, TrainStepDumpsItsUpdate) {
  Tensor w = ones({3, 1}, requires_grad());
  jit::TrainStep step(
      [&](const std::vector<Tensor> &in) {
        return (in[0].matmul(w) - in[1]).pow(2.0).mean();
      },
      optim::AdamOptions(0.1), "adam_step");
  step(ones({4, 3}), zeros({4, 1}));
  std::string differentiated = parseDump("adam_step-0-differentiated.mlir");
  // The gradient function takes the moments, the learning rate and the step
  // count, and returns the loss, the parameter and the moments.
  EXPECT_NE(differentiated.find(
                "func.func @adam_step_grad(%arg0: tensor<4x3xf32>, %arg1: "
                "tensor<4x1xf32>, %arg2: tensor<3x1xf32>, %arg3: "
                "tensor<3x1xf32>, %arg4: tensor<3x1xf32>, %arg5: "
                "tensor<f64>, %arg6: tensor<f64>) -> (tensor<f32>, "
                "tensor<3x1xf32>, tensor<3x1xf32>, tensor<3x1xf32>)"),
            std::string::npos)
      << differentiated;
  parseDump("adam_step-0-traced.mlir");
  parseDump("adam_step-0-lowered.mlir");
}

TEST_F(IRDumpTest, PipelineReplaysTheDifferentiation) {
  Tensor w = ones({3, 1}, requires_grad());
  jit::CompiledFunction loss = jit::compile(
      [&](const std::vector<Tensor> &in) {
        return (in[0].matmul(w).tanh() - in[1]).pow(2.0).mean();
      },
      "replayed");
  loss(ones({4, 3}, requires_grad()), zeros({4, 1}));
  EXPECT_EQ(readDump("replayed-0-pipeline.txt"),
            "builtin.module(adjit-autodiff{function=replayed wrt=0,2 "
            "name=replayed_grad cleanup=true})\n");
  expectPipelineReplays("replayed-0");
}

TEST_F(IRDumpTest, PipelineReplaysTheTrainingSteps) {
  Tensor w = ones({3, 2}, requires_grad()), b = zeros({2}, requires_grad());
  auto lossFn = [&](const std::vector<Tensor> &in) {
    return ((in[0].matmul(w) + b).tanh() - in[1]).pow(2.0).mean();
  };
  jit::TrainStep sgd(
      lossFn,
      optim::SGDOptions(0.1).momentum(0.9).dampening(0.1).weight_decay(1e-4),
      "replay_sgd");
  jit::TrainStep nesterov(lossFn,
                          optim::SGDOptions(0.1).momentum(0.5).nesterov(true),
                          "replay_nesterov");
  jit::TrainStep adam(
      lossFn,
      optim::AdamOptions(1e-3).betas({0.8, 0.99}).eps(1e-6).weight_decay(0.01),
      "replay_adam");
  // Parameter groups and clipping: per-group lists, a group per argument.
  jit::TrainStep groups(
      lossFn,
      {optim::OptimizerParamGroup({w}),
       optim::OptimizerParamGroup(
           {b}, std::make_unique<optim::AdamWOptions>(
                    optim::AdamWOptions(1e-3).weight_decay(0)))},
      optim::AdamWOptions(1e-3).weight_decay(0.1),
      jit::CompileOptions{"replay_groups"});
  groups.clip_grad_norm(0.5);
  for (jit::TrainStep *step : {&sgd, &nesterov, &adam, &groups})
    (*step)(ones({4, 3}), zeros({4, 2}));
  EXPECT_EQ(readDump("replay_sgd-0-pipeline.txt"),
            "builtin.module(adjit-autodiff{function=replay_sgd wrt=2,3 "
            "name=replay_sgd_grad cleanup=true},adjit-append-optimizer-update{"
            "function=replay_sgd_grad wrt=2,3 optimizer=sgd momentum=0.9 "
            "dampening=0.1 nesterov=false weight-decay=1e-04})\n");
  EXPECT_EQ(readDump("replay_adam-0-pipeline.txt"),
            "builtin.module(adjit-autodiff{function=replay_adam wrt=2,3 "
            "name=replay_adam_grad cleanup=true},adjit-append-optimizer-update{"
            "function=replay_adam_grad wrt=2,3 optimizer=adam beta1=0.8 "
            "beta2=0.99 eps=1e-06 weight-decay=0.01})\n");
  expectPipelineReplays("replay_sgd-0");
  expectPipelineReplays("replay_nesterov-0");
  expectPipelineReplays("replay_adam-0");
  EXPECT_EQ(readDump("replay_groups-0-pipeline.txt"),
            "builtin.module(adjit-autodiff{function=replay_groups wrt=2,3 "
            "name=replay_groups_grad cleanup=true},"
            "adjit-append-optimizer-update{function=replay_groups_grad "
            "wrt=2,3 optimizer=adamw beta1=0.9,0.9 beta2=0.999,0.999 "
            "eps=1e-08,1e-08 weight-decay=0.1,0 groups=0,1 "
            "clip-grad-norm=0.5})\n");
  expectPipelineReplays("replay_groups-0");
}

TEST_F(IRDumpTest, CreatesAMissingDumpDirectory) {
  std::string nested = directory + "/not/yet/there";
  setenv("ADJIT_DUMP_IR", nested.c_str(), 1);
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].exp(); }, "nested");
  f(ones({3}));
  EXPECT_TRUE(fs::exists(fs::path(nested) / "nested-0-traced.mlir"));
  EXPECT_TRUE(fs::exists(fs::path(nested) / "nested-0-lowered.mlir"));
}

TEST_F(IRDumpTest, ADumpDirectoryThatCannotBeCreatedIsAnError) {
  std::string file = directory + "/a-file";
  std::ofstream(file) << "not a directory";
  std::string below = file + "/dumps";
  setenv("ADJIT_DUMP_IR", below.c_str(), 1);
  jit::CompiledFunction f = jit::compile(
      [](const std::vector<Tensor> &in) { return in[0].exp(); }, "blocked");
  std::string error = test::errorOf([&] { f(ones({3})); });
  EXPECT_EQ(
      error.rfind("jit::compile: ADJIT_DUMP_IR: cannot create the directory '" +
                      below + "': ",
                  0),
      0u)
      << error;
}

} // namespace
