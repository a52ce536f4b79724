//===- Functional.cpp - Loss functions and softmax ------------------------===//

#include "AutogradImpl.h"
#include "adjit/NN.h"
#include "adjit/Runtime/OpObserver.h"

#include <cmath>

using namespace adjit;
using namespace adjit::nn::functional;

namespace {
Tensor reduce(const Tensor &loss, Reduction reduction) {
  switch (reduction) {
  case Reduction::Mean:
    return mean(loss);
  case Reduction::Sum:
    return sum(loss);
  case Reduction::None:
    return loss;
  }
  return loss;
}

void checkSameShape(const char *op, const Tensor &input, const Tensor &target) {
  checkDefined(op, input);
  checkDefined(op, target);
  if (input.sizes() != target.sizes())
    throw Error(std::string(op) + ": input shape " +
                shapeToString(input.sizes()) + " and target shape " +
                shapeToString(target.sizes()) + " differ");
  if (!input.is_floating_point())
    throw Error(std::string(op) + ": expected a floating-point input, got " +
                dtypeName(input.dtype()));
}
} // namespace

Tensor adjit::nn::functional::mse_loss(const Tensor &input,
                                       const Tensor &target,
                                       Reduction reduction) {
  checkSameShape("mse_loss", input, target);
  Tensor d = input - target;
  return reduce(d * d, reduction);
}

Tensor adjit::nn::functional::log_softmax(const Tensor &input, int64_t dim) {
  checkDefined("log_softmax", input);
  if (!input.is_floating_point())
    throw Error(std::string("log_softmax: expected a floating-point input, "
                            "got ") +
                dtypeName(input.dtype()));
  int64_t d = wrapDim("log_softmax", dim, input.dim());
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::LogSoftmax, "log_softmax", {input}, {d}},
        [&] { return log_softmax(input, dim); });
  bool last = input.dim() == 0 || d == input.dim() - 1;
  // Rows along the softmax dim, contiguous.
  Tensor rows = castTo(last ? input.detach() : transpose(input.detach(), d, -1),
                       input.dtype());
  Tensor out = makeEmpty(rows.sizes(), input.dtype());
  int64_t n = input.dim() == 0 ? 1 : rows.size(-1);
  int64_t count = n == 0 ? 0 : rows.numel() / n;
  ADJIT_DISPATCH_FLOAT(input.dtype(), {
    const scalar_t *x = rows.unsafeGetImpl()->data<scalar_t>();
    scalar_t *o = out.unsafeGetImpl()->data<scalar_t>();
    // Rows split among the pool's threads when there are many.
    runtime::parallelFor(
        count, runtime::unitsPerThread(n), 1, [=](int64_t first, int64_t last) {
          for (int64_t r = first; r < last; ++r) {
            const scalar_t *xr = x + r * n;
            scalar_t m = xr[0];
            for (int64_t k = 1; k < n; ++k)
              m = xr[k] > m ? xr[k] : m;
            double total = 0;
            for (int64_t k = 0; k < n; ++k)
              total += std::exp(static_cast<double>(xr[k] - m));
            // (x - m) - log(sum), in the order of the traced decomposition.
            scalar_t logTotal = static_cast<scalar_t>(std::log(total));
            for (int64_t k = 0; k < n; ++k)
              o[r * n + k] = (xr[k] - m) - logTotal;
          }
        });
  });
  if (!last)
    out = castTo(transpose(out, d, -1), input.dtype());
  if (shouldRecord(input))
    recordOp(out, "LogSoftmaxBackward0", {&input}, {SavedVariable(input)},
             [d](const Tensor &g, SavedTensors s, const Node &) -> GradList {
               // d/dx log_softmax: g - softmax(x) * sum(g) along d.
               return {g - softmax(s[0], d) * sum(g, {d}, /*keepdim=*/true)};
             });
  return out;
}

Tensor adjit::nn::functional::softmax(const Tensor &input, int64_t dim) {
  return exp(log_softmax(input, dim));
}

Tensor adjit::nn::functional::binary_cross_entropy_with_logits(
    const Tensor &input, const Tensor &target, Reduction reduction) {
  checkSameShape("binary_cross_entropy_with_logits", input, target);
  Tensor y = to(target, input.dtype());
  if (runtime::getCurrentObserver()) {
    // Traced: the same values from differentiable ops, so that the compiled
    // gradient is derived from them. max(x, 0) and -|x| are written as
    // selections on x >= 0, whose adjoints give the derivative sigmoid(x) - y
    // at every x, x = 0 included (the subgradients of relu and abs at 0
    // would give -y there).
    Tensor nonNegative = input >= 0.0;
    Tensor positivePart = where(nonNegative, input, zeros_like(input));
    Tensor negativeAbs = where(nonNegative, neg(input), input);
    Tensor loss =
        positivePart - input * y + adjit::log(adjit::exp(negativeAbs) + 1.0);
    return reduce(loss, reduction);
  }
  Tensor loss;
  {
    NoGradGuard guard;
    loss = adjit::relu(input) - input * y +
           adjit::log(adjit::exp(neg(adjit::abs(input))) + 1.0);
  }
  if (shouldRecord(input, y))
    recordOp(loss, "BinaryCrossEntropyWithLogitsBackward0", {&input, &y},
             {SavedVariable(input), SavedVariable(y)},
             [](const Tensor &g, SavedTensors s, const Node &n) -> GradList {
               return {n.needsInputGrad(0) ? g * (adjit::sigmoid(s[0]) - s[1])
                                           : Tensor(),
                       n.needsInputGrad(1) ? neg(g * s[0]) : Tensor()};
             });
  return reduce(loss, reduction);
}
