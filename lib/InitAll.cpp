//===- InitAll.cpp - register every adjit dialect, pass and extension -----===//

#include "adjit/InitAll.h"

#include "adjit/Conversion/Passes.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"
#include "adjit/Pipelines/Pipelines.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void mlir::adjit::registerAllDialects(DialectRegistry &registry) {
  registry
      .insert<AdjitDialect, affine::AffineDialect, arith::ArithDialect,
              bufferization::BufferizationDialect, cf::ControlFlowDialect,
              func::FuncDialect, linalg::LinalgDialect, LLVM::LLVMDialect,
              math::MathDialect, memref::MemRefDialect, omp::OpenMPDialect,
              scf::SCFDialect, tensor::TensorDialect, vector::VectorDialect>();
}

void mlir::adjit::registerAllExtensions(DialectRegistry &registry) {
  // Bufferization, inlining and to-LLVM interfaces of the upstream dialects
  // that adjit lowers through.
  mlir::registerAllExtensions(registry);
  // The external interface models of upstream dialects (bufferization,
  // buffer deallocation, tiling, ...), which upstream registers together
  // with its dialects.
  mlir::registerAllDialects(registry);
}

void mlir::adjit::registerAllPasses() {
  mlir::registerAllPasses();
  registerAdjitTransformsPasses();
  registerAdjitConversionPasses();
  registerAdjitToLLVMPipeline();
}
