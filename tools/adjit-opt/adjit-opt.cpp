//===- adjit-opt.cpp - the adjit optimizer driver -------------------------===//

#include "adjit/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::adjit::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::adjit::registerAllDialects(registry);
  mlir::adjit::registerAllExtensions(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv,
                        "adjit optimizer driver: parses, transforms and prints "
                        "adjit programs\n",
                        registry));
}
