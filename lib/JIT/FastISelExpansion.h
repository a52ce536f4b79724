//===- FastISelExpansion.h - intrinsics FastISel selects ----------*- C++
//-*-===//
//
// Rewrites of the intrinsic calls that x86-64 FastISel does not select, for
// the fast tier's code generation at -O0 only.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_JIT_FASTISELEXPANSION_H
#define ADJIT_LIB_JIT_FASTISELEXPANSION_H

#include "llvm/IR/Module.h"

namespace adjit::jit::detail {

/// Replaces every call of `llvm.fabs` in `module` by a clear of the sign bit
/// (an integer `and` between bitcasts: the same value). FastISel does not
/// select the intrinsic, and each call of it went through SelectionDAG on
/// its own. `llvm.fma` is left as it is: as an `fmul` and an `fadd` it would
/// round twice, and the polynomial approximation of tanh then no longer
/// saturates at exactly 1 (0.9999998 at infinity, with a gradient of 3.6e-7
/// instead of 0). Returns the number of calls replaced.
unsigned expandForFastISel(llvm::Module &module);

} // namespace adjit::jit::detail

#endif // ADJIT_LIB_JIT_FASTISELEXPANSION_H
