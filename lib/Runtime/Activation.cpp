//===- Activation.cpp - gelu as a composite of primitives -----------------===//
//
// Both forms of GELU are fixed compositions of differentiable primitives
// (erf or tanh, multiplication, addition), so their gradients of any order,
// their traces and their compiled gradients follow from those primitives'.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"

#include <cmath>

using namespace adjit;

Tensor adjit::gelu(const Tensor &x, const std::string &approximate) {
  checkDefined("gelu", x);
  if (approximate != "none" && approximate != "tanh")
    throw Error("gelu: approximate must be \"none\" or \"tanh\", got \"" +
                approximate + "\" (input shape " + shapeToString(x.sizes()) +
                ")");
  if (!x.is_floating_point())
    throw Error(std::string("gelu: expected a floating-point input, got ") +
                dtypeName(x.dtype()) + " of shape " + shapeToString(x.sizes()));
  if (approximate == "none")
    // x * Phi(x) = x/2 * (1 + erf(x / sqrt(2))).
    return x * 0.5 * (1.0 + erf(x * M_SQRT1_2));
  // x/2 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))).
  const double kBeta = M_SQRT2 * M_2_SQRTPI * 0.5;
  return x * 0.5 * (1.0 + tanh((x + x * x * x * 0.044715) * kBeta));
}
