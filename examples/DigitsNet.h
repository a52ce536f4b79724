//===- DigitsNet.h - The CNN of the digits example ---------*- C++ -*-===//
//
// conv(1->8, 3x3, padding 1) - batch norm - ReLU - max pool 2 -
// conv(8->16, 3x3, padding 1) - ReLU - max pool 2 - flatten - dropout(0.25) -
// linear(64->10), over [N, 1, 8, 8] images: what examples/digits_cnn.cpp
// trains and bench/cnn times.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_DIGITSNET_H
#define ADJIT_EXAMPLES_DIGITSNET_H

#include "adjit/adjit.h"

namespace adjit::examples {

/// The network, with LibTorch's layers.
class DigitsNetImpl : public nn::Module {
public:
  DigitsNetImpl() : Module("DigitsNet") {
    conv1 = register_module("conv1",
                            nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1)));
    bn1 = register_module("bn1", nn::BatchNorm2d(8));
    conv2 = register_module("conv2",
                            nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1)));
    dropout = register_module("dropout", nn::Dropout(0.25));
    fc = register_module("fc", nn::Linear(16 * 2 * 2, 10));
  }
  Tensor forward(const Tensor &x) override {
    Tensor h = max_pool2d(relu(bn1(conv1(x))), {2}); // [N, 8, 4, 4]
    h = max_pool2d(relu(conv2(h)), {2});             // [N, 16, 2, 2]
    return fc(dropout(h.flatten(1)));                // [N, 10]
  }
  nn::Conv2d conv1{nullptr}, conv2{nullptr};
  nn::BatchNorm2d bn1{nullptr};
  nn::Dropout dropout{nullptr};
  nn::Linear fc{nullptr};
};
ADJIT_MODULE(DigitsNet);

} // namespace adjit::examples

#endif // ADJIT_EXAMPLES_DIGITSNET_H
