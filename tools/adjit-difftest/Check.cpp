//===- Check.cpp - run a program three ways and compare -------------------===//

#include "Check.h"

#include "adjit/Autograd.h"
#include "adjit/JIT.h"
#include "adjit/JIT/Buffer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace adjit;
using namespace adjit::difftest;

namespace {

Tensor gradientOrZeros(const Tensor &leaf) {
  NoGradGuard noGrad;
  return leaf.grad().defined() ? leaf.grad().clone() : zeros_like(leaf);
}

double *elements(Tensor &t) { return t.data_ptr<double>(); }

std::string indexToString(const Shape &shape, int64_t flat) {
  Shape index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = flat % shape[d];
    flat /= shape[d];
  }
  return shapeToString(index);
}

/// Compares `actual` with `expected` elementwise; appends a problem per
/// mismatching tensor (naming the first elements) and tracks the worst
/// error relative to the tolerance.
void compareTensors(const std::string &what, const char *actualName,
                    const char *expectedName, const Tensor &actual,
                    const Tensor &expected, const Tolerance &tolerance,
                    const std::vector<bool> *compared,
                    std::vector<std::string> &problems, double &worstRatio) {
  if (actual.sizes() != expected.sizes()) {
    problems.push_back(what + ": " + actualName + " has shape " +
                       shapeToString(actual.sizes()) + " but " + expectedName +
                       " has " + shapeToString(expected.sizes()));
    return;
  }
  Tensor a = actual.contiguous(), e = expected.contiguous();
  const double *pa = a.data_ptr<double>(), *pe = e.data_ptr<double>();
  double scale = 0;
  for (int64_t i = 0; i < e.numel(); ++i)
    scale = std::max(scale, std::abs(pe[i]));
  int mismatches = 0;
  std::ostringstream first;
  for (int64_t i = 0; i < e.numel(); ++i) {
    if (compared && !(*compared)[i])
      continue;
    double error = std::abs(pa[i] - pe[i]);
    double allowed =
        tolerance.relative * std::abs(pe[i]) + tolerance.absolute * (1 + scale);
    if (!(error <= allowed)) {
      if (mismatches++ < 3) {
        char line[256];
        std::snprintf(line, sizeof(line),
                      "%s%s %s %.17g vs %s %.17g (|diff| %.3g > %.3g); ",
                      mismatches == 1 ? "" : "  ",
                      indexToString(e.sizes(), i).c_str(), actualName, pa[i],
                      expectedName, pe[i], error, allowed);
        first << line;
      }
      continue;
    }
    if (allowed > 0)
      worstRatio = std::max(worstRatio, error / allowed);
  }
  if (mismatches)
    problems.push_back(what + ": " + std::to_string(mismatches) + " of " +
                       std::to_string(e.numel()) +
                       " elements differ: " + first.str());
}

} // namespace

std::vector<Tensor> adjit::difftest::makeInputs(const Program &program,
                                                bool withGrad) {
  std::vector<Tensor> inputs;
  for (const Input &input : program.inputs) {
    Tensor t = from_vector(input.values, input.shape, kFloat64);
    if (withGrad && input.requiresGrad)
      t.requires_grad_();
    inputs.push_back(t);
  }
  return inputs;
}

jit::TensorFunction
adjit::difftest::asFunction(const Program &program,
                            const std::vector<Tensor> &all) {
  std::vector<int> arguments = program.getArgumentInputs();
  return [&program, all, arguments](const std::vector<Tensor> &in) {
    std::vector<Tensor> inputs(all);
    for (size_t i = 0; i < arguments.size(); ++i)
      inputs[arguments[i]] = in[i];
    return evaluate(program, inputs);
  };
}

std::vector<Tensor>
adjit::difftest::argumentsOf(const Program &program,
                             const std::vector<Tensor> &all) {
  std::vector<Tensor> arguments;
  for (int i : program.getArgumentInputs())
    arguments.push_back(all[i]);
  return arguments;
}

std::vector<int> adjit::difftest::getArgumentOrder(const Program &program) {
  std::vector<int> order = program.getArgumentInputs();
  for (int i : program.getCapturedInputsInUseOrder())
    order.push_back(i);
  return order;
}

Computations adjit::difftest::compute(const Program &program,
                                      const CheckOptions &options) {
  Computations c;
  size_t numInputs = program.inputs.size();
  c.eagerGradients.resize(numInputs);
  c.jitGradients.resize(numInputs);
  c.differences.resize(numInputs);
  c.differenceTaken.resize(numInputs);
  c.differenceReliable.resize(numInputs);

  // 1. Eager autograd.
  bool lossHasGradient = true;
  try {
    std::vector<Tensor> leaves = makeInputs(program, true);
    Tensor loss = evaluate(program, leaves);
    // A loss that depends on the inputs only through comparisons has no
    // grad_fn: its gradients are zero.
    lossHasGradient = loss.requires_grad();
    if (lossHasGradient)
      loss.backward();
    c.eagerLoss = loss.detach();
    for (size_t i = 0; i < numInputs; ++i)
      if (program.inputs[i].requiresGrad)
        c.eagerGradients[i] = gradientOrZeros(leaves[i]);
  } catch (const Error &error) {
    c.eagerError = error.what();
  }

  // 2. jit::compile: traced, differentiated in the IR, compiled, run.
  try {
    std::vector<Tensor> leaves = makeInputs(program, true);
    jit::CompiledFunction compiled =
        jit::compile(asFunction(program, leaves), kFunctionName);
    std::vector<Tensor> arguments = argumentsOf(program, leaves);
    c.jitLoss = compiled(arguments);
    c.compiledIR = compiled.getLastIR();
    for (size_t i = 0; i < numInputs; ++i) {
      if (!program.inputs[i].requiresGrad)
        continue;
      // Like the eager loss, a compiled loss without a gradient leaves
      // .grad alone; otherwise every gradient must be set.
      if (lossHasGradient != leaves[i].grad().defined())
        c.jitRepeatProblems.push_back(
            lossHasGradient ? "jit left the gradient of %" + std::to_string(i) +
                                  " undefined"
                            : "jit set the gradient of %" + std::to_string(i) +
                                  " of a loss that has none");
      c.jitGradients[i] = gradientOrZeros(leaves[i]);
    }
    // A second call hits the cache, returns the same loss and accumulates
    // the same gradients again: exactly twice the first ones.
    Tensor again = compiled(arguments);
    if (compiled.getStats().compilations != 1)
      c.jitRepeatProblems.push_back("the second call recompiled: " +
                                    compiled.getStats().lastReason);
    if (!equal(again, c.jitLoss))
      c.jitRepeatProblems.push_back("the second call returned another loss");
    for (size_t i = 0; i < numInputs; ++i)
      if (program.inputs[i].requiresGrad &&
          !equal(gradientOrZeros(leaves[i]), c.jitGradients[i] * 2.0))
        c.jitRepeatProblems.push_back(
            "the second call did not accumulate the gradient of %" +
            std::to_string(i) + " to twice the first");
  } catch (const Error &error) {
    c.jitError = error.what();
  }

  // The traced IR again, under random checkpoint policies.
  if (program.scanOps && hasScans(program)) {
    c.policiesRun = true;
    c.policies = computeUnderRandomPolicies(program);
  }

  // 3. Central differences of the eager forward, with steps h and h/2.
  if (c.eagerError.empty()) {
    NoGradGuard noGrad;
    std::vector<Tensor> inputs = makeInputs(program, false);
    for (size_t i = 0; i < numInputs; ++i) {
      if (!program.inputs[i].requiresGrad)
        continue;
      Tensor original = inputs[i];
      Tensor result = zeros(original.sizes(), kFloat64);
      int64_t numel = original.numel();
      std::vector<bool> taken(numel, true), reliable(numel);
      if (options.sampledDifferences > 0 &&
          options.sampledDifferences < numel) {
        // A seeded partial shuffle picks the sample.
        std::mt19937_64 generator(program.seed * 1000003 + i);
        std::vector<int64_t> order(numel);
        for (int64_t e = 0; e < numel; ++e)
          order[e] = e;
        std::fill(taken.begin(), taken.end(), false);
        for (int64_t s = 0; s < options.sampledDifferences; ++s) {
          int64_t pick =
              s + static_cast<int64_t>(generator() %
                                       static_cast<uint64_t>(numel - s));
          std::swap(order[s], order[pick]);
          taken[order[s]] = true;
        }
      }
      auto at = [&](int64_t element, double offset) {
        Tensor shifted = original.clone();
        elements(shifted)[element] += offset;
        inputs[i] = shifted;
        return evaluateLossTerms(program, inputs);
      };
      // loss(a) - loss(b), summed from the differences of the loss terms'
      // elements: the elements the shift does not reach cancel exactly
      // instead of leaving the rounding of the whole loss (~1e-16 * |loss|,
      // large for large programs) in the difference.
      auto difference = [&](const std::vector<Tensor> &a,
                            const std::vector<Tensor> &b) {
        double sum = 0;
        for (size_t t = 0; t < a.size(); ++t) {
          Tensor ta = a[t].contiguous(), tb = b[t].contiguous();
          const double *pa = ta.data_ptr<double>(), *pb = tb.data_ptr<double>();
          const std::vector<double> &w = program.lossWeights[t];
          for (int64_t j = 0; j < ta.numel(); ++j)
            if (pa[j] != pb[j])
              sum += (pa[j] - pb[j]) * w[j];
        }
        return sum;
      };
      Tolerance tolerance = options.finiteDifferences;
      for (int64_t e = 0; e < numel; ++e) {
        if (!taken[e])
          continue;
        double h = options.step;
        double wide = difference(at(e, h), at(e, -h)) / (2 * h);
        double narrow = difference(at(e, h / 2), at(e, -h / 2)) / h;
        elements(result)[e] = (4 * narrow - wide) / 3;
        // The two steps' truncation errors differ by a factor 4; a jump
        // between them means a kink within reach of the wider step.
        reliable[e] = std::abs(narrow - wide) <=
                      tolerance.relative * std::abs(narrow) +
                          tolerance.absolute * (1 + std::abs(narrow));
      }
      inputs[i] = original;
      c.differences[i] = result;
      c.differenceTaken[i] = taken;
      c.differenceReliable[i] = reliable;
    }
  }
  return c;
}

CheckResult adjit::difftest::compare(const Program &program,
                                     const Computations &computations,
                                     const CheckOptions &options) {
  CheckResult r;
  if (!computations.eagerError.empty())
    r.problems.push_back("eager autograd threw: " + computations.eagerError);
  if (!computations.jitError.empty())
    r.problems.push_back("jit threw: " + computations.jitError);
  for (const std::string &problem : computations.jitRepeatProblems)
    r.problems.push_back(problem);
  if (!r.problems.empty() && !computations.eagerError.empty())
    return r;

  Computations c = computations;
  std::vector<int> gradInputs;
  for (int i : getArgumentOrder(program))
    if (program.inputs[i].requiresGrad)
      gradInputs.push_back(i);

  // Deliberate errors of the self-check.
  using Perturbation = CheckOptions::Perturbation;
  auto nudge = [](Tensor &t, int64_t element, double relative) {
    NoGradGuard noGrad;
    t = t.clone();
    double &v = elements(t)[element];
    v += relative * (1 + std::abs(v));
  };
  if (options.perturbation == Perturbation::JitLoss && c.jitLoss.defined())
    nudge(c.jitLoss, 0, 1e-7);
  // Changes one element of the gradient of the first input with elements
  // among `gradients` (an input of a scan of length 0 may have none).
  auto nudgeGradient = [&](std::vector<Tensor> &gradients) {
    for (int i : gradInputs) {
      Tensor &g = gradients[i];
      if (g.numel() == 0)
        continue;
      // Relative to the largest element, so that the change exceeds the
      // absolute floor of the tolerance.
      double scale = 0;
      for (int64_t e = 0; e < g.numel(); ++e)
        scale = std::max(scale, std::abs(g.contiguous().data_ptr<double>()[e]));
      NoGradGuard noGrad;
      g = g.clone();
      elements(g)[g.numel() / 2] += 1e-7 * (1 + scale);
      return;
    }
  };
  if (options.perturbation == Perturbation::JitGradient && c.jitError.empty())
    nudgeGradient(c.jitGradients);
  if (options.perturbation == Perturbation::PolicyGradient && c.policiesRun &&
      c.policies.error.empty())
    nudgeGradient(c.policies.gradients);
  if (options.perturbation == Perturbation::BothGradients) {
    for (int i : gradInputs) {
      const std::vector<bool> &reliable = c.differenceReliable[i];
      int64_t element = 0;
      while (element < static_cast<int64_t>(reliable.size()) &&
             !(reliable[element] && c.differenceTaken[i][element]))
        ++element;
      if (element == static_cast<int64_t>(reliable.size()))
        continue;
      double scale = 0;
      Tensor g = c.eagerGradients[i].contiguous();
      for (int64_t e = 0; e < g.numel(); ++e)
        scale = std::max(scale, std::abs(g.data_ptr<double>()[e]));
      for (Tensor *t : {&c.eagerGradients[i], &c.jitGradients[i]}) {
        if (!t->defined())
          continue;
        NoGradGuard noGrad;
        *t = t->clone();
        elements(*t)[element] += 1e-3 * (1 + scale);
      }
      break;
    }
  }

  if (c.jitError.empty())
    compareTensors("loss", "jit", "eager", c.jitLoss, c.eagerLoss, options.jit,
                   nullptr, r.problems, r.worstJitRatio);
  if (c.policiesRun && !c.policies.error.empty())
    r.problems.push_back("under checkpoint policies " + c.policies.policies +
                         ": " + c.policies.error);
  if (c.policiesRun && c.policies.error.empty())
    compareTensors("loss under checkpoint policies " + c.policies.policies,
                   "policies", "eager", c.policies.loss, c.eagerLoss,
                   options.jit, nullptr, r.problems, r.worstJitRatio);
  for (int i : gradInputs) {
    std::string what = "gradient of %" + std::to_string(i);
    if (c.jitError.empty())
      compareTensors(what, "jit", "eager", c.jitGradients[i],
                     c.eagerGradients[i], options.jit, nullptr, r.problems,
                     r.worstJitRatio);
    const std::vector<bool> &taken = c.differenceTaken[i];
    const std::vector<bool> &reliable = c.differenceReliable[i];
    std::vector<bool> compared(taken.size());
    for (size_t e = 0; e < taken.size(); ++e) {
      compared[e] = taken[e] && reliable[e];
      r.unreliableDifferences += taken[e] && !reliable[e];
      r.comparedDifferences += compared[e];
    }
    if (c.policiesRun && c.policies.error.empty())
      compareTensors(what + " under checkpoint policies " + c.policies.policies,
                     "policies", "eager", c.policies.gradients[i],
                     c.eagerGradients[i], options.jit, nullptr, r.problems,
                     r.worstJitRatio);
    compareTensors(what, "finite-differences", "eager", c.differences[i],
                   c.eagerGradients[i], options.finiteDifferences, &compared,
                   r.problems, r.worstDifferenceRatio);
  }
  return r;
}

std::string adjit::difftest::formatDense(const Tensor &values) {
  Tensor t = values.to(kFloat64).contiguous();
  const double *data = t.data_ptr<double>();
  const Shape &shape = t.sizes();
  std::string text = "dense<";
  int64_t index = 0;
  std::function<void(size_t)> emit = [&](size_t dim) {
    if (dim == shape.size()) {
      text += jit::formatFloatLiteral(data[index++], jit::ElementType::F64);
      return;
    }
    text += "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        text += ", ";
      emit(dim + 1);
    }
    text += "]";
  };
  emit(0);
  text += "> : tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + "f64>";
}

std::string adjit::difftest::writeReport(const Program &program,
                                         const Computations &computations,
                                         const CheckResult &result,
                                         const std::string &directory,
                                         const std::string &toolsDirectory) {
  std::ostringstream os;
  std::string seed = std::to_string(program.seed);
  os << "FAIL seed " << seed << "\n";
  for (const std::string &problem : result.problems)
    os << "  " << problem << "\n";
  os << "program:\n" << program.describe();

  std::error_code ignored;
  std::filesystem::create_directories(directory, ignored);
  std::string base = directory + "/seed-" + seed;
  std::string traced;
  try {
    std::vector<Tensor> leaves = makeInputs(program, true);
    traced = jit::trace(asFunction(program, leaves),
                        argumentsOf(program, leaves), kFunctionName);
  } catch (const Error &error) {
    os << "tracing threw: " << error.what() << "\n";
  }
  std::string tool = [&](const char *name) {
    return toolsDirectory.empty() ? std::string(name)
                                  : toolsDirectory + "/" + name;
  }("adjit-opt");
  std::string runTool = toolsDirectory.empty() ? std::string("adjit-run")
                                               : toolsDirectory + "/adjit-run";
  if (!computations.compiledIR.empty()) {
    std::ofstream(base + "-compiled.mlir") << computations.compiledIR;
    os << "compiled IR (traced function and gradient): " << base
       << "-compiled.mlir\n";
  }
  if (!traced.empty()) {
    std::ofstream(base + ".mlir") << traced;
    os << "traced IR: " << base << ".mlir\n";
    std::vector<int> order = getArgumentOrder(program);
    std::string wrt;
    for (size_t a = 0; a < order.size(); ++a)
      if (program.inputs[order[a]].requiresGrad)
        wrt += (wrt.empty() ? "" : ",") + std::to_string(a);
    std::string command = tool + " " + base +
                          ".mlir --adjit-autodiff='function=" + kFunctionName +
                          " wrt=" + wrt + "' | " + runTool +
                          " - --entry=" + kFunctionName + "_grad";
    for (int i : order)
      command += " --arg='" +
                 formatDense(from_vector(program.inputs[i].values,
                                         program.inputs[i].shape, kFloat64)) +
                 "'";
    std::ofstream(base + ".sh") << "#!/bin/sh\n" << command << "\n";
    os << "reproduce (loss, then the gradients of arguments " << wrt << "): sh "
       << base << ".sh\n  " << command << "\n";
    if (computations.eagerError.empty()) {
      os << "eager autograd gives:\n  " << formatDense(computations.eagerLoss)
         << "\n";
      for (int i : order)
        if (program.inputs[i].requiresGrad)
          os << "  " << formatDense(computations.eagerGradients[i]) << "\n";
    }
  }
  os << "rerun: adjit-difftest" << (program.large ? " --large" : "")
     << (program.sequenceOps ? " --sequence-ops" : "")
     << (program.scanOps ? " --scan-ops" : "") << " --seed=" << seed
     << " --count=1 --verbose\n";
  return os.str();
}
