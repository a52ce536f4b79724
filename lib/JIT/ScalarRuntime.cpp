//===- ScalarRuntime.cpp - scalar functions called by JIT code ------------===//
//
// lgamma and digamma of compiled code: the eager kernels' scalar bodies
// (adjit/Semantics/ScalarFunctions.h), so both give identical values.
//
//===----------------------------------------------------------------------===//

#include "ScalarRuntime.h"

#include "adjit/Conversion/AdjitToLinalg/RuntimeFunctions.h"
#include "adjit/Semantics/ScalarFunctions.h"

namespace {
namespace scalar = adjit::semantics::scalar;

float lgammaF32(float x) { return scalar::lgamma(x); }
double lgammaF64(double x) { return scalar::lgamma(x); }
float digammaF32(float x) { return scalar::digamma(x); }
double digammaF64(double x) { return scalar::digamma(x); }
} // namespace

std::vector<std::pair<std::string, void *>>
adjit::jit::detail::getScalarRuntimeSymbols() {
  using mlir::adjit::getRuntimeScalarFunctionName;
  return {
      {getRuntimeScalarFunctionName("lgamma", true),
       reinterpret_cast<void *>(&lgammaF32)},
      {getRuntimeScalarFunctionName("lgamma", false),
       reinterpret_cast<void *>(&lgammaF64)},
      {getRuntimeScalarFunctionName("digamma", true),
       reinterpret_cast<void *>(&digammaF32)},
      {getRuntimeScalarFunctionName("digamma", false),
       reinterpret_cast<void *>(&digammaF64)},
  };
}
