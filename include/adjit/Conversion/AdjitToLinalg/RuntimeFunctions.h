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

} // namespace mlir::adjit

#endif // ADJIT_CONVERSION_ADJITTOLINALG_RUNTIMEFUNCTIONS_H
