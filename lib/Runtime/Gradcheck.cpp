//===- Gradcheck.cpp - Finite-difference check of autograd gradients -----===//

#include "TensorImpl.h"

#include <cmath>
#include <sstream>

using namespace adjit;

namespace {
/// Pointer to element \p linear (row-major order) of a float64 tensor.
double *elementPtr(const Tensor &t, int64_t linear) {
  const TensorImpl &impl = *t.unsafeGetImpl();
  int64_t off = impl.offset;
  for (size_t d = impl.shape.size(); d-- > 0;) {
    off += (linear % impl.shape[d]) * impl.strides[d];
    linear /= impl.shape[d];
  }
  return static_cast<double *>(impl.storage->data) + off;
}

/// The output values as a contiguous float64 vector.
std::vector<double> valuesOf(const Tensor &t) {
  Tensor c = castTo(t.detach(), Dtype::Float64);
  const double *p = c.unsafeGetImpl()->data<double>();
  return std::vector<double>(p, p + c.numel());
}
} // namespace

bool autograd::gradcheck(
    const std::function<Tensor(const std::vector<Tensor> &)> &fn,
    const std::vector<Tensor> &inputs, const GradcheckOptions &options) {
  std::vector<size_t> diff;
  for (size_t i = 0; i < inputs.size(); ++i) {
    checkDefined("gradcheck", inputs[i]);
    if (!inputs[i].requires_grad())
      continue;
    if (inputs[i].dtype() != Dtype::Float64)
      throw Error("gradcheck: input " + std::to_string(i) + " of shape " +
                  shapeToString(inputs[i].sizes()) + " has dtype " +
                  dtypeName(inputs[i].dtype()) +
                  "; gradcheck needs float64 inputs");
    diff.push_back(i);
  }
  if (diff.empty())
    throw Error("gradcheck: no input requires grad");
  std::vector<Tensor> diffInputs;
  for (size_t i : diff)
    diffInputs.push_back(inputs[i]);

  Tensor out = fn(inputs);
  checkDefined("gradcheck", out);
  if (out.dtype() != Dtype::Float64)
    throw Error(std::string("gradcheck: the function must return a float64 "
                            "tensor, got ") +
                dtypeName(out.dtype()));
  int64_t m = out.numel();

  // Analytical Jacobian: analytical[k][j][e] = d out_j / d input_k[e].
  std::vector<std::vector<std::vector<double>>> analytical(diff.size());
  for (size_t k = 0; k < diff.size(); ++k)
    analytical[k].assign(m, std::vector<double>(diffInputs[k].numel(), 0.0));
  if (out.requires_grad()) {
    for (int64_t j = 0; j < m; ++j) {
      Tensor seed = zeros(out.sizes(), kFloat64);
      seed.unsafeGetImpl()->data<double>()[j] = 1.0;
      std::vector<Tensor> grads = grad({out}, diffInputs, {seed},
                                       /*retainGraph=*/true,
                                       /*createGraph=*/false,
                                       /*allowUnused=*/true);
      for (size_t k = 0; k < diff.size(); ++k)
        if (grads[k].defined())
          analytical[k][j] = valuesOf(grads[k]);
    }
  }

  // Numerical Jacobian by central differences (fn runs in the caller's grad
  // mode so that functions computing gradients themselves work).
  for (size_t k = 0; k < diff.size(); ++k) {
    const Tensor &x = diffInputs[k];
    for (int64_t e = 0; e < x.numel(); ++e) {
      double *p = elementPtr(x, e);
      double orig = *p;
      *p = orig + options.eps;
      std::vector<double> plus = valuesOf(fn(inputs));
      *p = orig - options.eps;
      std::vector<double> minus = valuesOf(fn(inputs));
      *p = orig;
      for (int64_t j = 0; j < m; ++j) {
        double numerical = (plus[j] - minus[j]) / (2 * options.eps);
        double a = analytical[k][j][e];
        if (std::fabs(a - numerical) <=
            options.atol + options.rtol * std::fabs(numerical))
          continue;
        if (!options.raiseException)
          return false;
        std::ostringstream msg;
        msg << "gradcheck: Jacobian mismatch for output " << j
            << " with respect to input " << diff[k] << " element " << e
            << ": numerical " << numerical << ", analytical " << a;
        throw Error(msg.str());
      }
    }
  }
  return true;
}
