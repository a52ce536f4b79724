//===- SingularPoints.h - gradients at kinks, ties, zeros, inf, NaN -*- C++
//-*-===//
//
// The singular-point mode of adjit-difftest (--singular). Every op the eager
// API has and jit::compile traces is evaluated at the points where its
// derivative is undefined, infinite or a matter of convention (kinks, ties,
// zeros of sqrt/log/pow, division by zero, infinities, NaN, subnormal and
// huge values). At each point, the value and the gradient of
// sum(op(inputs) * w) computed by eager autograd and by jit::compile must be
// identical (bitwise; any NaN equals any NaN, +0 equals -0), and both must
// equal the table of expected values in SingularPoints.def, which follows
// the conventions of docs/autodiff.md (PyTorch's).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_TOOLS_DIFFTEST_SINGULARPOINTS_H
#define ADJIT_TOOLS_DIFFTEST_SINGULARPOINTS_H

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace adjit::difftest {

/// Options of the singular-point mode.
struct SingularOptions {
  /// Run only the ops of these names (comma separated); empty runs all.
  std::string only;
  /// Print one line per op and dtype run.
  bool verbose = false;
  /// Changes the first compiled gradient element by one ulp after computing
  /// it, to show that the comparison reports it (the check can fail).
  bool perturbCompiledGradient = false;
};

/// What a run of the singular-point mode compared.
struct SingularSummary {
  /// Ops of the table run, and their points (rows of the table).
  int64_t ops = 0, points = 0;
  /// Points run in f32 as well as in f64.
  int64_t f32Points = 0;
  /// Element comparisons made (eager vs compiled, eager vs expected,
  /// compiled vs expected; values and gradients).
  int64_t comparisons = 0;
  /// Elements that failed any comparison, and cases that threw.
  int64_t failures = 0, errors = 0;
  bool passed() const { return failures == 0 && errors == 0; }
};

/// Runs the table of singular points, printing a line for every mismatch and
/// error to `os`.
SingularSummary runSingularPoints(const SingularOptions &options,
                                  llvm::raw_ostream &os);

} // namespace adjit::difftest

#endif // ADJIT_TOOLS_DIFFTEST_SINGULARPOINTS_H
