//===- RuntimeFunctions.h - scalar functions of the JIT runtime -*- C++ -*-===//
//
// Scalar bodies that have no `math` dialect op (lgamma, digamma) are
// compiled as calls of functions that the JIT's runtime defines with the
// eager kernels' scalar code (adjit/Semantics/ScalarFunctions.h), so compiled
// and eager values are identical. The lowering and the runtime name them
// here.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_CONVERSION_ADJITTOLINALG_RUNTIMEFUNCTIONS_H
#define ADJIT_CONVERSION_ADJITTOLINALG_RUNTIMEFUNCTIONS_H

#include <string>
#include <string_view>

namespace mlir::adjit {

/// The symbol of the JIT runtime's function computing `function` (the name
/// of the eager op: "lgamma" or "digamma") on f32 or f64 scalars:
/// "adjit_lgamma_f32".
inline std::string getRuntimeScalarFunctionName(std::string_view function,
                                                bool isF32) {
  return "adjit_" + std::string(function) + (isF32 ? "_f32" : "_f64");
}

/// The runtime function that starts an all-reduce of a buffer of
/// `elementType` elements ("f32", "f64" or "i64") in place:
/// `adjit_all_reduce_start_f32(memref<?xf32>, i64 kind) -> i64 request`,
/// called through its C interface. `kind` is the value of the
/// mlir::adjit::ReduceKind enum (sum 0, mean 1, max 2).
inline std::string getRuntimeAllReduceStartName(std::string_view elementType) {
  return "adjit_all_reduce_start_" + std::string(elementType);
}

/// The runtime function `adjit_all_reduce_wait(i64 request)` that blocks
/// until the request's all-reduce has completed.
inline constexpr const char *kRuntimeAllReduceWaitName =
    "adjit_all_reduce_wait";

} // namespace mlir::adjit

#endif // ADJIT_CONVERSION_ADJITTOLINALG_RUNTIMEFUNCTIONS_H
