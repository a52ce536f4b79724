//===- TracerScan.cpp - record a jit::scan as one adjit.scan --------------===//

#include "Tracer.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"

using namespace adjit;
using namespace adjit::tracing;
using mlir::Value;

namespace {

/// Whether `tensor` takes part in autograd: a floating-point tensor that
/// requires grad, with grad mode on.
bool isDifferentiated(const Tensor &tensor) {
  return GradMode::is_enabled() && tensor.is_floating_point() &&
         tensor.requires_grad();
}

/// Returns tensors with the values of `tensors` and the requires_grad flags
/// `flags`, distinct from them: what the traced step receives, so that a
/// step that also reads an initial carry by name reads the invariant.
std::vector<Tensor> aliases(const std::vector<Tensor> &tensors,
                            const std::vector<bool> &flags) {
  std::vector<Tensor> result;
  for (size_t i = 0; i < tensors.size(); ++i) {
    Tensor alias = tensors[i].detach();
    if (flags[i])
      alias.requires_grad_();
    result.push_back(alias);
  }
  return result;
}

std::vector<bool> gradFlags(const std::vector<Tensor> &tensors) {
  std::vector<bool> flags;
  for (const Tensor &tensor : tensors)
    flags.push_back(isDifferentiated(tensor));
  return flags;
}

std::vector<Tensor> concat(std::vector<Tensor> first,
                           const std::vector<Tensor> &second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

/// Zeros of `shape` and the dtype of `tensor`, requiring grad if it takes
/// part in autograd.
Tensor placeholderLike(const Tensor &tensor, const Shape &shape) {
  bool differentiated = isDifferentiated(tensor);
  runtime::ObserverScope unobserved(nullptr);
  NoGradGuard noGrad;
  Tensor placeholder = zeros(shape, tensor.dtype());
  if (differentiated)
    placeholder.requires_grad_();
  return placeholder;
}

/// The policy of `adjit.scan` that `checkpoint` names.
mlir::adjit::CheckpointPolicy toPolicy(const jit::ScanCheckpoint &checkpoint) {
  using Policy = jit::ScanCheckpoint::Policy;
  switch (checkpoint.policy()) {
  case Policy::StoreAll:
    return mlir::adjit::CheckpointPolicy::store_all;
  case Policy::Every:
    return mlir::adjit::CheckpointPolicy::every;
  case Policy::Sqrt:
    return mlir::adjit::CheckpointPolicy::sqrt;
  case Policy::RecomputeAll:
    return mlir::adjit::CheckpointPolicy::recompute_all;
  }
  return mlir::adjit::CheckpointPolicy::store_all;
}

} // namespace

std::vector<bool> Tracer::carryGradFlags(const runtime::ScanCall &call) {
  std::vector<bool> flags = gradFlags(call.init);
  if (!GradMode::is_enabled())
    return flags;
  // A carry that does not require grad initially may after a step (a hidden
  // state of zeros times a weight): run the step eagerly, unobserved, until
  // no flag changes. Each run sets at least one more flag.
  for (size_t round = 0; round <= flags.size(); ++round) {
    runtime::ScanResult step;
    {
      runtime::ObserverScope unobserved(nullptr);
      // The slices with the flags the traced step's get (a scan of length 0
      // runs on zeros, which would not require grad).
      step =
          call.step(aliases(call.init, flags),
                    aliases(runtime::scanSlices(call, 0), gradFlags(call.xs)));
    }
    runtime::checkScanCarries(call, step.first, 0);
    bool changed = false;
    for (size_t i = 0; i < flags.size(); ++i)
      if (!flags[i] && isDifferentiated(step.first[i]))
        flags[i] = changed = true;
    if (!changed)
      break;
  }
  return flags;
}

runtime::ScanResult Tracer::scan(const runtime::ScanCall &call) {
  const char *name = "jit::scan";
  llvm::SmallVector<Value> initValues, xsValues;
  for (const Tensor &tensor : call.init)
    initValues.push_back(valueOf(tensor, name));
  for (const Tensor &tensor : call.xs)
    xsValues.push_back(valueOf(tensor, name));
  const jit::ScanOptions &options = call.options;
  Value tripCount;
  if (options.length().defined())
    tripCount = valueOf(options.length(), name);

  // The step is traced once, on the first step's slices (zeros if there is
  // none), into the body.
  std::vector<Tensor> carries, slices;
  {
    runtime::ObserverScope unobserved(nullptr);
    std::vector<bool> flags = carryGradFlags(call);
    // With grad mode as the caller has it: under the guard no flag is set.
    std::vector<bool> sliceFlags = gradFlags(call.xs);
    NoGradGuard noGrad;
    carries = aliases(call.init, flags);
    slices = aliases(runtime::scanSlices(call, 0), sliceFlags);
  }
  std::vector<Tensor> bodyArguments = concat(carries, slices);
  guard.recordScanBegin(call, bodyArguments);
  llvm::SmallVector<mlir::Type> argumentTypes;
  for (Value value : initValues)
    argumentTypes.push_back(value.getType());
  for (const Tensor &slice : slices)
    argumentTypes.push_back(mlir::RankedTensorType::get(
        slice.sizes(), getElementType(context, slice.dtype())));
  auto arguments = builder.beginScanBody(argumentTypes);
  scanScopes.emplace_back();
  for (size_t i = 0; i < bodyArguments.size(); ++i) {
    scanScopes.back().values[bodyArguments[i].unsafeGetImpl()] = arguments[i];
    traced.push_back(bodyArguments[i]);
  }
  for (size_t k = 0; k < slices.size(); ++k)
    scanScopes.back().sliceSources[slices[k].unsafeGetImpl()] = call.xs[k];

  runtime::ScanResult step = call.step(carries, slices);
  runtime::checkScanCarries(call, step.first, 0);
  for (size_t i = 0; i < step.first.size(); ++i)
    if (isDifferentiated(step.first[i]) && !isDifferentiated(carries[i]))
      fail(std::string(name) + ": carry " + std::to_string(i) +
           " requires grad after the traced step but not before it");
  std::vector<Tensor> yieldedTensors = concat(step.first, step.second);
  llvm::SmallVector<Value> yielded;
  for (const Tensor &tensor : yieldedTensors) {
    if (!tensor.defined())
      fail(std::string(name) + ": the step returned an undefined output");
    yielded.push_back(valueOf(tensor, name));
  }
  ScanScope scope = std::move(scanScopes.back());
  scanScopes.pop_back();
  for (const Tensor &tensor : scope.constTensors)
    scope.values.erase(tensor.unsafeGetImpl());
  for (auto &entry : scope.values)
    scanBodyTensors.insert(entry.first);
  std::optional<int64_t> every;
  if (options.checkpoint().policy() == jit::ScanCheckpoint::Policy::Every)
    every = options.checkpoint().segment();
  mlir::FailureOr<llvm::SmallVector<Value>> results = builder.finishScan(
      initValues, xsValues, scope.consts, call.length, yielded, tripCount,
      options.reverse(), toPolicy(options.checkpoint()), every);
  if (mlir::failed(results))
    fail(std::string("tracing ") + name + " failed");

  // The compiled code computes the results; the rest of the trace runs on
  // zeros of their shapes, dtypes and requires_grad flags.
  runtime::ScanResult placeholders;
  for (const Tensor &carry : step.first)
    placeholders.first.push_back(placeholderLike(carry, carry.sizes()));
  for (const Tensor &output : step.second) {
    Shape shape = output.sizes();
    shape.insert(shape.begin(), call.length);
    placeholders.second.push_back(placeholderLike(output, shape));
  }
  std::vector<Tensor> resultTensors =
      concat(placeholders.first, placeholders.second);
  for (size_t i = 0; i < resultTensors.size(); ++i) {
    currentValues()[resultTensors[i].unsafeGetImpl()] = (*results)[i];
    traced.push_back(resultTensors[i]);
  }
  guard.recordScanEnd(yieldedTensors, resultTensors);
  return placeholders;
}
