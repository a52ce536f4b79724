//===- ResetGrad.h - Resetting a gradient (internal) ------------*- C++ -*-===//

#ifndef ADJIT_LIB_RUNTIME_RESETGRAD_H
#define ADJIT_LIB_RUNTIME_RESETGRAD_H

#include "adjit/Tensor.h"

namespace adjit {
/// Resets the gradient of \p t: to undefined if \p setToNone, else to zeros
/// (detached), as Module::zero_grad and Optimizer::zero_grad do.
void resetGrad(const Tensor &t, bool setToNone);
} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_RESETGRAD_H
