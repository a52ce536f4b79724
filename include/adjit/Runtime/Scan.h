//===- Scan.h - a scan as the runtime and its observers see it --*- C++ -*-===//
//
// jit::scan (adjit/JIT/Scan.h) checks its arguments and hands the call to the
// op observer of the thread, if any: the tracer records it as one
// `adjit.scan`, a shape-only replay compares its body with the traced one.
// With no observer the loop runs eagerly, with autograd.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_RUNTIME_SCAN_H
#define ADJIT_RUNTIME_SCAN_H

#include "adjit/JIT/ScanOptions.h"
#include "adjit/Tensor.h"

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace adjit::runtime {

/// The final carries and the stacked per-step outputs of a scan; or the next
/// carries and the outputs of one step.
using ScanResult = std::pair<std::vector<Tensor>, std::vector<Tensor>>;

/// One step of a scan: (carries, slices of the scanned tensors) to (next
/// carries, the step's outputs).
using ScanStep = std::function<ScanResult(const std::vector<Tensor> &,
                                          const std::vector<Tensor> &)>;

/// A call of jit::scan whose arguments were checked (checkScanArguments).
struct ScanCall {
  const ScanStep &step;
  const std::vector<Tensor> &init;
  const std::vector<Tensor> &xs;
  /// The number of steps, or their bound if `options.length()` is defined:
  /// the leading size of every scanned tensor.
  int64_t length;
  const jit::ScanOptions &options;
};

/// Returns the number of steps of a scan over `xs` (their common leading
/// size, or `length` if given, which they must then have). Throws
/// adjit::Error naming the shapes if a scanned tensor is 0-d, the leading
/// sizes differ, `length` is negative or differs from them, or there is no
/// scanned tensor and no length.
int64_t checkScanArguments(const std::vector<Tensor> &init,
                           const std::vector<Tensor> &xs,
                           std::optional<int64_t> length);

/// Throws adjit::Error naming the scan's length unless `call.options` fit
/// it: a checkpoint every(K) needs 1 <= K <= length (the verifier's rule),
/// a run-time length must be a 0-d int64 tensor. Has the current observer
/// check that a run-time length `n` lies in [0, length] (on every call of
/// a compiled function), and checks it unless the observer replays.
void checkScanOptions(const ScanCall &call);

/// Returns the number of steps the scan runs: its length, or the value of
/// its run-time length (checked by checkScanOptions()).
int64_t scanTripCount(const ScanCall &call);

/// Throws adjit::Error unless `next`, the carries step `step` returned, are
/// as many as the call's initial carries and of their shapes and dtypes.
void checkScanCarries(const ScanCall &call, const std::vector<Tensor> &next,
                      int64_t step);

/// Returns the slices of the scanned tensors at step `index`; for a scan of
/// length 0 (index 0), zeros of the slices' shapes.
std::vector<Tensor> scanSlices(const ScanCall &call, int64_t index);

/// Runs the scan step by step (scanTripCount() steps, backwards with
/// `reverse`): the ops of every step run as eager ops, with autograd, and are
/// reported to the current observer, if any. The stacked outputs have
/// `length` rows, zero from the trip count on. A scan of no step runs its
/// step once, unobserved and without gradients, on the first slices (zeros
/// if there are none), to learn the shapes of its outputs, and returns the
/// initial carries and zero stacks.
ScanResult runScanSteps(const ScanCall &call);

} // namespace adjit::runtime

#endif // ADJIT_RUNTIME_SCAN_H
