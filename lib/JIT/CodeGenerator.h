//===- CodeGenerator.h - LLVM IR to object code for one tier ----*- C++ -*-===//
//
// What turns a module lowered to the LLVM dialect into relocatable object
// code for the host: translation to LLVM IR with a packed entry point per
// function, bitcode to hand the IR to another thread, and the LLVM
// optimization pipeline and code generation of one tier, which can be
// cancelled while it runs.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_CODEGENERATOR_H
#define ADJIT_LIB_JIT_CODEGENERATOR_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Target/TargetMachine.h"

#include <atomic>
#include <memory>
#include <string>

namespace adjit::jit::detail {

/// Returns a builder of target machines for the host (triple, CPU name and
/// features), detected once per process, or why the host cannot be detected.
llvm::Expected<llvm::orc::JITTargetMachineBuilder>
getHostTargetMachineBuilder();

/// Returns the calling thread's target machine for the host at the
/// code-generation level of `optLevel` (0: none, 1: less, 2: default, 3 or
/// more: aggressive), created on the thread's first use of that level and
/// kept until the thread ends. A target machine must not be used by two
/// threads at once; reused by one thread, it keeps its subtargets from one
/// module to the next.
llvm::Expected<llvm::TargetMachine &> getHostTargetMachine(unsigned optLevel);

/// Translates `module`, in the LLVM dialect, to LLVM IR in `context`, for the
/// host's triple and data layout, and adds to each public function `f` it
/// defines the packed entry point `_mlir_f(void **arguments)` of
/// PackedEntryPoints.h.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateToLLVMIR(mlir::ModuleOp module, llvm::LLVMContext &context);

/// Returns `module` as bitcode, to be read in another context (and thread).
std::string writeBitcode(const llvm::Module &module);

/// Reads the bitcode `writeBitcode` made into `context`.
llvm::Expected<std::unique_ptr<llvm::Module>>
readBitcode(llvm::StringRef bitcode, llvm::LLVMContext &context);

/// Returns whether LLVM's -O0 IR pipeline can change `module`. Its passes
/// (in LLVM 22: ee-instrument, always-inline, the coroutine passes,
/// alloc-token and annotation-remarks, which only reports) act only on
/// functions with the attributes, or on the intrinsics, that this looks for.
/// The JIT's lowering produces none of them, and generateObject skips the
/// pipeline for a module without them.
bool needsO0Pipeline(const llvm::Module &module);

/// Optimizes `module` with LLVM's default pipeline at `optLevel` (0 to 3)
/// and generates its object code at the matching code-generation level
/// (0: none, 1: less, 2: default, 3: aggressive), with the calling thread's
/// target machine of that level (getHostTargetMachine). At -O0 the calls of
/// `llvm.fabs` are expanded first (expandForFastISel), and the IR pipeline
/// runs only if needsO0Pipeline says it can change the module. When `cancelled`
/// becomes true the remaining optional passes are skipped and an error is
/// returned.
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
generateObject(llvm::Module &module, unsigned optLevel,
               const std::atomic<bool> *cancelled = nullptr);

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_CODEGENERATOR_H
