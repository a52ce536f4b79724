//===- CapturedTensors.h - tensors held by compiled versions ----*- C++ -*-===//
//
// A compiled version of a function holds the tensors the function captured
// (its parameters and data), so that a call passes them to compiled code
// without touching their reference counts. A captured tensor that nothing
// but compiled versions holds any more was released by the function's user:
// the function now uses another tensor, and the versions that captured it
// are stale. Each held tensor is registered here, once per holding version
// in the process, so that a call tells that apart from a plain load of the
// tensor's reference count.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_LIB_TRACING_CAPTUREDTENSORS_H
#define ADJIT_LIB_TRACING_CAPTUREDTENSORS_H

#include "adjit/Tensor.h"

#include <atomic>

namespace adjit::tracing {

/// One compiled version's hold on a captured tensor, which the version keeps
/// alive elsewhere (in its argument list) for as long as this registration
/// lives.
class CapturedTensorHold {
public:
  /// Registers a hold on `tensor`.
  explicit CapturedTensorHold(const Tensor &tensor);
  ~CapturedTensorHold();
  CapturedTensorHold(CapturedTensorHold &&other) noexcept
      : impl(other.impl), holds(other.holds) {
    other.holds = nullptr;
  }
  CapturedTensorHold &operator=(CapturedTensorHold &&other) noexcept;
  CapturedTensorHold(const CapturedTensorHold &) = delete;
  CapturedTensorHold &operator=(const CapturedTensorHold &) = delete;

  /// Returns whether nothing but compiled versions holds `tensor` (the held
  /// one) now, one reference each. A relaxed load of two counts: a
  /// reference dropped by another thread at the same time may be seen one
  /// call later.
  bool isReleased(const Tensor &tensor) const {
    return tensor.getIntrusivePtr().use_count() <=
           holds->load(std::memory_order_relaxed);
  }

private:
  void release();

  const TensorImpl *impl;
  /// The holds on the tensor in the process.
  std::atomic<long> *holds;
};

} // namespace adjit::tracing

#endif // ADJIT_LIB_TRACING_CAPTUREDTENSORS_H
