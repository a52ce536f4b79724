//===- adjit-difftest.cpp - eager vs JIT vs finite differences ------------===//
//
//   adjit-difftest [--seed=S] [--count=N] [--out-dir=DIR] [--verbose]
//                  [--self-check] [--large] [--sequence-ops] [--scan-ops]
//                  [--fd-samples=K]
//   adjit-difftest --singular [--singular-ops=OP,...] [--verbose]
//
// Generates the random tensor programs of seeds S .. S+N-1 and runs each with
// eager autograd, with jit::compile (differentiated in the IR) and under
// central finite differences; the losses and gradients must agree (see
// docs/testing.md). A failing program is printed with its seed and ops, and
// its traced IR and a reproducing adjit-opt | adjit-run command line are
// written to DIR. --self-check also perturbs every program's results in three
// ways and fails unless the comparison catches each perturbation. --large
// generates programs with dims large enough for the JIT's BLAS calls and
// parallel loops, and takes finite differences of K sampled elements of each
// input (default 16). --sequence-ops also draws the sequence-model composites
// (layer_norm, gelu, cumsum, tril, triu, stack, repeat, einsum, diag,
// diag_embed). --scan-ops also draws scans (jit::scan) of random bodies,
// and compiles every scan program a second time from its traced IR with a
// random checkpoint policy on each adjit.scan.
//
// --singular runs the table of singular points instead (SingularPoints.h):
// every traceable op at its kinks, ties, zeros, infinities and NaN, where
// eager and compiled values and gradients must be identical and equal the
// table of expected values.
//
//===----------------------------------------------------------------------===//

#include "Check.h"
#include "SingularPoints.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <map>

using namespace adjit::difftest;

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::opt<uint64_t> seed("seed", llvm::cl::desc("The first seed"),
                               llvm::cl::init(1));
  llvm::cl::opt<uint64_t> count(
      "count", llvm::cl::desc("How many programs to run"), llvm::cl::init(1));
  llvm::cl::opt<std::string> outDir(
      "out-dir",
      llvm::cl::desc("Where to write the IR of failing programs "
                     "(default: difftest-failures)"),
      llvm::cl::init("difftest-failures"));
  llvm::cl::opt<bool> verbose(
      "verbose", llvm::cl::desc("Print every program and its worst errors"));
  llvm::cl::opt<bool> selfCheck(
      "self-check",
      llvm::cl::desc("Also perturb the results of every program (JIT loss, "
                     "JIT gradient, eager and JIT gradients alike) and check "
                     "that the comparison reports each perturbation"));
  llvm::cl::opt<bool> generateOnly(
      "generate-only",
      llvm::cl::desc("Only list the programs and count their ops"));
  llvm::cl::opt<bool> large(
      "large",
      llvm::cl::desc("Generate large programs: matrix products of dims 33-80 "
                     "(BLAS calls) and elementwise ops on at least 2^16 "
                     "elements (parallel loops)"));
  llvm::cl::opt<bool> sequenceOps(
      "sequence-ops",
      llvm::cl::desc("Also draw the sequence-model composites: layer_norm, "
                     "gelu, cumsum, tril, triu, stack, repeat, einsum, "
                     "diag, diag_embed"));
  llvm::cl::opt<bool> scanOps(
      "scan-ops",
      llvm::cl::desc("Also draw scans (jit::scan) of random bodies, and "
                     "differentiate each scan program's traced IR again with "
                     "a random checkpoint policy on every adjit.scan"));
  llvm::cl::opt<int64_t> fdSamples(
      "fd-samples",
      llvm::cl::desc("Take finite differences of this many seeded random "
                     "elements of each input, 0 for all (default: 16 with "
                     "--large, else 0)"),
      llvm::cl::init(0));
  llvm::cl::opt<bool> singular(
      "singular",
      llvm::cl::desc("Run every op at its singular points (kinks, ties, "
                     "zeros, infinities, NaN): eager and compiled values and "
                     "gradients must be identical and match the expected "
                     "table"));
  llvm::cl::opt<std::string> singularOps(
      "singular-ops",
      llvm::cl::desc("With --singular: only these ops (comma separated)"));
  llvm::cl::opt<bool> singularPerturb(
      "singular-perturb", llvm::cl::Hidden,
      llvm::cl::desc("With --singular: change the first compiled gradient "
                     "element by one ulp, which must be reported"));
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "adjit-difftest: random programs run with eager autograd, jit::compile "
      "and finite differences, compared\n");

  if (singular) {
    auto start = std::chrono::steady_clock::now();
    SingularOptions singularOptions;
    singularOptions.only = singularOps;
    singularOptions.verbose = verbose;
    singularOptions.perturbCompiledGradient = singularPerturb;
    SingularSummary summary = runSingularPoints(singularOptions, llvm::outs());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    llvm::outs() << "adjit-difftest --singular: " << summary.ops << " ops, "
                 << summary.points << " points in f64 and " << summary.f32Points
                 << " in f32, " << summary.comparisons << " comparisons, "
                 << summary.failures << " failed, " << summary.errors
                 << " errors; " << llvm::format("%.1f", seconds) << " s\n";
    return summary.passed() ? 0 : 1;
  }

  GeneratorOptions generatorOptions;
  generatorOptions.large = large;
  generatorOptions.sequenceOps = sequenceOps;
  generatorOptions.scanOps = scanOps;
  CheckOptions options;
  options.sampledDifferences =
      fdSamples.getNumOccurrences() || !large ? fdSamples.getValue() : 16;

  if (generateOnly) {
    std::map<std::string, int> histogram;
    for (uint64_t s = seed; s < seed + count; ++s) {
      Program program = generateProgram(s, generatorOptions);
      if (verbose)
        llvm::outs() << "seed " << s << ":\n" << program.describe();
      for (const Step &step : program.steps)
        ++histogram[getOpName(step.kind)];
    }
    for (const auto &[name, n] : histogram)
      llvm::outs() << name << " " << n << "\n";
    return 0;
  }

  // adjit-opt and adjit-run are next to this tool.
  llvm::SmallString<256> toolsDirectory(llvm::sys::path::parent_path(argv[0]));
  if (!toolsDirectory.empty())
    llvm::sys::fs::make_absolute(toolsDirectory);
  llvm::sys::path::remove_dots(toolsDirectory, /*remove_dot_dot=*/true);
  auto start = std::chrono::steady_clock::now();
  uint64_t failures = 0, unreliable = 0, compared = 0, perturbations = 0,
           caught = 0;
  double worstJit = 0, worstDifferences = 0;
  // Programs with scans, and the checkpoint policies their scans were
  // differentiated under.
  uint64_t scanPrograms = 0;
  std::map<std::string, int> policyCounts;
  for (uint64_t s = seed; s < seed + count; ++s) {
    Program program = generateProgram(s, generatorOptions);
    Computations computations = compute(program, options);
    CheckResult result = compare(program, computations, options);
    unreliable += result.unreliableDifferences;
    if (computations.policiesRun) {
      ++scanPrograms;
      for (const char *policy : {"store_all", "every", "sqrt", "recompute_all"})
        for (size_t at = computations.policies.policies.find(policy);
             at != std::string::npos;
             at = computations.policies.policies.find(policy, at + 1))
          ++policyCounts[policy];
    }
    compared += result.comparedDifferences;
    worstJit = std::max(worstJit, result.worstJitRatio);
    worstDifferences = std::max(worstDifferences, result.worstDifferenceRatio);
    if (verbose)
      llvm::outs() << "seed " << s << ": " << (result.passed() ? "ok" : "FAIL")
                   << ", " << program.steps.size()
                   << " ops, worst error/tolerance "
                   << llvm::format("%.3g", result.worstJitRatio) << " (jit), "
                   << llvm::format("%.3g", result.worstDifferenceRatio)
                   << " (finite differences)\n"
                   << program.describe()
                   << (computations.policiesRun
                           ? "  checkpoint policies: " +
                                 computations.policies.policies + "\n"
                           : "");
    if (!result.passed()) {
      ++failures;
      llvm::outs() << writeReport(program, computations, result, outDir,
                                  toolsDirectory.str().str());
      llvm::outs().flush();
      continue;
    }
    if (!selfCheck)
      continue;
    for (auto perturbation : {CheckOptions::Perturbation::JitLoss,
                              CheckOptions::Perturbation::JitGradient,
                              CheckOptions::Perturbation::PolicyGradient,
                              CheckOptions::Perturbation::BothGradients}) {
      if (perturbation == CheckOptions::Perturbation::PolicyGradient &&
          !computations.policiesRun)
        continue;
      CheckOptions perturbed = options;
      perturbed.perturbation = perturbation;
      CheckResult r = compare(program, computations, perturbed);
      ++perturbations;
      if (r.passed()) {
        llvm::outs() << "self-check: seed " << s << ": perturbation "
                     << static_cast<int>(perturbation) << " not caught\n";
        continue;
      }
      ++caught;
      // The report of a caught perturbation shows what a real failure's
      // report looks like (and is tested with it).
      if (perturbation == CheckOptions::Perturbation::JitGradient) {
        std::string report = writeReport(program, computations, r, outDir,
                                         toolsDirectory.str().str());
        if (verbose)
          llvm::outs() << "self-check, expected to fail:\n" << report;
      }
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  llvm::outs() << "adjit-difftest: " << count << (large ? " large" : "")
               << " programs (seeds " << seed << ".." << seed + count - 1
               << "), " << failures << " failed, " << unreliable
               << " finite differences skipped near a kink, " << compared
               << " compared; worst error/tolerance "
               << llvm::format("%.3g", worstJit) << " (jit vs eager), "
               << llvm::format("%.3g", worstDifferences)
               << " (finite differences vs eager); "
               << llvm::format("%.1f", seconds) << " s\n";
  if (scanOps) {
    llvm::outs() << "scans: " << scanPrograms
                 << " programs with scans, differentiated again with "
                    "checkpoint policies";
    for (const auto &[policy, n] : policyCounts)
      llvm::outs() << " " << policy << " x" << n;
    llvm::outs() << "\n";
  }
  if (selfCheck)
    llvm::outs() << "self-check: " << caught << " of " << perturbations
                 << " perturbations caught\n";
  bool ok = failures == 0 && caught == perturbations;
  return ok ? 0 : 1;
}
