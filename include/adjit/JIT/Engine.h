//===- Engine.h - the adjit JIT compiler and its compile cache --*- C++ -*-===//

#ifndef ADJIT_JIT_ENGINE_H
#define ADJIT_JIT_ENGINE_H

#include "adjit/Error.h"
#include "adjit/JIT/Buffer.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mlir {
class DialectRegistry;
class ModuleOp;
template <typename OpTy> class OwningOpRef;
} // namespace mlir

namespace adjit::jit {

/// The tensor signature of a public function of a compiled module.
struct FunctionSignature {
  std::string name;
  std::vector<TensorType> arguments;
  std::vector<TensorType> results;
  /// Empty if the JIT can call the function; otherwise why it cannot (an
  /// argument or result that is not a static f32/f64/i1/i64 tensor).
  std::string notCallableReason;

  /// Returns the MLIR spelling, e.g. `@f(tensor<2xf32>) -> (tensor<f32>)`.
  std::string str() const;
};

/// Options of an Engine; they are part of every compile-cache key.
struct EngineOptions {
  /// Matrix products with M*N*K at least this call OpenBLAS (0: never);
  /// -1 means the `adjit-to-llvm` default.
  int64_t blasMinFlops = -1;
  /// Elementwise ops with at least this many elements run on two OpenMP
  /// threads (0: never); -1 means the `adjit-to-llvm` default.
  int64_t parallelMinElements = -1;
  /// Polynomial f32 exp/log/tanh (see the adjit-to-llvm pipeline).
  bool approximateMath = true;
  /// LLVM optimization level of the generated code, 0 to 3.
  unsigned optLevel = 3;
};

/// A module compiled to machine code: its public functions can be called
/// from any thread, any number of times.
class CompiledModule {
public:
  ~CompiledModule();
  CompiledModule(const CompiledModule &) = delete;
  CompiledModule &operator=(const CompiledModule &) = delete;

  /// Calls the public function `name` on `arguments`, whose types must match
  /// its signature exactly, and returns its results as owned buffers. Throws
  /// adjit::Error for an unknown function or a wrong number, element type or
  /// shape of arguments.
  std::vector<Buffer> call(std::string_view name,
                           const std::vector<BufferView> &arguments) const;

  /// Returns the signature of the public function `name`; throws
  /// adjit::Error if there is none.
  const FunctionSignature &getSignature(std::string_view name) const;

  /// Returns the public functions, in the order of the module.
  const std::vector<FunctionSignature> &getSignatures() const {
    return signatures;
  }

  /// Returns the key under which the engine caches this module.
  const std::string &getCacheKey() const { return cacheKey; }

private:
  friend class Engine;
  struct Impl;
  CompiledModule(std::string cacheKey,
                 std::vector<FunctionSignature> signatures,
                 std::unique_ptr<Impl> impl);

  std::string cacheKey;
  std::vector<FunctionSignature> signatures;
  std::unique_ptr<Impl> impl;
};

/// Compiles adjit modules through the `adjit-to-llvm` pipeline and LLVM into
/// in-process machine code (mlir::ExecutionEngine), caching the results by a
/// fingerprint of the printed module and the options. Thread-safe: several
/// threads may compile and call at once; concurrent compiles of one module
/// compile it once.
class Engine {
public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine &) = delete;
  Engine &operator=(const Engine &) = delete;

  /// Compiles `module` (printed, so it may live in any context). Throws
  /// adjit::Error carrying the diagnostics if lowering or code generation
  /// fails.
  std::shared_ptr<const CompiledModule> compile(mlir::ModuleOp module);

  /// Compiles `module` without printing and parsing it again: the engine
  /// takes it over and lowers it in place, in its own context, which must
  /// have been made from getDialectRegistry() and must not be used by other
  /// threads until this returns (the context may be destroyed afterwards;
  /// the compiled code does not refer to it). The cache key is that of the
  /// printed module, as for the other overloads. Throws adjit::Error carrying
  /// the diagnostics if lowering or code generation fails.
  std::shared_ptr<const CompiledModule>
  compile(mlir::OwningOpRef<mlir::ModuleOp> module);

  /// Parses and compiles a module given as MLIR text; diagnostics name the
  /// text `sourceName`. Throws adjit::Error carrying the diagnostics if
  /// parsing, lowering or code generation fails.
  std::shared_ptr<const CompiledModule>
  compile(std::string_view moduleText,
          std::string_view sourceName = "<adjit module>");

  /// Counts of compile requests answered from the cache (hits) and compiled
  /// (misses), and the number of cached modules.
  struct CacheStatistics {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
  };
  CacheStatistics getCacheStatistics() const;

  /// Drops every cached module (modules still referenced stay valid).
  void clearCache();

  /// Returns the dialects, external models and LLVM IR translations that
  /// compiling a module needs: the adjit dialect and those the adjit-to-llvm
  /// pipeline lowers through, no others. Contexts of modules given to
  /// compile(OwningOpRef) are made from it.
  static const mlir::DialectRegistry &getDialectRegistry();

  /// Returns the `adjit-to-llvm` options this engine compiles with, in
  /// pipeline syntax, e.g. `{approximate-math=true blas-min-flops=262145}`.
  const std::string &getPipelineOptions() const { return pipelineOptions; }

private:
  struct Cache;
  /// Returns the cached module of `key`, or the one `compileMiss` makes
  /// (once, however many threads ask at the same time).
  std::shared_ptr<const CompiledModule>
  compileCached(const std::string &key,
                const std::function<std::shared_ptr<const CompiledModule>()>
                    &compileMiss);
  std::shared_ptr<const CompiledModule>
  compileUncached(std::string_view text, std::string_view sourceName,
                  std::string key);
  /// Lowers `module` in place and generates its code.
  std::shared_ptr<const CompiledModule> compileModule(mlir::ModuleOp module,
                                                      std::string key);

  EngineOptions options;
  std::string pipelineOptions;
  std::unique_ptr<Cache> cache;
};

} // namespace adjit::jit

#endif // ADJIT_JIT_ENGINE_H
