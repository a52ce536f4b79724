//===- Autodiff.cpp - reverse-mode differentiation of adjit functions -----===//

#include "adjit/Dialect/Adjit/Transforms/Autodiff.h"

#include "ActivityAnalysis.h"
#include "AdjointEmitter.h"
#include "FunctionLookup.h"
#include "ScanCheckpoint.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {
/// Returns true if a differentiated result of type `type` is seeded with 1
/// rather than taking a cotangent argument.
bool isScalar(Type type) {
  return cast<RankedTensorType>(type).getNumElements() == 1;
}

/// Checks the argument and result indices of a request against `function`
/// and fills in the defaults. Emits a diagnostic on failure.
LogicalResult resolveIndices(func::FuncOp function,
                             const GradientOptions &options,
                             SmallVectorImpl<int64_t> &wrt,
                             SmallVectorImpl<int64_t> &of) {
  FunctionType type = function.getFunctionType();
  auto describeValid = [](TypeRange types) {
    std::string valid;
    llvm::raw_string_ostream os(valid);
    bool first = true;
    for (auto [index, type] : llvm::enumerate(types)) {
      if (!isDifferentiableType(type))
        continue;
      os << (first ? "" : ", ") << index;
      first = false;
    }
    return first ? std::string("none") : valid;
  };

  if (options.wrt) {
    wrt.assign(options.wrt->begin(), options.wrt->end());
  } else {
    for (auto [index, argType] : llvm::enumerate(type.getInputs()))
      if (isDifferentiableType(argType))
        wrt.push_back(index);
    if (wrt.empty())
      return function.emitError("cannot differentiate @")
             << function.getSymName() << ": it has no f32/f64 tensor argument";
  }
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t index : wrt) {
    if (index < 0 || index >= static_cast<int64_t>(type.getNumInputs()))
      return function.emitError("cannot differentiate @")
             << function.getSymName() << " with respect to argument #" << index
             << ": it has " << type.getNumInputs()
             << (type.getNumInputs() == 1 ? " argument" : " arguments")
             << " (differentiable: " << describeValid(type.getInputs()) << ")";
    if (!isDifferentiableType(type.getInput(index)))
      return function.emitError("cannot differentiate @")
             << function.getSymName() << " with respect to argument #" << index
             << " of type " << type.getInput(index)
             << ": only statically shaped f32/f64 tensor arguments are "
                "differentiable (differentiable: "
             << describeValid(type.getInputs()) << ")";
    if (!seen.insert(index).second)
      return function.emitError("argument #")
             << index << " of @" << function.getSymName()
             << " is listed twice in wrt";
  }

  if (options.of) {
    of.assign(options.of->begin(), options.of->end());
  } else {
    for (auto [index, resultType] : llvm::enumerate(type.getResults()))
      if (isDifferentiableType(resultType))
        of.push_back(index);
    if (of.empty())
      return function.emitError("cannot differentiate @")
             << function.getSymName() << ": it has no f32/f64 tensor result";
  }
  seen.clear();
  for (int64_t index : of) {
    if (index < 0 || index >= static_cast<int64_t>(type.getNumResults()))
      return function.emitError("cannot differentiate result #")
             << index << " of @" << function.getSymName() << ": it has "
             << type.getNumResults()
             << (type.getNumResults() == 1 ? " result" : " results")
             << " (differentiable: " << describeValid(type.getResults()) << ")";
    if (!isDifferentiableType(type.getResult(index)))
      return function.emitError("cannot differentiate result #")
             << index << " of @" << function.getSymName() << " of type "
             << type.getResult(index)
             << ": only statically shaped f32/f64 tensor results are "
                "differentiable (differentiable: "
             << describeValid(type.getResults()) << ")";
    if (!seen.insert(index).second)
      return function.emitError("result #")
             << index << " of @" << function.getSymName()
             << " is listed twice in of";
  }
  return success();
}

/// Checks that every op on an active path of `function` has an adjoint rule
/// (the ops inside the body of an `adjit.scan` are checked when the scan is
/// differentiated).
LogicalResult verifyDifferentiable(func::FuncOp function,
                                   const ActivityAnalysis &activity) {
  for (Operation &op : function.getBody().front().without_terminator()) {
    if (!activity.isActive(&op) || isa<ScanOp>(op))
      continue;
    if (op.getNumRegions() != 0)
      return op.emitError("cannot differentiate @")
             << function.getSymName() << " through '" << op.getName()
             << "': control flow is not supported (only adjit.scan loops "
                "and single-block functions of adjit ops)";
    if (!isa<AdjointOpInterface>(op))
      return op.emitError("cannot differentiate @")
             << function.getSymName() << " through '" << op.getName()
             << "': it has no adjoint rule (only adjit ops implementing "
                "AdjointOpInterface are differentiable)";
  }
  return success();
}

/// Runs canonicalization and CSE on `function`.
void cleanUp(func::FuncOp function) {
  MLIRContext *context = function.getContext();
  RewritePatternSet patterns(context);
  for (Dialect *dialect : context->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : context->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, context);
  FrozenRewritePatternSet frozen(std::move(patterns));
  // Both steps only simplify: if the driver does not converge the function
  // is still correct.
  (void)applyPatternsGreedily(function, frozen);
  IRRewriter rewriter(context);
  DominanceInfo dominance(function);
  eliminateCommonSubExpressions(rewriter, dominance, function);
  (void)applyPatternsGreedily(function, frozen);
}

/// Erases the ops of `function` whose results are unused, last to first.
void eraseDeadOps(func::FuncOp function) {
  Block &body = function.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

/// Builds the gradient function; the caller checked the request.
class GradientBuilder {
public:
  /// Differentiates `function`, analyzed by `activity`; the gradient goes
  /// right after `anchor` (the function, or the function of which
  /// `function` is a detached copy).
  GradientBuilder(func::FuncOp function, func::FuncOp anchor,
                  ArrayRef<int64_t> wrt, ArrayRef<int64_t> of,
                  bool scalarCotangents, const ActivityAnalysis &activity)
      : function(function), anchor(anchor), wrt(wrt), of(of),
        scalarCotangents(scalarCotangents), activity(activity) {}

  /// Creates `name` right after the anchor; returns null after emitting a
  /// diagnostic if a rule fails (the partial function is erased).
  func::FuncOp build(StringRef name);

private:
  func::FuncOp function, anchor;
  ArrayRef<int64_t> wrt, of;
  /// Single-element results take cotangent arguments too.
  bool scalarCotangents;
  const ActivityAnalysis &activity;
  OpBuilder builder{function.getContext()};
};

func::FuncOp GradientBuilder::build(StringRef name) {
  FunctionType type = function.getFunctionType();
  Block &body = function.getBody().front();
  Operation *terminator = body.getTerminator();

  // Signature: args + cotangents -> results + gradients.
  SmallVector<Type> inputs(type.getInputs());
  SmallVector<int64_t> cotangentResults;
  for (int64_t index : of)
    if (scalarCotangents || !isScalar(type.getResult(index))) {
      cotangentResults.push_back(index);
      inputs.push_back(type.getResult(index));
    }
  SmallVector<Type> results(type.getResults());
  for (int64_t index : wrt)
    results.push_back(type.getInput(index));

  builder.setInsertionPointAfter(anchor);
  auto gradient =
      func::FuncOp::create(builder, function.getLoc(), name,
                           builder.getFunctionType(inputs, results));
  gradient.setVisibility(function.getVisibility());
  Block *entry = gradient.addEntryBlock();
  builder.setInsertionPointToEnd(entry);

  // The primal computation.
  IRMapping mapping;
  for (auto [original, copy] :
       llvm::zip(body.getArguments(), entry->getArguments()))
    mapping.map(original, copy);
  adjit::detail::AdjointEmitter emitter(builder, activity);
  emitter.emitPrimal(body, mapping);

  // Seeds: 1 for single-element results, the cotangent arguments otherwise.
  unsigned nextCotangent = type.getNumInputs();
  for (int64_t index : of) {
    Value result = terminator->getOperand(index);
    Value seed;
    if (!scalarCotangents && isScalar(result.getType()))
      seed = createSplatConstant(builder, function.getLoc(), result.getType(),
                                 1.0);
    else
      seed = entry->getArgument(nextCotangent++);
    emitter.seed(result, seed);
  }

  // The adjoint computation, last op first.
  if (failed(emitter.emitAdjoint())) {
    gradient.erase();
    return nullptr;
  }

  // Map the adjoints into the new function's values and return.
  SmallVector<Value> returned;
  for (Value result : terminator->getOperands())
    returned.push_back(mapping.lookup(result));
  for (int64_t index : wrt) {
    Value argument = body.getArgument(index);
    Value adjoint = emitter.getAdjoint(argument);
    if (!adjoint)
      adjoint = createSplatConstant(builder, function.getLoc(),
                                    argument.getType(), 0.0);
    returned.push_back(adjoint);
  }
  func::ReturnOp::create(builder, terminator->getLoc(), returned);
  eraseDeadOps(gradient);
  return gradient;
}
} // namespace

FailureOr<func::FuncOp>
mlir::adjit::generateGradient(func::FuncOp function,
                              const GradientOptions &options) {
  if (function.isExternal())
    return function.emitError("cannot differentiate @")
           << function.getSymName() << ": it is a declaration without a body";
  if (!function.getBody().hasOneBlock())
    return function.emitError("cannot differentiate @")
           << function.getSymName() << ": it has "
           << function.getBody().getBlocks().size()
           << " blocks (only single-block functions are supported: no "
              "unstructured control flow)";
  std::string name = options.name.empty()
                         ? (function.getSymName() + "_grad").str()
                         : options.name;
  auto module = function->getParentOfType<ModuleOp>();
  if (!module)
    return function.emitError("cannot differentiate @")
           << function.getSymName() << ": it is not inside a module";
  if (SymbolTable::lookupSymbolIn(module, name))
    return function.emitError("cannot create the gradient of @")
           << function.getSymName() << " as @" << name
           << ": a symbol of that name already exists (choose another name)";

  SmallVector<int64_t> wrt, of;
  if (failed(resolveIndices(function, options, wrt, of)))
    return failure();
  // Scans checkpointed in segments are differentiated as nests of store_all
  // scans; the nests are built in a copy, so that the function keeps its
  // form.
  OwningOpRef<func::FuncOp> expanded;
  func::FuncOp differentiated = function;
  if (function
          ->walk([](ScanOp scan) {
            return detail::isSegmented(scan) ? WalkResult::interrupt()
                                             : WalkResult::advance();
          })
          .wasInterrupted()) {
    expanded = function.clone();
    detail::expandSegmentedScans(*expanded);
    differentiated = *expanded;
  }
  ActivityAnalysis activity(differentiated, wrt, of);
  if (failed(verifyDifferentiable(differentiated, activity)))
    return failure();

  func::FuncOp gradient = GradientBuilder(differentiated, function, wrt, of,
                                          options.scalarCotangents, activity)
                              .build(name);
  if (!gradient)
    return failure();
  if (options.cleanup)
    cleanUp(gradient);
  return gradient;
}

FailureOr<func::FuncOp>
mlir::adjit::generateGradient(ModuleOp module, StringRef functionName,
                              const GradientOptions &options) {
  func::FuncOp function =
      detail::lookupFunctionOrEmitError(module, functionName, "differentiate");
  if (!function)
    return failure();
  return generateGradient(function, options);
}
