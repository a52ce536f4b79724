//===- ErfKernel.cpp - the eager f32 erf kernel ---------------------------===//
//
// The algorithm of adjit/Semantics/Erf.h evaluates its polynomials with
// fused multiply-adds. Compiled for the baseline x86-64 target, std::fma is a
// call of the C library's fma per operation; the loop is therefore also
// compiled for AVX2 and FMA, where it vectorizes with FMA instructions, and
// the build to run is chosen from the CPU's features. Both round each fused
// multiply-add once, so they compute the same values.
//
// This file is compiled with -ffp-contract=off (no other operation may be
// fused) and -fno-trapping-math (which lets the compiler if-convert the
// selections; it changes no value).
//
//===----------------------------------------------------------------------===//

#include "ErfKernel.h"

#include "adjit/Semantics/Erf.h"

using namespace adjit;

namespace {

using Kernel = void (*)(const float *, float *, int64_t);

[[gnu::always_inline]] inline void erfLoop(const float *in, float *out,
                                           int64_t count) {
  for (int64_t i = 0; i < count; ++i)
    out[i] = semantics::erfF32(in[i]);
}

void erfBaseline(const float *in, float *out, int64_t count) {
  erfLoop(in, out, count);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
[[gnu::target("avx2,fma")]] void erfAvx2Fma(const float *in, float *out,
                                            int64_t count) {
  erfLoop(in, out, count);
}

Kernel selectKernel() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return &erfAvx2Fma;
  return &erfBaseline;
}
#else
Kernel selectKernel() { return &erfBaseline; }
#endif

} // namespace

void runtime::erfF32(const float *in, float *out, int64_t count) {
  static const Kernel kernel = selectKernel();
  kernel(in, out, count);
}
