//===- Init.h - Parameter initializers (nn::init) ---------------*- C++ -*-===//
//
// LibTorch's torch::nn::init: in-place fills of a parameter from the global
// generator, never recorded by autograd.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_NN_INIT_H
#define ADJIT_NN_INIT_H

#include "adjit/Tensor.h"

#include <cstdint>
#include <utility>

namespace adjit {
namespace nn {
namespace init {

/// Which fan kaiming_* scales by: fan_in preserves the variance of the
/// forward activations, fan_out that of the backward gradients.
enum class FanMode { FanIn, FanOut };

/// The nonlinearity a layer's output goes through, for calculate_gain.
enum class Nonlinearity {
  Linear,
  Conv1D,
  Conv2D,
  Conv3D,
  Sigmoid,
  Tanh,
  ReLU,
  LeakyReLU
};

/// The recommended gain of \p nonlinearity (PyTorch's table: 1 for linear,
/// conv and sigmoid, 5/3 for tanh, sqrt(2) for ReLU, sqrt(2 / (1 +
/// slope^2)) for leaky ReLU with negative slope \p param).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);

/// (fan_in, fan_out) of a weight of at least 2 dims: [out, in, k...] has
/// fan_in = in * prod(k) and fan_out = out * prod(k).
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor &t);

/// Fills \p t with U(low, high) samples in place (without recording).
Tensor &uniform_(Tensor &t, double low = 0.0, double high = 1.0);
/// Fills \p t with N(mean, std) samples in place (without recording).
Tensor &normal_(Tensor &t, double mean = 0.0, double std = 1.0);
/// Fills \p t with \p value, 0 or 1 in place (without recording).
Tensor &constant_(Tensor &t, double value);
Tensor &zeros_(Tensor &t);
Tensor &ones_(Tensor &t);

/// He et al.: U(-b, b) with b = gain * sqrt(3 / fan), gain =
/// calculate_gain(nonlinearity, a).
Tensor &kaiming_uniform_(Tensor &t, double a = 0.0,
                         FanMode mode = FanMode::FanIn,
                         Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
/// He et al.: N(0, std) with std = gain / sqrt(fan).
Tensor &kaiming_normal_(Tensor &t, double a = 0.0,
                        FanMode mode = FanMode::FanIn,
                        Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
/// Glorot & Bengio: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).
Tensor &xavier_uniform_(Tensor &t, double gain = 1.0);
/// Glorot & Bengio: N(0, std) with std = gain * sqrt(2 / (fan_in +
/// fan_out)).
Tensor &xavier_normal_(Tensor &t, double gain = 1.0);

} // namespace init
} // namespace nn

/// LibTorch's enum constants (torch::kFanIn, torch::kReLU, ...).
inline constexpr nn::init::FanMode kFanIn = nn::init::FanMode::FanIn;
inline constexpr nn::init::FanMode kFanOut = nn::init::FanMode::FanOut;
inline constexpr nn::init::Nonlinearity kLinear =
    nn::init::Nonlinearity::Linear;
inline constexpr nn::init::Nonlinearity kConv1D =
    nn::init::Nonlinearity::Conv1D;
inline constexpr nn::init::Nonlinearity kConv2D =
    nn::init::Nonlinearity::Conv2D;
inline constexpr nn::init::Nonlinearity kConv3D =
    nn::init::Nonlinearity::Conv3D;
inline constexpr nn::init::Nonlinearity kSigmoid =
    nn::init::Nonlinearity::Sigmoid;
inline constexpr nn::init::Nonlinearity kTanh = nn::init::Nonlinearity::Tanh;
inline constexpr nn::init::Nonlinearity kReLU = nn::init::Nonlinearity::ReLU;
inline constexpr nn::init::Nonlinearity kLeakyReLU =
    nn::init::Nonlinearity::LeakyReLU;

} // namespace adjit

#endif // ADJIT_NN_INIT_H
