//===- ConvertToLLVM.cpp - the conversions to the LLVM dialect in one -----===//
//
// The last conversions of the adjit-to-llvm pipeline as one dialect
// conversion. Run as six passes, each walked the whole module and checked
// every op's legality; on the lowered form of a program of a few thousand
// adjit ops that cost seconds, a sixth of the pipeline.
//
//===----------------------------------------------------------------------===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Analysis/DataLayoutAnalysis.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/LoweringOptions.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/OpenMPToLLVM/ConvertOpenMPToLLVM.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITCONVERTTOLLVM
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// Moves the arguments of `function`'s entry block to a new entry block that
/// only branches to the old one. The conversion of the signature inserts one
/// cast per argument at the start of the block of the arguments and replaces
/// only the uses after it, asking for each use in that block whether the
/// cast comes before it; each inserted cast invalidates the block's op order,
/// so in one large block every argument cost a renumbering of the whole
/// block (time arguments x ops). With the casts in a block of their own, no
/// use is in the casts' block. Returns whether `function` had arguments to
/// move.
bool separateArgumentsFromBody(func::FuncOp function) {
  if (function.isExternal())
    return false;
  Block &body = function.getBody().front();
  if (body.getNumArguments() == 0)
    return false;
  OpBuilder builder(function.getContext());
  Block *entry = builder.createBlock(
      &function.getBody(), function.getBody().begin(), body.getArgumentTypes(),
      llvm::map_to_vector(body.getArguments(), [](BlockArgument argument) {
        return argument.getLoc();
      }));
  for (auto [from, to] : llvm::zip(body.getArguments(), entry->getArguments()))
    from.replaceAllUsesWith(to);
  body.eraseArguments(0, body.getNumArguments());
  cf::BranchOp::create(builder, function.getLoc(), &body);
  return true;
}

/// Undoes separateArgumentsFromBody on the converted `function`: its entry
/// block takes the ops of the block it branches to.
void mergeEntryIntoBody(LLVM::LLVMFuncOp function) {
  Block &entry = function.getBody().front();
  auto branch = dyn_cast<LLVM::BrOp>(entry.getTerminator());
  if (!branch)
    return;
  Block *body = branch.getDest();
  if (body->getNumArguments() != 0 || !body->getSinglePredecessor())
    return;
  branch.erase();
  entry.getOperations().splice(entry.end(), body->getOperations());
  body->erase();
}

struct ConvertToLLVM
    : public adjit::impl::AdjitConvertToLLVMBase<ConvertToLLVM> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    const auto &dataLayouts = getAnalysis<DataLayoutAnalysis>();
    LowerToLLVMOptions options(context, dataLayouts.getAtOrAbove(module));
    options.useGenericFunctions = useGenericFunctions;
    LLVMTypeConverter converter(context, options, &dataLayouts);

    RewritePatternSet patterns(context);
    SymbolTableCollection symbolTables;
    arith::populateArithToLLVMConversionPatterns(converter, patterns);
    cf::populateControlFlowToLLVMConversionPatterns(converter, patterns);
    cf::populateAssertToLLVMConversionPattern(
        converter, patterns, /*abortOnFailure=*/true, &symbolTables);
    index::populateIndexToLLVMConversionPatterns(converter, patterns);
    populateFinalizeMemRefToLLVMConversionPatterns(converter, patterns,
                                                   &symbolTables);
    populateFuncToLLVMConversionPatterns(converter, patterns, &symbolTables);
    populateOpenMPToLLVMConversionPatterns(converter, patterns);

    LLVMConversionTarget target(*context);
    configureOpenMPToLLVMConversionLegality(target, converter);
    // The upstream patterns applied here are those `convert-to-llvm` offers
    // to run without rollback (its allow-pattern-rollback=false); the driver
    // then keeps far less state per rewrite, about a quarter of the
    // conversion's time on a 10,000-op program. A pattern that fails after
    // changing the IR is then a fatal error rather than a rollback.
    ConversionConfig config;
    config.allowPatternRollback = false;
    llvm::DenseSet<StringAttr> separated;
    for (func::FuncOp function : module.getOps<func::FuncOp>())
      if (separateArgumentsFromBody(function))
        separated.insert(function.getSymNameAttr());
    if (failed(applyPartialConversion(module, target, std::move(patterns),
                                      config))) {
      signalPassFailure();
      return;
    }
    for (auto function : module.getOps<LLVM::LLVMFuncOp>())
      if (separated.contains(function.getSymNameAttr()))
        mergeEntryIntoBody(function);
  }
};

} // namespace
