//===- Check.h - run a program three ways and compare -----------*- C++ -*-===//
//
// A program runs with eager autograd, compiled by jit::compile (which
// differentiates it in the IR), and under central finite differences of its
// eager forward. The loss and gradients must agree within the tolerances
// below (docs/testing.md explains them).
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_TOOLS_DIFFTEST_CHECK_H
#define ADJIT_TOOLS_DIFFTEST_CHECK_H

#include "Checkpoints.h"
#include "Program.h"

#include "adjit/JIT.h"

#include <string>
#include <vector>

namespace adjit::difftest {

/// How close two computations of the same value must be: |actual - expected|
/// <= relative * |expected| + absolute * (1 + max |expected|), the maximum
/// taken over the tensor the element belongs to.
struct Tolerance {
  double relative;
  double absolute;
};

struct CheckOptions {
  /// JIT against eager: the same f64 arithmetic, reordered (fused loops,
  /// other summation orders, libm against the lowered math functions).
  Tolerance jit = {1e-9, 1e-11};
  /// Finite differences against eager autograd.
  Tolerance finiteDifferences = {1e-5, 1e-7};
  /// The step of the central differences (inputs are within [-2, 2]).
  double step = 1e-5;
  /// If positive, finite differences are taken for at most this many
  /// elements of each input, chosen by a generator seeded with the program's
  /// seed and the input's index (every element costs four evaluations of the
  /// program); 0 takes them for every element.
  int64_t sampledDifferences = 0;
  /// A deliberate error introduced after the three computations, to show
  /// that the comparison catches it (self-check mode).
  enum class Perturbation {
    None,
    /// Changes the JIT loss by a relative 1e-7.
    JitLoss,
    /// Changes one element of one JIT gradient by a relative 1e-7.
    JitGradient,
    /// Changes one element of one gradient computed under checkpoint
    /// policies by a relative 1e-7 (programs with scans only).
    PolicyGradient,
    /// Changes one element of one eager and one JIT gradient by the same
    /// relative 1e-3, so only finite differences can tell.
    BothGradients,
  } perturbation = Perturbation::None;
};

/// The loss and gradients of one program, computed three ways.
struct Computations {
  /// Exceptions thrown by eager autograd or by the JIT, if any.
  std::string eagerError, jitError;
  /// The loss and the gradient of each input (undefined for inputs that do
  /// not require grad), by input index.
  Tensor eagerLoss, jitLoss;
  std::vector<Tensor> eagerGradients, jitGradients;
  /// Problems of the compiled function's second call, which must return the
  /// same loss and double the gradients.
  std::vector<std::string> jitRepeatProblems;
  /// Central differences, Richardson-extrapolated from steps h and h/2,
  /// which elements have one (all, or the sample), and whether the two steps
  /// agreed there (no kink close by), by input index.
  std::vector<Tensor> differences;
  std::vector<std::vector<bool>> differenceTaken, differenceReliable;
  /// The IR the JIT compiled (traced function and gradient), if it got
  /// that far.
  std::string compiledIR;
  /// For a program with scans: the loss and gradients differentiated from
  /// its traced IR under random checkpoint policies.
  bool policiesRun = false;
  PolicyComputation policies;
};

/// The outcome of checking one program.
struct CheckResult {
  /// One line per disagreement or exception; empty if the program passed.
  std::vector<std::string> problems;
  /// Gradient elements whose finite differences with steps h and h/2
  /// disagree by more than the tolerance (a kink too close): not compared.
  int unreliableDifferences = 0;
  /// Gradient elements compared with finite differences.
  int comparedDifferences = 0;
  /// The largest |error| / tolerance seen of each comparison (1 = at the
  /// tolerance).
  double worstJitRatio = 0, worstDifferenceRatio = 0;
  bool passed() const { return problems.empty(); }
};

/// The name of the traced function of every program.
inline constexpr const char *kFunctionName = "difftest";

/// Fresh tensors of the program's inputs; those that require grad are
/// leaves that do if `withGrad`.
std::vector<Tensor> makeInputs(const Program &program, bool withGrad);

/// The program as the function jit::compile traces: of its argument inputs,
/// with the captured inputs taken from `all`.
jit::TensorFunction asFunction(const Program &program,
                               const std::vector<Tensor> &all);

/// The argument inputs among `all`, in input order.
std::vector<Tensor> argumentsOf(const Program &program,
                                const std::vector<Tensor> &all);

/// Runs `program` three ways.
Computations compute(const Program &program, const CheckOptions &options);

/// Compares the three computations of `program`, after applying
/// `options.perturbation` to a copy of them.
CheckResult compare(const Program &program, const Computations &computations,
                    const CheckOptions &options);

/// The program's inputs in the order of the traced function's arguments:
/// argument inputs, then captured inputs in use order.
std::vector<int> getArgumentOrder(const Program &program);

/// Formats `values` of `shape` as an MLIR dense f64 literal.
std::string formatDense(const Tensor &values);

/// Writes the traced IR of a failing program (and the compiled IR, if any)
/// to `directory` and returns a report: the program, the files, and command
/// lines that reproduce it with adjit-difftest, adjit-opt and adjit-run.
std::string writeReport(const Program &program,
                        const Computations &computations,
                        const CheckResult &result, const std::string &directory,
                        const std::string &toolsDirectory);

} // namespace adjit::difftest

#endif // ADJIT_TOOLS_DIFFTEST_CHECK_H
