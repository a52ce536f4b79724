//===- Libomp.h - the libomp entry points the runtime calls -----*- C++ -*-===//
//
// The eager runtime opens parallel regions on libomp's pool of threads, the
// pool compiled parallel loops and OpenBLAS's OpenMP build run on, with
// `__kmpc_fork_call` (cmake/AdjitBlas.cmake links libomp).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_RUNTIME_LIBOMP_H
#define ADJIT_LIB_RUNTIME_LIBOMP_H

#include <cstdint>

extern "C" {
/// libomp's `ident_t`: the source location of a parallel region.
struct AdjitOmpLocation {
  int32_t reserved1;
  int32_t flags;
  int32_t reserved2;
  int32_t reserved3;
  const char *source;
};
using AdjitOmpMicrotask = void (*)(int32_t *, int32_t *, ...);
void __kmpc_fork_call(AdjitOmpLocation *, int32_t, AdjitOmpMicrotask, ...);
int omp_in_parallel();
int omp_get_max_threads();
int omp_get_thread_num();
int omp_get_num_threads();
}

namespace adjit::runtime {
/// libomp's KMP_IDENT_KMPC flag: a location from the kmpc interface.
constexpr int32_t kOmpIdentKmpc = 2;
} // namespace adjit::runtime

#endif // ADJIT_LIB_RUNTIME_LIBOMP_H
