//===- Random.cpp - dropout and its counter-based generator ---------------===//
//
// Dropout draws its masks from Philox-4x32-10 (adjit/Semantics/Philox.h)
// keyed by the generator state [seed, offset] (runtime::getRandomState()).
// The mask is one observed op with the state as its operand, and advancing
// the offset is a state write, so a traced dropout reads the state as a
// captured tensor and its compiled version draws the same bits and advances
// the same offset.
//
//===----------------------------------------------------------------------===//

#include "TensorImpl.h"
#include "adjit/Autograd.h"
#include "adjit/Runtime/OpObserver.h"
#include "adjit/Semantics/Philox.h"

using namespace adjit;
namespace philox = adjit::semantics::philox;

namespace {
/// The seed of the state before any manual_seed (the Mersenne twister's
/// default seed).
constexpr int64_t kDefaultSeed = 5489;

/// The dropout mask of `shape` and `dtype` drawn from the generator state:
/// 1 / (1 - p) where an element is kept, 0 elsewhere.
Tensor dropoutMask(const Shape &shape, Dtype dtype, double p) {
  const Tensor &state = runtime::getRandomState();
  auto draw = [&] {
    const int64_t *words = state.unsafeGetImpl()->data<int64_t>();
    auto seed = static_cast<uint64_t>(words[0]);
    auto offset = static_cast<uint64_t>(words[1]);
    double scale = philox::dropoutScale(p);
    Tensor mask = makeEmpty(shape, dtype);
    TensorImpl &impl = *mask.unsafeGetImpl();
    ADJIT_DISPATCH_FLOAT(dtype, {
      scalar_t *data = impl.data<scalar_t>();
      auto kept = static_cast<scalar_t>(scale);
      for (int64_t i = 0; i < impl.numel; ++i)
        data[i] = philox::dropoutKeeps(
                      philox::randomBits(seed, offset, uint64_t(i)), p)
                      ? kept
                      : scalar_t(0);
    });
    return mask;
  };
  if (!runtime::getCurrentObserver())
    return draw();
  runtime::OpRecord record{runtime::OpKind::DropoutMask, "dropout", {state}};
  record.scalar = p;
  return runtime::observeAsOneOp(std::move(record), draw);
}
} // namespace

const Tensor &adjit::runtime::getRandomState() {
  static const Tensor state = [] {
    ObserverScope unobserved(nullptr);
    NoGradGuard noGrad;
    return from_vector(std::vector<int64_t>{kDefaultSeed, 0}, {2}, kInt64);
  }();
  return state;
}

void adjit::seedRandomState(uint64_t seed) {
  const Tensor &state = runtime::getRandomState();
  int64_t *words = state.unsafeGetImpl()->data<int64_t>();
  words[0] = static_cast<int64_t>(seed);
  words[1] = 0;
}

Tensor adjit::dropout(const Tensor &input, double p, bool train) {
  checkDefined("dropout", input);
  if (!(p >= 0 && p <= 1))
    throw Error("dropout: probability has to be between 0 and 1, but got " +
                std::to_string(p) + " (input shape " +
                shapeToString(input.sizes()) + ")");
  if (!input.is_floating_point())
    throw Error("dropout: expected a floating-point input, got " +
                std::string(dtypeName(input.dtype())) + " of shape " +
                shapeToString(input.sizes()));
  if (!train || p == 0 || input.numel() == 0)
    return input;
  Tensor mask = dropoutMask(input.sizes(), input.dtype(), p);
  {
    // Each element used one counter.
    NoGradGuard noGrad;
    const Tensor &state = runtime::getRandomState();
    Tensor advance =
        from_vector(std::vector<int64_t>{0, input.numel()}, {2}, kInt64);
    runtime::writeState("dropout", state, state + advance);
  }
  // The gradient is the incoming one times the same mask.
  return input * mask;
}
