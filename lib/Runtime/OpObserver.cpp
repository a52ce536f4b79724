//===- OpObserver.cpp - the per-thread op observer ------------------------===//

#include "adjit/Runtime/OpObserver.h"

#include "TensorImpl.h"
#include "adjit/Autograd.h"

#include <atomic>
#include <cstring>
#include <optional>

using namespace adjit::runtime;

namespace {
thread_local OpObserver *currentObserver = nullptr;
/// The first serial no thread has taken a block of.
std::atomic<uint64_t> nextSerial{0};
/// Serials a thread takes at once.
constexpr uint64_t kSerialBlock = 4096;
/// The calling thread's serials left: [next, end).
struct SerialBlock {
  uint64_t next = 0, end = 0;
};
thread_local SerialBlock serials;
} // namespace

uint64_t adjit::detail::takeCreationSerial() {
  SerialBlock &block = serials;
  if (block.next == block.end) {
    block.next = nextSerial.fetch_add(kSerialBlock, std::memory_order_relaxed);
    block.end = block.next + kSerialBlock;
  }
  return block.next++;
}

uint64_t adjit::runtime::getCreationSerial(const Tensor &tensor) {
  return tensor.unsafeGetImpl()->serial;
}

uint64_t adjit::runtime::getNextCreationSerial() {
  // The rest of the calling thread's block is dropped: its next tensor
  // takes a new block, at or above the value returned.
  serials = SerialBlock();
  return nextSerial.load(std::memory_order_relaxed);
}

OpObserver::~OpObserver() = default;

adjit::Tensor OpObserver::replay(const OpRecord &record) {
  throw adjit::Error(std::string(record.name) +
                     ": the observer cannot replay ops");
}

ScanResult OpObserver::scan(const ScanCall &call) { return runScanSteps(call); }

adjit::Tensor adjit::runtime::makeShapeOnlyTensor(const Tensor &like) {
  const TensorImpl &source = *like.unsafeGetImpl();
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = source.shape;
  impl->strides = source.strides;
  impl->offset = source.offset;
  impl->numel = source.numel;
  impl->dtype = source.dtype;
  impl->isView = source.isView;
  impl->requiresGrad = like.requires_grad();
  return Tensor(std::move(impl));
}

bool adjit::runtime::haveIdenticalElements(const Tensor &a, const Tensor &b) {
  if (a.sizes() != b.sizes() || a.dtype() != b.dtype())
    return false;
  ObserverScope unobserved(nullptr);
  adjit::Tensor x = a.contiguous(), y = b.contiguous();
  const TensorImpl &xi = *x.unsafeGetImpl(), &yi = *y.unsafeGetImpl();
  size_t bytes = static_cast<size_t>(xi.numel) * elementSize(xi.dtype);
  return bytes == 0 || std::memcmp(xi.bytes(), yi.bytes(), bytes) == 0;
}

OpObserver *adjit::runtime::getCurrentObserver() { return currentObserver; }

ObserverScope::ObserverScope(OpObserver *observer) : previous(currentObserver) {
  currentObserver = observer;
}

ObserverScope::~ObserverScope() { currentObserver = previous; }

// x86-64's baseline (SSE2) has no 64-bit integer comparison to vectorize
// with; an AVX2 copy of the check, chosen when the process starts, does it
// four values at a time. Not under ThreadSanitizer: the copy is chosen by an
// ifunc resolver that the dynamic loader runs before TSan's runtime is set
// up, and TSan's instrumentation of it faults.
#if defined(__x86_64__) && defined(__has_attribute) &&                         \
    !defined(__SANITIZE_THREAD__)
#if __has_attribute(target_clones)
#define ADJIT_CLONE_FOR_AVX2 __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef ADJIT_CLONE_FOR_AVX2
#define ADJIT_CLONE_FOR_AVX2
#endif

namespace {
/// Whether any of the `n` values lies outside [0, limit) and differs from
/// `ignored` (if set). The loops have no early exit and no branch, so that
/// the compiler vectorizes them: a compiled call checks its index arguments
/// on every call, and a check element by element cost more than the
/// compiled gather it guarded.
ADJIT_CLONE_FOR_AVX2 bool anyOutside(const int64_t *data, int64_t n,
                                     uint64_t limit,
                                     std::optional<int64_t> ignored) {
  unsigned outside = 0;
  // A negative value converts to an unsigned one of at least 2^63, above
  // any limit, so one comparison covers both ends of the range.
  if (!ignored) {
    for (int64_t i = 0; i < n; ++i)
      outside |= static_cast<uint64_t>(data[i]) >= limit;
    return outside;
  }
  int64_t allowed = *ignored;
  for (int64_t i = 0; i < n; ++i)
    outside |= (static_cast<uint64_t>(data[i]) >= limit) & (data[i] != allowed);
  return outside;
}
} // namespace

void IndexRangeCheck::verify(const Tensor &indices) const {
  // The values are read directly: this check is the runtime's own business,
  // not a host read of a traced program.
  adjit::Tensor values = adjit::castTo(indices, adjit::Dtype::Int64);
  const int64_t *data = values.unsafeGetImpl()->data<int64_t>();
  int64_t n = values.numel();
  // Values in range pass in one vectorized sweep; the loop below finds the
  // first value out of range for the message.
  if (bound >= 0 &&
      !anyOutside(data, n, static_cast<uint64_t>(bound) + (inclusive ? 1 : 0),
                  inclusive ? std::nullopt : ignored))
    return;
  for (int64_t i = 0; i < n; ++i) {
    if (inclusive && (data[i] < 0 || data[i] > bound))
      throw adjit::Error(std::string(op) + ": " + what + " = " +
                         std::to_string(data[i]) + " lies outside [0, " +
                         std::to_string(bound) + "], where " +
                         std::to_string(bound) + " is " + unit);
    if (!inclusive && (data[i] < 0 || data[i] >= bound) && data[i] != ignored)
      throw adjit::Error(std::string(op) + ": " + what + " " +
                         std::to_string(data[i]) + " at position " +
                         std::to_string(i) + " is out of bounds for " +
                         std::to_string(bound) + " " + unit);
  }
}

void adjit::runtime::writeState(const char *op, const Tensor &target,
                                const Tensor &value) {
  if (target.requires_grad())
    throw adjit::Error(std::string(op) + ": the state tensor of shape " +
                       adjit::shapeToString(target.sizes()) +
                       " requires grad; state written by an op must not");
  if (target.sizes() != value.sizes())
    throw adjit::Error(std::string(op) + ": cannot write a value of shape " +
                       adjit::shapeToString(value.sizes()) +
                       " into the state tensor of shape " +
                       adjit::shapeToString(target.sizes()));
  OpRecord record{OpKind::StateWrite, op, {target, value}};
  record.output = target;
  if (OpObserver *observer = getCurrentObserver()) {
    if (observer->isReplaying()) {
      observer->replay(record);
      return;
    }
    // Before the write, so that a tracer can keep the old value.
    observer->observe(record);
  }
  ObserverScope unobserved(nullptr);
  adjit::NoGradGuard noGrad;
  adjit::Tensor destination = target;
  destination.copy_(value);
}
