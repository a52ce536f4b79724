//===- Adjit.h - adjit dialect and operations -------------------*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_ADJIT_H
#define ADJIT_DIALECT_ADJIT_IR_ADJIT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "adjit/Dialect/Adjit/IR/AdjitEnums.h.inc"
#include "adjit/Dialect/Adjit/IR/AdjitOpsDialect.h.inc"
#include "adjit/Dialect/Adjit/IR/AdjointOpInterface.h"

#define GET_TYPEDEF_CLASSES
#include "adjit/Dialect/Adjit/IR/AdjitOpsTypes.h.inc"

namespace mlir::adjit::detail {

/// Parses the form shared by the elementwise ops,
/// `%a, %b attr-dict : tensor<...>`, in which all `numOperands` operands and
/// the result have the one type after the colon.
ParseResult parseElementwiseOp(OpAsmParser &parser, OperationState &result,
                               unsigned numOperands);

/// Prints an elementwise op in the form that `parseElementwiseOp` reads.
void printElementwiseOp(OpAsmPrinter &printer, Operation *op);

/// Infers the result type of an elementwise op: the common type of all
/// operands. Emits a diagnostic at `location` naming `opName` and both types
/// when the operand types differ.
LogicalResult inferElementwiseResultType(std::optional<Location> location,
                                         StringRef opName, ValueRange operands,
                                         SmallVectorImpl<Type> &types);

/// Infers the result type of a reduction of `operandType` over `dims`, which
/// must be strictly increasing and within the operand's rank.
LogicalResult inferReductionResultType(std::optional<Location> location,
                                       StringRef opName, Type operandType,
                                       ArrayRef<int64_t> dims,
                                       SmallVectorImpl<Type> &types);

/// Infers the result types of `adjit.argmax` / `adjit.argmin` of
/// `operandType` along `dim`: the values (the operand's element type) and
/// the indices (`i64`), both of the operand's shape without `dim`. `dim` must
/// be within the operand's rank and have at least one element.
LogicalResult inferArgExtremumResultTypes(std::optional<Location> location,
                                          StringRef opName, Type operandType,
                                          int64_t dim,
                                          SmallVectorImpl<Type> &types);

/// The adjoint rule of `adjit.argmax` / `adjit.argmin` (`op`, whose index
/// result is `indices`): the adjoint of the values goes to the chosen
/// element along `dim`, zero to the others.
LogicalResult buildArgExtremumAdjoints(Operation *op, Value indices,
                                       int64_t dim, OpBuilder &builder,
                                       ArrayRef<Value> resultAdjoints,
                                       ArrayRef<bool> requested,
                                       SmallVectorImpl<Value> &operandAdjoints);

/// Verifies an op that implements InferTypeOpInterface by running its type
/// inference with the op's location, so that the inference's diagnostics
/// (which name the offending shapes) are reported.
LogicalResult verifyByTypeInference(Operation *op);

/// The adjoint rule of every unary primitive of adjit/Semantics/Ops.def: its
/// derivative in adjit/Semantics/Derivatives.h, built with adjit ops (see
/// AdjointOpInterface::buildAdjoints for the arguments).
LogicalResult buildPrimitiveUnaryAdjoints(
    Operation *op, OpBuilder &builder, ArrayRef<Value> resultAdjoints,
    ArrayRef<bool> requested, SmallVectorImpl<Value> &operandAdjoints);

// Pooling
/// Verifies a pooling op (`adjit.max_pool2d_indices`, `adjit.avg_pool2d`,
/// ...): its attributes by the rules of adjit/Semantics/Pooling.h (the
/// message names the op and shapes), the pooled shape, the element types.
LogicalResult verifyPoolOp(Operation *op);

} // namespace mlir::adjit::detail

namespace mlir::adjit {

/// Parses the checkpoint policy of `adjit.scan` after `checkpoint =`:
/// `store_all`, `recompute_all`, `sqrt` or `every K`.
ParseResult parseCheckpoint(OpAsmParser &parser, CheckpointPolicyAttr &policy,
                            IntegerAttr &every);

/// Prints the checkpoint policy of `adjit.scan` in the form that
/// parseCheckpoint reads.
void printCheckpoint(OpAsmPrinter &printer, Operation *op,
                     CheckpointPolicyAttr policy, IntegerAttr every);

/// Parses the trip count of `adjit.scan` after `length =`: a static length
/// `7`, or a trip count known at run time with its bound,
/// `%n : tensor<i64> bound 7`.
ParseResult
parseScanLength(OpAsmParser &parser,
                std::optional<OpAsmParser::UnresolvedOperand> &tripCount,
                Type &tripCountType, IntegerAttr &length);

/// Prints the trip count of `adjit.scan` in the form that parseScanLength
/// reads.
void printScanLength(OpAsmPrinter &printer, Operation *op, Value tripCount,
                     Type tripCountType, IntegerAttr length);

} // namespace mlir::adjit

#define GET_OP_CLASSES
#include "adjit/Dialect/Adjit/IR/AdjitOps.h.inc"

#endif // ADJIT_DIALECT_ADJIT_IR_ADJIT_H
