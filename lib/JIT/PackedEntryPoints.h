//===- PackedEntryPoints.h - the JIT's calling convention -------*- C++ -*-===//
//
// The one entry point of each callable function of a compiled module,
// `_mlir_f(void **arguments)`, following mlir::ExecutionEngine's packed
// convention: the i-th pointer of the list points at the i-th argument of
// `f`, and the pointer after them at the storage of its result.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_PACKEDENTRYPOINTS_H
#define ADJIT_LIB_JIT_PACKEDENTRYPOINTS_H

#include "llvm/IR/Module.h"

namespace adjit::jit::detail {

/// Adds `_mlir_f(void **)` for each function `f` that `module` defines with
/// external linkage (the private functions the lowering outlines are called
/// only from inside the module). A function that returns a struct, as one
/// with several results does, is rewritten to store its result through a
/// pointer argument, field by field, instead of building the aggregate
/// value: LLVM's instruction selection copies the whole aggregate at each
/// `insertvalue`, a cost quadratic in the number of results. The body of a
/// function that nothing calls and whose parameters carry no attributes
/// moves into its entry point, which loads the arguments at its start; `f`
/// itself is then gone. (A function with more than six integer arguments,
/// as a program's is, would go to SelectionDAG rather than FastISel at -O0.)
void addPackedEntryPoints(llvm::Module &module);

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_PACKEDENTRYPOINTS_H
