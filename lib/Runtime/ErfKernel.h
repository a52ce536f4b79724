//===- ErfKernel.h - the eager f32 erf kernel -------------------*- C++ -*-===//

#ifndef ADJIT_LIB_RUNTIME_ERFKERNEL_H
#define ADJIT_LIB_RUNTIME_ERFKERNEL_H

#include <cstdint>

namespace adjit::runtime {

/// out[i] = erf(in[i]) for the \p count f32 values at \p in: the algorithm of
/// adjit/Semantics/Erf.h, the values the compiled code computes. On x86-64
/// CPUs with AVX2 and FMA it runs a build of the loop for them (chosen once,
/// at the first call); elsewhere the fused multiply-adds are std::fma.
void erfF32(const float *in, float *out, int64_t count);

} // namespace adjit::runtime

#endif // ADJIT_LIB_RUNTIME_ERFKERNEL_H
