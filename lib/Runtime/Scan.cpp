//===- Scan.cpp - jit::scan: eagerly, or handed to the observer -----------===//

#include "adjit/JIT/Scan.h"

#include "TensorImpl.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"
#include "adjit/Runtime/OpObserver.h"

#include <algorithm>
#include <exception>
#include <string>

using namespace adjit;
using namespace adjit::runtime;

namespace {

std::string describe(const Tensor &tensor) {
  return shapeToString(tensor.sizes()) + " " + dtypeName(tensor.dtype());
}

[[noreturn]] void fail(const std::string &message) {
  throw Error("jit::scan: " + message);
}

void checkAllDefined(const std::vector<Tensor> &tensors, const char *what) {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (!tensors[i].defined())
      fail(std::string(what) + " " + std::to_string(i) + " is undefined");
}

/// Throws unless the outputs of step `step` have the count, shapes and dtypes
/// of the first step's.
void checkOutputs(const std::vector<Tensor> &first,
                  const std::vector<Tensor> &ys, int64_t step) {
  checkAllDefined(ys, "output");
  if (ys.size() != first.size())
    fail("step " + std::to_string(step) + " returned " +
         std::to_string(ys.size()) + " outputs, but step 0 returned " +
         std::to_string(first.size()));
  for (size_t k = 0; k < ys.size(); ++k)
    if (ys[k].sizes() != first[k].sizes() || ys[k].dtype() != first[k].dtype())
      fail("output " + std::to_string(k) + " of step " + std::to_string(step) +
           " is " + describe(ys[k]) + ", but step 0's was " +
           describe(first[k]) + "; an output keeps its shape and dtype");
}

} // namespace

int64_t adjit::runtime::checkScanArguments(const std::vector<Tensor> &init,
                                           const std::vector<Tensor> &xs,
                                           std::optional<int64_t> length) {
  checkAllDefined(init, "initial carry");
  checkAllDefined(xs, "scanned tensor");
  if (length && *length < 0)
    fail("length " + std::to_string(*length) + " is negative");
  for (size_t k = 0; k < xs.size(); ++k) {
    if (xs[k].dim() == 0)
      fail("scanned tensor " + std::to_string(k) +
           " is 0-d (shape []); a scanned tensor needs a leading dimension "
           "to scan over");
    int64_t steps = xs[k].size(0);
    if (!length) {
      length = steps;
      continue;
    }
    if (steps != *length)
      fail("scanned tensor " + std::to_string(k) + " has shape " +
           shapeToString(xs[k].sizes()) + ", whose leading size " +
           std::to_string(steps) + " differs from the " +
           (k == 0 ? "length " : "leading size of scanned tensor 0, ") +
           std::to_string(*length) +
           (k == 0 ? "" : " (shape " + shapeToString(xs[0].sizes()) + ")"));
  }
  if (!length)
    fail("there are no scanned tensors and no length; pass the length");
  return *length;
}

jit::ScanCheckpoint jit::ScanCheckpoint::parse(const std::string &text) {
  if (text == "store_all")
    return store_all();
  if (text == "sqrt")
    return sqrt();
  if (text == "recompute_all")
    return recompute_all();
  const std::string prefix = "every ";
  if (text.compare(0, prefix.size(), prefix) == 0) {
    std::string digits = text.substr(prefix.size());
    size_t used = 0;
    try {
      int64_t k = std::stoll(digits, &used);
      if (used == digits.size())
        return every(k);
    } catch (const std::exception &) {
    }
  }
  fail("unknown checkpoint policy '" + text +
       "' (expected store_all, every K, sqrt or recompute_all)");
}

std::string jit::ScanCheckpoint::str() const {
  switch (policy_) {
  case Policy::StoreAll:
    return "store_all";
  case Policy::Every:
    return "every " + std::to_string(segment_);
  case Policy::Sqrt:
    return "sqrt";
  case Policy::RecomputeAll:
    return "recompute_all";
  }
  return "store_all";
}

void adjit::runtime::checkScanOptions(const ScanCall &call) {
  const jit::ScanCheckpoint &checkpoint = call.options.checkpoint();
  int64_t every = checkpoint.segment();
  if (checkpoint.policy() == jit::ScanCheckpoint::Policy::Every &&
      (every < 1 || every > call.length))
    fail("checkpoint = every " + std::to_string(every) +
         " does not fit the trip count " + std::to_string(call.length) +
         ": K must be between 1 and the length" +
         (call.length == 0 ? " (a scan of length 0 has no step to "
                             "checkpoint: use store_all, sqrt or "
                             "recompute_all)"
                           : ""));
  const Tensor &n = call.options.length();
  if (!n.defined())
    return;
  if (n.dim() != 0 || n.dtype() != Dtype::Int64)
    fail("the run-time length must be a 0-d int64 tensor (the number of "
         "steps), got " +
         describe(n));
  IndexRangeCheck inRange{"jit::scan",
                          "the run-time length n",
                          call.length,
                          "the bound (the leading size of the scanned "
                          "tensors, or the length given)",
                          std::nullopt,
                          true};
  notifyIndexCheck(inRange, n);
  OpObserver *observer = getCurrentObserver();
  if (!observer || !observer->isReplaying())
    inRange.verify(n);
}

int64_t adjit::runtime::scanTripCount(const ScanCall &call) {
  const Tensor &n = call.options.length();
  if (!n.defined())
    return call.length;
  // Read directly, as IndexRangeCheck does: the runtime's own business.
  return *n.contiguous().unsafeGetImpl()->data<int64_t>();
}

void adjit::runtime::checkScanCarries(const ScanCall &call,
                                      const std::vector<Tensor> &next,
                                      int64_t step) {
  checkAllDefined(next, "carry");
  if (next.size() != call.init.size())
    fail("step " + std::to_string(step) + " returned " +
         std::to_string(next.size()) + " carries, but there are " +
         std::to_string(call.init.size()) + " initial carries");
  for (size_t i = 0; i < next.size(); ++i)
    if (next[i].sizes() != call.init[i].sizes() ||
        next[i].dtype() != call.init[i].dtype())
      fail("carry " + std::to_string(i) + " is " + describe(call.init[i]) +
           " initially, but step " + std::to_string(step) + " returned " +
           describe(next[i]) + "; a carry keeps its shape and dtype");
}

std::vector<Tensor> adjit::runtime::scanSlices(const ScanCall &call,
                                               int64_t index) {
  std::vector<Tensor> slices;
  for (const Tensor &x : call.xs) {
    if (call.length > 0) {
      slices.push_back(x.select(0, index));
      continue;
    }
    Shape shape(x.sizes().begin() + 1, x.sizes().end());
    slices.push_back(zeros(shape, x.dtype()));
  }
  return slices;
}

ScanResult adjit::runtime::runScanSteps(const ScanCall &call) {
  int64_t steps = scanTripCount(call);
  if (steps == 0) {
    // The step's outputs are needed only for their shapes and dtypes.
    ScanResult probe;
    {
      ObserverScope unobserved(nullptr);
      NoGradGuard noGrad;
      probe = call.step(call.init, scanSlices(call, 0));
    }
    checkScanCarries(call, probe.first, 0);
    checkAllDefined(probe.second, "output");
    std::vector<Tensor> stacked;
    for (const Tensor &y : probe.second) {
      Shape shape = y.sizes();
      shape.insert(shape.begin(), call.length);
      stacked.push_back(zeros(shape, y.dtype()));
    }
    return {call.init, std::move(stacked)};
  }
  std::vector<Tensor> carry = call.init;
  std::vector<std::vector<Tensor>> outputs;
  std::vector<Tensor> first;
  for (int64_t k = 0; k < steps; ++k) {
    int64_t i = call.options.reverse() ? steps - 1 - k : k;
    ScanResult step = call.step(carry, scanSlices(call, i));
    checkScanCarries(call, step.first, i);
    if (k == 0) {
      checkAllDefined(step.second, "output");
      first = step.second;
      outputs.resize(first.size());
    } else {
      checkOutputs(first, step.second, i);
    }
    for (size_t o = 0; o < step.second.size(); ++o)
      outputs[o].push_back(step.second[o]);
    carry = std::move(step.first);
  }
  std::vector<Tensor> stacked;
  for (std::vector<Tensor> &ys : outputs) {
    if (call.options.reverse())
      std::reverse(ys.begin(), ys.end());
    Tensor rows = stack(ys, 0);
    if (steps < call.length) {
      // The rows the scan did not reach are zero.
      Shape shape = rows.sizes();
      shape[0] = call.length - steps;
      rows = cat({rows, zeros(shape, rows.dtype())}, 0);
    }
    stacked.push_back(rows);
  }
  return {std::move(carry), std::move(stacked)};
}

std::pair<std::vector<Tensor>, std::vector<Tensor>>
adjit::jit::scan(const ScanFunction &fn, const std::vector<Tensor> &init,
                 const std::vector<Tensor> &xs, std::optional<int64_t> length,
                 const ScanOptions &options) {
  if (!fn)
    fail("the step function is empty");
  ScanCall call{fn, init, xs, checkScanArguments(init, xs, length), options};
  checkScanOptions(call);
  if (OpObserver *observer = getCurrentObserver())
    return observer->scan(call);
  return runScanSteps(call);
}

std::pair<std::vector<Tensor>, std::vector<Tensor>>
adjit::jit::scan(const ScanFunction &fn, const std::vector<Tensor> &init,
                 const std::vector<Tensor> &xs, const ScanOptions &options) {
  return scan(fn, init, xs, std::nullopt, options);
}

std::pair<Tensor, Tensor> adjit::jit::scan(
    const std::function<std::pair<Tensor, Tensor>(const Tensor &,
                                                  const Tensor &)> &fn,
    const Tensor &init, const Tensor &xs, const ScanOptions &options) {
  if (!fn)
    fail("the step function is empty");
  ScanFunction step = [&fn](const std::vector<Tensor> &carry,
                            const std::vector<Tensor> &x) -> ScanResult {
    auto [next, y] = fn(carry[0], x[0]);
    return {{next}, {y}};
  };
  auto [carry, ys] = scan(step, {init}, {xs}, std::nullopt, options);
  return {carry[0], ys[0]};
}
