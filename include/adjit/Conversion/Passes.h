//===- Passes.h - passes lowering adjit programs to LLVM --------*- C++ -*-===//

#ifndef ADJIT_CONVERSION_PASSES_H
#define ADJIT_CONVERSION_PASSES_H

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::adjit {

#define GEN_PASS_DECL
#include "adjit/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "adjit/Conversion/Passes.h.inc"

} // namespace mlir::adjit

#endif // ADJIT_CONVERSION_PASSES_H
