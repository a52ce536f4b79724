//===- InitAll.h - register adjit's dialects, passes, extensions -*- C++
//-*-===//

#ifndef ADJIT_INITALL_H
#define ADJIT_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::adjit {

/// Adds the adjit dialect and the upstream dialects that adjit programs are
/// written in and lowered through to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Adds the external models and extensions adjit relies on to `registry`,
/// and every upstream dialect with its models (for command-line drivers such
/// as adjit-opt, which read any upstream IR).
void registerAllExtensions(DialectRegistry &registry);

/// Adds what one compilation by the JIT uses, and nothing else: the dialects
/// of registerAllDialects and the external models of those dialects that
/// the adjit-to-llvm pipeline relies on (bufferization, buffer
/// deallocation, value bounds, tiling, casts, inlining).
void registerCompilationDialects(DialectRegistry &registry);

/// Registers every adjit pass and pipeline, and the upstream passes, with the
/// global pass registry (for command-line drivers such as adjit-opt).
void registerAllPasses();

} // namespace mlir::adjit

#endif // ADJIT_INITALL_H
