//===- adjit-opt-fuzzer.cpp - libFuzzer target over adjit's compile path --===//
//
// Feeds arbitrary bytes through what adjit-opt and the JIT do with a module:
// parse, verify, canonicalize and CSE; then differentiate every function with
// a float tensor argument (generateGradient, as adjit-autodiff does) and
// lower modules of adjit and func ops through the adjit-to-llvm pipeline to
// the LLVM dialect (nothing is executed). Diagnostics are expected; a crash,
// a hang, a sanitizer report, or a gradient function that does not verify
// is a bug.
//
//===----------------------------------------------------------------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"
#include "adjit/InitAll.h"
#include "adjit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

/// True if `function` has a body and an f32/f64 tensor argument, i.e. is
/// something adjit-autodiff may be asked to differentiate.
bool hasFloatTensorArgument(mlir::func::FuncOp function) {
  if (function.isExternal())
    return false;
  for (mlir::Type type : function.getArgumentTypes())
    if (auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type))
      if (llvm::isa<mlir::FloatType>(tensor.getElementType()))
        return true;
  return false;
}

/// True if every op of `module` is a func or adjit op: the programs the JIT
/// compiles and the adjit-to-llvm pipeline is meant for.
bool isAdjitProgram(mlir::ModuleOp module) {
  bool onlyAdjit = true;
  module.getBody()->walk([&](mlir::Operation *op) {
    mlir::Dialect *dialect = op->getDialect();
    if (!dialect ||
        !llvm::isa<mlir::func::FuncDialect, mlir::adjit::AdjitDialect>(
            dialect)) {
      onlyAdjit = false;
      return mlir::WalkResult::interrupt();
    }
    return mlir::WalkResult::advance();
  });
  return onlyAdjit;
}

/// Reports a bug that produces no crash by itself and aborts, so that the
/// fuzzer keeps the input.
[[noreturn]] void fail(const char *what, mlir::ModuleOp module) {
  llvm::errs() << "adjit-opt-fuzzer: " << what << "\n" << module << "\n";
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static mlir::DialectRegistry *registry = [] {
    auto *registry = new mlir::DialectRegistry();
    mlir::adjit::registerAllDialects(*registry);
    mlir::adjit::registerAllExtensions(*registry);
    return registry;
  }();
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler ignoreDiagnostics(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });

  // The MLIR lexer reads up to a terminating NUL, which the fuzzer's buffer
  // lacks: parse a copy.
  std::string source(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;

  mlir::PassManager cleanup(&context);
  cleanup.addPass(mlir::createCanonicalizerPass());
  cleanup.addPass(mlir::createCSEPass());
  if (mlir::failed(cleanup.run(*module)))
    return 0;

  // Differentiate every function that has something to differentiate; the
  // module must stay valid whether or not that succeeds.
  llvm::SmallVector<mlir::func::FuncOp> functions;
  for (auto function : module->getOps<mlir::func::FuncOp>())
    if (hasFloatTensorArgument(function))
      functions.push_back(function);
  for (mlir::func::FuncOp function : functions) {
    mlir::adjit::GradientOptions options;
    options.name = (function.getSymName() + "_fuzz_grad").str();
    (void)mlir::adjit::generateGradient(function, options);
  }
  if (mlir::failed(mlir::verify(*module)))
    fail("the module does not verify after adjit-autodiff", *module);

  if (!isAdjitProgram(*module))
    return 0;
  mlir::PassManager lowering(&context);
  mlir::adjit::buildAdjitToLLVMPipeline(lowering,
                                        mlir::adjit::AdjitToLLVMOptions());
  (void)lowering.run(*module);
  return 0;
}
