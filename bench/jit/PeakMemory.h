//===- PeakMemory.h - peak resident memory of a training run ----*- C++ -*-===//

#ifndef ADJIT_BENCH_JIT_PEAKMEMORY_H
#define ADJIT_BENCH_JIT_PEAKMEMORY_H

#include <functional>

namespace adjit::bench {

/// Growth of the peak resident set size during the two phases of a training
/// run, in bytes.
struct PeakMemory {
  /// False if it could not be measured (no fork, no /proc/self/clear_refs,
  /// or the run failed).
  bool valid = false;
  /// During the first step: for a compiled step, tracing and compilation.
  double firstStepBytes = 0;
  /// During the following steps.
  double stepsBytes = 0;
};

/// Runs `step` once and then `steps` more times in a child process (fork),
/// so nothing of the run (allocations, compiled code) stays in the caller,
/// and returns how far the child's peak resident set size (VmHWM) rose above
/// its resident set size at the start of each phase. Before each phase the
/// child returns free heap memory to the system (malloc_trim) and resets its
/// peak to its current resident size (/proc/self/clear_refs), so memory that
/// is freed and reused counts in every phase that uses it.
PeakMemory measurePeakMemory(const std::function<void()> &step, long steps);

/// Returns free heap memory to the system (malloc_trim) and resets this
/// process's peak resident set size to its current resident size
/// (/proc/self/clear_refs); returns that size in kB, or -1 if the peak
/// cannot be reset.
long resetPeakResident();

/// This process's peak resident set size (VmHWM) in kB, or -1.
long peakResidentKb();

/// The field `name` ("VmRSS:", "RssAnon:", "RssFile:", ...) of
/// /proc/self/status in kB, or -1.
long statusKb(const char *name);

} // namespace adjit::bench

#endif // ADJIT_BENCH_JIT_PEAKMEMORY_H
