//===- OptimizerUpdate.h - fused optimizer updates in adjit IR --*- C++ -*-===//

#ifndef ADJIT_LIB_TRACING_OPTIMIZERUPDATE_H
#define ADJIT_LIB_TRACING_OPTIMIZERUPDATE_H

#include "adjit/JIT.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/ArrayRef.h"

#include <vector>

namespace adjit::tracing {

/// Returns the optimizer state a TrainStep keeps for `parameter` under
/// `options`, as it is before the first step: nothing for plain SGD; the
/// momentum buffer (zeros) for SGD with momentum, plus a bool scalar saying
/// whether the buffer holds a value (false) if dampening is set; Adam's first
/// and second moments (zeros).
std::vector<Tensor> makeOptimizerState(const jit::OptimizerOptions &options,
                                       const Tensor &parameter);

/// Turns `gradient` (`@f_grad`, which returns the loss and the gradients of
/// the arguments `wrt`) into a training step. It gains further arguments:
/// the state of each argument in `wrt` (as makeOptimizerState makes it, in
/// `wrt` order), then the learning rate and the 1-based step count, both
/// `tensor<f64>`. It returns the loss, the updated values of the arguments in
/// `wrt`, then their updated state. The updates follow optim::SGD::step and
/// optim::Adam::step formula by formula; scalar coefficients (the learning
/// rate, Adam's bias corrections) are computed in f64 and rounded to each
/// parameter's type, as the eager optimizers do.
void appendOptimizerUpdate(mlir::func::FuncOp gradient,
                           llvm::ArrayRef<size_t> wrt,
                           const jit::OptimizerOptions &options);

} // namespace adjit::tracing

#endif // ADJIT_LIB_TRACING_OPTIMIZERUPDATE_H
