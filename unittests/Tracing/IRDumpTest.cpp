//===- IRDumpTest.cpp - ADJIT_DUMP_IR writes IR that adjit-opt parses -----===//

#include "adjit/InitAll.h"
#include "adjit/JIT.h"
#include "adjit/adjit.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

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
                "dumped-0-traced.mlir", "dumped-1-differentiated.mlir",
                "dumped-1-lowered.mlir", "dumped-1-traced.mlir"}));

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

} // namespace
