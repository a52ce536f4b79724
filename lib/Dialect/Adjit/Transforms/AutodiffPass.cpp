//===- AutodiffPass.cpp - the adjit-autodiff pass -------------------------===//

#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"
#include "adjit/Dialect/Adjit/Transforms/Passes.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITAUTODIFF
#include "adjit/Dialect/Adjit/Transforms/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// Reads the integer list `key` of the request attribute of `function`.
LogicalResult readIndexList(func::FuncOp function, DictionaryAttr request,
                            StringRef key,
                            std::optional<SmallVector<int64_t>> &indices) {
  Attribute attr = request.get(key);
  if (!attr)
    return success();
  auto array = dyn_cast<ArrayAttr>(attr);
  if (!array)
    return function.emitError("'")
           << kGradientRequestAttrName << "' entry '" << key
           << "' must be an array of integers, got " << attr;
  indices.emplace();
  for (Attribute element : array) {
    auto integer = dyn_cast<IntegerAttr>(element);
    if (!integer)
      return function.emitError("'")
             << kGradientRequestAttrName << "' entry '" << key
             << "' must be an array of integers, got " << attr;
    indices->push_back(integer.getInt());
  }
  return success();
}

/// Parses the `adjit.grad` request attribute of `function`.
LogicalResult parseRequest(func::FuncOp function, Attribute attr,
                           GradientOptions &options) {
  auto request = dyn_cast<DictionaryAttr>(attr);
  if (!request)
    return function.emitError("'")
           << kGradientRequestAttrName
           << "' must be a dictionary such as {wrt = [0], of = [0], name = "
              "\"f_grad\"} (every entry optional), got "
           << attr;
  for (NamedAttribute entry : request) {
    StringRef key = entry.getName().strref();
    if (key != "wrt" && key != "of" && key != "name")
      return function.emitError("'")
             << kGradientRequestAttrName << "' has unknown entry '" << key
             << "' (valid: wrt, of, name)";
  }
  if (failed(readIndexList(function, request, "wrt", options.wrt)) ||
      failed(readIndexList(function, request, "of", options.of)))
    return failure();
  if (Attribute name = request.get("name")) {
    auto string = dyn_cast<StringAttr>(name);
    if (!string || string.getValue().empty())
      return function.emitError("'")
             << kGradientRequestAttrName
             << "' entry 'name' must be a non-empty string, got " << name;
    options.name = string.getValue().str();
  }
  return success();
}

struct AdjitAutodiffPass
    : public adjit::impl::AdjitAutodiffBase<AdjitAutodiffPass> {
  using AdjitAutodiffBase::AdjitAutodiffBase;

  void runOnOperation() override;
};
} // namespace

void AdjitAutodiffPass::runOnOperation() {
  ModuleOp module = getOperation();
  // Collect every request before generating functions.
  SmallVector<std::pair<func::FuncOp, GradientOptions>> requests;
  for (auto candidate : module.getOps<func::FuncOp>()) {
    Attribute attr = candidate->getAttr(kGradientRequestAttrName);
    if (!attr)
      continue;
    GradientOptions options;
    options.cleanup = cleanup;
    if (failed(parseRequest(candidate, attr, options)))
      return signalPassFailure();
    requests.emplace_back(candidate, std::move(options));
  }
  if (function.empty()) {
    if (!wrt.empty() || !of.empty() || !name.empty() || scalarCotangents) {
      module.emitError("adjit-autodiff: the options wrt, of, name and "
                       "scalar-cotangents need function=<name> to say which "
                       "function they apply to");
      return signalPassFailure();
    }
  } else {
    auto target = module.lookupSymbol<func::FuncOp>(function);
    if (!target) {
      // Reports the missing function with the list of candidates.
      (void)generateGradient(module, function, GradientOptions());
      return signalPassFailure();
    }
    GradientOptions options;
    options.cleanup = cleanup;
    options.scalarCotangents = scalarCotangents;
    if (!wrt.empty())
      options.wrt = SmallVector<int64_t>(wrt.begin(), wrt.end());
    if (!of.empty())
      options.of = SmallVector<int64_t>(of.begin(), of.end());
    options.name = name;
    requests.emplace_back(target, std::move(options));
  }

  for (auto &[target, options] : requests) {
    if (failed(generateGradient(target, options)))
      return signalPassFailure();
    target->removeAttr(kGradientRequestAttrName);
  }
}
