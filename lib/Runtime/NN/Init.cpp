//===- Init.cpp - Parameter initializers (nn::init) -----------------------===//

#include "adjit/NN/Init.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"

#include <cmath>
#include <string>

using namespace adjit;
using namespace adjit::nn;

double init::calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
  case Nonlinearity::Linear:
  case Nonlinearity::Conv1D:
  case Nonlinearity::Conv2D:
  case Nonlinearity::Conv3D:
  case Nonlinearity::Sigmoid:
    return 1.0;
  case Nonlinearity::Tanh:
    return 5.0 / 3.0;
  case Nonlinearity::ReLU:
    return std::sqrt(2.0);
  case Nonlinearity::LeakyReLU:
    return std::sqrt(2.0 / (1.0 + param * param));
  }
  throw Error("calculate_gain: unknown nonlinearity");
}

std::pair<int64_t, int64_t>
init::calculate_fan_in_and_fan_out(const Tensor &t) {
  if (!t.defined() || t.dim() < 2)
    throw Error(
        "calculate_fan_in_and_fan_out: fan in and fan out need a "
        "tensor of at least 2 dims, got shape " +
        (t.defined() ? shapeToString(t.sizes()) : std::string("undefined")));
  int64_t receptiveField = 1;
  for (int64_t d = 2; d < t.dim(); ++d)
    receptiveField *= t.size(d);
  return {t.size(1) * receptiveField, t.size(0) * receptiveField};
}

Tensor &init::uniform_(Tensor &t, double low, double high) {
  NoGradGuard guard;
  t.copy_(rand(t.sizes(), t.dtype()) * (high - low) + low);
  return t;
}

Tensor &init::normal_(Tensor &t, double mean, double std) {
  NoGradGuard guard;
  t.copy_(randn(t.sizes(), t.dtype()) * std + mean);
  return t;
}

Tensor &init::constant_(Tensor &t, double value) {
  NoGradGuard guard;
  t.fill_(value);
  return t;
}

Tensor &init::zeros_(Tensor &t) { return constant_(t, 0.0); }
Tensor &init::ones_(Tensor &t) { return constant_(t, 1.0); }

/// The standard deviation kaiming_* aims for; an empty tensor (fan 0) has
/// nothing to fill and gets 0.
static double kaimingStd(const Tensor &t, double a, init::FanMode mode,
                         init::Nonlinearity nonlinearity) {
  auto [fanIn, fanOut] = init::calculate_fan_in_and_fan_out(t);
  int64_t fan = mode == init::FanMode::FanIn ? fanIn : fanOut;
  return fan > 0 ? init::calculate_gain(nonlinearity, a) / std::sqrt(fan) : 0.0;
}

/// The standard deviation xavier_* aims for.
static double xavierStd(const Tensor &t, double gain) {
  auto [fanIn, fanOut] = init::calculate_fan_in_and_fan_out(t);
  return fanIn + fanOut > 0
             ? gain * std::sqrt(2.0 / static_cast<double>(fanIn + fanOut))
             : 0.0;
}

// A uniform distribution on (-b, b) has standard deviation b / sqrt(3).
Tensor &init::kaiming_uniform_(Tensor &t, double a, FanMode mode,
                               Nonlinearity nonlinearity) {
  double bound = std::sqrt(3.0) * kaimingStd(t, a, mode, nonlinearity);
  return uniform_(t, -bound, bound);
}

Tensor &init::kaiming_normal_(Tensor &t, double a, FanMode mode,
                              Nonlinearity nonlinearity) {
  return normal_(t, 0.0, kaimingStd(t, a, mode, nonlinearity));
}

Tensor &init::xavier_uniform_(Tensor &t, double gain) {
  double bound = std::sqrt(3.0) * xavierStd(t, gain);
  return uniform_(t, -bound, bound);
}

Tensor &init::xavier_normal_(Tensor &t, double gain) {
  return normal_(t, 0.0, xavierStd(t, gain));
}
