//===- Pipelines.h - named pass pipelines of adjit --------------*- C++ -*-===//

#ifndef ADJIT_PIPELINES_PIPELINES_H
#define ADJIT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
} // namespace mlir

namespace mlir::adjit {

/// The default of `AdjitToLLVMOptions::blasMinFlops`: matrix products larger
/// than 32x32x32 call BLAS; smaller ones are generated code, which LLVM
/// unrolls and vectorizes well at that size and where a call's overhead
/// would dominate (measured by bench/gemm).
inline constexpr int64_t kDefaultBlasMinFlops = 32 * 32 * 32 + 1;

/// The default of `AdjitToLLVMOptions::parallelMinElements`: elementwise ops
/// of at least 2^16 elements use both cores.
inline constexpr int64_t kDefaultParallelMinElements = int64_t(1) << 16;

/// The number of OpenMP threads of parallel loops: the machine's two cores.
inline constexpr unsigned kParallelThreads = 2;

/// Options of the `adjit-to-llvm` pipeline.
struct AdjitToLLVMOptions : public PassPipelineOptions<AdjitToLLVMOptions> {
  Option<int64_t> blasMinFlops{
      *this, "blas-min-flops",
      llvm::cl::desc("Matrix products with M*N*K of at least this many "
                     "multiply-adds call the BLAS runtime of the adjit JIT "
                     "(adjit_blas_*gemm); 0 keeps all of them in generated "
                     "code"),
      llvm::cl::init(kDefaultBlasMinFlops)};
  Option<int64_t> parallelMinElements{
      *this, "parallel-min-elements",
      llvm::cl::desc("Elementwise ops with at least this many elements run "
                     "their outer loop on OpenMP threads (libomp); 0 keeps "
                     "everything sequential"),
      llvm::cl::init(kDefaultParallelMinElements)};
  Option<bool> approximateMath{
      *this, "approximate-math",
      llvm::cl::desc("Replace f32 exp/log/tanh by polynomial approximations "
                     "that vectorize (a few ulp of error)"),
      llvm::cl::init(true)};
  Option<bool> outlineLoops{
      *this, "outline-loops",
      llvm::cl::desc("Move every top-level loop nest into a private no-inline "
                     "function of its own (adjit-outline-loops), which keeps "
                     "LLVM's compile time linear in the number of ops"),
      llvm::cl::init(true)};
  Option<bool> genericAllocation{
      *this, "generic-allocation",
      llvm::cl::desc("Allocate and free buffers through "
                     "_mlir_memref_to_llvm_alloc/_aligned_alloc/_free, which "
                     "the adjit JIT binds to its recycling allocator, instead "
                     "of malloc and free"),
      llvm::cl::init(false)};
  Option<bool> fastTier{
      *this, "fast-tier",
      llvm::cl::desc("Compile for the JIT's fast tier: end with "
                     "adjit-forward-aggregate-fields instead of a "
                     "canonicalizer (the same LLVM IR on the programs "
                     "checked)"),
      llvm::cl::init(false)};

  /// Returns the options in pipeline syntax (`{blas-min-flops=... ...}`),
  /// the part of a compiled module's cache key that the options contribute.
  std::string str() const;
};

/// Builds `adjit-to-llvm`: canonicalization of the adjit IR (transposes of
/// products move onto their operands), adjit ops to linalg on tensors
/// (transposed product operands become transposed indexing maps),
/// elementwise fusion, one fill per filled init, one-shot bufferization
/// across function boundaries (identity layouts, caller-owned arguments),
/// ownership-based buffer deallocation, BLAS calls for large matrix products
/// (transpose flags, beta 0 on zero-filled results), loops (OpenMP-parallel
/// outer loops for large elementwise ops), one function per loop nest, math
/// lowering and the LLVM dialect, ending with a check that no adjit op (nor any
/// non-LLVM op) survived. The JIT compiles exactly what this pipeline produces.
void buildAdjitToLLVMPipeline(OpPassManager &pm,
                              const AdjitToLLVMOptions &options);

/// Registers `adjit-to-llvm` with the global pass pipeline registry.
void registerAdjitToLLVMPipeline();

} // namespace mlir::adjit

#endif // ADJIT_PIPELINES_PIPELINES_H
