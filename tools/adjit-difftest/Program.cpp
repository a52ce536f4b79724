//===- Program.cpp - random tensor programs of the differential tester ----===//

#include "Program.h"

#include "adjit/Autograd.h"
#include "adjit/Einsum.h"
#include "adjit/JIT/Scan.h"
#include "adjit/NN.h"
#include "adjit/Semantics/Pooling.h"
#include "adjit/Semantics/ShapeRules.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <sstream>

using namespace adjit;
using namespace adjit::difftest;

namespace {

/// The Domain column of adjit/Semantics/Ops.def.
enum class InputDomain {
  Smooth,
  Positive,
  KinkAtZero,
  StepAtZero,
  StepAtIntegers,
  StepAtHalfIntegers,
  NoGradient
};

/// Operands of ops with a kink (relu, abs, comparisons, max) keep at least
/// this distance from it, so that no central difference crosses it.
constexpr double kKinkMargin = 1e-2;
/// log, sqrt and fractional powers get arguments of at least this; divisors
/// are at least this far from zero.
constexpr double kMinPositive = 0.05;
constexpr double kMinDivisor = 0.1;
/// Every value of a program stays finite and within this magnitude.
constexpr double kMaxMagnitude = 1e3;
constexpr int64_t kMaxElements = 256;
/// The limit of large programs: above the JIT's parallel threshold (2^16
/// elements, kDefaultParallelMinElements), with room for broadcasts.
constexpr int64_t kMaxLargeElements = int64_t(1) << 17;
/// The range of the large dims of matrix products: any product of three is
/// beyond 32^3 multiply-adds, so the JIT calls BLAS (kDefaultBlasMinFlops).
constexpr int64_t kMinLargeDim = 33, kMaxLargeDim = 80;
constexpr int64_t kMaxRank = 4;

/// A seeded source of random choices, independent of the standard library's
/// distributions so that a seed means the same program everywhere.
class Random {
public:
  explicit Random(uint64_t seed) : generator(seed) {}
  /// Uniform in [0, 1).
  double uniform() { return static_cast<double>(generator() >> 11) * 0x1p-53; }
  double uniform(double low, double high) {
    return low + (high - low) * uniform();
  }
  /// Uniform in [low, high].
  int64_t integer(int64_t low, int64_t high) {
    return low + static_cast<int64_t>(generator() %
                                      static_cast<uint64_t>(high - low + 1));
  }
  bool chance(double probability) { return uniform() < probability; }
  template <typename T> const T &pick(const std::vector<T> &items) {
    return items[integer(0, static_cast<int64_t>(items.size()) - 1)];
  }

private:
  std::mt19937_64 generator;
};

int64_t numelOf(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The broadcast of two shapes, or nothing if they do not broadcast.
std::optional<Shape> broadcastShapes(const Shape &a, const Shape &b) {
  semantics::ShapeResult<Shape> result =
      semantics::broadcastShapes("broadcast", a, b);
  if (!result.ok())
    return std::nullopt;
  return result.value;
}

/// The values of `t` as doubles (row-major).
std::vector<double> valuesOf(const Tensor &t) {
  Tensor c = t.contiguous();
  const double *data = c.data_ptr<double>();
  return std::vector<double>(data, data + c.numel());
}

double minAbs(const Tensor &t) {
  double m = INFINITY;
  for (double v : valuesOf(t))
    m = std::min(m, std::abs(v));
  return m;
}

double minValue(const Tensor &t) {
  double m = INFINITY;
  for (double v : valuesOf(t))
    m = std::min(m, v);
  return m;
}

/// The smallest distance between any two elements.
double minGap(const Tensor &t) {
  std::vector<double> v = valuesOf(t);
  std::sort(v.begin(), v.end());
  double gap = INFINITY;
  for (size_t i = 1; i < v.size(); ++i)
    gap = std::min(gap, v[i] - v[i - 1]);
  return gap;
}

/// The smallest distance between the largest element and any other.
double maxGap(const Tensor &t) {
  std::vector<double> v = valuesOf(t);
  if (v.size() < 2)
    return INFINITY;
  std::sort(v.begin(), v.end());
  return v[v.size() - 1] - v[v.size() - 2];
}

Tensor compareBy(int predicate, const Tensor &a, const Tensor &b) {
  switch (predicate) {
  case 0:
    return eq(a, b);
  case 1:
    return ne(a, b);
  case 2:
    return lt(a, b);
  case 3:
    return le(a, b);
  case 4:
    return gt(a, b);
  default:
    return ge(a, b);
  }
}

const char *predicateName(int predicate) {
  static const char *names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  return names[predicate];
}

std::string ints(const std::vector<int64_t> &values) {
  std::string text = "[";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + "]";
}

/// Runs `step` of `program` on `values`; returns its result if it ran and
/// is a usable value (f64, finite, of magnitude at most kMaxMagnitude, of 1
/// to `maxElements` elements and rank at most `maxRank`), else undefined.
Tensor evaluateCandidate(const Program &program, const Step &step,
                         const std::vector<Tensor> &values, int64_t maxElements,
                         int64_t maxRank) {
  std::vector<Tensor> operands;
  for (int o : step.operands)
    operands.push_back(values[o]);
  Tensor result;
  try {
    result = evaluateStep(program, step, operands);
  } catch (const Error &) {
    return Tensor();
  }
  if (result.dtype() != kFloat64 || result.numel() == 0 ||
      result.numel() > maxElements || result.dim() > maxRank)
    return Tensor();
  for (double v : valuesOf(result))
    if (!std::isfinite(v) || std::abs(v) > kMaxMagnitude)
      return Tensor();
  return result;
}

/// The values a scan body may take as invariants: those of the program, or
/// those of the enclosing body for a nested scan.
struct Enclosing {
  /// Returns a value whose shape `accept` accepts (perhaps a new input of
  /// shape `fallback`), or -1.
  std::function<int(const std::function<bool(const Shape &)> &, const Shape &)>
      pick;
  std::function<Tensor(int)> value;
};

/// Scan bodies keep their values small, and nest at most this deep.
constexpr int64_t kMaxBodyElements = 48;
constexpr int kMaxScanDepth = 2;

/// Whether a value of shape `shape` broadcasts to exactly `target`.
bool broadcastsTo(const Shape &shape, const Shape &target) {
  std::optional<Shape> joint = broadcastShapes(shape, target);
  return joint && *joint == target;
}

/// Generates the body of a scan of `init` over `xs` (`length` steps), nested
/// `depth` scans deep, whose invariants come from `enclosing`; returns the
/// Scan step of `operands` (the indices of `init` and `xs`) and of the
/// invariants, or nothing.
std::optional<Step> makeScanStep(Random &random, Program &program,
                                 Enclosing enclosing, int depth,
                                 std::vector<int> operands,
                                 const std::vector<Tensor> &init,
                                 const std::vector<Tensor> &xs, int64_t length,
                                 bool explicitLength);

/// Builds the body of one scan, evaluating each candidate op on the values
/// of the scan's first step. The body uses only ops that are smooth
/// everywhere (no kinks, no domain), so that every later step, whose values
/// the generator does not inspect, is differentiable too; each next carry is
/// bounded (a tanh, a sigmoid gate of the carry, or half the carry plus a
/// tanh), so values stay bounded however long the scan.
class BodyBuilder {
public:
  BodyBuilder(Random &random, Program &program, Enclosing enclosing, int depth)
      : random(random), program(program), enclosing(std::move(enclosing)),
        depth(depth) {}

  /// Generates a body for a scan of `init` over `xs` (`length` steps),
  /// appends it to the program's scans and returns its index, with the
  /// enclosing values it uses as invariants in `consts`; or returns -1.
  int build(const std::vector<Tensor> &init, const std::vector<Tensor> &xs,
            int64_t length, bool explicitLength, std::vector<int> &consts) {
    for (const Tensor &carry : init)
      addValue(carry, -1);
    for (const Tensor &x : xs)
      addValue(length ? x.select(0, 0)
                      : zeros(Shape(x.sizes().begin() + 1, x.sizes().end()),
                              kFloat64),
               -1);
    numArguments = static_cast<int>(values.size());
    int wanted = static_cast<int>(random.integer(1, 6));
    for (int attempt = 0;
         attempt < 20 * wanted && static_cast<int>(steps.size()) < wanted;
         ++attempt)
      addRandomOp();

    ScanBody body;
    body.numCarries = static_cast<int>(init.size());
    body.numXs = static_cast<int>(xs.size());
    body.length = length;
    body.explicitLength = explicitLength;
    for (int c = 0; c < body.numCarries; ++c)
      body.nextCarries.push_back(nextCarry(c));
    int numOutputs = static_cast<int>(random.integer(0, 3));
    for (int o = 0; o < numOutputs; ++o)
      body.outputs.push_back(pickYield());

    // Number the values as a program does: arguments, consts, steps.
    std::vector<int> index(values.size());
    int next = 0;
    for (int v = 0; v < numArguments; ++v)
      index[v] = next++;
    consts.clear();
    for (size_t v = numArguments; v < values.size(); ++v)
      if (constOf[v] >= 0) {
        index[v] = next++;
        consts.push_back(constOf[v]);
      }
    body.numConsts = static_cast<int>(consts.size());
    for (size_t v = numArguments; v < values.size(); ++v)
      if (constOf[v] < 0)
        index[v] = next++;
    body.shapes.resize(values.size());
    for (size_t v = 0; v < values.size(); ++v)
      body.shapes[index[v]] = values[v].sizes();
    for (Step &step : steps) {
      for (int &o : step.operands)
        o = index[o];
      body.steps.push_back(step);
    }
    for (int &v : body.nextCarries)
      v = index[v];
    for (int &v : body.outputs)
      v = index[v];
    program.scans.push_back(body);
    return static_cast<int>(program.scans.size()) - 1;
  }

private:
  Random &random;
  Program &program;
  Enclosing enclosing;
  int depth;
  /// The values of the first step, in the order made; for each, the
  /// enclosing value it is (an invariant) or -1.
  std::vector<Tensor> values;
  std::vector<int> constOf;
  /// Whether a step or a yield uses the value.
  std::vector<bool> used;
  int numArguments = 0;
  /// The steps, whose operands index `values`.
  std::vector<Step> steps;

  int addValue(const Tensor &value, int enclosingIndex) {
    used.push_back(false);
    values.push_back(value);
    constOf.push_back(enclosingIndex);
    return static_cast<int>(values.size()) - 1;
  }

  /// A body value, preferring the most recent ones so that ops chain.
  int pickRecent() {
    int last = static_cast<int>(values.size()) - 1;
    return random.chance(0.5) ? last
                              : static_cast<int>(random.integer(0, last));
  }

  /// A value to yield: mostly the latest result no step uses yet, so that
  /// few of the body's ops are dead.
  int pickYield() {
    int v = static_cast<int>(values.size()) - 1;
    while (v >= numArguments && used[v])
      --v;
    if (v < numArguments || random.chance(0.25))
      v = pickRecent();
    used[v] = true;
    return v;
  }

  /// A body value whose shape `accept` accepts, or -1.
  int pickBody(const std::function<bool(const Shape &)> &accept) {
    std::vector<int> candidates;
    for (size_t v = 0; v < values.size(); ++v)
      if (accept(values[v].sizes()))
        candidates.push_back(static_cast<int>(v));
    return candidates.empty() ? -1 : random.pick(candidates);
  }

  /// An invariant: an enclosing value whose shape `accept` accepts (or a
  /// new one of shape `fallback`), or -1.
  int invariant(const std::function<bool(const Shape &)> &accept,
                const Shape &fallback) {
    int outer = enclosing.pick(accept, fallback);
    if (outer < 0)
      return -1;
    for (size_t v = 0; v < values.size(); ++v)
      if (constOf[v] == outer)
        return static_cast<int>(v);
    return addValue(enclosing.value(outer), outer);
  }

  /// A value for an operand: an invariant (with probability
  /// `invariantChance`) or a body value, whose shape `accept` accepts.
  int operand(const std::function<bool(const Shape &)> &accept,
              const Shape &fallback, double invariantChance) {
    if (random.chance(invariantChance)) {
      int c = invariant(accept, fallback);
      if (c >= 0)
        return c;
    }
    return pickBody(accept);
  }

  /// Appends `step` if it runs and its result is small and finite; returns
  /// the result's index or -1.
  int emit(const Step &step) {
    Tensor result = evaluateCandidate(program, step, values, kMaxBodyElements,
                                      /*maxRank=*/3);
    if (!result.defined())
      return -1;
    for (int o : step.operands)
      used[o] = true;
    steps.push_back(step);
    return addValue(result, -1);
  }

  int emitUnary(OpKind kind, int x, double scalar = 0) {
    if (x < 0)
      return -1;
    Step step{kind, {x}};
    step.scalar = scalar;
    return emit(step);
  }

  int emitBinary(OpKind kind, int x, int y) {
    if (x < 0 || y < 0)
      return -1;
    return emit(Step{kind, {x, y}});
  }

  void addRandomOp() {
    int x = pickRecent();
    const Shape shape = values[x].sizes();
    int64_t rank = static_cast<int64_t>(shape.size());
    auto dim = [&] { return random.integer(0, rank - 1); };
    switch (random.integer(0, 9)) {
    case 0: {
      OpKind kind = random.pick(std::vector<OpKind>{
          OpKind::Tanh, OpKind::Sin, OpKind::Cos, OpKind::Sigmoid, OpKind::Neg,
          OpKind::Erf, OpKind::Exp, OpKind::MulScalar, OpKind::AddScalar});
      emitUnary(kind, x, random.uniform(-1.5, 1.5));
      return;
    }
    case 1:
    case 2:
    case 3: {
      OpKind kind = random.pick(
          std::vector<OpKind>{OpKind::Add, OpKind::Sub, OpKind::Mul});
      auto accept = [&](const Shape &other) {
        std::optional<Shape> joint = broadcastShapes(shape, other);
        return joint && numelOf(*joint) <= kMaxBodyElements;
      };
      int y = operand(accept, shape, 0.3);
      if (random.chance(0.5))
        std::swap(x, y);
      emitBinary(kind, x, y);
      return;
    }
    case 4:
    case 5: {
      // x @ W, or W @ x, W mostly an invariant (a parameter).
      if (rank == 0 || rank > 2)
        return;
      int64_t m = random.integer(1, 4);
      bool left = random.chance(0.3);
      Shape weight = left ? Shape{m, shape.front()} : Shape{shape.back(), m};
      auto accept = [&](const Shape &s) {
        return s.size() == 2 && (left ? s[1] == weight[1] : s[0] == weight[0]);
      };
      int w = operand(accept, weight, 0.8);
      if (left)
        emitBinary(OpKind::Matmul, w, x);
      else
        emitBinary(OpKind::Matmul, x, w);
      return;
    }
    case 6: {
      OpKind kind = random.pick(std::vector<OpKind>{
          OpKind::SumAll, OpKind::MeanAll, OpKind::Sum, OpKind::Mean});
      if (kind == OpKind::SumAll || kind == OpKind::MeanAll) {
        emitUnary(kind, x);
        return;
      }
      if (rank == 0)
        return;
      Step step{kind, {x}};
      step.ints = {dim()};
      step.keepDim = random.chance(0.5);
      emit(step);
      return;
    }
    case 7: {
      if (rank == 0)
        return;
      if (random.chance(0.5)) {
        if (shape.back() >= 2)
          emit(Step{OpKind::LayerNorm, {x}});
        return;
      }
      Step step{OpKind::Softmax, {x}};
      step.ints = {dim()};
      emit(step);
      return;
    }
    case 8: {
      Step step{rank >= 2 ? OpKind::Transpose : OpKind::Unsqueeze, {x}};
      step.ints = rank >= 2 ? std::vector<int64_t>{0, rank - 1}
                            : std::vector<int64_t>{random.integer(0, rank)};
      emit(step);
      return;
    }
    default:
      if (depth + 1 < kMaxScanDepth)
        addNestedScan();
      else
        emitUnary(OpKind::Tanh, x);
      return;
    }
  }

  /// A scan in the body, over a body value or of a given length, whose
  /// invariants are values of this body (or of its enclosing program).
  void addNestedScan() {
    std::vector<int> operands;
    std::vector<Tensor> init, xs;
    int numCarries = static_cast<int>(random.integer(1, 2));
    for (int c = 0; c < numCarries; ++c) {
      int v = pickBody(
          [](const Shape &s) { return s.size() <= 1 && numelOf(s) <= 8; });
      if (v < 0)
        return;
      operands.push_back(v);
      init.push_back(values[v]);
    }
    int64_t length = random.integer(0, 3);
    bool explicitLength = true;
    if (random.chance(0.6)) {
      int x = pickBody([](const Shape &s) {
        return !s.empty() && s.size() <= 2 && s[0] <= 4;
      });
      if (x >= 0) {
        operands.push_back(x);
        xs.push_back(values[x]);
        length = values[x].size(0);
        explicitLength = random.chance(0.3);
      }
    }
    Enclosing here{[this](const std::function<bool(const Shape &)> &accept,
                          const Shape &fallback) {
                     return operand(accept, fallback, 0.5);
                   },
                   [this](int v) { return values[v]; }};
    size_t scansBefore = program.scans.size();
    std::optional<Step> step =
        makeScanStep(random, program, std::move(here), depth + 1, operands,
                     init, xs, length, explicitLength);
    if (step && emit(*step) < 0)
      program.scans.resize(scansBefore);
  }

  /// The value yielded as the next value of carry `c`: bounded, of the
  /// carry's shape, mixing the carry with a recent value.
  int nextCarry(int c) {
    const Shape shape = values[c].sizes();
    if (random.chance(0.1))
      return c;
    int v = pickYield();
    if (!broadcastsTo(values[v].sizes(), shape))
      v = emitUnary(OpKind::SumAll, v);
    int next = -1;
    switch (random.integer(0, 2)) {
    case 0:
      next = emitUnary(OpKind::Tanh, emitBinary(OpKind::Add, c, v));
      break;
    case 1:
      next = emitBinary(OpKind::Mul, c, emitUnary(OpKind::Sigmoid, v));
      break;
    default:
      next = emitBinary(OpKind::Add, emitUnary(OpKind::MulScalar, c, 0.5),
                        emitUnary(OpKind::Tanh, v));
      break;
    }
    if (next < 0 || values[next].sizes() != shape)
      next = emitUnary(OpKind::Tanh, c);
    return next < 0 ? c : next;
  }
};

std::optional<Step> makeScanStep(Random &random, Program &program,
                                 Enclosing enclosing, int depth,
                                 std::vector<int> operands,
                                 const std::vector<Tensor> &init,
                                 const std::vector<Tensor> &xs, int64_t length,
                                 bool explicitLength) {
  std::vector<int> consts;
  BodyBuilder builder(random, program, std::move(enclosing), depth);
  int body = builder.build(init, xs, length, explicitLength, consts);
  if (body < 0)
    return std::nullopt;
  Step step{OpKind::Scan, std::move(operands)};
  step.operands.insert(step.operands.end(), consts.begin(), consts.end());
  step.ints = {body};
  return step;
}

/// Builds a program op by op, evaluating each candidate eagerly.
class Generator {
public:
  Generator(uint64_t seed, const GeneratorOptions &options)
      : random(seed), options(options) {
    program.seed = seed;
    program.large = options.large;
    program.sequenceOps = options.sequenceOps;
    program.scanOps = options.scanOps;
  }

  Program run() {
    NoGradGuard noGrad;
    if (options.large) {
      startLarge();
    } else {
      int initialInputs = static_cast<int>(random.integer(1, 3));
      Shape base = randomShape(random.integer(0, 3));
      for (int i = 0; i < initialInputs; ++i)
        addInput(random.chance(0.6) ? relatedShape(base)
                                    : randomShape(random.integer(0, 3)));
    }
    // Scan programs start with a scan of the inputs.
    for (int attempt = 0; options.scanOps && attempt < 10 && !hasScans(program);
         ++attempt)
      addScan();
    int steps =
        static_cast<int>(random.integer(options.minSteps, options.maxSteps));
    for (int attempt = 0;
         attempt < 40 * steps && static_cast<int>(program.steps.size()) < steps;
         ++attempt)
      addRandomOp();

    for (size_t v = 0; v < values.size(); ++v) {
      if (uses[v])
        continue;
      program.lossTerms.push_back(static_cast<int>(v));
      std::vector<double> weights(values[v].numel());
      for (double &w : weights)
        w = random.uniform(-1, 1);
      program.lossWeights.push_back(weights);
    }
    bool anyGrad = false;
    for (const Input &input : program.inputs)
      anyGrad |= input.requiresGrad;
    if (!anyGrad)
      program.inputs[0].requiresGrad = true;
    renumber();
    return program;
  }

private:
  Random random;
  GeneratorOptions options;
  Program program;
  /// Every value in the order made (inputs may be added between steps),
  /// with its use count and, for inputs, its input number.
  std::vector<Tensor> values;
  std::vector<int> uses;
  std::vector<int> inputNumber;

  /// Numbers the values as a Program does: the inputs first, then the
  /// steps' results.
  void renumber() {
    int numInputs = static_cast<int>(program.inputs.size());
    std::vector<int> index(values.size());
    int step = 0;
    program.shapes.clear();
    for (const Input &input : program.inputs)
      program.shapes.push_back(input.shape);
    for (size_t v = 0; v < values.size(); ++v) {
      if (inputNumber[v] >= 0) {
        index[v] = inputNumber[v];
        continue;
      }
      index[v] = numInputs + step++;
      program.shapes.push_back(values[v].sizes());
    }
    for (Step &s : program.steps)
      for (int &o : s.operands)
        o = index[o];
    for (int &term : program.lossTerms)
      term = index[term];
  }

  int64_t maxElements() const {
    return options.large ? kMaxLargeElements : kMaxElements;
  }

  int64_t largeDim() { return random.integer(kMinLargeDim, kMaxLargeDim); }

  /// The first inputs and ops of a large program: a matrix product with
  /// large dims in one of the layouts whose gradients take transposes, or
  /// large inputs for elementwise ops.
  void startLarge() {
    if (random.chance(0.35)) {
      // At least 2^16 elements: [256..320]^2 or [2..4] x [128..180]^2.
      Shape base =
          random.chance(0.5)
              ? Shape{random.integer(256, 320), random.integer(256, 320)}
              : Shape{random.integer(2, 4), random.integer(128, 180),
                      random.integer(128, 180)};
      addInput(base);
      int others = static_cast<int>(random.integer(1, 2));
      for (int i = 0; i < others; ++i)
        addInput(random.chance(0.5) ? base : relatedShape(base));
      return;
    }
    int64_t m = largeDim(), k = largeDim(), n = largeDim();
    switch (random.integer(0, 4)) {
    case 0: { // x @ W
      int x = addInput({m, k});
      int w = addInput({k, n});
      emit(Step{OpKind::Matmul, {x, w}});
      return;
    }
    case 1: { // x @ W^T
      int x = addInput({m, k});
      int w = addInput({n, k});
      int wt = emitUnary(OpKind::T, w);
      if (wt >= 0)
        emit(Step{OpKind::Matmul, {x, wt}});
      return;
    }
    case 2: { // x^T @ W
      int x = addInput({k, m});
      int xt = emitUnary(OpKind::T, x);
      int w = addInput({k, n});
      if (xt >= 0)
        emit(Step{OpKind::Matmul, {xt, w}});
      return;
    }
    case 3: { // batched x @ W, W batched, broadcast or transposed
      int64_t b = random.integer(2, 4);
      int x = addInput({b, m, k});
      int w;
      switch (random.integer(0, 2)) {
      case 0:
        w = addInput({b, k, n});
        break;
      case 1:
        w = addInput({random.chance(0.5) ? 1 : b, k, n});
        break;
      default: {
        Step transpose{OpKind::Transpose, {addInput({b, n, k})}};
        transpose.ints = {-1, -2};
        w = emit(transpose);
        break;
      }
      }
      if (w >= 0)
        emit(Step{OpKind::Matmul, {x, w}});
      return;
    }
    default: { // W^T @ x, with a vector or matrix x
      int w = addInput({k, m});
      int wt = emitUnary(OpKind::T, w);
      int x = addInput(random.chance(0.3) ? Shape{k} : Shape{k, n});
      if (wt >= 0)
        emit(Step{OpKind::Matmul, {wt, x}});
      return;
    }
    }
  }

  Shape randomShape(int64_t rank) {
    Shape shape;
    for (int64_t i = 0; i < rank; ++i)
      shape.push_back(random.integer(1, 5));
    return shape;
  }

  /// A shape that broadcasts with `shape`: a suffix of it, with some
  /// dimensions set to 1 (or, where `shape` has a 1, to any size).
  Shape relatedShape(const Shape &shape) {
    size_t drop = random.chance(0.3) ? random.integer(0, shape.size()) : 0;
    Shape result(shape.begin() + drop, shape.end());
    for (int64_t &d : result) {
      if (d == 1 && random.chance(0.3))
        d = random.integer(2, 4);
      else if (random.chance(0.25))
        d = 1;
    }
    return result;
  }

  int addInput(const Shape &shape) {
    Input input;
    input.shape = shape;
    for (int64_t i = 0; i < numelOf(shape); ++i)
      input.values.push_back(random.uniform(-2, 2));
    input.requiresGrad = random.chance(0.85);
    input.captured = random.chance(0.25);
    inputNumber.push_back(static_cast<int>(program.inputs.size()));
    program.inputs.push_back(input);
    values.push_back(from_vector(input.values, shape, kFloat64));
    uses.push_back(0);
    return static_cast<int>(values.size()) - 1;
  }

  bool canAddInput() const {
    return static_cast<int>(program.inputs.size()) < options.maxInputs;
  }

  /// A value, preferring the most recent ones so that ops chain.
  int pickValue() {
    int last = static_cast<int>(values.size()) - 1;
    if (random.chance(0.5))
      return last;
    return static_cast<int>(random.integer(0, last));
  }

  /// A value whose shape `accept` accepts: an existing one, else a new input
  /// of shape `fallback` if inputs may still be added, else -1.
  int pickMatching(const std::function<bool(const Shape &)> &accept,
                   const Shape &fallback) {
    std::vector<int> candidates;
    for (size_t v = 0; v < values.size(); ++v)
      if (accept(values[v].sizes()))
        candidates.push_back(static_cast<int>(v));
    bool fresh = canAddInput() && accept(fallback) &&
                 (candidates.empty() || random.chance(0.3));
    if (fresh)
      return addInput(fallback);
    if (candidates.empty())
      return -1;
    return random.pick(candidates);
  }

  /// A value that broadcasts with `shape` (to at most kMaxElements).
  int pickBroadcastable(const Shape &shape) {
    auto accept = [&](const Shape &other) {
      std::optional<Shape> joint = broadcastShapes(shape, other);
      return joint && numelOf(*joint) <= maxElements() &&
             static_cast<int64_t>(joint->size()) <= kMaxRank;
    };
    return pickMatching(accept, relatedShape(shape));
  }

  /// Appends `step` if it runs and its result is a usable value; returns the
  /// result's index or -1.
  int emit(const Step &step) {
    Tensor result =
        evaluateCandidate(program, step, values, maxElements(), kMaxRank);
    if (!result.defined())
      return -1;
    for (int o : step.operands)
      ++uses[o];
    program.steps.push_back(step);
    values.push_back(result);
    uses.push_back(0);
    inputNumber.push_back(-1);
    return static_cast<int>(values.size()) - 1;
  }

  int emitUnary(OpKind kind, int x, double scalar = 0) {
    Step step{kind, {x}};
    step.scalar = scalar;
    return emit(step);
  }

  /// A scan of one to three carries (existing values or new inputs, of
  /// rank 0-2) over zero to two scanned values or inputs, of length 0, 1 or
  /// 2-6, with a random body (BodyBuilder).
  void addScan() {
    int64_t length = random.chance(0.15)  ? 0
                     : random.chance(0.2) ? 1
                                          : random.integer(2, 6);
    std::vector<int> operands;
    std::vector<Tensor> init, xs;
    int numCarries = static_cast<int>(random.integer(1, 3));
    for (int c = 0; c < numCarries; ++c) {
      int v = pickMatching(
          [](const Shape &s) {
            return s.size() <= 2 && numelOf(s) >= 1 && numelOf(s) <= 12;
          },
          randomShape(random.integer(0, 2)));
      if (v < 0)
        return;
      operands.push_back(v);
      init.push_back(values[v]);
    }
    int numXs = static_cast<int>(random.integer(0, 2));
    for (int k = 0; k < numXs; ++k) {
      Shape fallback = randomShape(random.integer(0, 2));
      fallback.insert(fallback.begin(), length);
      int v = pickMatching(
          [&](const Shape &s) {
            return !s.empty() && s.size() <= 3 && s[0] == length &&
                   numelOf(s) <= 48;
          },
          fallback);
      if (v < 0)
        return;
      operands.push_back(v);
      xs.push_back(values[v]);
    }
    bool explicitLength = numXs == 0 || random.chance(0.25);
    Enclosing program{[this](const std::function<bool(const Shape &)> &accept,
                             const Shape &fallback) {
                        return pickMatching(accept, fallback);
                      },
                      [this](int v) { return values[v]; }};
    size_t scansBefore = this->program.scans.size();
    std::optional<Step> step =
        makeScanStep(random, this->program, std::move(program), 0, operands,
                     init, xs, length, explicitLength);
    if (step && emit(*step) < 0)
      this->program.scans.resize(scansBefore);
  }

  /// Returns `x` if all its elements are at least kMinPositive, else a
  /// value made positive from it by a few ops (or -1).
  int positive(int x) {
    if (minValue(values[x]) >= kMinPositive)
      return x;
    switch (random.integer(0, 3)) {
    case 0: {
      int sq = emit(Step{OpKind::Mul, {x, x}});
      return sq < 0 ? -1 : emitUnary(OpKind::AddScalar, sq, 0.5);
    }
    case 1:
      return emitUnary(OpKind::Exp, x);
    case 2: {
      int s = emitUnary(OpKind::Sigmoid, x);
      return s < 0 ? -1 : emitUnary(OpKind::AddScalar, s, 0.1);
    }
    default: {
      if (minAbs(values[x]) < kKinkMargin)
        return -1;
      int a = emitUnary(OpKind::Abs, x);
      return a < 0 ? -1 : emitUnary(OpKind::AddScalar, a, 0.25);
    }
    }
  }

  /// Emits the unary primitive `kind` on `x` if `x` lies where the op is
  /// differentiable (made positive first for a Positive domain).
  void emitInDomain(OpKind kind, InputDomain domain, int x) {
    const Tensor &xv = values[x];
    switch (domain) {
    case InputDomain::Smooth:
      emitUnary(kind, x);
      return;
    case InputDomain::Positive: {
      int p = positive(x);
      if (p >= 0)
        emitUnary(kind, p);
      return;
    }
    case InputDomain::KinkAtZero:
    case InputDomain::StepAtZero:
      if (minAbs(xv) >= kKinkMargin)
        emitUnary(kind, x);
      return;
    case InputDomain::StepAtIntegers:
      if (minAbs(xv - xv.round()) >= kKinkMargin)
        emitUnary(kind, x);
      return;
    case InputDomain::StepAtHalfIntegers:
      if (minAbs(xv - xv.floor() - 0.5) >= kKinkMargin)
        emitUnary(kind, x);
      return;
    case InputDomain::NoGradient:
      // Every value of a program is differentiated: such an op would only
      // check its own error (PrimitiveOpsTest compares its values).
      return;
    }
  }

  /// True if `a` and `b` differ by at least kKinkMargin everywhere, or are
  /// the same value (so that comparisons between them cannot flip).
  bool separated(int a, int b) {
    if (a == b)
      return true;
    return minAbs(values[a] - values[b]) >= kKinkMargin;
  }

  void addRandomOp() {
    static const std::vector<OpKind> kinds = {
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp) OpKind::Kind,
#include "adjit/Semantics/Ops.def"
        OpKind::PowScalar,
        OpKind::AddScalar,
        OpKind::MulScalar,
        OpKind::DivScalar,
        OpKind::ScalarSub,
        OpKind::ScalarDiv,
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  OpKind::Kind,
#include "adjit/Semantics/Ops.def"
        OpKind::Clone,
        OpKind::ToDouble,
        OpKind::Where,
        OpKind::MaskMul,
        OpKind::WhereScalar,
        OpKind::Matmul,
        OpKind::Matmul,
        OpKind::SumAll,
        OpKind::Sum,
        OpKind::MeanAll,
        OpKind::Mean,
        OpKind::ProdAll,
        OpKind::Prod,
        OpKind::MaxAll,
        OpKind::MseLoss,
        OpKind::Softmax,
        OpKind::LogSoftmax,
        OpKind::Reshape,
        OpKind::ContiguousView,
        OpKind::Flatten,
        OpKind::Transpose,
        OpKind::T,
        OpKind::Permute,
        OpKind::Slice,
        OpKind::Select,
        OpKind::Unsqueeze,
        OpKind::Squeeze,
        OpKind::Expand,
        OpKind::Cat,
        // Pooling
        OpKind::MaxPool2d,
        OpKind::AvgPool2d,
        OpKind::AdaptiveAvgPool2d,
        OpKind::FlattenRange,
        // Convolution
        OpKind::Conv2d,
        OpKind::Conv1d,
        // Indexing
        OpKind::Gather,
        OpKind::IndexSelect,
        OpKind::ScatterAdd,
        OpKind::Embedding,
        OpKind::Index,
    };
    static const std::vector<OpKind> kindsWithSequenceOps = [] {
      std::vector<OpKind> all = kinds;
      all.insert(all.end(),
                 {OpKind::LayerNorm, OpKind::Gelu, OpKind::Cumsum, OpKind::Tril,
                  OpKind::Triu, OpKind::Stack, OpKind::Repeat, OpKind::Einsum,
                  OpKind::Diag, OpKind::DiagEmbed});
      return all;
    }();
    if (options.scanOps && random.chance(0.12)) {
      addScan();
      return;
    }
    // Large programs chain more matrix products.
    OpKind kind =
        options.large && random.chance(0.2)
            ? OpKind::Matmul
            : random.pick(options.sequenceOps ? kindsWithSequenceOps : kinds);
    int x = pickValue();
    const Tensor &xv = values[x];
    int64_t rank = xv.dim();
    const Shape &shape = xv.sizes();
    auto randomDim = [&](int64_t r) {
      int64_t d = random.integer(0, r - 1);
      return random.chance(0.3) ? d - r : d;
    };

    switch (kind) {
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  case OpKind::Kind:                                                           \
    emitInDomain(kind, InputDomain::Domain, x);                                \
    return;
#include "adjit/Semantics/Ops.def"
    case OpKind::Clone:
    case OpKind::ToDouble:
    case OpKind::Flatten:
      emitUnary(kind, x);
      return;
    case OpKind::PowScalar: {
      double exponent = random.pick(
          std::vector<double>{2.0, 3.0, 0.5, 1.5, -1.0, -0.5, 2.5, 1.0, 0.0});
      bool integral = exponent == std::floor(exponent) && exponent >= 0;
      int base = integral ? x : positive(x);
      if (base >= 0)
        emitUnary(kind, base, exponent);
      return;
    }
    case OpKind::AddScalar:
    case OpKind::ScalarSub:
      emitUnary(kind, x, random.uniform(-2, 2));
      return;
    case OpKind::MulScalar:
      emitUnary(kind, x,
                (random.chance(0.5) ? 1 : -1) * random.uniform(0.25, 2));
      return;
    case OpKind::DivScalar:
      emitUnary(kind, x,
                (random.chance(0.5) ? 1 : -1) * random.uniform(0.5, 2));
      return;
    case OpKind::ScalarDiv: {
      int d = minAbs(xv) >= kMinDivisor ? x : positive(x);
      if (d >= 0)
        emitUnary(kind, d, random.uniform(-2, 2));
      return;
    }
    case OpKind::Add:
    case OpKind::Sub:
    case OpKind::Mul: {
      int y = random.chance(0.1) ? x : pickBroadcastable(shape);
      if (y >= 0)
        emit(Step{kind, random.chance(0.5) ? std::vector<int>{x, y}
                                           : std::vector<int>{y, x}});
      return;
    }
    case OpKind::Div: {
      int y = pickBroadcastable(shape);
      if (y < 0)
        return;
      if (minAbs(values[y]) < kMinDivisor)
        y = positive(y);
      if (y >= 0)
        emit(Step{kind, {x, y}});
      return;
    }
    case OpKind::Pow: {
      int y = pickBroadcastable(shape);
      if (y < 0)
        return;
      int base = positive(x);
      if (base < 0)
        return;
      int exponent = emitUnary(OpKind::Tanh, y);
      if (exponent >= 0)
        emit(Step{kind, {base, exponent}});
      return;
    }
    case OpKind::Maximum:
    case OpKind::Minimum: {
      int y = random.chance(0.1) ? x : pickBroadcastable(shape);
      if (y >= 0 && separated(x, y))
        emit(Step{kind, {x, y}});
      return;
    }
    case OpKind::Where:
    case OpKind::MaskMul: {
      int y = random.chance(0.1) ? x : pickBroadcastable(shape);
      if (y < 0 || !separated(x, y))
        return;
      Shape joint = *broadcastShapes(shape, values[y].sizes());
      Step step{kind, {x, y}};
      step.predicate = static_cast<int>(random.integer(0, 5));
      int branches = kind == OpKind::Where ? 2 : 1;
      for (int i = 0; i < branches; ++i) {
        int b = pickBroadcastable(joint);
        if (b < 0)
          return;
        joint = *broadcastShapes(joint, values[b].sizes());
        step.operands.push_back(b);
      }
      emit(step);
      return;
    }
    case OpKind::WhereScalar: {
      Step step{kind, {x}};
      step.predicate = static_cast<int>(random.integer(0, 5));
      step.scalar = random.uniform(-1, 1);
      if (minAbs(xv - step.scalar) >= kKinkMargin)
        emit(step);
      return;
    }
    case OpKind::Matmul: {
      if (rank == 0 || rank > 3)
        return;
      int64_t k = shape.back();
      int64_t m = options.large ? largeDim() : random.integer(1, 5);
      // The shapes of right-hand sides matmul accepts for this left-hand side.
      std::vector<Shape> rhsShapes = {{k}, {k, m}};
      if (rank <= 2)
        rhsShapes.push_back({random.integer(1, 3), k, m});
      else
        rhsShapes.push_back({shape[0], k, m});
      if (rank == 3)
        rhsShapes.push_back({1, k, m});
      Shape want = random.pick(rhsShapes);
      int y = pickMatching(
          [&](const Shape &s) {
            if (s.empty() || s.size() > 3)
              return false;
            int64_t contracted = s.size() == 1 ? s[0] : s[s.size() - 2];
            if (contracted != k)
              return false;
            if (s.size() == 3 && rank == 3 && s[0] != shape[0] && s[0] != 1 &&
                shape[0] != 1)
              return false;
            return true;
          },
          want);
      if (y >= 0)
        emit(Step{kind, {x, y}});
      return;
    }
    case OpKind::SumAll:
    case OpKind::MeanAll:
      emitUnary(kind, x);
      return;
    case OpKind::Sum:
    case OpKind::Mean: {
      if (rank == 0)
        return;
      Step step{kind, {x}};
      for (int64_t d = 0; d < rank; ++d)
        if (random.chance(0.5))
          step.ints.push_back(random.chance(0.3) ? d - rank : d);
      if (step.ints.empty())
        step.ints.push_back(randomDim(rank));
      step.keepDim = random.chance(0.5);
      emit(step);
      return;
    }
    case OpKind::ProdAll:
      emitUnary(kind, x);
      return;
    case OpKind::Prod: {
      Step step{kind, {x}};
      step.ints = {rank == 0 ? 0 : randomDim(rank)};
      step.keepDim = random.chance(0.5);
      emit(step);
      return;
    }
    case OpKind::MaxAll: {
      // max(), or max(dim) / min(dim) values. (They share one entry of the
      // list, so that adding them kept the programs of the other seeds.)
      int64_t variant = random.integer(0, 2);
      if (variant == 0) {
        if (maxGap(xv) >= kKinkMargin)
          emitUnary(kind, x);
        return;
      }
      // Away from ties along every dim, where the gradient jumps.
      if (rank == 0 || minGap(xv) < kKinkMargin)
        return;
      Step step{variant == 1 ? OpKind::MaxDim : OpKind::MinDim, {x}};
      step.ints = {randomDim(rank)};
      step.keepDim = random.chance(0.5);
      emit(step);
      return;
    }
    case OpKind::MaxDim:
    case OpKind::MinDim:
      // Emitted as variants of MaxAll above, never picked themselves.
      return;
    case OpKind::MseLoss: {
      int y = pickMatching([&](const Shape &s) { return s == shape; }, shape);
      if (y >= 0)
        emit(Step{kind, {x, y}});
      return;
    }
    case OpKind::Softmax:
    case OpKind::LogSoftmax: {
      Step step{kind, {x}};
      step.ints = {rank == 0 ? 0 : randomDim(rank)};
      emit(step);
      return;
    }
    case OpKind::Reshape:
    case OpKind::ContiguousView: {
      // Distribute the prime factors of numel over a random rank.
      int64_t n = xv.numel();
      int64_t newRank = random.integer(n == 1 ? 0 : 1, 3);
      Shape target(newRank, 1);
      for (int64_t p = 2, rest = n; rest > 1;) {
        if (rest % p) {
          ++p;
          continue;
        }
        target[random.integer(0, newRank - 1)] *= p;
        rest /= p;
      }
      Step step{kind, {x}};
      step.ints = target;
      emit(step);
      return;
    }
    case OpKind::Transpose: {
      if (rank == 0)
        return;
      Step step{kind, {x}};
      step.ints = {randomDim(rank), randomDim(rank)};
      emit(step);
      return;
    }
    case OpKind::T:
      if (rank <= 2)
        emitUnary(kind, x);
      return;
    case OpKind::Permute: {
      if (rank == 0)
        return;
      Step step{kind, {x}};
      for (int64_t d = 0; d < rank; ++d)
        step.ints.push_back(d);
      for (int64_t i = rank - 1; i > 0; --i)
        std::swap(step.ints[i], step.ints[random.integer(0, i)]);
      for (int64_t &d : step.ints)
        if (random.chance(0.2))
          d -= rank;
      emit(step);
      return;
    }
    // Pooling
    case OpKind::MaxPool2d:
    case OpKind::AvgPool2d: {
      // Max pooling only where no two elements are close (no near-ties
      // for the finite differences).
      bool max = kind == OpKind::MaxPool2d;
      if (rank < 2 || (max && minGap(xv) < kKinkMargin))
        return;
      Step step{kind, {x}};
      int64_t h = shape[rank - 2], w = shape[rank - 1];
      std::vector<int64_t> kernel = {
          random.integer(1, std::min<int64_t>(h, 3)),
          random.integer(1, std::min<int64_t>(w, 3))};
      step.ints = {kernel[0],
                   kernel[1],
                   random.integer(1, 2),
                   random.integer(1, 2),
                   random.integer(0, kernel[0] / 2),
                   random.integer(0, kernel[1] / 2),
                   max ? random.integer(1, 2) : 1,
                   max ? random.integer(1, 2) : 1,
                   random.chance(0.3),
                   random.chance(0.5)};
      semantics::PoolParams params;
      params.kernel = {step.ints[0], step.ints[1]};
      params.stride = {step.ints[2], step.ints[3]};
      params.padding = {step.ints[4], step.ints[5]};
      params.dilation = {step.ints[6], step.ints[7]};
      params.ceilMode = step.ints[8];
      params.countIncludePad = step.ints[9];
      semantics::Shape nchw = {1, xv.numel() / (h * w), h, w};
      if (!(max ? semantics::maxPool2d("", nchw, params)
                : semantics::avgPool2d("", nchw, params))
               .ok())
        return;
      emit(step);
      return;
    }
    case OpKind::AdaptiveAvgPool2d: {
      if (rank < 2)
        return;
      Step step{kind, {x}};
      step.ints = {random.integer(1, shape[rank - 2] + 1),
                   random.integer(1, shape[rank - 1] + 1)};
      emit(step);
      return;
    }
    case OpKind::FlattenRange: {
      if (rank == 0)
        return;
      Step step{kind, {x}};
      int64_t start = random.integer(0, rank - 1);
      step.ints = {start - (random.chance(0.3) ? rank : 0),
                   random.integer(start, rank - 1)};
      emit(step);
      return;
    }
    case OpKind::Slice: {
      if (rank == 0)
        return;
      int64_t dim = randomDim(rank);
      int64_t size = shape[dim < 0 ? dim + rank : dim];
      Step step{kind, {x}};
      step.hasStart = random.chance(0.8);
      step.hasEnd = random.chance(0.8);
      step.ints = {dim, random.integer(-size - 1, size),
                   random.integer(-size - 1, size + 1), random.integer(1, 3)};
      emit(step);
      return;
    }
    case OpKind::Select: {
      if (rank == 0)
        return;
      int64_t dim = randomDim(rank);
      int64_t size = shape[dim < 0 ? dim + rank : dim];
      Step step{kind, {x}};
      step.ints = {dim, random.integer(-size, size - 1)};
      emit(step);
      return;
    }
    case OpKind::Unsqueeze: {
      Step step{kind, {x}};
      step.ints = {random.integer(-rank - 1, rank)};
      emit(step);
      return;
    }
    case OpKind::Squeeze: {
      std::vector<int64_t> ones;
      for (int64_t d = 0; d < rank; ++d)
        if (shape[d] == 1)
          ones.push_back(random.chance(0.3) ? d - rank : d);
      if (ones.empty())
        return;
      Step step{kind, {x}};
      step.ints = {random.pick(ones)};
      emit(step);
      return;
    }
    case OpKind::Expand: {
      Shape target = shape;
      for (int64_t &d : target)
        if (d == 1 && random.chance(0.7))
          d = random.integer(2, 4);
      if (random.chance(0.3) || target == shape)
        target.insert(target.begin(), random.integer(1, 3));
      Step step{kind, {x}};
      step.ints = target;
      emit(step);
      return;
    }
    // Sequence-model ops
    case OpKind::LayerNorm:
      if (rank > 0 && shape.back() >= 2)
        emit(Step{kind, {x}});
      return;
    case OpKind::Gelu: {
      Step step{kind, {x}};
      step.ints = {random.chance(0.5) ? 1 : 0};
      emit(step);
      return;
    }
    case OpKind::Cumsum: {
      if (rank == 0)
        return;
      Step step{kind, {x}};
      step.ints = {randomDim(rank)};
      emit(step);
      return;
    }
    case OpKind::Tril:
    case OpKind::Triu: {
      if (rank < 2)
        return;
      Step step{kind, {x}};
      step.ints = {random.integer(-2, 2)};
      emit(step);
      return;
    }
    case OpKind::Stack: {
      int y =
          random.chance(0.2)
              ? x
              : pickMatching([&](const Shape &s) { return s == shape; }, shape);
      if (y < 0)
        return;
      Step step{kind, {x, y}};
      step.ints = {random.integer(0, rank) -
                   (random.chance(0.3) ? rank + 1 : 0)};
      emit(step);
      return;
    }
    case OpKind::Repeat: {
      if (xv.numel() > 64)
        return;
      Step step{kind, {x}};
      int64_t extra = rank < 3 && random.chance(0.3) ? 1 : 0;
      for (int64_t i = 0; i < rank + extra; ++i)
        step.ints.push_back(random.integer(1, 2));
      emit(step);
      return;
    }
    case OpKind::Einsum: {
      if (rank == 0 || rank > 3)
        return;
      // x is "ijk"[:rank] (or "ii", a diagonal, if square); y, if any,
      // starts with x's last index and may add "m"; z, if y did, starts with
      // "m" and may add "n" (three operands contract left to right). The
      // output is a random arrangement of some of the distinct indices.
      bool diagonal = rank == 2 && shape[0] == shape[1] && random.chance(0.2);
      std::string xIndices =
          diagonal ? "ii" : std::string("ijk").substr(0, rank);
      std::string yIndices, zIndices,
          all = xIndices.substr(0, diagonal ? 1 : rank);
      Step step{kind, {x}};
      if (random.chance(0.7)) {
        int64_t last = shape.back();
        int y = pickMatching(
            [&](const Shape &s) {
              return (s.size() == 1 || s.size() == 2) && s[0] == last;
            },
            Shape{last, random.integer(1, 3)});
        if (y >= 0) {
          step.operands.push_back(y);
          yIndices = xIndices.substr(xIndices.size() - 1) +
                     (values[y].dim() == 2 ? "m" : "");
          if (values[y].dim() == 2)
            all += "m";
        }
        if (y >= 0 && values[y].dim() == 2 && random.chance(0.4)) {
          int64_t m = values[y].size(1);
          int z = pickMatching(
              [&](const Shape &s) {
                return (s.size() == 1 || s.size() == 2) && s[0] == m;
              },
              Shape{m, random.integer(1, 3)});
          if (z >= 0) {
            step.operands.push_back(z);
            zIndices = std::string("m") + (values[z].dim() == 2 ? "n" : "");
            if (values[z].dim() == 2)
              all += "n";
          }
        }
      }
      std::string output;
      for (char c : all)
        if (random.chance(0.6))
          output.insert(output.begin() + random.integer(0, output.size()), c);
      std::string equation =
          xIndices + (yIndices.empty() ? "" : "," + yIndices) +
          (zIndices.empty() ? "" : "," + zIndices) + "->" + output;
      step.ints.assign(equation.begin(), equation.end());
      emit(step);
      return;
    }
    case OpKind::Diag: {
      if (rank != 1 && rank != 2)
        return;
      Step step{kind, {x}};
      step.ints = {random.integer(-2, 2)};
      emit(step);
      return;
    }
    case OpKind::DiagEmbed: {
      if (rank == 0 || rank > 2 || xv.numel() > 16)
        return;
      Step step{kind, {x}};
      int64_t dim1 = random.integer(0, rank), dim2 = random.integer(0, rank);
      if (dim1 == dim2 || random.chance(0.5))
        dim1 = -2, dim2 = -1;
      step.ints = {random.integer(-1, 1), dim1, dim2};
      emit(step);
      return;
    }
    case OpKind::Cat: {
      if (rank == 0)
        return;
      int64_t dim = randomDim(rank);
      int64_t d = dim < 0 ? dim + rank : dim;
      Step step{kind, {x}};
      step.ints = {dim};
      int others = static_cast<int>(random.integer(1, 2));
      for (int i = 0; i < others; ++i) {
        Shape want = shape;
        want[d] = random.integer(1, 3);
        int y = random.chance(0.2) ? x
                                   : pickMatching(
                                         [&](const Shape &s) {
                                           if (s.size() != shape.size())
                                             return false;
                                           for (int64_t j = 0; j < rank; ++j)
                                             if (j != d && s[j] != shape[j])
                                               return false;
                                           return true;
                                         },
                                         want);
        if (y < 0)
          return;
        step.operands.push_back(y);
      }
      emit(step);
      return;
    }
    // Indexing
    case OpKind::Gather:
    case OpKind::IndexSelect:
    case OpKind::ScatterAdd:
    case OpKind::Embedding:
    case OpKind::Index: {
      if (rank == 0 || (kind == OpKind::Embedding && rank != 2))
        return;
      int64_t dim = kind == OpKind::Embedding || kind == OpKind::Index
                        ? 0
                        : random.integer(0, rank - 1);
      int64_t size =
          kind == OpKind::ScatterAdd ? random.integer(1, 4) : shape[dim];
      if (size == 0)
        return;
      int64_t count = kind == OpKind::Gather || kind == OpKind::ScatterAdd
                          ? xv.numel()
                          : random.integer(1, 5);
      Step step{kind, {x}};
      step.ints = {dim};
      if (kind == OpKind::ScatterAdd)
        step.ints.push_back(size);
      for (int64_t i = 0; i < count; ++i)
        step.ints.push_back(random.integer(0, size - 1));
      emit(step);
      return;
    }
    case OpKind::Scan:
      addScan();
      return;
    // Convolution
    case OpKind::Conv2d:
    case OpKind::Conv1d: {
      int64_t spatial = kind == OpKind::Conv2d ? 2 : 1;
      if (rank != spatial + 1 && rank != spatial + 2)
        return;
      int64_t channels = shape[rank - spatial - 1];
      int64_t groups = channels % 2 == 0 && random.chance(0.3) ? 2
                       : channels > 1 && random.chance(0.2)    ? channels
                                                               : 1;
      int64_t stride = random.integer(1, 2);
      int64_t padding = random.integer(0, 1);
      int64_t dilation = random.integer(1, 2);
      Shape weight = {groups * random.integer(1, 2), channels / groups};
      for (int64_t d = 0; d < spatial; ++d) {
        int64_t padded = shape[rank - spatial + d] + 2 * padding;
        int64_t kernel = random.integer(1, 3);
        while (kernel > 1 && dilation * (kernel - 1) + 1 > padded)
          --kernel;
        if (dilation * (kernel - 1) + 1 > padded)
          return;
        weight.push_back(kernel);
      }
      Step step{kind, {x}};
      step.ints = {stride, padding, dilation, groups};
      int w = pickMatching([&](const Shape &s) { return s == weight; }, weight);
      if (w < 0)
        return;
      step.operands.push_back(w);
      if (random.chance(0.5)) {
        Shape bias = {weight[0]};
        int b = pickMatching([&](const Shape &s) { return s == bias; }, bias);
        if (b >= 0)
          step.operands.push_back(b);
      }
      emit(step);
      return;
    }
    }
  }
};

} // namespace

const char *adjit::difftest::getOpName(OpKind kind) {
  switch (kind) {
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  case OpKind::Kind:                                                           \
    return #name;
#include "adjit/Semantics/Ops.def"
  case OpKind::PowScalar:
    return "pow_scalar";
  case OpKind::AddScalar:
    return "add_scalar";
  case OpKind::MulScalar:
    return "mul_scalar";
  case OpKind::DivScalar:
    return "div_scalar";
  case OpKind::ScalarSub:
    return "scalar_sub";
  case OpKind::ScalarDiv:
    return "scalar_div";
  case OpKind::Clone:
    return "clone";
  case OpKind::ToDouble:
    return "to_f64";
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  case OpKind::Kind:                                                           \
    return #name;
#include "adjit/Semantics/Ops.def"
  case OpKind::Where:
    return "where";
  case OpKind::MaskMul:
    return "mask_mul";
  case OpKind::WhereScalar:
    return "where_scalar";
  case OpKind::Matmul:
    return "matmul";
  case OpKind::SumAll:
    return "sum_all";
  case OpKind::Sum:
    return "sum";
  case OpKind::MeanAll:
    return "mean_all";
  case OpKind::Mean:
    return "mean";
  case OpKind::ProdAll:
    return "prod_all";
  case OpKind::Prod:
    return "prod";
  case OpKind::MaxAll:
    return "max_all";
  case OpKind::MaxDim:
    return "max_dim";
  case OpKind::MinDim:
    return "min_dim";
  case OpKind::MseLoss:
    return "mse_loss";
  case OpKind::Softmax:
    return "softmax";
  case OpKind::LogSoftmax:
    return "log_softmax";
  case OpKind::Reshape:
    return "reshape";
  case OpKind::ContiguousView:
    return "contiguous_view";
  case OpKind::Flatten:
    return "flatten";
  case OpKind::Transpose:
    return "transpose";
  case OpKind::T:
    return "t";
  case OpKind::Permute:
    return "permute";
  case OpKind::Slice:
    return "slice";
  case OpKind::Select:
    return "select";
  case OpKind::Unsqueeze:
    return "unsqueeze";
  case OpKind::Squeeze:
    return "squeeze";
  case OpKind::Expand:
    return "expand";
  case OpKind::Cat:
    return "cat";
  // Sequence-model ops
  case OpKind::LayerNorm:
    return "layer_norm";
  case OpKind::Gelu:
    return "gelu";
  case OpKind::Cumsum:
    return "cumsum";
  case OpKind::Tril:
    return "tril";
  case OpKind::Triu:
    return "triu";
  case OpKind::Stack:
    return "stack";
  case OpKind::Repeat:
    return "repeat";
  case OpKind::Einsum:
    return "einsum";
  case OpKind::Diag:
    return "diag";
  case OpKind::DiagEmbed:
    return "diag_embed";
  case OpKind::MaxPool2d:
    return "max_pool2d";
  case OpKind::AvgPool2d:
    return "avg_pool2d";
  case OpKind::AdaptiveAvgPool2d:
    return "adaptive_avg_pool2d";
  case OpKind::FlattenRange:
    return "flatten_range";
  // Convolution
  case OpKind::Conv2d:
    return "conv2d";
  case OpKind::Conv1d:
    return "conv1d";
  // Indexing
  case OpKind::Gather:
    return "gather";
  case OpKind::IndexSelect:
    return "index_select";
  case OpKind::ScatterAdd:
    return "scatter_add";
  case OpKind::Embedding:
    return "embedding";
  case OpKind::Index:
    return "index";
  case OpKind::Scan:
    return "scan";
  }
  return "?";
}

Tensor adjit::difftest::applyStep(const Step &step,
                                  const std::vector<Tensor> &in) {
  const Tensor &x = in[0];
  double c = step.scalar;
  const std::vector<int64_t> &is = step.ints;
  switch (step.kind) {
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  case OpKind::Kind:                                                           \
    return adjit::name(x);
#include "adjit/Semantics/Ops.def"
  case OpKind::PowScalar:
    return x.pow(c);
  case OpKind::AddScalar:
    return x + c;
  case OpKind::MulScalar:
    return x * c;
  case OpKind::DivScalar:
    return x / c;
  case OpKind::ScalarSub:
    return c - x;
  case OpKind::ScalarDiv:
    return c / x;
  case OpKind::Clone:
    return x.clone();
  case OpKind::ToDouble:
    return x.to(kFloat64);
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  case OpKind::Kind:                                                           \
    return adjit::name(x, in[1]);
#include "adjit/Semantics/Ops.def"
  case OpKind::Where:
    return where(compareBy(step.predicate, x, in[1]), in[2], in[3]);
  case OpKind::MaskMul:
    return in[2] * compareBy(step.predicate, x, in[1]).to(kFloat64);
  case OpKind::WhereScalar:
    return where(compareBy(step.predicate, x, scalar_tensor(c, kFloat64)), x,
                 x * 0.5);
  case OpKind::Matmul:
    return x.matmul(in[1]);
  case OpKind::SumAll:
    return x.sum();
  case OpKind::Sum:
    return x.sum(is, step.keepDim);
  case OpKind::MeanAll:
    return x.mean();
  case OpKind::Mean:
    return x.mean(is, step.keepDim);
  case OpKind::ProdAll:
    return x.prod();
  case OpKind::Prod:
    return x.prod(is[0], step.keepDim);
  case OpKind::MaxAll:
    return x.max();
  case OpKind::MaxDim:
    return x.max(is[0], step.keepDim).first;
  case OpKind::MinDim:
    return x.min(is[0], step.keepDim).first;
  case OpKind::MseLoss:
    return nn::functional::mse_loss(x, in[1]);
  case OpKind::Softmax:
    return nn::functional::softmax(x, is[0]);
  case OpKind::LogSoftmax:
    return nn::functional::log_softmax(x, is[0]);
  // Sequence-model ops
  case OpKind::LayerNorm:
    return layer_norm(x, {x.size(-1)}, {}, {}, 0.1);
  case OpKind::Gelu:
    return gelu(x, is[0] ? "tanh" : "none");
  case OpKind::Cumsum:
    return x.cumsum(is[0]);
  case OpKind::Tril:
    return x.tril(is[0]);
  case OpKind::Triu:
    return x.triu(is[0]);
  case OpKind::Stack:
    return stack({x, in[1]}, is[0]);
  case OpKind::Repeat:
    return x.repeat(is);
  case OpKind::Einsum:
    return einsum(std::string(is.begin(), is.end()), in);
  case OpKind::Diag:
    return diag(x, is[0]);
  case OpKind::DiagEmbed:
    return diag_embed(x, is[0], is[1], is[2]);
  case OpKind::Reshape:
    return x.reshape(is);
  case OpKind::ContiguousView:
    return x.contiguous().view(is);
  case OpKind::Flatten:
    return x.flatten();
  case OpKind::Transpose:
    return x.transpose(is[0], is[1]);
  case OpKind::T:
    return x.t();
  case OpKind::Permute:
    return x.permute(is);
  case OpKind::Slice:
    return x.slice(
        is[0], step.hasStart ? std::optional<int64_t>(is[1]) : std::nullopt,
        step.hasEnd ? std::optional<int64_t>(is[2]) : std::nullopt, is[3]);
  case OpKind::Select:
    return x.select(is[0], is[1]);
  case OpKind::Unsqueeze:
    return x.unsqueeze(is[0]);
  case OpKind::Squeeze:
    return x.squeeze(is[0]);
  case OpKind::Expand:
    return x.expand(is);
  case OpKind::Cat:
    return cat(in, is[0]);
  case OpKind::MaxPool2d:
  case OpKind::AvgPool2d:
  case OpKind::AdaptiveAvgPool2d: {
    Tensor chw = x.reshape({-1, x.size(-2), x.size(-1)});
    if (step.kind == OpKind::AdaptiveAvgPool2d)
      return adaptive_avg_pool2d(chw, is);
    if (step.kind == OpKind::AvgPool2d)
      return avg_pool2d(chw, {is[0], is[1]}, {is[2], is[3]}, {is[4], is[5]},
                        is[8] != 0, is[9] != 0);
    return max_pool2d(chw, {is[0], is[1]}, {is[2], is[3]}, {is[4], is[5]},
                      {is[6], is[7]}, is[8] != 0);
  }
  case OpKind::FlattenRange:
    return x.flatten(is[0], is[1]);
  // Convolution
  case OpKind::Conv2d:
  case OpKind::Conv1d: {
    Tensor bias = in.size() > 2 ? in[2] : Tensor();
    if (step.kind == OpKind::Conv2d)
      return conv2d(x, in[1], bias, {is[0]}, Shape{is[1]}, {is[2]}, is[3]);
    return conv1d(x, in[1], bias, {is[0]}, Shape{is[1]}, {is[2]}, is[3]);
  }
  // Indexing
  case OpKind::Gather:
  case OpKind::IndexSelect:
  case OpKind::ScatterAdd:
  case OpKind::Embedding:
  case OpKind::Index: {
    bool scatter = step.kind == OpKind::ScatterAdd;
    std::vector<int64_t> positions(is.begin() + (scatter ? 2 : 1), is.end());
    bool shaped = step.kind == OpKind::Gather || scatter;
    Shape indexShape =
        shaped ? x.sizes() : Shape{static_cast<int64_t>(positions.size())};
    Tensor index = from_vector(positions, indexShape, kInt64);
    switch (step.kind) {
    case OpKind::Gather:
      return gather(x, is[0], index);
    case OpKind::IndexSelect:
      return index_select(x, is[0], index);
    case OpKind::Embedding:
      return embedding(x, index);
    case OpKind::Index:
      return x.index({index});
    default: {
      Shape target = x.sizes();
      target[is[0]] = is[1];
      return scatter_add(zeros(target, x.dtype()), is[0], index, x);
    }
    }
  }
  case OpKind::Scan:
    throw Error("adjit-difftest: a scan runs with evaluateStep");
  }
  throw Error("adjit-difftest: unknown op");
}

namespace {

/// Runs the scan step `step` of `program` with jit::scan: its body's steps
/// run on the carries, the slices and the invariants; the final carries and
/// stacked outputs are flattened and concatenated.
Tensor runScan(const Program &program, const Step &step,
               const std::vector<Tensor> &operands) {
  const ScanBody &body = program.scans[step.ints[0]];
  auto first = operands.begin();
  std::vector<Tensor> init(first, first + body.numCarries);
  std::vector<Tensor> xs(first + body.numCarries,
                         first + body.numCarries + body.numXs);
  std::vector<Tensor> consts(first + body.numCarries + body.numXs,
                             operands.end());
  auto fn = [&](const std::vector<Tensor> &carries,
                const std::vector<Tensor> &slices) {
    std::vector<Tensor> values = carries;
    values.insert(values.end(), slices.begin(), slices.end());
    values.insert(values.end(), consts.begin(), consts.end());
    for (const Step &inner : body.steps) {
      std::vector<Tensor> innerOperands;
      for (int o : inner.operands)
        innerOperands.push_back(values[o]);
      values.push_back(evaluateStep(program, inner, innerOperands));
    }
    runtime::ScanResult result;
    for (int v : body.nextCarries)
      result.first.push_back(values[v]);
    for (int v : body.outputs)
      result.second.push_back(values[v]);
    return result;
  };
  auto [carries, ys] = jit::scan(
      fn, init, xs,
      body.explicitLength ? std::optional<int64_t>(body.length) : std::nullopt);
  std::vector<Tensor> parts;
  for (const Tensor &t : carries)
    parts.push_back(t.reshape({-1}));
  for (const Tensor &t : ys)
    parts.push_back(t.reshape({-1}));
  return cat(parts, 0);
}

} // namespace

Tensor adjit::difftest::evaluateStep(const Program &program, const Step &step,
                                     const std::vector<Tensor> &operands) {
  if (step.kind == OpKind::Scan)
    return runScan(program, step, operands);
  return applyStep(step, operands);
}

bool adjit::difftest::hasScans(const Program &program) {
  return std::any_of(program.steps.begin(), program.steps.end(),
                     [](const Step &s) { return s.kind == OpKind::Scan; });
}

std::vector<Tensor>
adjit::difftest::evaluateLossTerms(const Program &program,
                                   const std::vector<Tensor> &inputs) {
  std::vector<Tensor> values(inputs);
  for (const Step &step : program.steps) {
    std::vector<Tensor> operands;
    for (int o : step.operands)
      operands.push_back(values[o]);
    values.push_back(evaluateStep(program, step, operands));
  }
  std::vector<Tensor> terms;
  for (int term : program.lossTerms)
    terms.push_back(values[term]);
  return terms;
}

Tensor adjit::difftest::evaluate(const Program &program,
                                 const std::vector<Tensor> &inputs) {
  std::vector<Tensor> values = evaluateLossTerms(program, inputs);
  Tensor loss;
  for (size_t i = 0; i < program.lossTerms.size(); ++i) {
    const Tensor &value = values[i];
    Tensor weights =
        from_vector(program.lossWeights[i], value.sizes(), kFloat64);
    Tensor term = (value * weights).sum();
    loss = loss.defined() ? loss + term : term;
  }
  return loss;
}

Program adjit::difftest::generateProgram(uint64_t seed,
                                         const GeneratorOptions &options) {
  return Generator(seed, options).run();
}

std::vector<int> Program::getArgumentInputs() const {
  std::vector<int> result;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].captured)
      result.push_back(static_cast<int>(i));
  return result;
}

std::vector<int> Program::getCapturedInputsInUseOrder() const {
  std::vector<int> order;
  auto use = [&](int value) {
    if (value < static_cast<int>(inputs.size()) && inputs[value].captured &&
        std::find(order.begin(), order.end(), value) == order.end())
      order.push_back(value);
  };
  // The tracer meets a scan's initial carries and scanned tensors first,
  // then the invariants its body uses, in the order the body's steps (and
  // then its yield) use them. `outer` maps a body's values to the program's
  // values they are (-1 for values made in the body).
  std::function<void(const Step &, const std::vector<int> &)> visit =
      [&](const Step &step, const std::vector<int> &outer) {
        auto program = [&](int o) { return outer.empty() ? o : outer[o]; };
        if (step.kind != OpKind::Scan) {
          for (int o : step.operands)
            if (program(o) >= 0)
              use(program(o));
          return;
        }
        const ScanBody &body = scans[step.ints[0]];
        int numArguments = body.numCarries + body.numXs;
        for (int a = 0; a < numArguments; ++a)
          if (program(step.operands[a]) >= 0)
            use(program(step.operands[a]));
        std::vector<int> inner(body.shapes.size(), -1);
        for (int c = 0; c < body.numConsts; ++c)
          inner[numArguments + c] = program(step.operands[numArguments + c]);
        for (const Step &s : body.steps)
          visit(s, inner);
        for (const std::vector<int> *yielded :
             {&body.nextCarries, &body.outputs})
          for (int v : *yielded)
            if (inner[v] >= 0)
              use(inner[v]);
      };
  for (const Step &step : steps)
    visit(step, {});
  for (int term : lossTerms)
    use(term);
  return order;
}

namespace {

/// Lists `steps`, whose results are numbered from `first`, one line each
/// after `indent`; then the bodies of their scans.
void describeSteps(std::ostringstream &os, const Program &program,
                   const std::vector<Step> &steps,
                   const std::vector<Shape> &shapes, size_t first,
                   const std::string &indent) {
  for (size_t s = 0; s < steps.size(); ++s) {
    const Step &step = steps[s];
    os << indent << "%" << first + s << " = " << getOpName(step.kind) << "(";
    for (size_t o = 0; o < step.operands.size(); ++o)
      os << (o ? ", " : "") << "%" << step.operands[o];
    os << ")";
    switch (step.kind) {
    case OpKind::PowScalar:
    case OpKind::AddScalar:
    case OpKind::MulScalar:
    case OpKind::DivScalar:
    case OpKind::ScalarSub:
    case OpKind::ScalarDiv:
      os << " scalar=" << step.scalar;
      break;
    case OpKind::Where:
    case OpKind::MaskMul:
      os << " " << predicateName(step.predicate);
      break;
    case OpKind::WhereScalar:
      os << " " << predicateName(step.predicate) << " " << step.scalar;
      break;
    case OpKind::Sum:
    case OpKind::Mean:
    case OpKind::Prod:
    case OpKind::MaxDim:
    case OpKind::MinDim:
      os << " dims=" << ints(step.ints) << " keepdim=" << step.keepDim;
      break;
    case OpKind::MaxPool2d:
    case OpKind::AvgPool2d:
    case OpKind::AdaptiveAvgPool2d:
    case OpKind::FlattenRange:
    // Indexing
    case OpKind::Gather:
    case OpKind::IndexSelect:
    case OpKind::ScatterAdd:
    case OpKind::Embedding:
    case OpKind::Index:
      os << " params=" << ints(step.ints);
      break;
    case OpKind::Einsum:
      os << " \"" << std::string(step.ints.begin(), step.ints.end()) << "\"";
      break;
    case OpKind::Slice:
      os << " dim=" << step.ints[0]
         << " start=" << (step.hasStart ? std::to_string(step.ints[1]) : "none")
         << " end=" << (step.hasEnd ? std::to_string(step.ints[2]) : "none")
         << " step=" << step.ints[3];
      break;
    case OpKind::Scan: {
      const ScanBody &body = program.scans[step.ints[0]];
      os << " length=" << body.length << (body.explicitLength ? " (given)" : "")
         << " carries=" << body.numCarries << " xs=" << body.numXs
         << " consts=" << body.numConsts;
      break;
    }
    default:
      if (!step.ints.empty())
        os << " " << ints(step.ints);
      break;
    }
    os << " : " << shapeToString(shapes[first + s]) << "\n";
    if (step.kind != OpKind::Scan)
      continue;
    // The body, its values numbered from its carries, slices and consts.
    const ScanBody &body = program.scans[step.ints[0]];
    size_t numArguments = body.numCarries + body.numXs + body.numConsts;
    os << indent << "  body of %" << first + s << "(";
    for (size_t a = 0; a < numArguments; ++a)
      os << (a ? ", " : "") << "%" << a << ": "
         << shapeToString(body.shapes[a]);
    os << "):\n";
    describeSteps(os, program, body.steps, body.shapes, numArguments,
                  indent + "    ");
    os << indent << "    yield carries";
    for (int v : body.nextCarries)
      os << " %" << v;
    os << ", outputs";
    for (int v : body.outputs)
      os << " %" << v;
    os << "\n";
  }
}

} // namespace

std::string Program::describe() const {
  std::ostringstream os;
  int numInputs = static_cast<int>(inputs.size());
  for (int i = 0; i < numInputs; ++i) {
    const Input &input = inputs[i];
    os << "  %" << i << " = input " << shapeToString(input.shape)
       << (input.requiresGrad ? " requires_grad" : "")
       << (input.captured ? " captured" : "") << "\n";
  }
  describeSteps(os, *this, steps, shapes, numInputs, "  ");
  os << "  loss =";
  for (size_t i = 0; i < lossTerms.size(); ++i)
    os << (i ? " +" : "") << " sum(%" << lossTerms[i] << " * w" << i << ")";
  os << "\n";
  return os.str();
}
