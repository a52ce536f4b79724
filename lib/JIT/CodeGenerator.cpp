//===- CodeGenerator.cpp - LLVM IR to object code for one tier ------------===//
//
// The packed entry points are those of PackedEntryPoints.h. The
// optimization pipeline is LLVM's per-module default one with the tuning
// mlir::makeOptimizingTransformer uses (loop unrolling, interleaving and
// vectorization, SLP vectorization), plus the standard instrumentations so
// that an OptPassGate on the context can cancel it.
//
//===----------------------------------------------------------------------===//

#include "CodeGenerator.h"
#include "FastISelExpansion.h"
#include "PackedEntryPoints.h"

#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/OptBisect.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/StandardInstrumentations.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

using namespace adjit::jit;

namespace {

/// The host's description (triple, CPU name and features), detected once per
/// process: detection takes about 0.1 ms, and every compile needed it.
const std::pair<std::optional<llvm::orc::JITTargetMachineBuilder>, std::string>
    &getHost() {
  static const auto host = [] {
    std::pair<std::optional<llvm::orc::JITTargetMachineBuilder>, std::string>
        result;
    auto detected = llvm::orc::JITTargetMachineBuilder::detectHost();
    if (detected)
      result.first = std::move(*detected);
    else
      result.second = llvm::toString(detected.takeError());
    return result;
  }();
  return host;
}

} // namespace

llvm::Expected<llvm::orc::JITTargetMachineBuilder>
detail::getHostTargetMachineBuilder() {
  const auto &host = getHost();
  if (!host.first)
    return llvm::createStringError("cannot detect the host: " + host.second);
  return *host.first;
}

llvm::Expected<llvm::TargetMachine &>
detail::getHostTargetMachine(unsigned optLevel) {
  // A target machine is not safe to use from two threads at once, but one
  // thread may use it for any number of modules in turn (as ORC's compilers
  // do), and it caches its subtargets: creating one, and the subtarget of
  // its first function, took about 3 ms per compile.
  thread_local std::unique_ptr<llvm::TargetMachine> machines[4];
  std::unique_ptr<llvm::TargetMachine> &machine =
      machines[std::min(optLevel, 3u)];
  if (machine)
    return *machine;
  auto builder = getHostTargetMachineBuilder();
  if (!builder)
    return builder.takeError();
  builder->setCodeGenOptLevel(optLevel == 0   ? llvm::CodeGenOptLevel::None
                              : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                              : optLevel == 2
                                  ? llvm::CodeGenOptLevel::Default
                                  : llvm::CodeGenOptLevel::Aggressive);
  auto created = builder->createTargetMachine();
  if (!created)
    return created.takeError();
  machine = std::move(*created);
  return *machine;
}

namespace {

/// Skips every optional pass once its flag is set.
class CancellationGate : public llvm::OptPassGate {
public:
  explicit CancellationGate(const std::atomic<bool> &cancelled)
      : cancelled(cancelled) {}
  bool shouldRunPass(llvm::StringRef, llvm::StringRef) const override {
    return !cancelled.load(std::memory_order_relaxed);
  }
  bool isEnabled() const override { return true; }

private:
  const std::atomic<bool> &cancelled;
};

void optimize(llvm::Module &module, unsigned optLevel,
              llvm::TargetMachine &targetMachine) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PassInstrumentationCallbacks callbacks;
  llvm::StandardInstrumentations instrumentations(module.getContext(),
                                                  /*DebugLogging=*/false);
  instrumentations.registerCallbacks(callbacks, &modules);
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = true;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&targetMachine, tuning, std::nullopt, &callbacks);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager pipeline =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  pipeline.run(module, modules);
}

} // namespace

llvm::Expected<std::unique_ptr<llvm::Module>>
detail::translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context) {
  std::unique_ptr<llvm::Module> translated =
      mlir::translateModuleToLLVMIR(module, context);
  if (!translated)
    return llvm::createStringError("cannot translate the module to LLVM IR");
  // The -O0 machine, which the fast tier's code generation on this thread
  // uses next: the data layout and triple are the same at every level.
  auto targetMachine = getHostTargetMachine(0);
  if (!targetMachine)
    return targetMachine.takeError();
  translated->setDataLayout(targetMachine->createDataLayout());
  translated->setTargetTriple(targetMachine->getTargetTriple());
  detail::addPackedEntryPoints(*translated);
  return std::move(translated);
}

std::string detail::writeBitcode(const llvm::Module &module) {
  std::string bitcode;
  llvm::raw_string_ostream os(bitcode);
  llvm::WriteBitcodeToFile(module, os);
  return bitcode;
}

llvm::Expected<std::unique_ptr<llvm::Module>>
detail::readBitcode(llvm::StringRef bitcode, llvm::LLVMContext &context) {
  return llvm::parseBitcodeFile(llvm::MemoryBufferRef(bitcode, "adjit-tier-up"),
                                context);
}

bool detail::needsO0Pipeline(const llvm::Module &module) {
  for (const llvm::Function &function : module) {
    llvm::StringRef name = function.getName();
    // The coroutine passes, and alloc-token's lowering of its intrinsics.
    if (name.starts_with("llvm.coro.") || name.starts_with("llvm.alloc.token"))
      return true;
    if (function.hasFnAttribute(llvm::Attribute::AlwaysInline) ||
        function.hasFnAttribute(llvm::Attribute::SanitizeAllocToken) ||
        function.hasFnAttribute(llvm::Attribute::PresplitCoroutine))
      return true;
    for (llvm::StringRef instrumentation :
         {"instrument-function-entry", "instrument-function-entry-inlined",
          "instrument-function-exit", "instrument-function-exit-inlined"})
      if (function.hasFnAttribute(instrumentation))
        return true;
    for (const llvm::BasicBlock &block : function)
      for (const llvm::Instruction &instruction : block)
        if (auto *call = llvm::dyn_cast<llvm::CallBase>(&instruction))
          if (call->hasFnAttr(llvm::Attribute::AlwaysInline))
            return true;
  }
  return false;
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
detail::generateObject(llvm::Module &module, unsigned optLevel,
                       const std::atomic<bool> *cancelled) {
  auto targetMachine = getHostTargetMachine(optLevel);
  if (!targetMachine)
    return targetMachine.takeError();
  // At -O0 FastISel selects instructions, except the intrinsics it leaves to
  // SelectionDAG one call at a time.
  if (optLevel == 0)
    detail::expandForFastISel(module);
  // The gate cuts the IR pipeline short once cancelled: skipping IR passes
  // leaves valid IR. It is gone before code generation, whose passes are not
  // all optional (skipping some makes instruction selection fail, and LLVM's
  // default diagnostic handler then exits the process).
  {
    std::optional<CancellationGate> gate;
    if (cancelled) {
      gate.emplace(*cancelled);
      module.getContext().setOptPassGate(*gate);
    }
    llvm::scope_exit restoreGate([&] {
      if (cancelled)
        module.getContext().setOptPassGate(llvm::getGlobalPassGate());
    });
    if (optLevel != 0 || detail::needsO0Pipeline(module))
      optimize(module, optLevel, *targetMachine);
  }
  auto isCancelled = [&] { return cancelled && cancelled->load(); };
  if (isCancelled())
    return llvm::createStringError("cancelled");
  llvm::orc::SimpleCompiler compiler(*targetMachine);
  auto object = compiler(module);
  if (isCancelled()) {
    if (!object)
      llvm::consumeError(object.takeError());
    return llvm::createStringError("cancelled");
  }
  return object;
}
