//===- Checkpoints.h - scan programs under random checkpoint policies -*- C++
//-*-===//
//
// jit::scan cannot choose the checkpoint policy of the adjit.scan it traces
// to (the adjoint tapes every carry, store_all). A program with scans is
// therefore differentiated a second time from its traced IR, after setting
// a random policy on every adjit.scan (store_all, every K, sqrt,
// recompute_all), and compiled and run on the program's inputs: its loss and
// gradients must equal eager autograd's, as jit::compile's must.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_TOOLS_DIFFTEST_CHECKPOINTS_H
#define ADJIT_TOOLS_DIFFTEST_CHECKPOINTS_H

#include "Program.h"

#include <string>
#include <vector>

namespace adjit::difftest {

/// The loss and gradients of a program with scans, differentiated under
/// random checkpoint policies.
struct PolicyComputation {
  /// The policy of each adjit.scan of the traced IR, in IR order, e.g.
  /// "every 2 of 5, sqrt of 3".
  std::string policies;
  /// What went wrong (an exception, or a traced IR without adjit.scan).
  std::string error;
  Tensor loss;
  /// The gradient of each input that requires grad, by input index.
  std::vector<Tensor> gradients;
};

/// Traces `program` (as jit::compile does), sets a checkpoint policy drawn
/// with the program's seed on every adjit.scan, runs adjit-autodiff on the
/// traced function and compiles and runs the gradient function.
PolicyComputation computeUnderRandomPolicies(const Program &program);

} // namespace adjit::difftest

#endif // ADJIT_TOOLS_DIFFTEST_CHECKPOINTS_H
