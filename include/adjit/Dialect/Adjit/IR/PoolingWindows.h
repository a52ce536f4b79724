//===- PoolingWindows.h - the windows of an adjit pooling op ----*- C++ -*-===//

#ifndef ADJIT_DIALECT_ADJIT_IR_POOLINGWINDOWS_H
#define ADJIT_DIALECT_ADJIT_IR_POOLINGWINDOWS_H

#include "adjit/Semantics/Pooling.h"

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::adjit::detail {

/// The input and output shapes and the windows of a verified pooling op
/// (`adjit.max_pool2d_indices`, `adjit.avg_pool2d`, ...), by the rules of
/// adjit/Semantics/Pooling.h that eager pooling uses too.
::adjit::semantics::Pool2d getPoolWindows(Operation *op);

} // namespace mlir::adjit::detail

#endif // ADJIT_DIALECT_ADJIT_IR_POOLINGWINDOWS_H
