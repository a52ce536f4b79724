//===- adjit-opt-fuzzer.cpp - libFuzzer target over adjit-opt's path ------===//
//
// Feeds arbitrary bytes through what adjit-opt does with a file: parse,
// verify, canonicalize and CSE. Diagnostics are expected; a crash, a hang or
// a sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "adjit/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"

#include <cstddef>
#include <cstdint>
#include <string>

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

  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  pm.addPass(mlir::createCSEPass());
  (void)pm.run(*module);
  return 0;
}
