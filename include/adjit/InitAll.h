//===- InitAll.h - register every adjit dialect, pass and extension -*- C++
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

/// Adds the external models and extensions adjit relies on to `registry`.
void registerAllExtensions(DialectRegistry &registry);

/// Registers every adjit pass and pipeline, and the upstream passes, with the
/// global pass registry (for command-line drivers such as adjit-opt).
void registerAllPasses();

} // namespace mlir::adjit

#endif // ADJIT_INITALL_H
