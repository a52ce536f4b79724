//===- TraceGuard.cpp - check that a traced function still traces the same ===//

#include "TraceGuard.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"

#include <charconv>
#include <cstring>

using namespace adjit;
using namespace adjit::tracing;

namespace {
/// Formats `value` with the fewest digits that read back as it.
std::string formatScalar(double value) {
  char text[32];
  auto [end, error] = std::to_chars(text, text + sizeof(text), value);
  return error == std::errc() ? std::string(text, end) : "?";
}

std::string formatInts(const runtime::OpInts &ints) {
  std::string text = "[";
  for (size_t i = 0; i < ints.size(); ++i)
    text += (i ? ", " : "") + std::to_string(ints[i]);
  return text + "]";
}

/// Whether two doubles are the same bits (a changed NaN payload or the sign
/// of a zero is a change).
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

/// Thrown through the replayed function when it leaves the recorded ops.
struct ReplayMismatch {
  std::string reason;
};

std::string opName(const char *name, size_t index) {
  return std::string(name) + " (op " + std::to_string(index) + ")";
}
} // namespace

//===----------------------------------------------------------------------===//
// Recording
//===----------------------------------------------------------------------===//

void TraceGuard::addArgument(const Tensor &tensor) {
  auto id = static_cast<int32_t>(valueSources.size());
  valueSources.push_back(static_cast<int64_t>(argumentValues.size()));
  argumentValues.push_back(id);
  recordedValues.try_emplace(tensor.unsafeGetImpl(), id);
}

int32_t TraceGuard::lookUp(const Tensor &tensor) const {
  auto found = recordedValues.find(tensor.unsafeGetImpl());
  return found == recordedValues.end() ? -1 : found->second;
}

void TraceGuard::recordOp(const runtime::OpRecord &record) {
  Op op{record.kind,
        record.name,
        record.ints,
        record.keepDim,
        record.predicate,
        record.scalar,
        GradMode::is_enabled(),
        {},
        -1,
        -1,
        {},
        {}};
  for (const Tensor &input : record.inputs) {
    int32_t id = lookUp(input);
    if (id < 0)
      throw Error(std::string(record.name) +
                  ": the trace guard did not see an operand of shape " +
                  shapeToString(input.sizes()));
    if (input.unsafeGetImpl() == record.output.unsafeGetImpl())
      op.returnedOperand = static_cast<int32_t>(op.operands.size());
    op.operands.push_back(id);
  }
  if (op.returnedOperand >= 0) {
    op.value = op.operands[op.returnedOperand];
  } else {
    op.value = static_cast<int32_t>(valueSources.size());
    valueSources.push_back(-1 - static_cast<int64_t>(ops.size()));
    recordedValues[record.output.unsafeGetImpl()] = op.value;
    op.result = runtime::makeShapeOnlyTensor(record.output);
    if (record.kind == runtime::OpKind::Constant)
      op.constant = record.output;
  }
  ops.push_back(std::move(op));
}

void TraceGuard::recordScanMarker(Op::Scan scan, std::vector<int64_t> ints,
                                  const std::vector<Tensor> &operands,
                                  const std::vector<Tensor> &defined) {
  Op op{runtime::OpKind::Identity,
        "jit::scan",
        runtime::OpInts(ints),
        false,
        0,
        0,
        GradMode::is_enabled(),
        {},
        static_cast<int32_t>(valueSources.size()),
        -1,
        {},
        {},
        scan,
        {}};
  for (const Tensor &operand : operands) {
    int32_t id = lookUp(operand);
    if (id < 0)
      throw Error("jit::scan: the trace guard did not see an operand of "
                  "shape " +
                  shapeToString(operand.sizes()));
    op.operands.push_back(id);
  }
  for (const Tensor &tensor : defined) {
    recordedValues[tensor.unsafeGetImpl()] =
        static_cast<int32_t>(valueSources.size());
    valueSources.push_back(-1 - static_cast<int64_t>(ops.size()));
    op.values.push_back(runtime::makeShapeOnlyTensor(tensor));
  }
  ops.push_back(std::move(op));
}

std::vector<int64_t> TraceGuard::scanInts(const runtime::ScanCall &call) {
  const jit::ScanOptions &options = call.options;
  return {call.length,
          static_cast<int64_t>(call.init.size()),
          static_cast<int64_t>(call.xs.size()),
          options.reverse(),
          static_cast<int64_t>(options.checkpoint().policy()),
          options.checkpoint().segment(),
          options.length().defined()};
}

std::vector<Tensor> TraceGuard::scanOperands(const runtime::ScanCall &call) {
  std::vector<Tensor> operands(call.init);
  operands.insert(operands.end(), call.xs.begin(), call.xs.end());
  if (call.options.length().defined())
    operands.push_back(call.options.length());
  return operands;
}

void TraceGuard::recordScanBegin(const runtime::ScanCall &call,
                                 const std::vector<Tensor> &bodyArguments) {
  recordScanMarker(Op::Scan::Begin, scanInts(call), scanOperands(call),
                   bodyArguments);
}

void TraceGuard::recordScanEnd(const std::vector<Tensor> &yielded,
                               const std::vector<Tensor> &results) {
  recordScanMarker(Op::Scan::End, {}, yielded, results);
}

void TraceGuard::recordTransform(
    std::shared_ptr<const NestedTransform> transform,
    const std::vector<Tensor> &operands, const std::vector<Tensor> &results) {
  Op op{runtime::OpKind::Identity,
        transform->description.c_str(),
        {},
        false,
        0,
        0,
        GradMode::is_enabled(),
        {},
        -1,
        -1,
        {},
        {}};
  for (const Tensor &operand : operands) {
    int32_t id = lookUp(operand);
    if (id < 0)
      throw Error(transform->description +
                  ": the trace guard did not see an operand of shape " +
                  shapeToString(operand.sizes()));
    op.operands.push_back(id);
  }
  for (const Tensor &result : results) {
    auto id = static_cast<int32_t>(valueSources.size());
    valueSources.push_back(-1 - static_cast<int64_t>(ops.size()));
    recordedValues[result.unsafeGetImpl()] = id;
    op.transformValues.push_back(id);
    op.transformResults.push_back(runtime::makeShapeOnlyTensor(result));
  }
  op.transform = std::move(transform);
  ops.push_back(std::move(op));
}

void TraceGuard::recordResults(const std::vector<Tensor> &results) {
  resultValues.clear();
  for (const Tensor &result : results) {
    resultValues.push_back(lookUp(result));
    if (resultValues.back() < 0)
      throw Error("the trace guard did not see the traced function's result");
  }
  recordedValues.shrink_and_clear();
}

//===----------------------------------------------------------------------===//
// Messages
//===----------------------------------------------------------------------===//

std::string TraceGuard::describeValue(int32_t id) const {
  if (id < 0)
    return "a tensor the trace did not see";
  int64_t source = valueSources[id];
  if (source >= 0)
    return "argument " + std::to_string(source);
  size_t index = static_cast<size_t>(-1 - source);
  return "the result of " + opName(ops[index].name, index);
}

std::string TraceGuard::describeFirstUse(int32_t id) const {
  for (size_t i = 0; i < ops.size(); ++i)
    for (size_t j = 0; j < ops[i].operands.size(); ++j)
      if (ops[i].operands[j] == id)
        return "operand " + std::to_string(j) + " of " + opName(ops[i].name, i);
  return "unused";
}

//===----------------------------------------------------------------------===//
// Replay
//===----------------------------------------------------------------------===//

namespace adjit::tracing {
/// Answers the ops of a replayed function from the recorded ones, throwing
/// ReplayMismatch at the first difference.
class ShapeOnlyReplay final : public runtime::OpObserver {
public:
  ShapeOnlyReplay(const TraceGuard &guard, const std::vector<Tensor> &inputs,
                  llvm::ArrayRef<Tensor> captured,
                  TraceGuard::ReplayScratch &scratch)
      : OpObserver(/*replaying=*/true), guard(guard), inputs(inputs),
        captured(captured), tensorOfValue(scratch.tensorOfValue),
        constants(scratch.constants) {
    tensorOfValue.assign(guard.valueSources.size(), nullptr);
    constants.clear();
    size_t argument = 0;
    for (const Tensor &tensor : inputs)
      tensorOfValue[guard.argumentValues[argument++]] = tensor.unsafeGetImpl();
    for (const Tensor &tensor : captured)
      tensorOfValue[guard.argumentValues[argument++]] = tensor.unsafeGetImpl();
  }

  Tensor replay(const runtime::OpRecord &record) override {
    const TraceGuard::Op &op = next(record);
    // A constant its record determines is the traced one, with its values.
    const Tensor &result = op.returnedOperand >= 0
                               ? record.inputs[op.returnedOperand]
                           : op.kind == runtime::OpKind::Constant ? op.constant
                                                                  : op.result;
    tensorOfValue[op.value] = result.unsafeGetImpl();
    return result;
  }

  void observe(const runtime::OpRecord &record) override {
    // Only constants run when replayed.
    const TraceGuard::Op &op = next(record);
    if (!runtime::haveIdenticalElements(op.constant, record.output))
      mismatch(describeConstantChange(op, record.output));
    tensorOfValue[op.value] = record.output.unsafeGetImpl();
    constants.push_back(record.output);
  }

  void observeUnsupported(const char *op, const char *what) override {
    mismatch(std::string(op) + " ran (" + what +
             "), which the traced function did not");
  }

  void observeIndexCheck(const runtime::IndexRangeCheck &check,
                         const Tensor &indices) override {
    int32_t id = valueOf(indices);
    int64_t source = id < 0 ? 0 : guard.valueSources[id];
    bool constant =
        source < 0 && guard.ops[-1 - source].kind == runtime::OpKind::Constant;
    if (id < 0 || (source < 0 && !constant))
      mismatch(std::string(check.op) + " checks " + check.what +
               " indices that are " + guard.describeValue(id));
  }

  runtime::ScanResult scan(const runtime::ScanCall &call) override {
    const TraceGuard::Op &begin = nextScanMarker(TraceGuard::Op::Scan::Begin,
                                                 TraceGuard::scanOperands(call),
                                                 TraceGuard::scanInts(call));
    // The step runs on shape-only carries and slices, its ops compared with
    // the traced step's.
    size_t numCarries = call.init.size();
    std::vector<Tensor> carries(begin.values.begin(),
                                begin.values.begin() + numCarries);
    std::vector<Tensor> slices(begin.values.begin() + numCarries,
                               begin.values.end());
    runtime::ScanResult step = call.step(carries, slices);
    std::vector<Tensor> yielded(step.first);
    yielded.insert(yielded.end(), step.second.begin(), step.second.end());
    const TraceGuard::Op &end =
        nextScanMarker(TraceGuard::Op::Scan::End, yielded, {});
    return {
        std::vector<Tensor>(end.values.begin(),
                            end.values.begin() + numCarries),
        std::vector<Tensor>(end.values.begin() + numCarries, end.values.end())};
  }

  /// Answers a transform called by the replayed function (see
  /// tracing::replayTransform).
  std::vector<Tensor> replayTransform(const std::string &description,
                                      const std::vector<Tensor> &operands,
                                      const TraceGuard::BodyCheck &check) {
    size_t index = position++;
    if (index >= guard.ops.size())
      mismatch("the function runs more ops than when traced: " +
               opName(description.c_str(), index) + " is new");
    const TraceGuard::Op &op = guard.ops[index];
    if (!op.transform || op.transform->description != description)
      mismatch("op " + std::to_string(index) + " is " + description +
               ", but was " + op.name + " when traced");
    if (op.gradMode != GradMode::is_enabled())
      mismatch(opName(op.name, index) + " runs with grad mode " +
               (op.gradMode ? "off" : "on") + ", but ran with it " +
               (op.gradMode ? "on" : "off") + " when traced");
    size_t numInputs = op.transform->numInputs;
    if (operands.size() != numInputs)
      mismatch(opName(op.name, index) + " has " +
               std::to_string(operands.size()) + " inputs, but had " +
               std::to_string(numInputs) + " when traced");
    for (size_t i = 0; i < numInputs; ++i)
      if (tensorOfValue[op.operands[i]] != operands[i].unsafeGetImpl())
        mismatch("input " + std::to_string(i) + " of " +
                 opName(op.name, index) + " is " +
                 guard.describeValue(valueOf(operands[i])) + ", but was " +
                 guard.describeValue(op.operands[i]) + " when traced");
    if (op.transform->body) {
      std::vector<Tensor> bodyCaptured;
      for (size_t i = numInputs; i < op.operands.size(); ++i)
        bodyCaptured.push_back(tensorOf(op.operands[i]));
      std::string reason = check(*op.transform->body, bodyCaptured);
      if (!reason.empty())
        mismatch("in " + opName(op.name, index) + ": " + reason);
    }
    for (size_t i = 0; i < op.transformValues.size(); ++i)
      tensorOfValue[op.transformValues[i]] =
          op.transformResults[i].unsafeGetImpl();
    return op.transformResults;
  }

  /// Checks the function's `count` results once it returned.
  void finish(const Tensor *results, size_t count) {
    if (position != guard.ops.size())
      mismatch("the function ran " + std::to_string(position) + " ops, but " +
               std::to_string(guard.ops.size()) + " when traced");
    if (count != guard.resultValues.size())
      mismatch("the function returns " + std::to_string(count) +
               (count == 1 ? " tensor" : " tensors") + ", but returned " +
               std::to_string(guard.resultValues.size()) + " when traced");
    for (size_t i = 0; i < count; ++i) {
      int32_t recorded = guard.resultValues[i];
      if (tensorOfValue[recorded] == results[i].unsafeGetImpl())
        continue;
      mismatch(
          "the function returns " + guard.describeValue(valueOf(results[i])) +
          (count > 1 ? " as result " + std::to_string(i) : "") +
          ", but returned " + guard.describeValue(recorded) + " when traced");
    }
  }

private:
  [[noreturn, gnu::cold, gnu::noinline]] static void
  mismatch(std::string reason) {
    throw ReplayMismatch{std::move(reason)};
  }

  /// Returns the tensor that is the value `id` in this replay (a search: for
  /// transforms).
  Tensor tensorOf(int32_t id) const {
    const void *impl = tensorOfValue[id];
    for (llvm::ArrayRef<Tensor> tensors :
         {llvm::ArrayRef<Tensor>(inputs), captured,
          llvm::ArrayRef<Tensor>(constants)})
      for (const Tensor &tensor : tensors)
        if (tensor.unsafeGetImpl() == impl)
          return tensor;
    for (const TraceGuard::Op &op : guard.ops) {
      if (op.result.unsafeGetImpl() == impl)
        return op.result;
      for (const Tensor &result : op.transformResults)
        if (result.unsafeGetImpl() == impl)
          return result;
    }
    return Tensor();
  }

  /// Returns the value `tensor` is, or -1 (a search: for checks off the
  /// per-op path and for messages).
  int32_t valueOf(const Tensor &tensor) const {
    for (size_t id = 0; id < tensorOfValue.size(); ++id)
      if (tensorOfValue[id] == tensor.unsafeGetImpl())
        return static_cast<int32_t>(id);
    return -1;
  }

  /// Returns the recorded op `record` must be, having compared the two.
  const TraceGuard::Op &next(const runtime::OpRecord &record) {
    size_t index = position++;
    if (index >= guard.ops.size() || !matches(guard.ops[index], record))
      mismatch(explainMismatch(record, index));
    return guard.ops[index];
  }

  /// Returns the recorded scan marker `scan` that the replay reached with
  /// `operands` and `ints`, having compared them, and gives the values it
  /// defines their shape-only tensors.
  const TraceGuard::Op &nextScanMarker(TraceGuard::Op::Scan scan,
                                       const std::vector<Tensor> &operands,
                                       const std::vector<int64_t> &ints) {
    size_t index = position++;
    const char *what = scan == TraceGuard::Op::Scan::Begin
                           ? "a jit::scan"
                           : "the end of a jit::scan's step";
    if (index >= guard.ops.size())
      mismatch(std::string("the function runs more ops than when traced: ") +
               what + " (op " + std::to_string(index) + ") is new");
    const TraceGuard::Op &op = guard.ops[index];
    if (op.scan != scan)
      mismatch("op " + std::to_string(index) + " is " + what + ", but was " +
               (op.scan == TraceGuard::Op::Scan::None
                    ? std::string(op.name)
                    : std::string("another part of a jit::scan")) +
               " when traced");
    if (op.ints != runtime::OpInts(ints))
      mismatch("the jit::scan (op " + std::to_string(index) +
               ") changed from " + formatInts(op.ints) + " to " +
               formatInts(runtime::OpInts(ints)) +
               " ({length, carries, scanned tensors, reverse, checkpoint "
               "policy, its K, run-time length})");
    if (op.gradMode != GradMode::is_enabled())
      mismatch("the jit::scan (op " + std::to_string(index) +
               ") runs with grad mode " + (op.gradMode ? "off" : "on") +
               ", but ran with it " + (op.gradMode ? "on" : "off") +
               " when traced");
    if (op.operands.size() != operands.size())
      mismatch(std::string(what) + " (op " + std::to_string(index) + ") has " +
               std::to_string(operands.size()) + " operands, but had " +
               std::to_string(op.operands.size()) + " when traced");
    for (size_t i = 0; i < operands.size(); ++i)
      if (tensorOfValue[op.operands[i]] != operands[i].unsafeGetImpl())
        mismatch("operand " + std::to_string(i) + " of " + what + " (op " +
                 std::to_string(index) + ") is " +
                 guard.describeValue(valueOf(operands[i])) + ", but was " +
                 guard.describeValue(op.operands[i]) + " when traced");
    for (size_t i = 0; i < op.values.size(); ++i)
      tensorOfValue[op.value + i] = op.values[i].unsafeGetImpl();
    return op;
  }

  /// Whether `record` is the recorded `op`: the per-op check of a replay.
  bool matches(const TraceGuard::Op &op,
               const runtime::OpRecord &record) const {
    if (op.scan != TraceGuard::Op::Scan::None || op.kind != record.kind ||
        (op.name != record.name && std::strcmp(op.name, record.name) != 0) ||
        op.ints != record.ints || op.keepDim != record.keepDim ||
        op.predicate != record.predicate ||
        !sameBits(op.scalar, record.scalar) ||
        op.gradMode != GradMode::is_enabled() ||
        op.operands.size() != record.inputs.size())
      return false;
    for (size_t i = 0, e = op.operands.size(); i < e; ++i)
      if (tensorOfValue[op.operands[i]] != record.inputs[i].unsafeGetImpl())
        return false;
    return true;
  }

  /// Says how `record`, the op at `index`, differs from the recorded one.
  [[gnu::cold, gnu::noinline]] std::string
  explainMismatch(const runtime::OpRecord &record, size_t index) const {
    std::string name = opName(record.name, index);
    if (index >= guard.ops.size())
      return "the function runs more ops than when traced: " + name + " is new";
    const TraceGuard::Op &op = guard.ops[index];
    if (op.scan != TraceGuard::Op::Scan::None || op.kind != record.kind ||
        std::strcmp(op.name, record.name) != 0)
      return "op " + std::to_string(index) + " is " + record.name +
             ", but was " + op.name + " when traced";
    if (op.ints != record.ints && op.kind == runtime::OpKind::Constant)
      return "the arguments of the " + std::string(record.name) +
             " constant (op " + std::to_string(index) + ") changed";
    if (op.ints != record.ints)
      return "the attributes of " + name + " changed from " +
             formatInts(op.ints) + " to " + formatInts(record.ints);
    if (op.keepDim != record.keepDim)
      return "keepdim of " + name + " changed to " +
             (record.keepDim ? "true" : "false");
    if (op.predicate != record.predicate)
      return "the comparison of " + name + " changed";
    if (!sameBits(op.scalar, record.scalar))
      return "the scalar operand of " + name + " changed from " +
             formatScalar(op.scalar) + " to " + formatScalar(record.scalar);
    if (op.gradMode != GradMode::is_enabled())
      return name + " runs with grad mode " + (op.gradMode ? "off" : "on") +
             ", but ran with it " + (op.gradMode ? "on" : "off") +
             " when traced";
    if (op.operands.size() != record.inputs.size())
      return name + " has " + std::to_string(record.inputs.size()) +
             " operands, but had " + std::to_string(op.operands.size()) +
             " when traced";
    for (size_t i = 0; i < op.operands.size(); ++i) {
      if (tensorOfValue[op.operands[i]] == record.inputs[i].unsafeGetImpl())
        continue;
      int32_t id = valueOf(record.inputs[i]);
      std::string now = guard.describeValue(id);
      if (id < 0)
        now += " (shape " + shapeToString(record.inputs[i].sizes()) + ")";
      return "operand " + std::to_string(i) + " of " + name + " is " + now +
             ", but was " + guard.describeValue(op.operands[i]) +
             " when traced";
    }
    return name + " differs from the traced op";
  }

  std::string describeConstantChange(const TraceGuard::Op &op,
                                     const Tensor &now) const {
    std::string use = guard.describeFirstUse(op.value);
    if (op.constant.numel() == 1 && now.numel() == 1 &&
        op.constant.sizes() == now.sizes() &&
        op.constant.dtype() == now.dtype()) {
      runtime::ObserverScope unobserved(nullptr);
      NoGradGuard noGrad;
      double before = op.constant.to(Dtype::Float64).item<double>();
      double after = now.to(Dtype::Float64).item<double>();
      std::string what =
          std::strcmp(op.name, "scalar operand") == 0
              ? "scalar " + use
              : "the " + std::string(op.name) + " constant (" + use + ")";
      return what + " changed from " + formatScalar(before) + " to " +
             formatScalar(after);
    }
    std::string what = "the " + std::string(op.name) + " constant of shape " +
                       shapeToString(op.constant.sizes()) + " (" + use + ")";
    if (op.constant.sizes() != now.sizes())
      return what + " now has shape " + shapeToString(now.sizes());
    if (op.constant.dtype() != now.dtype())
      return what + " now has dtype " + dtypeName(now.dtype());
    return what + " changed its values";
  }

  const TraceGuard &guard;
  /// The arguments of the replay.
  const std::vector<Tensor> &inputs;
  llvm::ArrayRef<Tensor> captured;
  size_t position = 0;
  /// The tensor each value is in this replay, once it is made: an argument,
  /// a constant the replay made, an operand an op returned, or the
  /// shape-only result of an op.
  std::vector<const void *> &tensorOfValue;
  /// The constants the replay made, alive until it ends so that no address
  /// is reused.
  std::vector<Tensor> &constants;
};
} // namespace adjit::tracing

template <typename Run>
std::string TraceGuard::replayWith(Run run, const std::vector<Tensor> &inputs,
                                   llvm::ArrayRef<Tensor> captured,
                                   ReplayScratch *scratch) const {
  ReplayScratch own;
  ReplayScratch &lists = scratch ? *scratch : own;
  ShapeOnlyReplay replayer(*this, inputs, captured, lists);
  // The constants the replay made are released when it ends, whatever
  // happens; the lists keep their capacity.
  struct Release {
    ReplayScratch &lists;
    ~Release() { lists.constants.clear(); }
  } release{lists};
  try {
    std::pair<const Tensor *, size_t> results;
    {
      runtime::ObserverScope observe(&replayer);
      results = run();
    }
    for (size_t i = 0; i < results.second; ++i)
      if (!results.first[i].defined())
        return "the function returned an undefined tensor";
    replayer.finish(results.first, results.second);
  } catch (const ReplayMismatch &mismatch) {
    return mismatch.reason;
  }
  return "";
}

std::string TraceGuard::replay(const jit::MultiTensorFunction &function,
                               const std::vector<Tensor> &inputs,
                               llvm::ArrayRef<Tensor> captured,
                               ReplayScratch *scratch) const {
  std::vector<Tensor> results;
  return replayWith(
      [&] {
        results = function(inputs);
        return std::make_pair<const Tensor *, size_t>(results.data(),
                                                      results.size());
      },
      inputs, captured, scratch);
}

std::string TraceGuard::replay(const jit::TensorFunction &function,
                               const std::vector<Tensor> &inputs,
                               llvm::ArrayRef<Tensor> captured,
                               ReplayScratch *scratch) const {
  Tensor result;
  return replayWith(
      [&] {
        result = function(inputs);
        return std::make_pair<const Tensor *, size_t>(&result, 1);
      },
      inputs, captured, scratch);
}

std::vector<Tensor> adjit::tracing::replayTransform(
    runtime::OpObserver &observer, const std::string &description,
    const std::vector<Tensor> &inputs, const TraceGuard::BodyCheck &check) {
  auto *replayer = dynamic_cast<ShapeOnlyReplay *>(&observer);
  if (!replayer)
    throw unknownObserverError(description);
  return replayer->replayTransform(description, inputs, check);
}

Error adjit::tracing::unknownObserverError(const std::string &description) {
  return Error(description +
               ": called while an unknown observer watches the thread's ops "
               "(transforms run compiled, inside a traced function, or "
               "inside its replay)");
}
