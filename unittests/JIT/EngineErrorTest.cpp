//===- EngineErrorTest.cpp - misuse of the JIT engine API -----------------===//
//
// Misuse that EngineTest.cpp does not cover: engine options, signatures the
// JIT cannot call, and look-ups of unknown functions. docs/errors.md lists
// every message.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT/Engine.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <string>
#include <vector>

using namespace adjit::jit;

namespace {

template <typename Statement> std::string errorOf(Statement statement) {
  try {
    statement();
  } catch (const adjit::Error &error) {
    return error.what();
  }
  return "no error";
}

TEST(EngineErrorTest, OptimizationLevelAboveThree) {
  EngineOptions options;
  options.optLevel = 4;
  EXPECT_EQ(
      errorOf([&] { Engine engine(options); }),
      "jit::Engine: optLevel 4 is not an LLVM optimization level (0 to 3)");
}

TEST(EngineErrorTest, FastTierOptimizationLevelAboveThree) {
  EngineOptions options;
  options.fastOptLevel = 7;
  EXPECT_EQ(
      errorOf([&] { Engine engine(options); }),
      "jit::Engine: fastOptLevel 7 is not an LLVM optimization level (0 to 3)");
}

TEST(EngineErrorTest, UnknownTieringInTheEnvironment) {
  setenv("ADJIT_TIERING", "sometimes", 1);
  std::string message = errorOf([] { EngineOptions options; });
  unsetenv("ADJIT_TIERING");
  EXPECT_EQ(message, "jit::Engine: ADJIT_TIERING is 'sometimes'; expected "
                     "fast, tiered or optimized");
}

TEST(EngineErrorTest, SignaturesTheJITCannotCall) {
  Engine engine;
  auto module = engine.compile(R"mlir(
    func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
      return %x : tensor<?xf32>
    }
    func.func @first(%x: tensor<2xf32>) -> f32 {
      %c0 = arith.constant 0 : index
      %0 = tensor.extract %x[%c0] : tensor<2xf32>
      return %0 : f32
    }
    func.func private @hidden(%x: tensor<2xf32>) -> tensor<2xf32> {
      return %x : tensor<2xf32>
    })mlir");
  std::vector<float> x = {1, 2};
  EXPECT_EQ(errorOf([&] {
              module->call("dynamic", {{x.data(), {ElementType::F32, {2}}}});
            }),
            "jit::Engine: cannot call @dynamic: argument #0 has type "
            "tensor<?xf32>, but the JIT passes only statically shaped tensors "
            "of f32, f64, i1 or i64");
  EXPECT_EQ(errorOf([&] {
              module->call("first", {{x.data(), {ElementType::F32, {2}}}});
            }),
            "jit::Engine: cannot call @first: result #0 has type f32, but the "
            "JIT passes only statically shaped tensors "
            "of f32, f64, i1 or i64");
  // Private functions are not part of the module's interface.
  EXPECT_EQ(
      errorOf([&] { module->getSignature("hidden"); }),
      "jit::Engine: the module has no public function @hidden; its public "
      "functions are: @dynamic, @first");
}

TEST(EngineErrorTest, ShapesTooLargeForAnyBuffer) {
  // 2^62 x 4 elements of 4 bytes: the size in bytes overflows int64_t.
  Engine engine;
  auto module = engine.compile(R"mlir(
    func.func @huge(%x: tensor<1xf32>) -> tensor<4611686018427387904x4xf32> {
      %0 = adjit.broadcast %x, dims = [1]
          : tensor<1xf32> -> tensor<4611686018427387904x4xf32>
      return %0 : tensor<4611686018427387904x4xf32>
    })mlir");
  float x = 1;
  EXPECT_EQ(errorOf([&] {
              module->call("huge", {{&x, {ElementType::F32, {1}}}});
            }),
            "jit::Engine: cannot call @huge: result #0 has type "
            "tensor<4611686018427387904x4xf32>, whose size in bytes overflows "
            "int64");
}

TEST(EngineErrorTest, TooManyArguments) {
  Engine engine;
  auto module = engine.compile(R"mlir(
    func.func @neg(%x: tensor<2xf64>) -> tensor<2xf64> {
      %0 = adjit.neg %x : tensor<2xf64>
      return %0 : tensor<2xf64>
    })mlir");
  std::vector<double> x = {1, 2};
  BufferView view{x.data(), {ElementType::F64, {2}}, {}};
  EXPECT_EQ(errorOf([&] {
              module->call("neg", {view, view});
            }),
            "jit::Engine: @neg takes 1 argument(s) (tensor<2xf64>), but 2 were "
            "passed");
}

TEST(EngineErrorTest, ModuleWithoutFunctions) {
  Engine engine;
  auto module = engine.compile("module {}");
  EXPECT_EQ(errorOf([&] { module->call("main", {}); }),
            "jit::Engine: the module has no public function @main; its public "
            "functions are: (none)");
}

} // namespace
