//===- AdjitToLinalg.h - patterns lowering adjit to linalg ------*- C++ -*-===//

#ifndef ADJIT_CONVERSION_ADJITTOLINALG_ADJITTOLINALG_H
#define ADJIT_CONVERSION_ADJITTOLINALG_ADJITTOLINALG_H

namespace llvm {
struct LogicalResult;
} // namespace llvm

namespace mlir {
class ConversionTarget;
class MLIRContext;
class ModuleOp;
class RewritePatternSet;
using llvm::LogicalResult;
} // namespace mlir

namespace mlir::adjit {

/// Adds the patterns lowering the unary and binary elementwise ops,
/// `adjit.compare`, `adjit.select`, `adjit.constant` and `adjit.convert` to
/// `linalg.generic` / `arith.constant`.
void populateElementwiseToLinalgPatterns(RewritePatternSet &patterns);

/// Adds the patterns lowering `adjit.reduce_sum`, `adjit.reduce_max` and
/// `adjit.reduce_prod` to
/// `linalg.reduce` on an identity-filled init.
void populateReductionToLinalgPatterns(RewritePatternSet &patterns);

/// Adds the patterns lowering `adjit.broadcast`, `adjit.reshape`,
/// `adjit.transpose`, `adjit.slice` and `adjit.concat` to tensor and linalg
/// ops.
void populateShapeToLinalgPatterns(RewritePatternSet &patterns);

/// Adds the patterns lowering `adjit.matmul` to `linalg.matmul` /
/// `linalg.batch_matmul` on a zero-filled init.
void populateContractionToLinalgPatterns(RewritePatternSet &patterns);

/// Adds the pattern lowering `adjit.dropout_mask` to a `linalg.generic`
/// computing Philox-4x32-10 in `arith` ops.
void populateRandomToLinalgPatterns(RewritePatternSet &patterns);

// Pooling
/// Adds the patterns lowering the pooling ops (`adjit.max_pool2d_indices`,
/// `adjit.max_pool2d_gather`, `adjit.max_pool2d_scatter`, `adjit.avg_pool2d`,
/// `adjit.adaptive_avg_pool2d` and their gradients) to `linalg.generic`s
/// walking the windows with `scf.for`.
void populatePoolingToLinalgPatterns(RewritePatternSet &patterns);
// Convolution
/// Populates the lowering of `adjit.conv2d` and its adjoint ops to im2col
/// gathers, batched products (BLAS calls after adjit-matmul-to-blas) and
/// strided adds.
void populateConvolutionToLinalgPatterns(RewritePatternSet &patterns);
// Indexing
/// Adds the patterns lowering `adjit.gather` to a `linalg.generic` reading
/// with `tensor.extract` and `adjit.scatter_add` to an `scf.for` nest adding
/// into a zero-filled tensor.
void populateIndexingToLinalgPatterns(RewritePatternSet &patterns);

/// Adds the pattern lowering `adjit.scan` to an `scf.for` over tensors whose
/// iteration arguments are the carries and the preallocated stacked outputs.
void populateScanToSCFPatterns(RewritePatternSet &patterns);

/// Declares, as private functions, the JIT runtime's scalar functions that
/// the lowering of `module`'s `adjit.lgamma` and `adjit.digamma` calls
/// (RuntimeFunctions.h). Fails, with an error at the op, if the module has
/// another symbol of such a name.
LogicalResult declareRuntimeScalarFunctions(ModuleOp module);

/// Rewrites `module`'s collectives into calls of the JIT runtime
/// (RuntimeFunctions.h), declaring the functions: `adjit.all_reduce_start`
/// copies its operand into a new buffer and calls
/// `adjit_all_reduce_start_<type>` on it, which returns a request;
/// `adjit.all_reduce_wait` calls `adjit_all_reduce_wait` on the request and
/// returns the buffer as a tensor. `adjit.all_reduce` is a start followed by
/// its wait. Fails, with an error at the op, if the module has another
/// symbol of such a name.
LogicalResult lowerCollectives(ModuleOp module);

/// Adds all of the above.
void populateAdjitToLinalgPatterns(RewritePatternSet &patterns);

/// Marks every op that `patterns` (made by populateAdjitToLinalgPatterns)
/// lowers as illegal, and the dialects they produce as legal.
void configureAdjitToLinalgTarget(ConversionTarget &target,
                                  RewritePatternSet &patterns);

} // namespace mlir::adjit

#endif // ADJIT_CONVERSION_ADJITTOLINALG_ADJITTOLINALG_H
