//===- AdjitToLLVM.cpp - the adjit-to-llvm pipeline -----------------------===//

#include "adjit/Pipelines/Pipelines.h"

#include "SharedCanonicalizer.h"

#include "adjit/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

std::string adjit::AdjitToLLVMOptions::str() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  print(os);
  return text;
}

void adjit::buildAdjitToLLVMPipeline(OpPassManager &pm,
                                     const AdjitToLLVMOptions &options) {
  // The pipeline's canonicalizers share one frozen pattern set. Until
  // scf-to-cf the regions of lowered programs are single blocks, where region
  // simplification (unreachable blocks, dead block arguments, a region-wide
  // sweep of dead ops) finds nothing the rewriter's own removal of dead ops
  // leaves, yet walks the whole module after each of the rewriter's
  // iterations: those canonicalizers skip it (the lowered modules of the
  // 1,000- and 10,000-op compile-scaling programs are identical with and
  // without it).
  SharedCanonicalizers canonicalizers;
  auto structured = [&] {
    return canonicalizers.create(GreedySimplifyRegionLevel::Disabled);
  };
  // Canonical adjit IR first: it moves transposes of products onto their
  // operands, where the lowering folds them into the products.
  pm.addPass(structured());
  // adjit to linalg on tensors; any adjit op without a lowering stops here
  // with its name rather than confusing bufferization.
  pm.addPass(createConvertAdjitToLinalg());
  pm.addPass(createAdjitCheckLowered());
  pm.addPass(structured());
  pm.addPass(createCSEPass());

  // Fuse chains of elementwise generics (and broadcasts into their users),
  // leaving matrix products named so they stay BLAS calls.
  pm.addPass(createAdjitFuseElementwise());
  pm.addPass(structured());
  pm.addPass(createCSEPass());

  // Buffers: results are fresh allocations owned by the caller; arguments are
  // never written.
  pm.addNestedPass<func::FuncOp>(createAdjitMarkArgumentsReadOnly());
  // Each read of them gets a tensor of its own, which bufferization need not
  // analyse against the others.
  pm.addNestedPass<func::FuncOp>(createAdjitDetachArgumentReads());
  // Every writer of a zero- or identity-filled init gets its own fill rather
  // than a copy of a shared one.
  pm.addPass(createAdjitDuplicateSharedFills());
  // Pieces of concatenations computed in a reshaped form are inserted
  // unreshaped, so that empty-tensor elimination sees their producers.
  pm.addPass(createAdjitInsertSlicesBeforeCollapse());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  pm.addPass(structured());
  // The temporaries of a loop body (adjit.scan) are dead at the end of every
  // step: one buffer each, allocated before the loop, serves all steps.
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  // bufferization::buildBufferDeallocationPipeline with its defaults, with
  // the shared canonicalizers.
  pm.addPass(memref::createExpandReallocPass(
      memref::ExpandReallocPassOptions{/*emitDeallocs=*/false}));
  pm.addPass(structured());
  pm.addPass(bufferization::createOwnershipBasedBufferDeallocationPass(
      bufferization::OwnershipBasedBufferDeallocationPassOptions{
          /*privateFunctionDynamicOwnership=*/false}));
  pm.addPass(structured());
  // The deallocs of fresh buffers without alias queries, then the rest.
  pm.addPass(createAdjitFreeUnretainedAllocations());
  pm.addPass(bufferization::createBufferDeallocationSimplificationPass());
  pm.addPass(bufferization::createLowerDeallocationsPass());
  pm.addPass(createCSEPass());
  pm.addPass(structured());
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Large contractions to BLAS, large elementwise ops to loops with a
  // parallel (OpenMP) outer loop, everything else to sequential loops; LLVM
  // -O3 vectorizes the inner loops.
  pm.addPass(createAdjitMatmulToBlas(AdjitMatmulToBlasOptions{
      options.blasMinFlops.getValue(),
      /*parallelBatches=*/options.parallelMinElements > 0}));
  // Copies the runtime would make element by element become loops too.
  pm.addPass(createAdjitStridedCopiesToLinalg());
  pm.addPass(createAdjitParallelizeLargeOps(
      AdjitParallelizeLargeOpsOptions{options.parallelMinElements.getValue()}));
  // convert-linalg-to-loops and expand-strided-metadata, without the region
  // simplification of their greedy drivers (same output).
  pm.addNestedPass<func::FuncOp>(createAdjitLinalgToLoops());
  if (options.approximateMath)
    pm.addPass(createAdjitApproximateMath());
  pm.addPass(structured());
  // One function per loop nest, so that LLVM compiles many small functions
  // rather than one huge one (its cost grows faster than a function's size).
  if (options.outlineLoops)
    pm.addPass(createAdjitOutlineLoops());

  // To the LLVM dialect.
  pm.addPass(createAdjitExpandStridedMetadata());
  pm.addPass(createLowerAffinePass());
  if (options.parallelMinElements > 0) {
    ConvertSCFToOpenMPPassOptions openMP;
    openMP.numThreads = kParallelThreads;
    pm.addPass(createConvertSCFToOpenMPPass(openMP));
    // Inlines the allocation-free memref.alloca_scope that the conversion
    // wraps loop bodies in, before scf-to-cf splits them into blocks.
    pm.addPass(structured());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createAdjitPreciseMathToLibm());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  // One conversion for the rest: as the six upstream passes it replaces, it
  // walked the module six times, a sixth of the pipeline's time.
  pm.addPass(createAdjitConvertToLLVM(AdjitConvertToLLVMOptions{
      /*useGenericFunctions=*/options.genericAllocation}));
  pm.addPass(createReconcileUnrealizedCastsPass());
  // Masks in memory as bytes, so that LLVM vectorizes the loops over them.
  pm.addPass(createAdjitWidenI1MemoryAccesses());
  // Half of the ops are now memref descriptor fields inserted and extracted
  // again, which FastISel cannot select. The fast tier only forwards them
  // and folds, at a tenth of a canonicalizer's cost; the constants the
  // canonicalizer deduplicates, LLVM uniques anyway.
  if (options.fastTier)
    pm.addPass(createAdjitForwardAggregateFields());
  else
    pm.addPass(canonicalizers.create());
  // Outlined loops read few of the descriptor fields they are passed; with
  // the rest gone, FastISel rather than SelectionDAG selects them at -O0.
  pm.addPass(createAdjitDropUnusedArguments());
  pm.addPass(
      createAdjitCheckLowered(AdjitCheckLoweredOptions{/*toLLVM=*/true}));
}

void adjit::registerAdjitToLLVMPipeline() {
  PassPipelineRegistration<AdjitToLLVMOptions>(
      "adjit-to-llvm",
      "Lower adjit programs to the LLVM dialect, as the adjit JIT compiles "
      "them",
      buildAdjitToLLVMPipeline);
}
