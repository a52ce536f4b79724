//===- AdjointOpInterface.h - reverse-mode rules of adjit ops ---*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_ADJOINTOPINTERFACE_H
#define ADJIT_DIALECT_ADJIT_IR_ADJOINTOPINTERFACE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include "adjit/Dialect/Adjit/IR/AdjitInterfaces.h.inc"

namespace mlir::adjit {

/// Creates an `adjit.constant` of the f32/f64 tensor type `type` whose
/// elements all equal `value`: the seeds, zeros and factors of adjoint code.
Value createSplatConstant(OpBuilder &builder, Location loc, Type type,
                          double value);

} // namespace mlir::adjit

#endif // ADJIT_DIALECT_ADJIT_IR_ADJOINTOPINTERFACE_H
