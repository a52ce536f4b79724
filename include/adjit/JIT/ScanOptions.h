//===- ScanOptions.h - reverse, checkpointing, run-time length -*- C++ -*-===//
//
// The options of jit::scan: the direction of the loop, what the adjoint of a
// traced scan keeps for its reverse sweep, and a trip count known only when
// the code runs.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_JIT_SCANOPTIONS_H
#define ADJIT_JIT_SCANOPTIONS_H

#include "adjit/Tensor.h"

#include <cstdint>
#include <string>

namespace adjit::jit {

/// What the adjoint of a traced scan keeps for its reverse sweep (the
/// `checkpoint` of `adjit.scan`); it never changes what the scan computes.
class ScanCheckpoint {
public:
  enum class Policy { StoreAll, Every, Sqrt, RecomputeAll };

  /// Tapes the carry entering every step (the default).
  static ScanCheckpoint store_all() { return {Policy::StoreAll, 0}; }
  /// Tapes the carry every `k` steps and recomputes each segment of `k`
  /// steps in the reverse sweep; `k` must lie in [1, length].
  static ScanCheckpoint every(int64_t k) { return {Policy::Every, k}; }
  /// every(ceil(sqrt(length))).
  static ScanCheckpoint sqrt() { return {Policy::Sqrt, 0}; }
  /// Tapes nothing: each step's carry is recomputed from the initial one.
  static ScanCheckpoint recompute_all() { return {Policy::RecomputeAll, 0}; }
  /// Parses the IR's spelling: "store_all", "every K", "sqrt" or
  /// "recompute_all". Throws adjit::Error naming `text` otherwise.
  static ScanCheckpoint parse(const std::string &text);

  Policy policy() const { return policy_; }
  /// The K of every(K); 0 for the other policies.
  int64_t segment() const { return segment_; }
  /// The IR's spelling, e.g. "every 4".
  std::string str() const;

private:
  ScanCheckpoint(Policy policy, int64_t segment)
      : policy_(policy), segment_(segment) {}
  Policy policy_;
  int64_t segment_;
};

/// Options of jit::scan, set LibTorch-style:
/// `jit::ScanOptions().reverse(true).length(n)`.
class ScanOptions {
public:
  /// JAX's `reverse`: the steps run from the last slice to the first (step
  /// `i` still reads the slices at `i`), and the outputs are stacked in the
  /// original order: row `i` is the output of the step on row `i`.
  ScanOptions &reverse(bool v) { return reverse_ = v, *this; }
  /// The checkpoint policy of the traced `adjit.scan`. Eagerly it is only
  /// checked (every(K) needs 1 <= K <= the length): an eager scan's autograd
  /// keeps what every step computed, as store_all does.
  ScanOptions &checkpoint(ScanCheckpoint v) { return checkpoint_ = v, *this; }
  /// A trip count `n` known only when the code runs: a 0-d int64 tensor.
  /// The scanned tensors keep the bound (the scan's length) as their
  /// leading size; the scan runs `n` steps over the rows `0 .. n - 1`
  /// (with reverse, `n - 1` down to 0), the rows `n ..` of the stacked
  /// outputs are zero and those of the scanned tensors get zero gradients.
  /// Traced, `n` is read when the compiled code runs: another `n` does not
  /// recompile. `0 <= n <= bound` is checked eagerly and on every compiled
  /// call.
  ScanOptions &length(const Tensor &n) { return length_ = n, *this; }

  bool reverse() const { return reverse_; }
  const ScanCheckpoint &checkpoint() const { return checkpoint_; }
  /// The run-time trip count; undefined if the scan runs its whole length.
  const Tensor &length() const { return length_; }

private:
  bool reverse_ = false;
  ScanCheckpoint checkpoint_ = ScanCheckpoint::store_all();
  Tensor length_;
};

} // namespace adjit::jit

#endif // ADJIT_JIT_SCANOPTIONS_H
