//===- OpObserver.cpp - the per-thread op observer ------------------------===//

#include "adjit/Runtime/OpObserver.h"

#include "TensorImpl.h"

#include <atomic>

using namespace adjit::runtime;

namespace {
thread_local OpObserver *currentObserver = nullptr;
std::atomic<uint64_t> nextSerial{0};
} // namespace

uint64_t adjit::detail::takeCreationSerial() {
  return nextSerial.fetch_add(1, std::memory_order_relaxed);
}

uint64_t adjit::runtime::getCreationSerial(const Tensor &tensor) {
  return tensor.unsafeGetImpl()->serial;
}

uint64_t adjit::runtime::getNextCreationSerial() { return nextSerial.load(); }

OpObserver::~OpObserver() = default;

OpObserver *adjit::runtime::getCurrentObserver() { return currentObserver; }

ObserverScope::ObserverScope(OpObserver *observer) : previous(currentObserver) {
  currentObserver = observer;
}

ObserverScope::~ObserverScope() { currentObserver = previous; }
