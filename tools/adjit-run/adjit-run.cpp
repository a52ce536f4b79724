//===- adjit-run.cpp - JIT-execute one function of an adjit module --------===//
//
//   adjit-run FILE --entry=NAME [--arg=ARG]...
//
// Every ARG is an MLIR dense literal, `dense<[1.0, 2.0]> : tensor<2xf32>`, or
// a seeded random tensor, `random<seed=7>:tensor<4x4xf32>` (uniform in
// [-1, 1); `random<seed=7, low=0.5, high=2.0>:...` picks the range; i1
// elements are fair coin flips, i64 elements the integers of [low, high)). Each
// result is printed on its own line as a dense literal that parses back to the
// same values: f32 with 9 and f64 with 17 significant digits, infinities as
// hexadecimal bit patterns and every NaN as the canonical quiet NaN
// (0x7FC00000, 0x7FF8000000000000).
//
//===----------------------------------------------------------------------===//

#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/JIT/Engine.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/ADT/bit.h"
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace adjit::jit;

namespace {

/// An argument parsed from the command line, with the storage it owns.
struct ParsedArgument {
  TensorType type;
  std::vector<char> bytes;
};

std::optional<TensorType> toTensorType(mlir::Type type) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return std::nullopt;
  TensorType result;
  if (tensor.getElementType().isF32())
    result.elementType = ElementType::F32;
  else if (tensor.getElementType().isF64())
    result.elementType = ElementType::F64;
  else if (tensor.getElementType().isInteger(1))
    result.elementType = ElementType::I1;
  else if (tensor.getElementType().isSignlessInteger(64))
    result.elementType = ElementType::I64;
  else
    return std::nullopt;
  result.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return result;
}

/// Parses `text` as an attribute or type in `context`, capturing the
/// parser's diagnostics into `error`.
template <typename ParseFn>
auto parseCapturingErrors(mlir::MLIRContext &context, ParseFn parse,
                          std::string &error) {
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &d) {
    error += d.str();
    return mlir::success();
  });
  return parse();
}

/// Fills `argument` with seeded uniform random values: `spec` is the text
/// between `random<` and `>`, e.g. `seed=1, low=0.0, high=2.0`.
std::string fillRandom(llvm::StringRef spec, ParsedArgument &argument) {
  uint64_t seed = 0;
  double low = -1.0, high = 1.0;
  bool hasSeed = false;
  llvm::SmallVector<llvm::StringRef> fields;
  spec.split(fields, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef field : fields) {
    auto [key, value] = field.split('=');
    key = key.trim();
    value = value.trim();
    bool bad = false;
    if (key == "seed")
      bad = value.getAsInteger(10, seed), hasSeed = true;
    else if (key == "low")
      bad = value.getAsDouble(low);
    else if (key == "high")
      bad = value.getAsDouble(high);
    else
      return "unknown field '" + key.str() +
             "' in random<...>; valid fields are seed, low and high";
    if (bad)
      return "cannot parse '" + value.str() + "' as the value of " + key.str() +
             " in random<...>";
  }
  if (!hasSeed)
    return "random<...> needs a seed, e.g. random<seed=1>:tensor<4xf32>";
  if (!(low < high))
    return "random<...> needs low < high";
  std::mt19937_64 generator(seed);
  auto uniform = [&] {
    // 53 random bits to [0, 1), independent of the library's distributions.
    return static_cast<double>(generator() >> 11) * 0x1.0p-53;
  };
  int64_t count = argument.type.getNumElements();
  argument.bytes.resize(
      std::max<size_t>(1, count * getElementSize(argument.type.elementType)));
  for (int64_t i = 0; i < count; ++i) {
    double value = low + (high - low) * uniform();
    switch (argument.type.elementType) {
    case ElementType::F32:
      reinterpret_cast<float *>(argument.bytes.data())[i] =
          static_cast<float>(value);
      break;
    case ElementType::F64:
      reinterpret_cast<double *>(argument.bytes.data())[i] = value;
      break;
    case ElementType::I1:
      argument.bytes[i] = uniform() < 0.5 ? 0 : 1;
      break;
    case ElementType::I64:
      // Integers in [low, high).
      reinterpret_cast<int64_t *>(argument.bytes.data())[i] =
          static_cast<int64_t>(std::floor(value));
      break;
    }
  }
  return "";
}

/// Parses one `--arg`, returning an error message on failure.
std::string parseArgument(mlir::MLIRContext &context, llvm::StringRef text,
                          ParsedArgument &argument) {
  text = text.trim();
  std::string error;
  if (text.starts_with("random<")) {
    size_t close = text.find('>');
    if (close == llvm::StringRef::npos)
      return "expected 'random<seed=N>:tensor<...>'";
    llvm::StringRef spec = text.slice(strlen("random<"), close);
    llvm::StringRef rest = text.drop_front(close + 1).ltrim();
    if (!rest.consume_front(":"))
      return "expected ':' and a tensor type after random<...>";
    rest = rest.trim();
    mlir::Type type = parseCapturingErrors(
        context, [&] { return mlir::parseType(rest, &context); }, error);
    if (!type)
      return "cannot parse the type '" + rest.str() + "': " + error;
    std::optional<TensorType> tensorType = toTensorType(type);
    if (!tensorType)
      return "random<...> needs a statically shaped tensor of f32, f64, i1 "
             "or i64, not " +
             rest.str();
    if (!tensorType->getSizeInBytes())
      return "random<...> needs a tensor whose size in bytes fits in int64, "
             "not " +
             rest.str();
    argument.type = *tensorType;
    return fillRandom(spec, argument);
  }

  mlir::Attribute attribute = parseCapturingErrors(
      context, [&] { return mlir::parseAttribute(text, &context); }, error);
  if (!attribute)
    return "cannot parse the literal: " + error;
  auto dense = llvm::dyn_cast<mlir::DenseElementsAttr>(attribute);
  std::optional<TensorType> tensorType =
      dense ? toTensorType(dense.getType()) : std::nullopt;
  if (!tensorType)
    return "expected a dense literal of a statically shaped f32, f64, i1 or "
           "i64 tensor, e.g. 'dense<[1.0, 2.0]> : tensor<2xf32>', or "
           "'random<seed=N>:tensor<...>'";
  if (!tensorType->getSizeInBytes())
    return "the literal's type " + tensorType->str() +
           " is too large (its size in bytes overflows int64)";
  argument.type = *tensorType;
  int64_t count = tensorType->getNumElements();
  argument.bytes.resize(
      std::max<size_t>(1, count * getElementSize(tensorType->elementType)));
  switch (tensorType->elementType) {
  case ElementType::F32: {
    auto *out = reinterpret_cast<float *>(argument.bytes.data());
    for (auto [i, value] : llvm::enumerate(dense.getValues<llvm::APFloat>()))
      out[i] = value.convertToFloat();
    break;
  }
  case ElementType::F64: {
    auto *out = reinterpret_cast<double *>(argument.bytes.data());
    for (auto [i, value] : llvm::enumerate(dense.getValues<llvm::APFloat>()))
      out[i] = value.convertToDouble();
    break;
  }
  case ElementType::I1:
    for (auto [i, value] : llvm::enumerate(dense.getValues<bool>()))
      argument.bytes[i] = value ? 1 : 0;
    break;
  case ElementType::I64: {
    auto *out = reinterpret_cast<int64_t *>(argument.bytes.data());
    for (auto [i, value] : llvm::enumerate(dense.getValues<llvm::APInt>()))
      out[i] = value.getSExtValue();
    break;
  }
  }
  return "";
}

void printElements(llvm::raw_ostream &os, const Buffer &buffer, size_t dim,
                   int64_t &index) {
  const TensorType &type = buffer.getType();
  if (dim == type.shape.size()) {
    switch (type.elementType) {
    case ElementType::F32:
      os << formatFloatLiteral(buffer.getDataAs<float>()[index],
                               ElementType::F32);
      break;
    case ElementType::F64:
      os << formatFloatLiteral(buffer.getDataAs<double>()[index],
                               ElementType::F64);
      break;
    case ElementType::I1:
      os << (buffer.getDataAs<uint8_t>()[index] ? "true" : "false");
      break;
    case ElementType::I64:
      os << buffer.getDataAs<int64_t>()[index];
      break;
    }
    ++index;
    return;
  }
  os << "[";
  for (int64_t i = 0; i < type.shape[dim]; ++i) {
    if (i)
      os << ", ";
    printElements(os, buffer, dim + 1, index);
  }
  os << "]";
}

void printBuffer(llvm::raw_ostream &os, const Buffer &buffer) {
  int64_t index = 0;
  os << "dense<";
  printElements(os, buffer, 0, index);
  os << "> : " << buffer.getType().str() << "\n";
}

int fail(const std::string &message) {
  llvm::errs() << "adjit-run: error: " << message << "\n";
  return 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::opt<std::string> inputFile(llvm::cl::Positional,
                                       llvm::cl::desc("<input .mlir file>"),
                                       llvm::cl::Required);
  llvm::cl::opt<std::string> entry(
      "entry", llvm::cl::desc("Name of the public function to run"),
      llvm::cl::Required);
  llvm::cl::list<std::string> args(
      "arg", llvm::cl::desc("An argument: a dense literal such as "
                            "'dense<[1.0, 2.0]> : tensor<2xf32>', or "
                            "'random<seed=N[, low=L, high=H]>:tensor<...>'"));
  llvm::cl::opt<int64_t> blasMinFlops(
      "blas-min-flops",
      llvm::cl::desc("Matrix products with M*N*K of at least this call "
                     "OpenBLAS (0: never; default: the pipeline's)"),
      llvm::cl::init(-1));
  llvm::cl::opt<int64_t> parallelMinElements(
      "parallel-min-elements",
      llvm::cl::desc("Elementwise ops with at least this many elements run "
                     "on two OpenMP threads (0: never; default: the "
                     "pipeline's)"),
      llvm::cl::init(-1));
  llvm::cl::ParseCommandLineOptions(
      argc, argv,
      "adjit-run: JIT-compiles an adjit module and runs one of "
      "its functions, printing every result as a dense literal\n");

  auto file = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!file)
    return fail("cannot read '" + inputFile +
                "': " + file.getError().message());

  mlir::MLIRContext context;
  context.loadDialect<mlir::adjit::AdjitDialect>();
  std::vector<ParsedArgument> parsed(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    std::string error = parseArgument(context, args[i], parsed[i]);
    if (!error.empty())
      return fail("--arg #" + std::to_string(i) + " ('" + args[i] +
                  "'): " + error);
  }

  try {
    EngineOptions options;
    options.blasMinFlops = blasMinFlops;
    options.parallelMinElements = parallelMinElements;
    Engine engine(options);
    auto module = engine.compile(
        std::string_view((*file)->getBuffer().data(), (*file)->getBufferSize()),
        inputFile.getValue());
    std::vector<BufferView> views;
    for (const ParsedArgument &argument : parsed)
      views.push_back(BufferView{argument.bytes.data(), argument.type, {}});
    std::vector<Buffer> results = module->call(entry, views);
    for (const Buffer &result : results)
      printBuffer(llvm::outs(), result);
  } catch (const adjit::Error &error) {
    return fail(error.what());
  }
  return 0;
}
