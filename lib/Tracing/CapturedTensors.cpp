//===- CapturedTensors.cpp - tensors held by compiled versions ------------===//

#include "CapturedTensors.h"

#include <mutex>
#include <unordered_map>

using namespace adjit;
using namespace adjit::tracing;

namespace {
/// The holds on each held tensor. A held tensor stays alive, so its address
/// is not reused while it has an entry. Never destroyed: holds may be
/// released by static destructors at exit.
struct Registry {
  std::mutex mutex;
  /// Nodes of an unordered_map keep their address when it grows.
  std::unordered_map<const TensorImpl *, std::atomic<long>> holds;
};

Registry &getRegistry() {
  static Registry *registry = new Registry();
  return *registry;
}
} // namespace

CapturedTensorHold::CapturedTensorHold(const Tensor &tensor)
    : impl(tensor.unsafeGetImpl()) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  holds = &registry.holds[impl];
  holds->fetch_add(1, std::memory_order_relaxed);
}

CapturedTensorHold::~CapturedTensorHold() { release(); }

CapturedTensorHold &
CapturedTensorHold::operator=(CapturedTensorHold &&other) noexcept {
  if (this != &other) {
    release();
    impl = other.impl;
    holds = other.holds;
    other.holds = nullptr;
  }
  return *this;
}

void CapturedTensorHold::release() {
  if (!holds)
    return;
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  if (holds->fetch_sub(1, std::memory_order_relaxed) == 1)
    registry.holds.erase(impl);
  holds = nullptr;
}
