//===- EngineTest.cpp - tests of the adjit JIT engine API -----------------===//

#include "adjit/JIT/Engine.h"

#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

using namespace adjit::jit;

namespace {

const char *const kModule = R"mlir(
func.func @axpy(%a: tensor<4xf32>, %x: tensor<4xf32>, %y: tensor<4xf32>)
    -> tensor<4xf32> {
  %0 = adjit.mul %a, %x : tensor<4xf32>
  %1 = adjit.add %0, %y : tensor<4xf32>
  return %1 : tensor<4xf32>
}

func.func @stats(%x: tensor<2x3xf64>) -> (tensor<2xf64>, tensor<3xi1>) {
  %0 = adjit.reduce_sum %x, dims = [1] : tensor<2x3xf64> -> tensor<2xf64>
  %1 = adjit.reduce_max %x, dims = [0] : tensor<2x3xf64> -> tensor<3xf64>
  %z = adjit.constant dense<0.0> : tensor<3xf64>
  %2 = adjit.compare gt, %1, %z : tensor<3xf64>
  return %0, %2 : tensor<2xf64>, tensor<3xi1>
}

func.func @twice(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = adjit.neg %x : tensor<2xf32>
  return %0, %0 : tensor<2xf32>, tensor<2xf32>
}

func.func @scalar(%x: f32) -> f32 {
  return %x : f32
}
)mlir";

TensorType f32(std::vector<int64_t> shape) {
  return TensorType{ElementType::F32, std::move(shape)};
}

/// Runs `statement` and returns the message of the adjit::Error it throws
/// (failing the test if it throws none).
template <typename Statement> std::string errorOf(Statement statement) {
  try {
    statement();
  } catch (const adjit::Error &error) {
    return error.what();
  }
  ADD_FAILURE() << "expected an adjit::Error";
  return "";
}

TEST(EngineTest, ResultBuffersAreRecycled) {
  Engine engine;
  auto module = engine.compile(kModule);
  std::vector<float> a = {1, 2, 3, 4}, x = {10, 20, 30, 40}, y = {1, 1, 1, 1};
  auto call = [&] {
    return module->call(
        "axpy",
        {{a.data(), f32({4})}, {x.data(), f32({4})}, {y.data(), f32({4})}});
  };
  std::vector<Buffer> first = call();
  const void *data = first[0].getData();
  // Compiled code allocates through the engine's allocator: 64-byte
  // aligned blocks, handed out again once freed.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  first.clear();
  std::vector<Buffer> second = call();
  EXPECT_EQ(second[0].getData(), data);
  EXPECT_EQ(second[0].getDataAs<float>()[3], 161.0f);
  // Live results are never handed out twice, and every one is aligned
  // (malloc aligns blocks this small to 16 bytes only).
  std::vector<std::vector<Buffer>> live;
  for (int i = 0; i < 8; ++i) {
    live.push_back(call());
    const void *block = live.back()[0].getData();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(block) % 64, 0u);
    EXPECT_NE(block, second[0].getData());
  }
}

TEST(EngineTest, CallsACompiledFunction) {
  Engine engine;
  auto module = engine.compile(kModule);
  std::vector<float> a = {1, 2, 3, 4}, x = {10, 20, 30, 40}, y = {1, 1, 1, 1};
  std::vector<Buffer> results = module->call(
      "axpy",
      {{a.data(), f32({4})}, {x.data(), f32({4})}, {y.data(), f32({4})}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].getType(), f32({4}));
  const float *r = results[0].getDataAs<float>();
  EXPECT_EQ(r[0], 11.0f);
  EXPECT_EQ(r[1], 41.0f);
  EXPECT_EQ(r[2], 91.0f);
  EXPECT_EQ(r[3], 161.0f);
  // The arguments are unchanged.
  EXPECT_EQ(a[0], 1.0f);
  EXPECT_EQ(y[3], 1.0f);
}

TEST(EngineTest, ReturnsSeveralResultsOfSeveralTypes) {
  Engine engine;
  auto module = engine.compile(kModule);
  std::vector<double> x = {1, -2, 3, -4, -5, 6};
  std::vector<Buffer> results =
      module->call("stats", {{x.data(), {ElementType::F64, {2, 3}}}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].getType().str(), "tensor<2xf64>");
  EXPECT_EQ(results[0].getDataAs<double>()[0], 2.0);
  EXPECT_EQ(results[0].getDataAs<double>()[1], -3.0);
  EXPECT_EQ(results[1].getType().str(), "tensor<3xi1>");
  const uint8_t *mask = results[1].getDataAs<uint8_t>();
  EXPECT_EQ(mask[0], 1);
  EXPECT_EQ(mask[1], 0);
  EXPECT_EQ(mask[2], 1);
}

TEST(EngineTest, OneBufferReturnedTwiceBecomesTwoBuffers) {
  Engine engine;
  auto module = engine.compile(kModule);
  std::vector<float> x = {1, 2};
  std::vector<Buffer> results = module->call("twice", {{x.data(), f32({2})}});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_NE(results[0].getData(), results[1].getData());
  results[0].getDataAs<float>()[0] = 42.0f;
  EXPECT_EQ(results[1].getDataAs<float>()[0], -1.0f);
}

TEST(EngineTest, CopiesStridedArguments) {
  Engine engine;
  auto module = engine.compile(kModule);
  // Every other element of an 8-element array, and a column of a 4x2 matrix.
  std::vector<float> a = {1, -1, 2, -1, 3, -1, 4, -1};
  std::vector<float> x = {1, 0, 1, 0, 1, 0, 1, 0};
  std::vector<float> y = {0, 0, 0, 0};
  std::vector<Buffer> results =
      module->call("axpy", {{a.data(), f32({4}), {2}},
                            {x.data(), f32({4}), {2}},
                            {y.data(), f32({4}), {1}}});
  const float *r = results[0].getDataAs<float>();
  EXPECT_EQ(r[0], 1.0f);
  EXPECT_EQ(r[1], 2.0f);
  EXPECT_EQ(r[2], 3.0f);
  EXPECT_EQ(r[3], 4.0f);
}

TEST(EngineTest, SecondCompileIsACacheHit) {
  Engine engine;
  auto first = engine.compile(kModule);
  auto second = engine.compile(kModule);
  EXPECT_EQ(first.get(), second.get());
  Engine::CacheStatistics statistics = engine.getCacheStatistics();
  EXPECT_EQ(statistics.misses, 1u);
  EXPECT_EQ(statistics.hits, 1u);
  EXPECT_EQ(statistics.entries, 1u);

  // Other options are another key.
  EngineOptions options;
  options.blasMinFlops = 0;
  Engine other(options);
  EXPECT_NE(other.compile(kModule)->getCacheKey(), first->getCacheKey());

  // After clearing, the module compiles again; the old one stays usable.
  engine.clearCache();
  auto third = engine.compile(kModule);
  EXPECT_NE(third.get(), first.get());
  EXPECT_EQ(engine.getCacheStatistics().misses, 2u);
  std::vector<float> x = {1, 2};
  EXPECT_EQ(
      first->call("twice", {{x.data(), f32({2})}})[0].getDataAs<float>()[1],
      -2.0f);
}

TEST(EngineTest, EvictsTheLeastRecentlyRequestedModules) {
  EngineOptions options;
  options.maxCachedModules = 2;
  options.diskCacheDirectory = "";
  Engine engine(options);
  auto negation = [](const std::string &name) {
    return "func.func @" + name +
           "(%x: tensor<2xf32>) -> tensor<2xf32> {\n"
           "  %0 = adjit.neg %x : tensor<2xf32>\n"
           "  return %0 : tensor<2xf32>\n}\n";
  };
  auto a = engine.compile(negation("a"));
  engine.compile(negation("b"));
  engine.compile(negation("a")); // a is now the most recently requested
  engine.compile(negation("c")); // evicts b
  Engine::CacheStatistics statistics = engine.getCacheStatistics();
  EXPECT_EQ(statistics.entries, 2u);
  EXPECT_EQ(statistics.evictions, 1u);
  EXPECT_EQ(statistics.misses, 3u);
  EXPECT_EQ(engine.compile(negation("a")).get(), a.get());
  EXPECT_EQ(engine.getCacheStatistics().hits, 2u);
  engine.compile(negation("b")); // compiled again, evicting c
  EXPECT_EQ(engine.getCacheStatistics().misses, 4u);
  EXPECT_EQ(engine.getCacheStatistics().evictions, 2u);
  // An evicted module stays usable while referenced.
  engine.clearCache();
  std::vector<float> x = {1, 2};
  EXPECT_EQ(a->call("a", {{x.data(), f32({2})}})[0].getDataAs<float>()[1],
            -2.0f);
}

TEST(EngineTest, CompilesModulesOfAnyContextAndCachesThem) {
  mlir::MLIRContext context;
  context.loadDialect<mlir::adjit::AdjitDialect, mlir::func::FuncDialect>();
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  Engine engine;
  auto first = engine.compile(*module);
  auto second = engine.compile(*module);
  EXPECT_EQ(first.get(), second.get());
  EXPECT_EQ(engine.getCacheStatistics().hits, 1u);
  EXPECT_EQ(first->getSignature("axpy").str(),
            "@axpy(tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> "
            "(tensor<4xf32>)");
}

TEST(EngineTest, TakesOverAModuleAndLowersItInItsContext) {
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  ASSERT_TRUE(module);
  Engine engine;
  auto owned = engine.compile(std::move(module));
  std::vector<float> a = {1, 2, 3, 4}, x = {10, 20, 30, 40}, y = {1, 1, 1, 1};
  std::vector<Buffer> results = owned->call(
      "axpy",
      {{a.data(), f32({4})}, {x.data(), f32({4})}, {y.data(), f32({4})}});
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].getDataAs<float>()[3], 161.0f);
  // The cache key is that of the printed module: the same module given as
  // text is a hit.
  mlir::OwningOpRef<mlir::ModuleOp> again =
      mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  std::string text;
  llvm::raw_string_ostream os(text);
  again->print(os);
  EXPECT_EQ(engine.compile(text).get(), owned.get());
  EXPECT_EQ(engine.getCacheStatistics().hits, 1u);
}

TEST(EngineTest, AKeyTextKeysATakenOverModule) {
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  auto parse = [&] {
    return mlir::parseSourceString<mlir::ModuleOp>(kModule, &context);
  };
  Engine engine;
  auto keyed = engine.compile(parse(), "axpy, keyed");
  std::vector<float> a = {1, 2, 3, 4}, x = {10, 20, 30, 40}, y = {1, 1, 1, 1};
  std::vector<Buffer> results = keyed->call(
      "axpy",
      {{a.data(), f32({4})}, {x.data(), f32({4})}, {y.data(), f32({4})}});
  EXPECT_EQ(results[0].getDataAs<float>()[3], 161.0f);
  // The same key text is a hit; the module's printed form, or a key text
  // equal to it, is not.
  EXPECT_EQ(engine.compile(parse(), "axpy, keyed").get(), keyed.get());
  EXPECT_EQ(engine.getCacheStatistics().hits, 1u);
  std::string text;
  llvm::raw_string_ostream os(text);
  parse()->print(os);
  auto printed = engine.compile(text);
  EXPECT_NE(printed.get(), keyed.get());
  EXPECT_NE(engine.compile(parse(), text).get(), printed.get());
  EXPECT_EQ(engine.getCacheStatistics().hits, 1u);
}

TEST(EngineTest, AFailingTakenOverModuleIsAnErrorWithTheDiagnostic) {
  mlir::MLIRContext context(Engine::getDialectRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(R"mlir(
      func.func @f(%x: f32) -> f32 {
        %z = vector.broadcast %x : f32 to vector<4xf32>
        %a = vector.reduction <add>, %z : vector<4xf32> into f32
        return %a : f32
      })mlir",
                                              &context, "owned.mlir");
  ASSERT_TRUE(module);
  Engine engine;
  std::string message = errorOf([&] { engine.compile(std::move(module)); });
  EXPECT_NE(message.find("owned.mlir:3:14: error: op 'vector.broadcast' "
                         "survived lowering to the LLVM dialect"),
            std::string::npos)
      << message;
  EXPECT_EQ(engine.getCacheStatistics().entries, 0u);
}

TEST(EngineTest, UnknownFunctionIsAnError) {
  Engine engine;
  auto module = engine.compile(kModule);
  EXPECT_EQ(errorOf([&] { module->call("nope", {}); }),
            "jit::Engine: the module has no public function @nope; its public "
            "functions are: @axpy, @stats, @twice, @scalar");
}

TEST(EngineTest, WrongArgumentsAreErrors) {
  Engine engine;
  auto module = engine.compile(kModule);
  std::vector<float> x = {1, 2, 3, 4};
  EXPECT_EQ(errorOf([&] { module->call("twice", {}); }),
            "jit::Engine: @twice takes 1 argument(s) (tensor<2xf32>), but 0 "
            "were passed");
  EXPECT_EQ(errorOf([&] {
              module->call("twice", {{x.data(), f32({4})}});
            }),
            "jit::Engine: argument #0 of @twice is a tensor<4xf32>, but @twice "
            "expects a tensor<2xf32>");
  EXPECT_EQ(errorOf([&] {
              module->call("twice", {{x.data(), {ElementType::F64, {2}}}});
            }),
            "jit::Engine: argument #0 of @twice is a tensor<2xf64>, but @twice "
            "expects a tensor<2xf32>");
  EXPECT_EQ(errorOf([&] {
              module->call("twice", {{nullptr, f32({2})}});
            }),
            "jit::Engine: argument #0 of @twice (tensor<2xf32>) has no data "
            "(null pointer)");
  EXPECT_EQ(
      errorOf([&] {
        module->call("twice", {{x.data(), f32({2}), {1, 1}}});
      }),
      "jit::Engine: argument #0 of @twice (tensor<2xf32>) has 2 strides; a "
      "buffer of rank 1 needs that many, or none for a row-major buffer");
  EXPECT_EQ(
      errorOf([&] { module->call("scalar", {}); }),
      "jit::Engine: cannot call @scalar: argument #0 has type f32, but "
      "the JIT passes only statically shaped tensors of f32, f64, i1 or i64");
}

TEST(EngineTest, FailedPassIsAnErrorWithTheDiagnostic) {
  Engine engine;
  std::string message = errorOf([&] {
    engine.compile(R"mlir(
      func.func @f(%x: f32) -> f32 {
        %z = vector.broadcast %x : f32 to vector<4xf32>
        %a = vector.reduction <add>, %z : vector<4xf32> into f32
        return %a : f32
      })mlir",
                   "vector.mlir");
  });
  EXPECT_NE(message.find("jit::Engine: the adjit-to-llvm pipeline failed:"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("vector.mlir:3:14: error: op 'vector.broadcast' "
                         "survived lowering to the LLVM dialect"),
            std::string::npos)
      << message;
  // Failures are not cached.
  EXPECT_EQ(engine.getCacheStatistics().entries, 0u);
}

TEST(EngineTest, ParseErrorIsAnError) {
  Engine engine;
  std::string message =
      errorOf([&] { engine.compile("func.func @f(", "broken.mlir"); });
  EXPECT_NE(
      message.find("jit::Engine: cannot parse the module:\nbroken.mlir:1:13: "
                   "error:"),
      std::string::npos)
      << message;
}

TEST(EngineTest, TwoThreadsCompileAndCallConcurrently) {
  Engine engine;
  // Both threads compile the shared module and one module of their own, then
  // call both many times.
  auto work = [&](int id, std::atomic<int> &failures) {
    std::string own = "func.func @scale(%x: tensor<3xf64>) -> tensor<3xf64> {\n"
                      "  %c = adjit.constant dense<" +
                      std::to_string(id + 2) +
                      ".0> : tensor<3xf64>\n"
                      "  %0 = adjit.mul %x, %c : tensor<3xf64>\n"
                      "  return %0 : tensor<3xf64>\n}\n";
    auto shared = engine.compile(kModule);
    auto mine = engine.compile(own);
    for (int i = 0; i < 200; ++i) {
      std::vector<double> x = {1.0 * i, 2.0, 3.0};
      auto scaled = mine->call("scale", {{x.data(), {ElementType::F64, {3}}}});
      if (scaled[0].getDataAs<double>()[0] != (id + 2) * 1.0 * i)
        ++failures;
      std::vector<float> v = {float(i), 1};
      auto negated = shared->call("twice", {{v.data(), f32({2})}});
      if (negated[1].getDataAs<float>()[0] != -float(i))
        ++failures;
    }
  };
  std::atomic<int> failures{0};
  std::thread first(work, 0, std::ref(failures));
  std::thread second(work, 1, std::ref(failures));
  first.join();
  second.join();
  EXPECT_EQ(failures.load(), 0);
  Engine::CacheStatistics statistics = engine.getCacheStatistics();
  // Three distinct modules, each compiled once; the shared one was requested
  // twice.
  EXPECT_EQ(statistics.misses, 3u);
  EXPECT_EQ(statistics.hits, 1u);
}

TEST(EngineTest, LargeMatmulThroughBlasMatchesGeneratedCode) {
  const char *matmul = R"mlir(
    func.func @mm(%a: tensor<96x80xf32>, %b: tensor<80x72xf32>) -> tensor<96x72xf32> {
      %0 = adjit.matmul %a, %b : tensor<96x80xf32>, tensor<80x72xf32> -> tensor<96x72xf32>
      return %0 : tensor<96x72xf32>
    })mlir";
  std::vector<float> a(96 * 80), b(80 * 72);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = float((i * 7) % 13) - 6.0f;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = float((i * 5) % 11) - 5.0f;
  EngineOptions blas, generated;
  blas.blasMinFlops = 1;
  generated.blasMinFlops = 0;
  Engine blasEngine(blas), generatedEngine(generated);
  std::vector<BufferView> args = {{a.data(), f32({96, 80})},
                                  {b.data(), f32({80, 72})}};
  auto fromBlas = blasEngine.compile(matmul)->call("mm", args);
  auto fromCode = generatedEngine.compile(matmul)->call("mm", args);
  // Small integers: both sums are exact.
  for (int i = 0; i < 96; ++i)
    for (int j = 0; j < 72; ++j) {
      float expected = 0;
      for (int k = 0; k < 80; ++k)
        expected += a[i * 80 + k] * b[k * 72 + j];
      ASSERT_EQ(fromBlas[0].getDataAs<float>()[i * 72 + j], expected);
      ASSERT_EQ(fromCode[0].getDataAs<float>()[i * 72 + j], expected);
    }
}

} // namespace

TEST(EngineTest, RegistersOnlyTheDialectsCompilationUses) {
  // A compilation's context knows the dialects adjit programs are written
  // in and lowered through, not every upstream dialect.
  Engine engine;
  std::string message = errorOf([&] {
    engine.compile(R"mlir(
      func.func @f(%x: f32) -> complex<f32> {
        %z = complex.create %x, %x : complex<f32>
        return %z : complex<f32>
      })mlir",
                   "complex.mlir");
  });
  EXPECT_NE(message.find("jit::Engine: cannot parse the module:"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("complex.mlir:3:14: error: Dialect `complex' not "
                         "found for custom op 'complex.create'"),
            std::string::npos)
      << message;
}
