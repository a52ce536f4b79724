//===- SingularPoints.cpp - gradients at kinks, ties, zeros, inf, NaN -----===//

#include "SingularPoints.h"

#include "adjit/Autograd.h"
#include "adjit/JIT.h"
#include "adjit/NN.h"

#include "llvm/ADT/StringRef.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <limits>
#include <set>

using namespace adjit;
using namespace adjit::difftest;
namespace F = adjit::nn::functional;

namespace {

//===----------------------------------------------------------------------===//
// The ops
//===----------------------------------------------------------------------===//

/// How an operand of an op enters it.
enum class OperandKind {
  /// A tensor of the run's dtype that requires grad.
  Differentiable,
  /// A tensor of the run's dtype, not requiring grad, that the op compares
  /// with 0.5 to make a bool mask (where's condition).
  Mask,
  /// An int64 tensor not requiring grad (class targets).
  ClassIndex,
  /// A number (pow's scalar exponent): an attribute of the traced op, so the
  /// points of one op are batched per distinct value.
  Attribute,
};

struct Operand {
  const char *name;
  OperandKind kind;
};

/// The operands as tensors (attributes excluded) and the attribute values.
using ApplyFunction = std::function<Tensor(const std::vector<Tensor> &,
                                           const std::vector<double> &)>;

/// One op of the table: a call (or a fixed composition of calls) of the
/// eager API. Adding an op is one entry here and its rows in
/// SingularPoints.def.
struct OpEntry {
  /// The name the rows of SingularPoints.def use.
  const char *name;
  /// The call, as printed in reports.
  const char *call;
  std::vector<Operand> operands;
  /// Elementwise: points with scalar operands are batched into one vector
  /// per op (and attribute value) and dtype, and each point is run with the
  /// weights 1 and -2.
  bool elementwise;
  /// Also run in f32 (the points whose inputs and expected values f32
  /// represents).
  bool f32;
  ApplyFunction apply;
};

constexpr OperandKind kDiff = OperandKind::Differentiable;

/// An elementwise unary op.
OpEntry unary(const char *name, const char *call,
              Tensor (*fn)(const Tensor &)) {
  return {name,
          call,
          {{"x", kDiff}},
          true,
          true,
          [fn](const std::vector<Tensor> &t, const std::vector<double> &) {
            return fn(t[0]);
          }};
}

/// An elementwise binary op.
OpEntry binary(const char *name, const char *call,
               Tensor (*fn)(const Tensor &, const Tensor &)) {
  return {name,
          call,
          {{"x", kDiff}, {"y", kDiff}},
          true,
          true,
          [fn](const std::vector<Tensor> &t, const std::vector<double> &) {
            return fn(t[0], t[1]);
          }};
}

/// An op on tensors given whole (reductions, losses, shape ops).
OpEntry tensorOp(const char *name, const char *call,
                 std::vector<Operand> operands, bool f32,
                 std::function<Tensor(const std::vector<Tensor> &)> fn) {
  return {name,
          call,
          std::move(operands),
          false,
          f32,
          [fn](const std::vector<Tensor> &t, const std::vector<double> &) {
            return fn(t);
          }};
}

const std::vector<OpEntry> &getOps() {
  static const std::vector<OpEntry> ops = [] {
    Tensor (*powTensor)(const Tensor &, const Tensor &) = &adjit::pow;
    Tensor (*sumAll)(const Tensor &) = &adjit::sum;
    Tensor (*meanAll)(const Tensor &) = &adjit::mean;
    Tensor (*maxAll)(const Tensor &) = &adjit::max;
    Tensor (*prodAll)(const Tensor &) = &adjit::prod;
    std::vector<OpEntry> list = {
        unary("neg", "neg(x)", &adjit::neg),
        unary("exp", "exp(x)", &adjit::exp),
        unary("log", "log(x)", &adjit::log),
        unary("sqrt", "sqrt(x)", &adjit::sqrt),
        unary("tanh", "tanh(x)", &adjit::tanh),
        unary("sigmoid", "sigmoid(x)", &adjit::sigmoid),
        unary("relu", "relu(x)", &adjit::relu),
        unary("abs", "abs(x)", &adjit::abs),
        unary("clone", "clone(x)", &adjit::clone),
        unary("sin", "sin(x)", &adjit::sin),
        unary("cos", "cos(x)", &adjit::cos),
        unary("log1p", "log1p(x)", &adjit::log1p),
        unary("expm1", "expm1(x)", &adjit::expm1),
        unary("erf", "erf(x)", &adjit::erf),
        // f64 only: digamma, lgamma's gradient, is computed in f32 at an f32
        // run, as PyTorch's, up to 5e-6 from the f64 table (unittests'
        // GammaFunctionsTest compares f32 eager and compiled values).
        {"lgamma",
         "lgamma(x)",
         {{"x", kDiff}},
         true,
         false,
         [](const std::vector<Tensor> &t, const std::vector<double> &) {
           return adjit::lgamma(t[0]);
         }},
        unary("sign", "sign(x)", &adjit::sign),
        unary("floor", "floor(x)", &adjit::floor),
        unary("ceil", "ceil(x)", &adjit::ceil),
        unary("round", "round(x)", &adjit::round),
        unary("clamp", "clamp(x, -1, 1)",
              [](const Tensor &x) { return clamp(x, -1.0, 1.0); }),
        binary("maximum", "maximum(x, y)", &adjit::maximum),
        binary("minimum", "minimum(x, y)", &adjit::minimum),
        {"to",
         "x.to(the other float dtype)",
         {{"x", kDiff}},
         true,
         true,
         [](const std::vector<Tensor> &t, const std::vector<double> &) {
           return t[0].to(t[0].dtype() == kFloat64 ? kFloat32 : kFloat64);
         }},
        {"pow_scalar",
         "pow(x, e) (scalar e)",
         {{"x", kDiff}, {"e", OperandKind::Attribute}},
         true,
         true,
         [](const std::vector<Tensor> &t, const std::vector<double> &a) {
           return adjit::pow(t[0], a[0]);
         }},
        binary("pow", "pow(x, y)", powTensor),
        binary("add", "x + y", &adjit::add),
        binary("sub", "x - y", &adjit::sub),
        binary("mul", "x * y", &adjit::mul),
        binary("div", "x / y", &adjit::div),
        binary("where_max", "where(x > y, x, y)",
               [](const Tensor &x, const Tensor &y) {
                 return where(x > y, x, y);
               }),
        binary("where_min", "where(x < y, x, y)",
               [](const Tensor &x, const Tensor &y) {
                 return where(x < y, x, y);
               }),
        {"where",
         "where(c > 0.5, x, y)",
         {{"c", OperandKind::Mask}, {"x", kDiff}, {"y", kDiff}},
         true,
         true,
         [](const std::vector<Tensor> &t, const std::vector<double> &) {
           return where(t[0] > 0.5, t[1], t[2]);
         }},
        unary("where_log", "where(x > 0, log(x), 0)",
              [](const Tensor &x) {
                return where(x > 0.0, adjit::log(x), zeros_like(x));
              }),
        tensorOp("sum", "sum(x)", {{"x", kDiff}}, true,
                 [=](const std::vector<Tensor> &t) { return sumAll(t[0]); }),
        tensorOp(
            "sum_dim", "sum(x, {1})", {{"x", kDiff}}, false,
            [](const std::vector<Tensor> &t) { return adjit::sum(t[0], {1}); }),
        tensorOp("mean", "mean(x)", {{"x", kDiff}}, false,
                 [=](const std::vector<Tensor> &t) { return meanAll(t[0]); }),
        tensorOp("mean_dim", "mean(x, {0}, keepdim)", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::mean(t[0], {0}, /*keepdim=*/true);
                 }),
        tensorOp("prod", "prod(x)", {{"x", kDiff}}, true,
                 [=](const std::vector<Tensor> &t) { return prodAll(t[0]); }),
        tensorOp(
            "prod_dim", "prod(x, 1)", {{"x", kDiff}}, true,
            [](const std::vector<Tensor> &t) { return adjit::prod(t[0], 1); }),
        // Pooling
        tensorOp("max_pool2d", "max_pool2d(x as 1x1x1xn, {1, 2}, {1})",
                 {{"x", kDiff}}, true,
                 [](const std::vector<Tensor> &t) {
                   return adjit::max_pool2d(t[0].view({1, 1, 1, -1}), {1, 2},
                                            {1})
                       .flatten();
                 }),
        tensorOp("max", "max(x)", {{"x", kDiff}}, true,
                 [=](const std::vector<Tensor> &t) { return maxAll(t[0]); }),
        tensorOp("amax_dim", "amax(x, {1})", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::amax(t[0], {1});
                 }),
        tensorOp("amin_dim", "amin(x, {0}, true)", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::amin(t[0], {0}, true);
                 }),
        tensorOp("logsumexp", "logsumexp(x, {1})", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::logsumexp(t[0], {1});
                 }),
        tensorOp(
            "std", "std(x, {1})", {{"x", kDiff}}, false,
            [](const std::vector<Tensor> &t) { return adjit::std(t[0], {1}); }),
        tensorOp(
            "softmax", "softmax(x, -1)", {{"x", kDiff}}, true,
            [](const std::vector<Tensor> &t) { return F::softmax(t[0], -1); }),
        tensorOp("log_softmax", "log_softmax(x, -1)", {{"x", kDiff}}, true,
                 [](const std::vector<Tensor> &t) {
                   return F::log_softmax(t[0], -1);
                 }),
        tensorOp("matmul", "matmul(x, y)", {{"x", kDiff}, {"y", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::matmul(t[0], t[1]);
                 }),
        tensorOp("add_broadcast", "x + y (y broadcast)",
                 {{"x", kDiff}, {"y", kDiff}}, false,
                 [](const std::vector<Tensor> &t) { return t[0] + t[1]; }),
        tensorOp(
            "mse_loss", "mse_loss(x, y)", {{"x", kDiff}, {"y", kDiff}}, false,
            [](const std::vector<Tensor> &t) {
              return F::mse_loss(t[0], t[1]);
            }),
        tensorOp("cross_entropy", "cross_entropy(x, t)",
                 {{"x", kDiff}, {"t", OperandKind::ClassIndex}}, false,
                 [](const std::vector<Tensor> &t) {
                   return F::cross_entropy(t[0], t[1]);
                 }),
        tensorOp("bce_with_logits", "binary_cross_entropy_with_logits(x, y)",
                 {{"x", kDiff}, {"y", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return F::binary_cross_entropy_with_logits(t[0], t[1]);
                 }),
        tensorOp("reshape", "x.reshape({3, 2})", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return t[0].reshape({3, 2});
                 }),
        tensorOp(
            "transpose", "x.transpose(0, 1)", {{"x", kDiff}}, false,
            [](const std::vector<Tensor> &t) { return t[0].transpose(0, 1); }),
        tensorOp("slice", "x.slice(1, 0, 3, 2)", {{"x", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return t[0].slice(1, 0, 3, 2);
                 }),
        tensorOp(
            "select", "x.select(0, 1)", {{"x", kDiff}}, false,
            [](const std::vector<Tensor> &t) { return t[0].select(0, 1); }),
        tensorOp(
            "expand", "x.unsqueeze(0).expand({2, 3})", {{"x", kDiff}}, false,
            [](const std::vector<Tensor> &t) {
              return t[0].unsqueeze(0).expand({2, 3});
            }),
        tensorOp("cat", "cat({x, y}, 0)", {{"x", kDiff}, {"y", kDiff}}, false,
                 [](const std::vector<Tensor> &t) {
                   return adjit::cat({t[0], t[1]}, 0);
                 }),
    };
    return list;
  }();
  return ops;
}

const OpEntry *findOp(llvm::StringRef name) {
  for (const OpEntry &op : getOps())
    if (name == op.name)
      return &op;
  return nullptr;
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

/// One row of SingularPoints.def, as written.
struct PointText {
  const char *op;
  const char *inputs;
  const char *value;
  const char *gradients;
  const char *note;
};

const PointText kPoints[] = {
#define POINT(OP, INPUTS, VALUE, GRADIENTS, NOTE)                              \
  {OP, INPUTS, VALUE, GRADIENTS, NOTE},
#include "SingularPoints.def"
#undef POINT
};

/// Values of one tensor: its shape and its elements in row-major order.
struct Values {
  Shape shape;
  std::vector<double> elements;
};

/// A row parsed.
struct Point {
  const OpEntry *op;
  const PointText *text;
  /// One per operand (attributes too).
  std::vector<Values> inputs;
  Values value;
  /// One per differentiable operand.
  std::vector<Values> gradients;
};

/// Parses a number or a nested bracketed list of numbers.
bool parseValues(llvm::StringRef &text, Values &out, std::string &error) {
  text = text.ltrim();
  if (text.consume_front("[")) {
    out.shape.clear();
    out.elements.clear();
    Shape inner;
    int64_t count = 0;
    while (true) {
      text = text.ltrim();
      if (text.consume_front("]"))
        break;
      if (count > 0 && !text.consume_front(",")) {
        error = "expected ',' or ']' at '" + text.str() + "'";
        return false;
      }
      Values element;
      if (!parseValues(text, element, error))
        return false;
      if (count > 0 && element.shape != inner) {
        error = "ragged nested list";
        return false;
      }
      inner = element.shape;
      out.elements.insert(out.elements.end(), element.elements.begin(),
                          element.elements.end());
      ++count;
    }
    out.shape = {count};
    out.shape.insert(out.shape.end(), inner.begin(), inner.end());
    return true;
  }
  std::string token;
  while (!text.empty() && !llvm::StringRef(",;] \t").contains(text.front())) {
    token += text.front();
    text = text.drop_front();
  }
  char *end = nullptr;
  double value = std::strtod(token.c_str(), &end);
  if (token.empty() || *end) {
    error = "expected a number, got '" + token + "'";
    return false;
  }
  out.shape.clear();
  out.elements = {value};
  return true;
}

/// Parses values separated by ';'.
bool parseValueList(llvm::StringRef text, std::vector<Values> &out,
                    std::string &error) {
  out.clear();
  if (text.trim().empty())
    return true;
  while (true) {
    Values values;
    if (!parseValues(text, values, error))
      return false;
    out.push_back(std::move(values));
    text = text.ltrim();
    if (text.empty())
      return true;
    if (!text.consume_front(";")) {
      error = "expected ';' at '" + text.str() + "'";
      return false;
    }
  }
}

int64_t numElements(const Shape &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Parses and checks a row against its op; returns an error message or "".
std::string parsePoint(const PointText &text, Point &point) {
  point.text = &text;
  point.op = findOp(text.op);
  if (!point.op)
    return "no op named '" + std::string(text.op) + "'";
  std::string error;
  std::vector<Values> value;
  if (!parseValueList(text.inputs, point.inputs, error) ||
      !parseValueList(text.value, value, error) ||
      !parseValueList(text.gradients, point.gradients, error))
    return error;
  const std::vector<Operand> &operands = point.op->operands;
  if (point.inputs.size() != operands.size())
    return std::to_string(point.inputs.size()) + " inputs, expected " +
           std::to_string(operands.size());
  if (value.size() != 1)
    return "expected one value";
  point.value = value[0];
  size_t differentiable = 0;
  for (size_t i = 0; i < operands.size(); ++i) {
    if (operands[i].kind == OperandKind::Differentiable) {
      if (differentiable < point.gradients.size() &&
          point.gradients[differentiable].shape != point.inputs[i].shape)
        return std::string("the gradient of ") + operands[i].name +
               " has shape " +
               shapeToString(point.gradients[differentiable].shape) +
               ", its input " + shapeToString(point.inputs[i].shape);
      ++differentiable;
    }
    if (point.op->elementwise && !point.inputs[i].shape.empty())
      return "the inputs of an elementwise op's point are numbers";
    if (operands[i].kind == OperandKind::Attribute &&
        !point.inputs[i].shape.empty())
      return std::string("attribute ") + operands[i].name + " is a number";
  }
  if (point.gradients.size() != differentiable)
    return std::to_string(point.gradients.size()) + " gradients, expected " +
           std::to_string(differentiable);
  return "";
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

/// The identity of the mode: bitwise, except that any NaN equals any NaN and
/// +0 equals -0 (infinities match by sign).
bool identical(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return std::isnan(a) && std::isnan(b);
  return a == b;
}

/// Relative distance allowed between a finite computed value and the table,
/// whose generic values are PyTorch's, printed with 17 digits (f64), or the
/// f64 values at an f32 run.
double tableTolerance(Dtype dtype) { return dtype == kFloat64 ? 4e-16 : 4e-7; }

/// A computed value against the table: identical, or both finite, nonzero,
/// and within tableTolerance.
bool matchesTable(double actual, double expected, Dtype dtype) {
  if (identical(actual, expected))
    return true;
  if (!std::isfinite(actual) || !std::isfinite(expected) || actual == 0 ||
      expected == 0)
    return false;
  return std::abs(actual - expected) <=
         tableTolerance(dtype) * std::abs(expected);
}

/// Shortest text that reads back as `v` (in `dtype`).
std::string formatNumber(double v, Dtype dtype = kFloat64) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  char buffer[64];
  if (v == std::trunc(v) && std::abs(v) < 1e15) {
    std::snprintf(buffer, sizeof(buffer), "%.0f", v);
    return buffer;
  }
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof(buffer), "%.*g", digits, v);
    double back = std::strtod(buffer, nullptr);
    if (dtype == kFloat32 ? static_cast<float>(back) == static_cast<float>(v)
                          : back == v)
      break;
  }
  return buffer;
}

std::string formatValues(const std::vector<double> &elements,
                         const Shape &shape, Dtype dtype = kFloat64) {
  if (shape.empty())
    return formatNumber(elements[0], dtype);
  // Nested brackets, row-major.
  std::string out;
  std::function<void(size_t, int64_t &)> emit = [&](size_t dim, int64_t &next) {
    out += "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        out += ", ";
      if (dim + 1 == shape.size())
        out += formatNumber(elements[next++], dtype);
      else
        emit(dim + 1, next);
    }
    out += "]";
  };
  int64_t next = 0;
  emit(0, next);
  return out;
}

/// The elements of `t` as doubles (row-major).
std::vector<double> toDoubles(const Tensor &t) {
  NoGradGuard noGrad;
  Tensor c = t.to(kFloat64).contiguous();
  const double *p = c.data_ptr<double>();
  return std::vector<double>(p, p + c.numel());
}

//===----------------------------------------------------------------------===//
// Running
//===----------------------------------------------------------------------===//

/// The inputs of one compiled call: one tensor per non-attribute operand of
/// `dtype` (class indices int64), and the attribute values.
struct CaseInputs {
  std::vector<Values> tensors;
  std::vector<double> attributes;
  /// The loss weights, of the result's shape.
  std::vector<double> weights;
};

/// Values and gradients of one case, both ways.
struct CaseResults {
  std::string eagerError, compiledError;
  std::vector<double> eagerValue, compiledValue;
  Shape valueShape;
  Dtype valueDtype = kFloat64;
  /// One per differentiable operand.
  std::vector<std::vector<double>> eagerGradients, compiledGradients;
};

std::vector<Tensor> makeTensors(const OpEntry &op, const CaseInputs &inputs,
                                Dtype dtype, bool withGrad) {
  std::vector<Tensor> tensors;
  size_t t = 0;
  for (const Operand &operand : op.operands) {
    if (operand.kind == OperandKind::Attribute)
      continue;
    const Values &v = inputs.tensors[t++];
    Tensor tensor =
        from_vector(v.elements, v.shape,
                    operand.kind == OperandKind::ClassIndex ? kInt64 : dtype);
    if (withGrad && operand.kind == OperandKind::Differentiable)
      tensor.requires_grad_();
    tensors.push_back(tensor);
  }
  return tensors;
}

std::vector<std::vector<double>>
collectGradients(const OpEntry &op, const std::vector<Tensor> &leaves) {
  std::vector<std::vector<double>> gradients;
  size_t t = 0;
  for (const Operand &operand : op.operands) {
    if (operand.kind == OperandKind::Attribute)
      continue;
    const Tensor &leaf = leaves[t++];
    if (operand.kind != OperandKind::Differentiable)
      continue;
    gradients.push_back(leaf.grad().defined()
                            ? toDoubles(leaf.grad())
                            : std::vector<double>(leaf.numel(), 0.0));
  }
  return gradients;
}

Tensor weightsLike(const Tensor &value, const std::vector<double> &weights) {
  return from_vector(weights, value.sizes(), value.dtype());
}

CaseResults runCase(const OpEntry &op, const CaseInputs &inputs, Dtype dtype) {
  CaseResults r;
  const std::vector<double> attributes = inputs.attributes;
  const ApplyFunction apply = op.apply;
  // Eager autograd.
  try {
    std::vector<Tensor> leaves = makeTensors(op, inputs, dtype, true);
    Tensor value = apply(leaves, attributes);
    r.valueShape = value.sizes();
    r.valueDtype = value.dtype();
    r.eagerValue = toDoubles(value);
    Tensor loss = sum(value * weightsLike(value, inputs.weights));
    if (loss.requires_grad())
      loss.backward();
    r.eagerGradients = collectGradients(op, leaves);
  } catch (const Error &error) {
    r.eagerError = error.what();
  }
  // jit::compile: the forward alone (no input requires grad), then the
  // loss, differentiated in the IR.
  try {
    std::vector<Tensor> plain = makeTensors(op, inputs, dtype, false);
    jit::CompiledFunction forward = jit::compile(
        [&](const std::vector<Tensor> &in) { return apply(in, attributes); },
        "singular_forward");
    Tensor value = forward(plain);
    r.compiledValue = toDoubles(value);

    std::vector<Tensor> leaves = makeTensors(op, inputs, dtype, true);
    const std::vector<double> weights = inputs.weights;
    jit::CompiledFunction gradient = jit::compile(
        [&](const std::vector<Tensor> &in) {
          Tensor v = apply(in, attributes);
          return sum(v * weightsLike(v, weights));
        },
        "singular_gradient");
    gradient(leaves);
    r.compiledGradients = collectGradients(op, leaves);
  } catch (const Error &error) {
    r.compiledError = error.what();
  }
  return r;
}

class Runner {
public:
  Runner(const SingularOptions &options, llvm::raw_ostream &os)
      : options(options), os(os) {}

  void run();
  SingularSummary summary;

private:
  /// Runs the batched points of one elementwise op (and attribute value).
  void runBatch(const OpEntry &op, const std::vector<const Point *> &points,
                Dtype dtype);
  /// Runs a point with tensor inputs on its own.
  void runTensorPoint(const Point &point, Dtype dtype);
  /// Compares `eager`, `compiled` and `expected` (elements of one quantity
  /// of one point) three ways and prints one line if any element fails.
  void compareQuantity(const std::string &heading, Dtype dtype,
                       const std::string &quantity,
                       const std::vector<double> &eager,
                       const std::vector<double> &compiled,
                       const std::vector<double> &expected, const Shape &shape,
                       const std::string &context);
  void perturb(CaseResults &results, Dtype dtype);
  void reportError(const std::string &heading, const CaseResults &results);

  const SingularOptions &options;
  llvm::raw_ostream &os;
  bool perturbed = false;
};

/// True if f32 represents `v` exactly (NaN, infinities and 0 included).
bool exactInFloat(double v) {
  return std::isnan(v) || static_cast<double>(static_cast<float>(v)) == v;
}

/// True if an f32 computation can be held to the f64 value `v` of the
/// table: NaN, infinite, zero, or a normal f32 magnitude.
bool inFloatRange(double v) {
  double a = std::abs(v);
  return !std::isfinite(v) || a == 0 ||
         (a >= std::numeric_limits<float>::min() &&
          a <= std::numeric_limits<float>::max());
}

bool runsInFloat(const Point &point) {
  if (!point.op->f32)
    return false;
  for (const Values &v : point.inputs)
    for (double e : v.elements)
      if (!exactInFloat(e))
        return false;
  for (double e : point.value.elements)
    if (!inFloatRange(e))
      return false;
  for (const Values &g : point.gradients)
    for (double e : g.elements)
      if (!inFloatRange(e) || !inFloatRange(2 * e))
        return false;
  return true;
}

const char *dtypeLabel(Dtype dtype) {
  return dtype == kFloat64 ? "f64" : "f32";
}

std::string describeInputs(const OpEntry &op, const std::vector<Values> &in) {
  std::string out;
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (i)
      out += " ";
    out += std::string(op.operands[i].name) + "=" +
           formatValues(in[i].elements, in[i].shape);
  }
  return out;
}

/// Bits of the comparisons an element fails.
enum : unsigned { kEagerCompiled = 1, kEagerTable = 2, kCompiledTable = 4 };

unsigned compareElement(double eager, double compiled, double expected,
                        Dtype dtype) {
  unsigned failed = 0;
  if (!identical(eager, compiled))
    failed |= kEagerCompiled;
  if (!matchesTable(eager, expected, dtype))
    failed |= kEagerTable;
  if (!matchesTable(compiled, expected, dtype))
    failed |= kCompiledTable;
  return failed;
}

void Runner::compareQuantity(const std::string &heading, Dtype dtype,
                             const std::string &quantity,
                             const std::vector<double> &eager,
                             const std::vector<double> &compiled,
                             const std::vector<double> &expected,
                             const Shape &shape, const std::string &context) {
  if (eager.size() != expected.size() || compiled.size() != expected.size()) {
    ++summary.failures;
    os << "FAIL " << heading << ": " << quantity << context << ": eager has "
       << eager.size() << " elements, compiled " << compiled.size()
       << ", expected " << expected.size() << "\n";
    return;
  }
  unsigned failed = 0;
  std::string elements;
  for (size_t k = 0; k < expected.size(); ++k) {
    summary.comparisons += 3;
    unsigned f = compareElement(eager[k], compiled[k], expected[k], dtype);
    if (f && !shape.empty())
      elements += (elements.empty() ? " elements " : ", ") + std::to_string(k);
    failed |= f;
  }
  if (!failed)
    return;
  ++summary.failures;
  std::string what;
  auto add = [&](const char *s) {
    what += what.empty() ? s : std::string(", ") + s;
  };
  if (failed & kEagerCompiled)
    add("eager != compiled");
  if (failed & kEagerTable)
    add("eager != expected");
  if (failed & kCompiledTable)
    add("compiled != expected");
  os << "FAIL " << heading << ": " << quantity << elements << context
     << ": eager " << formatValues(eager, shape, dtype) << ", compiled "
     << formatValues(compiled, shape, dtype) << ", expected "
     << formatValues(expected, shape) << " (" << what << ")\n";
}

void Runner::perturb(CaseResults &results, Dtype dtype) {
  if (!options.perturbCompiledGradient || perturbed)
    return;
  for (std::vector<double> &gradient : results.compiledGradients) {
    if (gradient.empty())
      continue;
    // One ulp of the run's dtype up (NaN and infinities to finite values).
    double &g = gradient[0];
    constexpr double kMax = std::numeric_limits<double>::max();
    if (std::isnan(g))
      g = 0;
    else if (std::isinf(g))
      g = std::copysign(dtype == kFloat64 ? kMax : 3.4e38, g);
    else if (dtype == kFloat64)
      g = std::nextafter(g, kMax);
    else
      g = std::nextafter(static_cast<float>(g), 3.4e38f);
    perturbed = true;
    return;
  }
}

void Runner::reportError(const std::string &heading,
                         const CaseResults &results) {
  if (!results.eagerError.empty()) {
    ++summary.errors;
    os << "ERROR " << heading << ": eager: " << results.eagerError << "\n";
  }
  if (!results.compiledError.empty()) {
    ++summary.errors;
    os << "ERROR " << heading << ": compiled: " << results.compiledError
       << "\n";
  }
}

void Runner::runBatch(const OpEntry &op,
                      const std::vector<const Point *> &points, Dtype dtype) {
  // Each point twice: with the weight 1, then with -2.
  static const double kWeights[] = {1.0, -2.0};
  size_t n = points.size();
  CaseInputs inputs;
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (op.operands[i].kind == OperandKind::Attribute) {
      inputs.attributes.push_back(points[0]->inputs[i].elements[0]);
      continue;
    }
    Values v;
    v.shape = {static_cast<int64_t>(2 * n)};
    for (double w : kWeights) {
      (void)w;
      for (const Point *p : points)
        v.elements.push_back(p->inputs[i].elements[0]);
    }
    inputs.tensors.push_back(std::move(v));
  }
  for (double w : kWeights)
    inputs.weights.insert(inputs.weights.end(), n, w);

  std::string heading = std::string(op.name) + " " + dtypeLabel(dtype);
  if (!inputs.attributes.empty())
    heading += " (e=" + formatNumber(inputs.attributes[0]) + ")";
  CaseResults r = runCase(op, inputs, dtype);
  perturb(r, dtype);
  if (!r.eagerError.empty() || !r.compiledError.empty()) {
    reportError(heading, r);
    return;
  }
  // One line per point and quantity: the weight 1's, or the weight -2's if
  // only that fails.
  for (size_t j = 0; j < n; ++j) {
    const Point &p = *points[j];
    std::string pointHeading = std::string(op.name) + " " + dtypeLabel(dtype) +
                               " " + describeInputs(op, p.inputs);
    auto compare = [&](const std::string &quantity,
                       const std::vector<double> &eager,
                       const std::vector<double> &compiled, double expected,
                       bool scaled) {
      int64_t failures = summary.failures;
      for (size_t copy = 0; copy < 2 && failures == summary.failures; ++copy) {
        size_t e = j + copy * n;
        double w = kWeights[copy];
        compareQuantity(pointHeading, dtype, quantity, {eager[e]},
                        {compiled[e]}, {scaled ? w * expected : expected}, {},
                        " (w=" + formatNumber(w) + ")");
      }
    };
    compare("value", r.eagerValue, r.compiledValue, p.value.elements[0], false);
    size_t g = 0;
    for (const Operand &operand : op.operands) {
      if (operand.kind != OperandKind::Differentiable)
        continue;
      compare(std::string("d") + operand.name, r.eagerGradients[g],
              r.compiledGradients[g], p.gradients[g].elements[0], true);
      ++g;
    }
  }
}

void Runner::runTensorPoint(const Point &point, Dtype dtype) {
  const OpEntry &op = *point.op;
  CaseInputs inputs;
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (op.operands[i].kind == OperandKind::Attribute)
      inputs.attributes.push_back(point.inputs[i].elements[0]);
    else
      inputs.tensors.push_back(point.inputs[i]);
  }
  // The weights 1, 2, 3, ... over the result's elements.
  for (int64_t k = 0; k < numElements(point.value.shape); ++k)
    inputs.weights.push_back(static_cast<double>(k + 1));
  std::string heading = std::string(op.name) + " " + dtypeLabel(dtype) + " " +
                        describeInputs(op, point.inputs);
  CaseResults r = runCase(op, inputs, dtype);
  perturb(r, dtype);
  if (!r.eagerError.empty() || !r.compiledError.empty()) {
    reportError(heading, r);
    return;
  }
  compareQuantity(heading, dtype, "value", r.eagerValue, r.compiledValue,
                  point.value.elements, point.value.shape, "");
  size_t g = 0;
  for (size_t i = 0; i < op.operands.size(); ++i) {
    if (op.operands[i].kind != OperandKind::Differentiable)
      continue;
    compareQuantity(heading, dtype, std::string("d") + op.operands[i].name,
                    r.eagerGradients[g], r.compiledGradients[g],
                    point.gradients[g].elements, point.inputs[i].shape, "");
    ++g;
  }
}

void Runner::run() {
  std::set<std::string> only;
  for (llvm::StringRef rest = options.only; !rest.empty();) {
    auto [name, tail] = rest.split(',');
    if (!name.trim().empty())
      only.insert(name.trim().str());
    rest = tail;
  }
  std::vector<Point> points;
  for (const PointText &text : kPoints) {
    if (!only.empty() && !only.count(text.op))
      continue;
    Point point;
    std::string error = parsePoint(text, point);
    if (!error.empty()) {
      ++summary.errors;
      os << "ERROR table row " << text.op << " \"" << text.inputs
         << "\": " << error << "\n";
      continue;
    }
    points.push_back(std::move(point));
  }

  std::set<std::string> opsSeen;
  for (Dtype dtype : {kFloat64, kFloat32}) {
    // Elementwise points batched by op and attribute values, in table order.
    std::vector<std::pair<std::string, std::vector<const Point *>>> batches;
    for (const Point &point : points) {
      if (dtype == kFloat32 && !runsInFloat(point))
        continue;
      opsSeen.insert(point.op->name);
      ++(dtype == kFloat64 ? summary.points : summary.f32Points);
      if (!point.op->elementwise) {
        runTensorPoint(point, dtype);
        continue;
      }
      std::string key = point.op->name;
      for (size_t i = 0; i < point.op->operands.size(); ++i)
        if (point.op->operands[i].kind == OperandKind::Attribute)
          key += ":" + formatNumber(point.inputs[i].elements[0]);
      auto it = std::find_if(batches.begin(), batches.end(),
                             [&](const auto &b) { return b.first == key; });
      if (it == batches.end())
        batches.push_back({key, {&point}});
      else
        it->second.push_back(&point);
    }
    for (const auto &[key, batch] : batches) {
      if (options.verbose)
        os << key << " " << dtypeLabel(dtype) << ": " << batch.size()
           << " points\n";
      runBatch(*batch[0]->op, batch, dtype);
    }
  }
  summary.ops = static_cast<int64_t>(opsSeen.size());
}

} // namespace

SingularSummary
adjit::difftest::runSingularPoints(const SingularOptions &options,
                                   llvm::raw_ostream &os) {
  Runner runner(options, os);
  runner.run();
  return runner.summary;
}
