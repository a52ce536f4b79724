//===- Engine.h - the adjit JIT compiler and its compile cache --*- C++ -*-===//

#ifndef ADJIT_JIT_ENGINE_H
#define ADJIT_JIT_ENGINE_H

#include "adjit/Error.h"
#include "adjit/JIT/Buffer.h"
#include "adjit/JIT/Tier.h"

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

namespace detail {
class DiskCache;
class TierUpQueue;
std::string getDefaultDiskCacheDirectory();
Tiering getDefaultTiering();
uint64_t getDefaultTierUpAfterCalls();
uint64_t getDefaultDiskCacheMaxBytes();
} // namespace detail

/// Options of an Engine; those of code generation are part of every
/// compile-cache key.
struct EngineOptions {
  /// Matrix products with M*N*K at least this call OpenBLAS (0: never);
  /// -1 means the `adjit-to-llvm` default.
  int64_t blasMinFlops = -1;
  /// Elementwise ops with at least this many elements run on two OpenMP
  /// threads (0: never); -1 means the `adjit-to-llvm` default.
  int64_t parallelMinElements = -1;
  /// Polynomial f32 exp/log/tanh (see the adjit-to-llvm pipeline).
  bool approximateMath = true;
  /// LLVM optimization level of the optimized tier, 0 to 3.
  unsigned optLevel = 3;
  /// LLVM optimization level of the fast tier, 0 to 3 (see docs/jit.md,
  /// "Tiers", for the measurements behind the default).
  unsigned fastOptLevel = 0;
  /// Which tiers to compile: by default the fast tier, replaced on a
  /// background thread by the optimized tier (Tiering::Tiered), unless
  /// $ADJIT_TIERING is `optimized` (Tiering::OptimizedOnly) or `fast`
  /// (Tiering::FastOnly).
  Tiering tiering = detail::getDefaultTiering();
  /// With Tiering::Tiered, the number of calls of a module after which its
  /// optimized tier is compiled in the background; a module called fewer
  /// times keeps running its fast code and costs no optimized compile. 0 or 1
  /// queues the optimized compile right after the fast one. By default
  /// $ADJIT_TIER_UP_AFTER, else 2 (see docs/jit.md, "Tiers").
  uint64_t tierUpAfterCalls = detail::getDefaultTierUpAfterCalls();
  /// The directory of the persistent cache of compiled object code, shared
  /// by processes; empty turns it off. By default $ADJIT_CACHE_DIR, else
  /// $XDG_CACHE_HOME/adjit, else ~/.cache/adjit; ADJIT_CACHE=0 turns it off.
  std::string diskCacheDirectory = detail::getDefaultDiskCacheDirectory();
  /// The size of the persistent cache beyond which the least recently used
  /// entries are deleted; by default $ADJIT_CACHE_MAX_MB megabytes, else
  /// 1024 MB.
  uint64_t diskCacheMaxBytes = detail::getDefaultDiskCacheMaxBytes();
  /// The number of modules the in-process cache keeps; beyond it the least
  /// recently requested ones are dropped (modules still referenced, e.g. by
  /// a jit::CompiledFunction, stay valid and are freed with their last
  /// reference).
  uint64_t maxCachedModules = 256;
};

/// A module compiled to machine code: its public functions can be called
/// from any thread, any number of times.
class CompiledModule {
public:
  ~CompiledModule();
  CompiledModule(const CompiledModule &) = delete;
  CompiledModule &operator=(const CompiledModule &) = delete;

  /// Calls the public function `name` on `arguments`, whose types must match
  /// its signature exactly, and returns its results as owned buffers; sets
  /// `*tier` (if given) to the tier of the code that ran. Throws adjit::Error
  /// for an unknown function or a wrong number, element type or shape of
  /// arguments.
  std::vector<Buffer> call(std::string_view name,
                           const std::vector<BufferView> &arguments,
                           Tier *tier = nullptr) const;

  /// Calls the public function `name` as above, with its results in
  /// `results` (replacing its contents). The buffers of `results` are reused
  /// in place: a caller that keeps the list from call to call (releasing
  /// the buffers' elements in between, Buffer::releaseElements) makes calls
  /// that allocate nothing on the heap but what the compiled code does.
  void call(std::string_view name, const std::vector<BufferView> &arguments,
            std::vector<Buffer> &results, Tier *tier = nullptr) const;

  /// Returns the tier of the code calls run now: Tier::Fast until the
  /// optimized code of a tiered compile replaces it.
  Tier getTier() const;

  /// Returns whether the compile of the optimized tier was queued (by the
  /// compile itself or by the call that reached
  /// EngineOptions::tierUpAfterCalls); false for a module without one, e.g.
  /// loaded from the persistent cache at the optimized tier.
  bool isTierUpScheduled() const;

  /// Returns why the optimized tier is (or will be) compiled, e.g. "after 2
  /// calls" or "after the first compile"; empty if it never is.
  const std::string &getTierUpReason() const;

  /// Returns the signature of the public function `name`; throws
  /// adjit::Error if there is none.
  const FunctionSignature &getSignature(std::string_view name) const;

  /// Returns the public functions, in the order of the module.
  const std::vector<FunctionSignature> &getSignatures() const {
    return signatures;
  }

  /// Returns the key under which the engine caches this module.
  const std::string &getCacheKey() const { return cacheKey; }

  /// Returns whether the machine code was loaded from the persistent cache
  /// (instead of being generated by this process).
  bool isLoadedFromDisk() const { return loadedFromDisk; }

private:
  friend class Engine;
  struct Impl;
  CompiledModule(std::string cacheKey,
                 std::vector<FunctionSignature> signatures,
                 std::unique_ptr<Impl> impl);

  std::string cacheKey;
  std::vector<FunctionSignature> signatures;
  std::unique_ptr<Impl> impl;
  bool loadedFromDisk = false;
};

/// Compiles adjit modules through the `adjit-to-llvm` pipeline and LLVM into
/// in-process machine code, caching the results by a fingerprint of the
/// printed module and the options, in the process and (as object code) on
/// disk for later processes. With Tiering::Tiered (the default) a module is
/// first compiled fast and its optimized code, compiled on a background
/// thread, replaces the fast code atomically when ready (calls in flight
/// finish on the fast code). Thread-safe: several threads may compile and
/// call at once; concurrent compiles of one module compile it once.
/// Destroying the engine cancels the background compiles (modules keep the
/// tier they have).
class Engine {
  struct TierUpGate;

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

  /// Compiles `module` as the overload above does, under the cache key of
  /// `keyText` instead of the module's printed form. The module is then
  /// printed only if its fast tier is loaded from the persistent cache and
  /// must tier up from text. `keyText` must determine the module: for
  /// example its printed form before a deterministic change, with that
  /// change's parameters. Modules with equal `keyText` share one
  /// compilation.
  std::shared_ptr<const CompiledModule>
  compile(mlir::OwningOpRef<mlir::ModuleOp> module, std::string_view keyText);

  /// Parses and compiles a module given as MLIR text; diagnostics name the
  /// text `sourceName`. Throws adjit::Error carrying the diagnostics if
  /// parsing, lowering or code generation fails.
  std::shared_ptr<const CompiledModule>
  compile(std::string_view moduleText,
          std::string_view sourceName = "<adjit module>");

  /// Counts of compile requests answered from the in-process cache (hits)
  /// and not (misses), the number of modules in it, and of the misses those
  /// whose machine code was loaded from the persistent cache (diskHits) and
  /// those whose generated code was stored there (diskStores), and the
  /// modules dropped beyond EngineOptions::maxCachedModules (evictions).
  struct CacheStatistics {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
    uint64_t diskHits = 0;
    uint64_t diskStores = 0;
    uint64_t evictions = 0;
    /// Modules whose optimized code replaced their fast code.
    uint64_t tierUps = 0;
    /// Background compiles of the optimized tier queued or running.
    uint64_t pendingTierUps = 0;
  };
  CacheStatistics getCacheStatistics() const;

  /// Blocks until every background compile of the optimized tier asked for
  /// so far has finished (and its code replaced the fast code). A module
  /// called fewer than EngineOptions::tierUpAfterCalls times has asked for
  /// none yet: it keeps its fast code, and this does not wait for it.
  void waitForTierUps();

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
  /// Lowers `module`, printed as `text` (empty if not printed), in place and
  /// generates its code.
  std::shared_ptr<const CompiledModule>
  compileModule(mlir::ModuleOp module, std::string key, std::string_view text);
  /// Queues the compile of the optimized tier of `module` from `bitcode`
  /// (its LLVM IR before optimization) or, if empty, from `text`.
  void scheduleTierUp(const std::shared_ptr<const CompiledModule> &module,
                      std::string bitcode, std::string text);
  /// Queues the tier-up of `module` now if EngineOptions::tierUpAfterCalls
  /// is at most 1, else when its call count reaches it.
  void scheduleOrDeferTierUp(const std::shared_ptr<CompiledModule> &module,
                             std::string bitcode, std::string text);

  EngineOptions options;
  std::string pipelineOptions;
  std::unique_ptr<Cache> cache;
  std::unique_ptr<detail::DiskCache> diskCache;
  std::unique_ptr<detail::TierUpQueue> tierUps;
  /// Lets modules that outlive the engine reach the threshold safely.
  std::shared_ptr<TierUpGate> tierUpGate;
};

} // namespace adjit::jit

#endif // ADJIT_JIT_ENGINE_H
