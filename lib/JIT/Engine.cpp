//===- Engine.cpp - the adjit JIT compiler and its compile cache ----------===//
//
// Compiles through the adjit-to-llvm pipeline in a fresh MLIRContext per
// module (so diagnostics of concurrent compiles never mix), generates object
// code for one tier (lib/JIT/CodeGenerator.h), links it (ObjectLinker.h) and
// calls the `_mlir_<name>` packed wrappers with expanded memref descriptors.
// A tiered compile hands the module's LLVM IR, as bitcode, to a background
// thread (TierUpQueue.h) that generates the optimized tier and publishes it
// with one atomic store of a pointer. No exception ever crosses an MLIR or
// LLVM frame: failures come back as LogicalResult / llvm::Error with
// diagnostics collected into a string, and are thrown here afterwards.
//
//===----------------------------------------------------------------------===//

#include "adjit/JIT/Engine.h"

#include "BufferAllocator.h"
#include "CodeGenerator.h"
#include "DiskCache.h"
#include "ObjectLinker.h"
#include "TierUpQueue.h"

#include "adjit/InitAll.h"
#include "adjit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <future>
#include <list>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <mutex>
#include <unordered_map>

using namespace adjit::jit;

namespace {

/// The dialects, extensions and LLVM IR translations every compile needs,
/// built once.
const mlir::DialectRegistry &getRegistry() {
  static const mlir::DialectRegistry *registry = [] {
    auto *result = new mlir::DialectRegistry();
    mlir::adjit::registerCompilationDialects(*result);
    mlir::registerBuiltinDialectTranslation(*result);
    mlir::registerLLVMDialectTranslation(*result);
    mlir::registerOpenMPDialectTranslation(*result);
    return result;
  }();
  return *registry;
}

void initializeNativeTarget() {
  static std::once_flag once;
  std::call_once(once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

/// Collects every diagnostic emitted in a context into one string.
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext *context)
      : handler(context, [this](mlir::Diagnostic &diagnostic) {
          append(diagnostic);
          return mlir::success();
        }) {}

  const std::string &getText() const { return text; }

private:
  /// Prints `file:line:col` like the MLIR tools, or the location as is.
  static void printLocation(llvm::raw_ostream &os, mlir::Location location) {
    if (auto fileLocation = location->findInstanceOf<mlir::FileLineColLoc>()) {
      os << fileLocation.getFilename().getValue() << ":"
         << fileLocation.getLine() << ":" << fileLocation.getColumn();
      return;
    }
    os << location;
  }

  void append(mlir::Diagnostic &diagnostic) {
    llvm::raw_string_ostream os(text);
    printLocation(os, diagnostic.getLocation());
    os << ": ";
    switch (diagnostic.getSeverity()) {
    case mlir::DiagnosticSeverity::Error:
      os << "error: ";
      break;
    case mlir::DiagnosticSeverity::Warning:
      os << "warning: ";
      break;
    case mlir::DiagnosticSeverity::Note:
      os << "note: ";
      break;
    case mlir::DiagnosticSeverity::Remark:
      os << "remark: ";
      break;
    }
    os << diagnostic << "\n";
    for (mlir::Diagnostic &note : diagnostic.getNotes()) {
      os << "  ";
      printLocation(os, note.getLocation());
      os << ": note: " << note << "\n";
    }
  }

  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

/// Returns the JIT's view of `type`, or nothing if it is not a statically
/// shaped tensor of f32, f64, i1 or i64.
std::optional<TensorType> toTensorType(mlir::Type type) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  TensorType result;
  mlir::Type element = tensor.getElementType();
  if (element.isF32())
    result.elementType = ElementType::F32;
  else if (element.isF64())
    result.elementType = ElementType::F64;
  else if (element.isInteger(1))
    result.elementType = ElementType::I1;
  else if (element.isSignlessInteger(64))
    result.elementType = ElementType::I64;
  else
    return std::nullopt;
  result.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return result;
}

std::string printType(mlir::Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// Returns `op` in MLIR's textual form.
std::string printOperation(mlir::Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os);
  return text;
}

/// Collects the signatures of the public functions with a body.
std::vector<FunctionSignature> collectSignatures(mlir::ModuleOp module) {
  std::vector<FunctionSignature> signatures;
  for (auto func : module.getOps<mlir::func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    FunctionSignature signature;
    signature.name = func.getSymName().str();
    auto collect = [&](mlir::TypeRange types, std::vector<TensorType> &into,
                       const char *kind) {
      for (auto [index, type] : llvm::enumerate(types)) {
        std::optional<TensorType> tensor = toTensorType(type);
        if (tensor && tensor->getSizeInBytes()) {
          into.push_back(*tensor);
          continue;
        }
        if (signature.notCallableReason.empty())
          signature.notCallableReason =
              std::string(kind) + " #" + std::to_string(index) + " has type " +
              printType(type) +
              (tensor ? ", whose size in bytes overflows int64"
                      : ", but the JIT passes only statically shaped tensors "
                        "of f32, f64, i1 or i64");
      }
    };
    collect(func.getArgumentTypes(), signature.arguments, "argument");
    collect(func.getResultTypes(), signature.results, "result");
    signatures.push_back(std::move(signature));
  }
  return signatures;
}

std::string fingerprint(std::string_view text, std::string_view options) {
  llvm::SHA256 hash;
  hash.update(llvm::StringRef(options.data(), options.size()));
  hash.update(llvm::StringRef("\n", 1));
  hash.update(llvm::StringRef(text.data(), text.size()));
  std::array<uint8_t, 32> digest = hash.final();
  return llvm::toHex(digest, /*LowerCase=*/true);
}

bool isRowMajor(llvm::ArrayRef<int64_t> shape,
                llvm::ArrayRef<int64_t> strides) {
  int64_t expected = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] != 1 && strides[d] != expected)
      return false;
    expected *= shape[d];
  }
  return true;
}

/// Copies the strided elements at `base` into the row-major `destination`.
void copyToRowMajor(const char *base, llvm::ArrayRef<int64_t> shape,
                    llvm::ArrayRef<int64_t> strides, size_t elementSize,
                    char *destination) {
  int64_t count = 1;
  for (int64_t size : shape)
    count *= size;
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t linear = 0; linear < count; ++linear) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      offset += index[d] * strides[d];
    std::memcpy(destination + linear * elementSize, base + offset * elementSize,
                elementSize);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

std::string describeTypes(const std::vector<TensorType> &types) {
  std::string text = "(";
  for (size_t i = 0; i < types.size(); ++i)
    text += (i ? ", " : "") + types[i].str();
  return text + ")";
}

} // namespace

//===----------------------------------------------------------------------===//
// FunctionSignature
//===----------------------------------------------------------------------===//

std::string FunctionSignature::str() const {
  return "@" + name + describeTypes(arguments) + " -> " +
         describeTypes(results);
}

//===----------------------------------------------------------------------===//
// CompiledModule
//===----------------------------------------------------------------------===//

namespace {
using EntryPoint = void (*)(void **);

/// The linked code of one tier of a module.
struct TierCode {
  Tier tier;
  std::unique_ptr<llvm::orc::LLJIT> linked;
  /// The packed entry point of each signature; null for those the JIT cannot
  /// call.
  std::vector<EntryPoint> entryPoints;

  ~TierCode() {
    if (linked)
      llvm::consumeError(linked->deinitialize(linked->getMainJITDylib()));
  }
};
} // namespace

struct CompiledModule::Impl {
  /// The code the module was compiled with, kept while the module lives so
  /// that calls in flight during a tier-up finish on it.
  std::unique_ptr<TierCode> first;
  /// The optimized code of a tier-up, written once before `current` points
  /// to it.
  std::unique_ptr<TierCode> optimized;
  /// The code calls run.
  std::atomic<const TierCode *> current{nullptr};
  /// The compiled name of each function (see prefixDefinedFunctions).
  llvm::StringMap<std::string> compiledNames;
  /// The call count that runs `deferredTierUp`; 0 if none is deferred. Set
  /// before the module is shared.
  uint64_t tierUpAfterCalls = 0;
  /// Calls counted while the tier-up waits for them.
  std::atomic<uint64_t> calls{0};
  /// Queues the tier-up; run once, by the call that reaches the threshold.
  std::function<void()> deferredTierUp;
  /// Whether the tier-up was queued.
  std::atomic<bool> tierUpScheduled{false};
  /// Why the tier-up is queued; set before the module is shared.
  std::string tierUpReason;

  /// Counts a call and queues the deferred tier-up on reaching the
  /// threshold, exactly once. Allocation-free but for that one call; after
  /// it, one relaxed load.
  void countCall() {
    if (tierUpAfterCalls == 0 ||
        calls.load(std::memory_order_relaxed) >= tierUpAfterCalls ||
        calls.fetch_add(1, std::memory_order_relaxed) + 1 != tierUpAfterCalls)
      return;
    std::function<void()> schedule = std::move(deferredTierUp);
    deferredTierUp = nullptr;
    schedule();
  }
};

CompiledModule::CompiledModule(std::string cacheKey,
                               std::vector<FunctionSignature> signatures,
                               std::unique_ptr<Impl> impl)
    : cacheKey(std::move(cacheKey)), signatures(std::move(signatures)),
      impl(std::move(impl)) {}

CompiledModule::~CompiledModule() = default;

const FunctionSignature &
CompiledModule::getSignature(std::string_view name) const {
  for (const FunctionSignature &signature : signatures)
    if (signature.name == name)
      return signature;
  std::string known;
  for (const FunctionSignature &signature : signatures)
    known += (known.empty() ? "@" : ", @") + signature.name;
  throw adjit::Error(
      "jit::Engine: the module has no public function @" + std::string(name) +
      "; its public functions are: " + (known.empty() ? "(none)" : known));
}

Tier CompiledModule::getTier() const {
  return impl->current.load(std::memory_order_acquire)->tier;
}

bool CompiledModule::isTierUpScheduled() const {
  return impl->tierUpScheduled.load(std::memory_order_acquire);
}

const std::string &CompiledModule::getTierUpReason() const {
  return impl->tierUpReason;
}

std::vector<Buffer>
CompiledModule::call(std::string_view name,
                     const std::vector<BufferView> &arguments,
                     Tier *tier) const {
  std::vector<Buffer> results;
  call(name, arguments, results, tier);
  return results;
}

void CompiledModule::call(std::string_view name,
                          const std::vector<BufferView> &arguments,
                          std::vector<Buffer> &buffers, Tier *tier) const {
  const FunctionSignature &signature = getSignature(name);
  if (!signature.notCallableReason.empty())
    throw adjit::Error("jit::Engine: cannot call @" + signature.name + ": " +
                       signature.notCallableReason);
  if (arguments.size() != signature.arguments.size())
    throw adjit::Error("jit::Engine: @" + signature.name + " takes " +
                       std::to_string(signature.arguments.size()) +
                       " argument(s) " + describeTypes(signature.arguments) +
                       ", but " + std::to_string(arguments.size()) +
                       " were passed");

  // Expanded memref descriptors of the arguments: allocated pointer, aligned
  // pointer, offset, sizes, strides, one 64-bit word each.
  size_t argumentWords = 0;
  for (const TensorType &type : signature.arguments)
    argumentWords += 3 + 2 * type.shape.size();
  // Lists of the thread's own, kept with their capacity: steady-state calls
  // allocate nothing here, however many arguments and results (no call
  // nests in another on one thread: compiled code calls no function back).
  struct CallLists {
    std::vector<int64_t> words;
    std::vector<int64_t> results;
    std::vector<void *> packed;
    std::vector<void *> adopted;
  };
  thread_local CallLists lists;
  // Written through a pointer: pushed, each word would reload the list's
  // end from the thread's storage.
  std::vector<int64_t> &words = lists.words;
  words.resize(argumentWords);
  int64_t *next = words.data();
  std::vector<std::vector<char>> copies;
  for (size_t i = 0; i < arguments.size(); ++i) {
    const BufferView &argument = arguments[i];
    const TensorType &expected = signature.arguments[i];
    if (argument.type != expected)
      throw adjit::Error("jit::Engine: argument #" + std::to_string(i) +
                         " of @" + signature.name + " is a " +
                         argument.type.str() + ", but @" + signature.name +
                         " expects a " + expected.str());
    size_t elementSize = getElementSize(expected.elementType);
    const void *data = argument.data;
    if (!data && expected.getNumElements() > 0)
      throw adjit::Error("jit::Engine: argument #" + std::to_string(i) +
                         " of @" + signature.name + " (" + expected.str() +
                         ") has no data (null pointer)");
    if (!argument.strides.empty()) {
      if (argument.strides.size() != expected.shape.size())
        throw adjit::Error("jit::Engine: argument #" + std::to_string(i) +
                           " of @" + signature.name + " (" + expected.str() +
                           ") has " + std::to_string(argument.strides.size()) +
                           " strides; a buffer of rank " +
                           std::to_string(expected.shape.size()) +
                           " needs that many, or none for a row-major buffer");
      if (!isRowMajor(expected.shape, argument.strides)) {
        copies.emplace_back(
            std::max<size_t>(1, expected.getNumElements() * elementSize));
        copyToRowMajor(static_cast<const char *>(data), expected.shape,
                       argument.strides, elementSize, copies.back().data());
        data = copies.back().data();
      }
    }
    auto pointer = reinterpret_cast<int64_t>(data);
    *next++ = pointer;
    *next++ = pointer;
    *next++ = 0;
    size_t rank = expected.shape.size();
    next = std::copy(expected.shape.begin(), expected.shape.end(), next);
    int64_t stride = 1;
    for (size_t d = rank; d-- > 0;) {
      next[d] = stride;
      stride *= expected.shape[d];
    }
    next += rank;
  }

  // The results come back as one struct of descriptors, all 64-bit fields.
  size_t resultWords = 0;
  for (const TensorType &type : signature.results)
    resultWords += 3 + 2 * type.shape.size();
  std::vector<int64_t> &results = lists.results;
  results.assign(resultWords, 0);

  std::vector<void *> &packed = lists.packed;
  packed.resize(words.size() + (signature.results.empty() ? 0 : 1));
  void **slot = packed.data();
  for (int64_t &argumentWord : words)
    *slot++ = &argumentWord;
  if (!signature.results.empty())
    *slot = results.data();
  impl->countCall();
  const TierCode *code = impl->current.load(std::memory_order_acquire);
  code->entryPoints[&signature - signatures.data()](packed.data());
  if (tier)
    *tier = code->tier;

  // Adopt the result allocations; a buffer returned twice is copied. The
  // buffers already in the list are reused in place.
  size_t numResults = signature.results.size();
  if (buffers.size() > numResults)
    buffers.erase(buffers.begin() + numResults, buffers.end());
  std::vector<void *> &adopted = lists.adopted;
  adopted.clear();
  size_t word = 0;
  for (size_t index = 0; index < numResults; ++index) {
    const TensorType &type = signature.results[index];
    size_t rank = type.shape.size();
    void *allocation = reinterpret_cast<void *>(results[word]);
    char *aligned = reinterpret_cast<char *>(results[word + 1]);
    int64_t offset = results[word + 2];
    llvm::ArrayRef<int64_t> strides =
        llvm::ArrayRef<int64_t>(results).slice(word + 3 + rank, rank);
    word += 3 + 2 * rank;
    size_t elementSize = getElementSize(type.elementType);
    char *data = aligned + offset * elementSize;
    bool alreadyAdopted =
        std::find(adopted.begin(), adopted.end(), allocation) != adopted.end();
    if (!alreadyAdopted && isRowMajor(type.shape, strides)) {
      adopted.push_back(allocation);
      if (index < buffers.size())
        buffers[index].readopt(type, allocation, data);
      else
        buffers.push_back(Buffer::adopt(type, allocation, data));
      continue;
    }
    Buffer copy(type);
    copyToRowMajor(data, type.shape, strides, elementSize,
                   static_cast<char *>(copy.getData()));
    if (!alreadyAdopted)
      detail::deallocateBuffer(allocation);
    if (index < buffers.size())
      buffers[index] = std::move(copy);
    else
      buffers.push_back(std::move(copy));
  }
}

//===----------------------------------------------------------------------===//
// Engine
//===----------------------------------------------------------------------===//

namespace {
/// Sets `pipeline` to the `adjit-to-llvm` options of an engine's options
/// (-1 keeps a default); the pipeline's options cannot be copied.
void setPipelineOptions(const EngineOptions &options,
                        mlir::adjit::AdjitToLLVMOptions &pipeline) {
  if (options.blasMinFlops >= 0)
    pipeline.blasMinFlops = options.blasMinFlops;
  if (options.parallelMinElements >= 0)
    pipeline.parallelMinElements = options.parallelMinElements;
  pipeline.approximateMath = options.approximateMath;
  // The engine binds the generic allocation functions to its recycling
  // allocator (lib/JIT/BufferAllocator.h).
  pipeline.genericAllocation = true;
}
} // namespace

struct Engine::Cache {
  using Entry = std::shared_future<std::shared_ptr<const CompiledModule>>;
  /// Keys from the most to the least recently used.
  using Recency = std::list<std::string>;
  struct Slot {
    Entry entry;
    Recency::iterator position;
  };
  mutable std::mutex mutex;
  std::unordered_map<std::string, Slot> modules;
  Recency recency;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t diskHits = 0;
  uint64_t diskStores = 0;
  uint64_t evictions = 0;
  uint64_t tierUps = 0;

  /// Drops the least recently used finished modules beyond `maxModules`
  /// (compiles in flight stay). Called with `mutex` held.
  void evictBeyond(uint64_t maxModules) {
    for (auto it = recency.end();
         modules.size() > maxModules && it != recency.begin();) {
      --it;
      Slot &slot = modules.at(*it);
      if (slot.entry.wait_for(std::chrono::seconds(0)) !=
          std::future_status::ready)
        continue;
      modules.erase(*it);
      it = recency.erase(it);
      ++evictions;
    }
  }
};

Tiering adjit::jit::detail::getDefaultTiering() {
  const char *value = std::getenv("ADJIT_TIERING");
  if (!value || !*value || std::strcmp(value, "tiered") == 0)
    return Tiering::Tiered;
  if (std::strcmp(value, "optimized") == 0)
    return Tiering::OptimizedOnly;
  if (std::strcmp(value, "fast") == 0)
    return Tiering::FastOnly;
  throw adjit::Error("jit::Engine: ADJIT_TIERING is '" + std::string(value) +
                     "'; expected fast, tiered or optimized");
}

uint64_t adjit::jit::detail::getDefaultTierUpAfterCalls() {
  const char *value = std::getenv("ADJIT_TIER_UP_AFTER");
  if (!value || !*value)
    return 2;
  char *end = nullptr;
  errno = 0;
  unsigned long long calls = std::strtoull(value, &end, 10);
  if (*end != '\0' || errno == ERANGE || !std::isdigit(value[0]))
    throw adjit::Error("jit::Engine: ADJIT_TIER_UP_AFTER is '" +
                       std::string(value) +
                       "'; expected a number of calls (0 or 1: tier up right "
                       "after the first compile)");
  return calls;
}

/// The engine, for modules that reach their tier-up threshold; reset by the
/// engine's destructor, after which they keep their fast code.
struct Engine::TierUpGate {
  std::mutex mutex;
  Engine *engine = nullptr;
};

namespace {
void warmUpTierUps(const EngineOptions &options);
} // namespace

Engine::Engine(EngineOptions options)
    : options(options), cache(std::make_unique<Cache>()) {
  for (auto [field, level] : {std::pair{"optLevel", options.optLevel},
                              std::pair{"fastOptLevel", options.fastOptLevel}})
    if (level > 3)
      throw adjit::Error("jit::Engine: " + std::string(field) + " " +
                         std::to_string(level) +
                         " is not an LLVM optimization level (0 to 3)");
  mlir::adjit::AdjitToLLVMOptions pipeline;
  setPipelineOptions(options, pipeline);
  pipelineOptions = pipeline.str() + " O" + std::to_string(options.optLevel);
  if (!options.diskCacheDirectory.empty())
    diskCache = std::make_unique<detail::DiskCache>(options.diskCacheDirectory,
                                                    options.diskCacheMaxBytes);
  if (options.tiering == Tiering::Tiered) {
    tierUps = std::make_unique<detail::TierUpQueue>(
        [options] { warmUpTierUps(options); });
    tierUpGate = std::make_shared<TierUpGate>();
    tierUpGate->engine = this;
  }
}

Engine::~Engine() {
  // No tier-up may be queued from now on, and no background compile may
  // outlive the engine's caches.
  if (tierUpGate) {
    std::lock_guard<std::mutex> lock(tierUpGate->mutex);
    tierUpGate->engine = nullptr;
  }
  if (tierUps)
    tierUps->stop();
}

void Engine::waitForTierUps() {
  if (tierUps)
    tierUps->waitUntilIdle();
}

const mlir::DialectRegistry &Engine::getDialectRegistry() {
  return getRegistry();
}

std::shared_ptr<const CompiledModule> Engine::compile(mlir::ModuleOp module) {
  return compile(std::string_view(printOperation(module)));
}

std::shared_ptr<const CompiledModule>
Engine::compile(mlir::OwningOpRef<mlir::ModuleOp> module) {
  std::string text = printOperation(*module);
  std::string key = fingerprint(text, pipelineOptions);
  return compileCached(key, [&] { return compileModule(*module, key, text); });
}

std::shared_ptr<const CompiledModule>
Engine::compile(mlir::OwningOpRef<mlir::ModuleOp> module,
                std::string_view keyText) {
  // Kept apart from the keys of printed modules, which a key text could
  // equal without determining the same module.
  std::string key = fingerprint(keyText, pipelineOptions + "\nkey text");
  return compileCached(key, [&] { return compileModule(*module, key, ""); });
}

std::shared_ptr<const CompiledModule>
Engine::compile(std::string_view moduleText, std::string_view sourceName) {
  std::string key = fingerprint(moduleText, pipelineOptions);
  return compileCached(
      key, [&] { return compileUncached(moduleText, sourceName, key); });
}

std::shared_ptr<const CompiledModule> Engine::compileCached(
    const std::string &key,
    const std::function<std::shared_ptr<const CompiledModule>()> &compileMiss) {
  std::promise<std::shared_ptr<const CompiledModule>> promise;
  Cache::Entry entry;
  bool compileHere = false;
  {
    std::lock_guard<std::mutex> lock(cache->mutex);
    auto found = cache->modules.find(key);
    if (found != cache->modules.end()) {
      ++cache->hits;
      entry = found->second.entry;
      cache->recency.splice(cache->recency.begin(), cache->recency,
                            found->second.position);
    } else {
      ++cache->misses;
      entry = promise.get_future().share();
      cache->recency.push_front(key);
      cache->modules.emplace(key, Cache::Slot{entry, cache->recency.begin()});
      compileHere = true;
    }
  }
  if (compileHere) {
    try {
      promise.set_value(compileMiss());
      std::lock_guard<std::mutex> lock(cache->mutex);
      cache->evictBeyond(options.maxCachedModules);
    } catch (...) {
      // Failures are not cached: the waiting threads see this error, a later
      // compile tries again.
      promise.set_exception(std::current_exception());
      std::lock_guard<std::mutex> lock(cache->mutex);
      auto failed = cache->modules.find(key);
      if (failed != cache->modules.end()) {
        cache->recency.erase(failed->second.position);
        cache->modules.erase(failed);
      }
    }
  }
  return entry.get();
}

namespace {
/// Prefix of the symbols of the functions a module defines, once compiled.
constexpr llvm::StringLiteral kDefinedFunctionPrefix = "__adjit_";

/// Returns the name each function `module` defines takes once compiled:
/// kDefinedFunctionPrefix + name, so that none takes the name of a C library
/// function the generated code calls (a module defining @exp would otherwise
/// receive the calls that the lowered code makes to libm's exp). A name that
/// another symbol has (@f when the module also defines @__adjit_f) gets a
/// numeric suffix. Changes nothing; renameDefinedFunctions applies the names.
llvm::StringMap<std::string> getCompiledNames(mlir::ModuleOp module) {
  llvm::StringMap<std::string> newNames;
  mlir::SymbolTable symbols(module);
  llvm::StringSet<> taken;
  for (auto function : module.getOps<mlir::func::FuncOp>()) {
    if (function.isExternal())
      continue;
    std::string oldName = function.getSymName().str();
    std::string newName = (kDefinedFunctionPrefix + oldName).str();
    for (unsigned suffix = 0;
         symbols.lookup(newName) || taken.contains(newName); ++suffix)
      newName =
          (kDefinedFunctionPrefix + oldName + "_" + llvm::Twine(suffix)).str();
    taken.insert(newName);
    newNames[oldName] = newName;
  }
  return newNames;
}

/// Renames the functions of `module` to `compiledNames` (getCompiledNames).
void renameDefinedFunctions(mlir::ModuleOp module,
                            const llvm::StringMap<std::string> &compiledNames) {
  mlir::SymbolTable symbols(module);
  for (auto function :
       llvm::make_early_inc_range(module.getOps<mlir::func::FuncOp>())) {
    auto newName = compiledNames.find(function.getSymName());
    if (function.isExternal() || newName == compiledNames.end())
      continue;
    // Renaming cannot fail here: the new name is free and every use is a
    // plain symbol reference in this module.
    (void)symbols.rename(function, newName->second);
  }
}

/// Renames the functions `module` defines to their compiled names; returns
/// the new name of each by its old one.
llvm::StringMap<std::string> prefixDefinedFunctions(mlir::ModuleOp module) {
  llvm::StringMap<std::string> newNames = getCompiledNames(module);
  renameDefinedFunctions(module, newNames);
  return newNames;
}
} // namespace

std::shared_ptr<const CompiledModule>
Engine::compileUncached(std::string_view text, std::string_view sourceName,
                        std::string key) {
  mlir::MLIRContext context(getRegistry(),
                            mlir::MLIRContext::Threading::DISABLED);
  std::string parseErrors;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  {
    DiagnosticCollector diagnostics(&context);
    module = mlir::parseSourceString<mlir::ModuleOp>(
        llvm::StringRef(text.data(), text.size()), mlir::ParserConfig(&context),
        llvm::StringRef(sourceName.data(), sourceName.size()));
    parseErrors = diagnostics.getText();
  }
  if (!module)
    throw adjit::Error("jit::Engine: cannot parse the module:\n" + parseErrors);
  return compileModule(*module, std::move(key), text);
}

namespace {
/// What generated code calls besides the JIT's runtime: the MLIR runner
/// utilities (memrefCopy for strided copies, the printMemref* functions that
/// test programs call) and libomp for the parallel loops of large
/// elementwise ops.
llvm::SmallVector<llvm::StringRef> getSharedLibraries() {
  return {ADJIT_MLIR_C_RUNNER_UTILS, ADJIT_MLIR_RUNNER_UTILS, ADJIT_LIBOMP};
}

/// Links `object` as the code of `tier` of a module with `signatures`, whose
/// functions were renamed to `compiledNames`.
llvm::Expected<std::unique_ptr<TierCode>>
linkTier(std::unique_ptr<llvm::MemoryBuffer> object, Tier tier,
         const std::vector<FunctionSignature> &signatures,
         const llvm::StringMap<std::string> &compiledNames) {
  auto linked = detail::linkObject(std::move(object), getSharedLibraries());
  if (!linked)
    return linked.takeError();
  auto code = std::make_unique<TierCode>();
  code->tier = tier;
  code->linked = std::move(*linked);
  for (const FunctionSignature &signature : signatures) {
    if (!signature.notCallableReason.empty()) {
      code->entryPoints.push_back(nullptr);
      continue;
    }
    auto address =
        code->linked->lookup(("_mlir_" + compiledNames.lookup(signature.name)));
    if (!address)
      return llvm::createStringError("cannot find the compiled @" +
                                     signature.name + ": " +
                                     llvm::toString(address.takeError()));
    code->entryPoints.push_back(address->toPtr<EntryPoint>());
  }
  return std::move(code);
}

/// The key of the fast tier's entry in the persistent cache.
std::string getFastTierDiskKey(const std::string &key, unsigned fastOptLevel) {
  return key + " fast-tier O" + std::to_string(fastOptLevel);
}

/// The wall and thread CPU seconds of a compile stage, since construction.
class StageTimer {
public:
  StageTimer()
      : wallStart(std::chrono::steady_clock::now()), cpuStart(threadCpu()) {}
  double wallSeconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         wallStart)
        .count();
  }
  double cpuSeconds() const { return threadCpu() - cpuStart; }

private:
  static double threadCpu() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) +
           1e-9 * static_cast<double>(ts.tv_nsec);
  }
  std::chrono::steady_clock::time_point wallStart;
  double cpuStart;
};

/// Lowers `module` in place with the `adjit-to-llvm` pipeline of `options`
/// and translates it to LLVM IR in `context`; throws adjit::Error with the
/// diagnostics `diagnostics` collected if either fails. Returns the wall and
/// thread CPU seconds the pipeline took in `pipelineSeconds` and
/// `pipelineCpuSeconds`.
std::unique_ptr<llvm::Module>
lowerToLLVMIR(mlir::ModuleOp module, const EngineOptions &options,
              llvm::LLVMContext &context,
              const DiagnosticCollector &diagnostics, double &pipelineSeconds,
              double &pipelineCpuSeconds) {
  mlir::adjit::AdjitToLLVMOptions pipeline;
  setPipelineOptions(options, pipeline);
  // The tier-up compiles the fast tier's LLVM IR, the same as the full
  // pipeline's on the programs checked (docs/jit.md, "Tiers"); so the cache
  // key (the constructor's pipeline options) leaves this out.
  pipeline.fastTier = options.tiering != Tiering::OptimizedOnly;
  mlir::PassManager pm(module->getContext());
  mlir::adjit::buildAdjitToLLVMPipeline(pm, pipeline);
  // The module is verified once, after the pipeline, rather than after each
  // of its passes (which cost as much as the passes themselves): its input
  // was verified when it was parsed or differentiated, and `adjit-opt`, which
  // the tests and ADJIT_DUMP_IR's replays run, verifies after every pass.
  pm.enableVerifier(false);
  StageTimer timer;
  if (mlir::failed(pm.run(module)) || mlir::failed(mlir::verify(module)))
    throw adjit::Error("jit::Engine: the adjit-to-llvm pipeline failed:\n" +
                       diagnostics.getText());
  pipelineSeconds = timer.wallSeconds();
  pipelineCpuSeconds = timer.cpuSeconds();
  auto translated = detail::translateToLLVMIR(module, context);
  if (!translated)
    throw adjit::Error("jit::Engine: LLVM code generation failed: " +
                       llvm::toString(translated.takeError()) + "\n" +
                       diagnostics.getText());
  return std::move(*translated);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

/// Generates the optimized tier's object code of a module from its LLVM IR
/// as `bitcode`, or, if there is none, from its `text`, lowered again in a
/// context of this thread; throws adjit::Error.
std::unique_ptr<llvm::MemoryBuffer>
generateOptimizedObject(const EngineOptions &options,
                        const std::string &bitcode, const std::string &text,
                        const std::atomic<bool> &cancelled) {
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule;
  if (!bitcode.empty()) {
    auto read = detail::readBitcode(bitcode, context);
    if (!read)
      throw adjit::Error(llvm::toString(read.takeError()));
    llvmModule = std::move(*read);
  } else {
    mlir::MLIRContext mlirContext(getRegistry(),
                                  mlir::MLIRContext::Threading::DISABLED);
    DiagnosticCollector diagnostics(&mlirContext);
    auto parsed = mlir::parseSourceString<mlir::ModuleOp>(
        text, mlir::ParserConfig(&mlirContext));
    if (!parsed)
      throw adjit::Error("cannot parse the module:\n" + diagnostics.getText());
    // The same names as the first compile gave (the same module).
    (void)prefixDefinedFunctions(*parsed);
    double pipelineSeconds = 0, pipelineCpuSeconds = 0;
    llvmModule = lowerToLLVMIR(*parsed, options, context, diagnostics,
                               pipelineSeconds, pipelineCpuSeconds);
  }
  auto object =
      detail::generateObject(*llvmModule, options.optLevel, &cancelled);
  if (!object)
    throw adjit::Error(llvm::toString(object.takeError()));
  return std::move(*object);
}

/// What the warm-up of tier-ups compiles: small, but lowered to the calls
/// (allocation, math functions) and loops that every module has.
constexpr llvm::StringLiteral kWarmUpModule = R"mlir(
func.func @warm_up(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = adjit.tanh %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)mlir";

/// Does, once per process, what a tier-up does (lowering a module's text
/// and its bitcode, the optimizing pipeline, code generation, linking,
/// logging), so that the objects with static storage duration these
/// construct on first use exist before the tier-up thread registers the
/// exit handler that stops it again (lib/JIT/TierUpQueue.h: this covers an
/// exit() called on a thread other than the main one during the first
/// tier-ups). Runs on the tier-up thread, before its first job. Never
/// throws: a failure only leaves the first tier-up to construct them.
void warmUpTierUps(const EngineOptions &options) {
  static std::once_flag once;
  std::call_once(once, [&] {
    auto start = std::chrono::steady_clock::now();
    try {
      // The tier-up from bitcode, whose lowering covers the one from text.
      mlir::MLIRContext context(getRegistry(),
                                mlir::MLIRContext::Threading::DISABLED);
      DiagnosticCollector diagnostics(&context);
      auto module = mlir::parseSourceString<mlir::ModuleOp>(
          kWarmUpModule, mlir::ParserConfig(&context));
      if (!module)
        return;
      std::vector<FunctionSignature> signatures = collectSignatures(*module);
      llvm::StringMap<std::string> compiledNames =
          prefixDefinedFunctions(*module);
      llvm::LLVMContext llvmContext;
      double pipelineSeconds = 0, pipelineCpuSeconds = 0;
      std::string bitcode = detail::writeBitcode(
          *lowerToLLVMIR(*module, options, llvmContext, diagnostics,
                         pipelineSeconds, pipelineCpuSeconds));
      std::atomic<bool> notCancelled{false};
      auto code =
          linkTier(generateOptimizedObject(options, bitcode, "", notCancelled),
                   Tier::Optimized, signatures, compiledNames);
      if (!code)
        llvm::consumeError(code.takeError());
    } catch (const std::exception &) {
    }
    // Also makes llvm::errs(), which a tier-up's log line uses.
    llvm::raw_ostream &log = llvm::errs();
    if (std::getenv("ADJIT_LOG"))
      log << llvm::format("adjit: warm-up of the tier-up thread in %.3f s\n",
                          secondsSince(start));
  });
}

/// Returns the free pages of malloc's heaps to the system. A tier-up's
/// compile runs on a thread of its own, whose allocations glibc serves from
/// an arena of that thread; once the compile has freed them (about 130 MB
/// for the char GPT step at -O3) the arena keeps the pages resident for the
/// next tier-up, which may never come.
void releaseFreedHeapMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

/// Names the functions of `signatures` for log lines: `@f, @g`.
std::string
describeFunctions(const std::vector<FunctionSignature> &signatures) {
  std::string names;
  for (const FunctionSignature &signature : signatures)
    names += (names.empty() ? "@" : ", @") + signature.name;
  return names;
}
} // namespace

std::shared_ptr<const CompiledModule>
Engine::compileModule(mlir::ModuleOp module, std::string key,
                      std::string_view text) {
  DiagnosticCollector diagnostics(module->getContext());
  std::vector<FunctionSignature> signatures = collectSignatures(module);
  llvm::StringMap<std::string> compiledNames = getCompiledNames(module);
  initializeNativeTarget();
  bool fastFirst = options.tiering != Tiering::OptimizedOnly;
  std::string fastKey = getFastTierDiskKey(key, options.fastOptLevel);
  auto makeModule = [&](std::unique_ptr<TierCode> code, bool fromDisk) {
    auto impl = std::make_unique<CompiledModule::Impl>();
    impl->current.store(code.get(), std::memory_order_release);
    impl->first = std::move(code);
    impl->compiledNames = compiledNames;
    auto compiled = std::shared_ptr<CompiledModule>(
        new CompiledModule(key, signatures, std::move(impl)));
    compiled->loadedFromDisk = fromDisk;
    return compiled;
  };

  // The persistent cache: the optimized tier, else (unless compiling the
  // optimized tier only) the fast tier, whose tier-up then starts from the
  // module's text.
  if (diskCache) {
    for (Tier tier : {Tier::Optimized, Tier::Fast}) {
      if (tier == Tier::Fast && !fastFirst)
        break;
      std::unique_ptr<llvm::MemoryBuffer> object =
          diskCache->load(tier == Tier::Fast ? fastKey : key);
      if (!object)
        continue;
      auto code = linkTier(std::move(object), tier, signatures, compiledNames);
      if (!code) {
        if (std::getenv("ADJIT_LOG"))
          llvm::errs() << "adjit: disk cache: cannot link a cached entry ("
                       << llvm::toString(code.takeError())
                       << "); generating the code again\n";
        continue;
      }
      {
        std::lock_guard<std::mutex> lock(cache->mutex);
        ++cache->diskHits;
      }
      auto compiled = makeModule(std::move(*code), /*fromDisk=*/true);
      if (tier == Tier::Fast && options.tiering == Tiering::Tiered)
        scheduleOrDeferTierUp(compiled, "",
                              text.empty() ? printOperation(module)
                                           : std::string(text));
      return compiled;
    }
  }

  renameDefinedFunctions(module, compiledNames);
  llvm::LLVMContext context;
  double pipelineSeconds = 0, pipelineCpuSeconds = 0;
  std::unique_ptr<llvm::Module> llvmModule =
      lowerToLLVMIR(module, options, context, diagnostics, pipelineSeconds,
                    pipelineCpuSeconds);
  StageTimer llvmTimer;
  // The optimized tier starts from the IR before the fast tier's pipeline.
  std::string bitcode = options.tiering == Tiering::Tiered
                            ? detail::writeBitcode(*llvmModule)
                            : std::string();
  Tier tier = fastFirst ? Tier::Fast : Tier::Optimized;
  unsigned level = fastFirst ? options.fastOptLevel : options.optLevel;
  auto object = detail::generateObject(*llvmModule, level);
  if (!object)
    throw adjit::Error("jit::Engine: LLVM code generation failed: " +
                       llvm::toString(object.takeError()) + "\n" +
                       diagnostics.getText());
  if (diskCache &&
      diskCache->store(fastFirst ? fastKey : key, (*object)->getBuffer())) {
    std::lock_guard<std::mutex> lock(cache->mutex);
    ++cache->diskStores;
  }
  auto code = linkTier(std::move(*object), tier, signatures, compiledNames);
  if (!code)
    throw adjit::Error("jit::Engine: linking the generated code failed: " +
                       llvm::toString(code.takeError()));
  if (std::getenv("ADJIT_LOG"))
    llvm::errs() << llvm::format(
        "adjit: adjit-to-llvm pipeline %.3f s (%.3f s CPU), LLVM %.3f s "
        "(%.3f s CPU) (%s tier, -O%u)\n",
        pipelineSeconds, pipelineCpuSeconds, llvmTimer.wallSeconds(),
        llvmTimer.cpuSeconds(), getTierName(tier), level);
  auto compiled = makeModule(std::move(*code), /*fromDisk=*/false);
  if (!bitcode.empty())
    scheduleOrDeferTierUp(compiled, std::move(bitcode), "");
  return compiled;
}

void Engine::scheduleOrDeferTierUp(
    const std::shared_ptr<CompiledModule> &module, std::string bitcode,
    std::string text) {
  CompiledModule::Impl &impl = *module->impl;
  if (options.tierUpAfterCalls <= 1) {
    impl.tierUpReason = "after the first compile";
    scheduleTierUp(module, std::move(bitcode), std::move(text));
    return;
  }
  impl.tierUpReason =
      "after " + std::to_string(options.tierUpAfterCalls) + " calls";
  impl.tierUpAfterCalls = options.tierUpAfterCalls;
  std::weak_ptr<const CompiledModule> weak = module;
  impl.deferredTierUp = [gate = tierUpGate, weak, bitcode = std::move(bitcode),
                         text = std::move(text)]() mutable {
    std::shared_ptr<const CompiledModule> compiled = weak.lock();
    std::lock_guard<std::mutex> lock(gate->mutex);
    if (compiled && gate->engine)
      gate->engine->scheduleTierUp(compiled, std::move(bitcode),
                                   std::move(text));
  };
}

void Engine::scheduleTierUp(const std::shared_ptr<const CompiledModule> &module,
                            std::string bitcode, std::string text) {
  module->impl->tierUpScheduled.store(true, std::memory_order_release);
  if (std::getenv("ADJIT_LOG"))
    llvm::errs() << "adjit: tier-up of "
                 << describeFunctions(module->signatures) << " scheduled "
                 << module->impl->tierUpReason << "\n";
  std::weak_ptr<const CompiledModule> weak = module;
  tierUps->push([this, weak, bitcode = std::move(bitcode),
                 text = std::move(text)](const std::atomic<bool> &cancelled) {
    std::shared_ptr<const CompiledModule> compiled = weak.lock();
    if (!compiled)
      return; // Nobody can call it any more.
    const std::vector<FunctionSignature> signatures = compiled->signatures;
    const std::string key = compiled->cacheKey;
    const llvm::StringMap<std::string> compiledNames =
        compiled->impl->compiledNames;
    compiled.reset();
    auto start = std::chrono::steady_clock::now();
    // However the job ends, once its compile has freed its memory.
    llvm::scope_exit release(releaseFreedHeapMemory);
    std::string failure;
    try {
      std::unique_ptr<llvm::MemoryBuffer> object =
          generateOptimizedObject(options, bitcode, text, cancelled);
      if (diskCache && diskCache->store(key, object->getBuffer())) {
        diskCache->remove(getFastTierDiskKey(key, options.fastOptLevel));
        std::lock_guard<std::mutex> lock(cache->mutex);
        ++cache->diskStores;
      }
      auto code = linkTier(std::move(object), Tier::Optimized, signatures,
                           compiledNames);
      if (!code)
        throw adjit::Error(llvm::toString(code.takeError()));
      compiled = weak.lock();
      if (!compiled)
        return;
      CompiledModule::Impl &impl = *compiled->impl;
      impl.optimized = std::move(*code);
      impl.current.store(impl.optimized.get(), std::memory_order_release);
      {
        std::lock_guard<std::mutex> lock(cache->mutex);
        ++cache->tierUps;
      }
    } catch (const std::exception &error) {
      failure = error.what();
    }
    if (!std::getenv("ADJIT_LOG"))
      return;
    if (failure.empty())
      llvm::errs() << llvm::format(
          "adjit: tier-up of %s to the optimized tier (-O%u) in %.3f s\n",
          describeFunctions(signatures).c_str(), options.optLevel,
          secondsSince(start));
    else
      llvm::errs() << "adjit: tier-up of " << describeFunctions(signatures)
                   << " failed, keeping the fast tier: " << failure << "\n";
  });
}

Engine::CacheStatistics Engine::getCacheStatistics() const {
  std::lock_guard<std::mutex> lock(cache->mutex);
  CacheStatistics statistics;
  statistics.hits = cache->hits;
  statistics.misses = cache->misses;
  statistics.entries = cache->modules.size();
  statistics.diskHits = cache->diskHits;
  statistics.diskStores = cache->diskStores;
  statistics.evictions = cache->evictions;
  statistics.tierUps = cache->tierUps;
  statistics.pendingTierUps = tierUps ? tierUps->getPending() : 0;
  return statistics;
}

void Engine::clearCache() {
  std::lock_guard<std::mutex> lock(cache->mutex);
  cache->modules.clear();
  cache->recency.clear();
}
