//===- Passes.td - passes lowering adjit programs to LLVM --*- tablegen -*-===//

#ifndef ADJIT_CONVERSION_PASSES_TD
#define ADJIT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertAdjitToLinalg : Pass<"convert-adjit-to-linalg", "ModuleOp"> {
  let summary = "Lower adjit ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every adjit op into upstream ops with value semantics:
    elementwise ops become `linalg.generic` ops (ready for elementwise
    fusion), reductions become `linalg.reduce`, matrix products become
    `linalg.matmul` / `linalg.batch_matmul` on a zero-filled init (an operand
    made by an `adjit.transpose` of the last two dimensions is read through a
    transposed indexing map instead of being materialized), and shape
    ops become `tensor` slices/reshapes, `linalg.transpose` or a broadcasting
    `linalg.generic`, and pooling ops become `linalg.generic`s whose bodies
    walk the windows with `scf.for`. The collectives (`adjit.all_reduce`,
    `adjit.all_reduce_start` / `adjit.all_reduce_wait`) become calls of the
    JIT runtime on a fresh buffer holding a copy of the operand, which
    `bufferization.to_tensor` returns after the wait. Ops this pass has no
    pattern for are left alone, and `adjit-check-lowered` reports them.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def AdjitCheckLowered : Pass<"adjit-check-lowered", "ModuleOp"> {
  let summary = "Fail if any adjit op (or any non-LLVM op) is left";
  let description = [{
    Emits `adjit op 'adjit.<name>' survived lowering` at the first adjit op
    it finds and fails. With `to-llvm`, it also fails at the first op
    outside the LLVM dialect (`op 'x.y' survived lowering to the LLVM
    dialect`), which LLVM IR translation would otherwise reject. The
    `adjit-to-llvm` pipeline runs it after `convert-adjit-to-linalg` and, with
    `to-llvm`, at its end.
  }];
  let options = [
    Option<"toLLVM", "to-llvm", "bool", /*default=*/"false",
           "Also fail on any op outside the LLVM dialect">
  ];
}

def AdjitMarkArgumentsReadOnly
    : Pass<"adjit-mark-arguments-readonly", "::mlir::func::FuncOp"> {
  let summary = "Forbid bufferization from writing into function arguments";
  let description = [{
    Sets `bufferization.writable = false` on every tensor argument of public
    functions, so one-shot bufferization never reuses a caller's buffer for a
    result: the JIT's callers keep their inputs unchanged.
  }];
}

def AdjitDetachArgumentReads
    : Pass<"adjit-detach-argument-reads", "::mlir::func::FuncOp"> {
  let summary = "Give each read of a read-only argument a tensor of its own";
  let description = [{
    For each tensor argument that bufferization may not write
    (`bufferization.writable = false`, see `adjit-mark-arguments-readonly`)
    and that is read at least twice in the function body's own block (as the
    source of a `tensor.extract_slice`, or as an input of a destination-style
    op), reads the argument's buffer once (`bufferization.to_buffer ...
    read_only`) and replaces each such read by a `bufferization.to_tensor
    ... restrict` of that buffer, not writable; a slice becomes one of the
    `memref.subview` it reads.

    One-shot bufferization visits all uses of all aliases of a value for each
    in-place decision about it, so a value read n times, or sliced n times,
    costs n^2: an unrolled recurrent net, which reads its weights and slices
    its input once per step, made bufferization quadratic in the number of
    steps. Nothing writes a read-only argument, so none of its reads can
    conflict; after bufferization the reads are the argument's buffer and
    the subviews they were before, and a writer into one still gets a copy.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def AdjitFuseElementwise : Pass<"adjit-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops, but never into matrix products";
  let description = [{
    `linalg-fuse-elementwise-ops` with one restriction: no fusion, and no
    reshape propagation, touches a `linalg.matmul` or `linalg.batch_matmul`.
    Upstream, reshape propagation turns a batch matmul fed by a reshape into
    a `linalg.generic`, and elementwise fusion then folds the producers of
    its operands (the im2col gather of a convolution) into it: the result is
    a direct convolution loop nest that `adjit-matmul-to-blas` cannot call
    BLAS for. Keeping the products named keeps them BLAS calls; chains of
    elementwise ops and reductions fuse as before. A `linalg.transpose`
    whose one use is an all-parallel `linalg.generic` becomes a generic
    first, so that it fuses into its user.

    A producer whose result has other uses (a value the gradient saves)
    fuses into an all-parallel consumer over the same iteration space, when
    the consumer reads it once and every other use comes after the consumer:
    the fused op yields the producer's result too, and the other uses read
    that. Upstream's pattern would keep the producer and compute its value a
    second time inside the consumer; here it is computed and stored once.
    A producer that only broadcasts (yields an element of a smaller input
    unchanged, such as a layer norm's weight spread over the rows, or a
    scalar of the optimizer update over a weight) is the exception: it fuses
    into each of its users, as upstream fuses it, and they read the smaller
    input; the broadcast tensor is never stored.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def AdjitDuplicateSharedFills : Pass<"adjit-duplicate-shared-fills"> {
  let summary = "Give every writer of a shared fill or tensor.empty its own";
  let description = [{
    CSE merges identical `linalg.fill`s (the zero or identity inits of
    matrix products and reductions) into one fill with several users. Each
    user that writes into it (a destination-style init) would then make
    one-shot bufferization allocate a buffer, fill it once, and copy it for
    every writer. This pass, run right before bufferization, rewrites each
    such init to a fill of its own (of a fresh `tensor.empty` if the original
    fills one) placed right before its writer, so every writer gets an
    allocation and a fill, and no copy; `adjit-matmul-to-blas` then folds a
    zero fill right before a product into the BLAS call.

    CSE merges identical `tensor.empty` ops too, e.g. the inits of all the
    elementwise ops of one shape in a program. One-shot bufferization's
    analysis then puts all their results in one alias set and checks every
    write against every read of the set, a cost that grows with the square
    of the number of writers (a 3,000-op program spent 80 % of its lowering
    there). The pass gives each writer of a shared `tensor.empty` one of its
    own, placed right before it; the contents are undefined either way. A
    static-shaped `tensor.expand_shape` or `tensor.collapse_shape` of a
    `tensor.empty` becomes a `tensor.empty` of its result type first, so
    writers sharing a reshaped `tensor.empty` are split the same way.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def AdjitMatmulToBlas : Pass<"adjit-matmul-to-blas", "ModuleOp"> {
  let summary = "Call the BLAS runtime for large matrix products on buffers";
  let description = [{
    Replaces every `linalg.matmul` and `linalg.batch_matmul` on `f32`/`f64`
    memrefs whose per-batch work `M*N*K` is at least `min-flops` by a call of
    `adjit_blas_{s,d}gemm` / `adjit_blas_batch_{s,d}gemm` (C interface,
    `llvm.emit_c_interface`) on `(A, B, C, beta)`, which compute
    `C = A * B + beta * C`. The adjit JIT resolves these symbols to its
    OpenBLAS runtime. `min-flops=0` turns the pass off.

    Products whose indexing maps read an operand transposed (as
    `convert-adjit-to-linalg` emits for a transposed operand) pass that
    operand as a `memref.transpose` view, which BLAS reads with its transpose
    flag: no transposed copy is made. A `linalg.fill` of `C` with `+0.0`
    right before the product (with nothing in between that may read or write
    `C`) is dropped and the call overwrites `C` (`beta = 0`). Products with
    other maps (broadcasts) stay generated code.

    With `parallel-batches`, a batched product whose per-batch `M*N*K` is at
    most 2^18 (the size up to which OpenBLAS computes a product on one
    thread) becomes an `scf.parallel` loop over the batch with one call per
    batch element (a batch of one, a `memref.subview`), so that the threads
    of parallel loops share the batch.
  }];
  let options = [
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"0",
           "Smallest M*N*K sent to BLAS (0 disables the pass)">,
    Option<"parallelBatches", "parallel-batches", "bool", /*default=*/"false",
           "Split batches of single-threaded BLAS products over a parallel "
           "loop">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

def AdjitInsertSlicesBeforeCollapse
    : Pass<"adjit-insert-slices-before-collapse", "ModuleOp"> {
  let summary = "Insert a collapsed piece into an expanded view of the "
                "destination, so that its producer can write in place";
  let description = [{
    Rewrites `tensor.insert_slice (tensor.collapse_shape %x) into %d` as
    `tensor.collapse_shape (tensor.insert_slice %x into
    (tensor.expand_shape %d))` when every shape is static, the slice has
    unit strides and the same rank as `%d`, and each group of collapsed dims
    `[a, b, c]` maps to a slice of its destination dim (size `n`, offset `o`)
    that `b*c` divides (`n` and `o`): the dim expands to `[n / (b*c), b, c]`,
    the slice to offsets `[o / (b*c), 0, 0]` and sizes `[a, b, c]`, the same
    elements. `eliminate-empty-tensors` does not look through a collapse, so
    before this rewrite a piece of a concatenation computed in a reshaped
    form (the head-split gradient of an attention projection) was computed
    into a buffer of its own and copied into the concatenation; after it,
    the piece's producer writes into the concatenation. Expansions of
    collapses and of empty tensors that this leaves behind fold away.
  }];
}

def AdjitStridedCopiesToLinalg : Pass<"adjit-strided-copies-to-linalg"> {
  let summary = "Rewrite memref.copy of non-contiguous memrefs as linalg.copy";
  let description = [{
    The LLVM lowering of `memref.copy` makes one `memcpy` of a copy whose
    source and target are both contiguous, and otherwise calls the runtime's
    `memrefCopy`, which copies one element per `memcpy` call (a copy into a
    slice of a concatenation, for instance). This pass rewrites every copy of
    ranked memrefs that is not copied as one block as a `linalg.copy` of the
    same operands, which `adjit-parallelize-large-ops` and
    `adjit-linalg-to-loops` then lower to loops that LLVM vectorizes, the
    outer one parallel for a large copy. Contiguous copies and copies of
    unranked memrefs are left alone.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def AdjitParallelizeLargeOps : Pass<"adjit-parallelize-large-ops", "ModuleOp"> {
  let summary = "Lower large elementwise linalg ops to a parallel outer loop";
  let description = [{
    Lowers every linalg op on buffers whose outermost iterator is parallel
    and indexes every output, and whose iteration space has at least
    `min-elements` points, to a loop nest whose outermost loop is an
    `scf.parallel` (for `convert-scf-to-openmp`) and whose inner loops are
    `scf.for` (which LLVM vectorizes). Reductions over inner dims (the row
    sums of a softmax or a layer norm) qualify: each outer iteration writes
    its own outputs. Smaller ops and ops whose outermost iterator is a
    reduction (a column sum) are left for `convert-linalg-to-loops`.
    `min-elements=0` turns the pass off.
  }];
  let options = [
    Option<"minElements", "min-elements", "int64_t", /*default=*/"0",
           "Smallest iteration space run in parallel (0 disables the pass)">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def AdjitApproximateMath : Pass<"adjit-approximate-math"> {
  let summary = "Replace f32 transcendental math ops by polynomial code";
  let description = [{
    Expands `math.exp`, `math.log`, `math.tanh` and friends on `f32` into
    arithmetic (upstream polynomial approximations), so that loops using
    them vectorize; `f64` ops stay as libm calls.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def AdjitPreciseMathToLibm : Pass<"adjit-precise-math-to-libm",
                                  "::mlir::ModuleOp"> {
  let summary = "Call the C library for scalar math.expm1 and math.log1p";
  let description = [{
    Replaces scalar `f32`/`f64` `math.expm1` and `math.log1p` by calls of the
    C library's `expm1(f)`/`log1p(f)`, declared as private functions.
    Upstream's `convert-math-to-llvm` would compute them as `exp(x) - 1` and
    `log(1 + x)`, which lose all precision for `|x|` near 0. Fails if the
    module defines another symbol of the library function's name.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def AdjitConvertToLLVM : Pass<"adjit-convert-to-llvm", "::mlir::ModuleOp"> {
  let summary = "Convert arith, cf, func, index, memref and omp ops to the "
                "LLVM dialect in one dialect conversion";
  let description = [{
    Applies the patterns of upstream's `convert-arith-to-llvm`,
    `convert-cf-to-llvm`, `convert-func-to-llvm`, `convert-index-to-llvm`,
    `finalize-memref-to-llvm` and `convert-openmp-to-llvm` with one type
    converter in one partial conversion, so the module is walked once
    instead of once per dialect (each walk visits every op of the module,
    and the lowered module of a large program has hundreds of thousands).
    Symbols are looked up through one symbol table collection. Math ops and
    `unrealized_conversion_cast`s are left to `convert-math-to-llvm` and
    `reconcile-unrealized-casts`. During the conversion a function's
    arguments live in an entry block of their own that branches to its body
    (merged again afterwards): the signature conversion otherwise asks, for
    every argument, the op order of the body, which each of its casts
    invalidates, in time quadratic in a straight-line function's length.
  }];
  let options = [
    Option<"useGenericFunctions", "use-generic-functions", "bool",
           /*default=*/"false",
           "Allocate through _mlir_memref_to_llvm_alloc/free, as "
           "finalize-memref-to-llvm's option of that name">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AdjitFreeUnretainedAllocations
    : Pass<"adjit-free-unretained-allocations", "::mlir::ModuleOp"> {
  let summary = "Lower the bufferization.dealloc ops of fresh allocations "
                "whose retained values are views of known buffers";
  let description = [{
    Replaces a `bufferization.dealloc` whose memrefs are distinct results of
    `memref.alloc`, each with a constant true condition, and each of whose
    retained values is a view (through view-like ops) of a `memref.alloc`
    result or of a function argument, by one `memref.dealloc` for every
    memref no retained value is a view of. The updated condition of a
    retained value becomes `true` when it is a view of one of the memrefs,
    `false` otherwise. Other deallocs are left as they are.

    Each `memref.dealloc` of an allocation in the dealloc's block is placed
    right after the last op of that block that uses the allocation or a
    value that may alias it (any memref result of an op using an alias, and
    any result of a call using one, such as an all-reduce's request),
    counting uses in nested regions at their ancestor in the block. A buffer
    whose address may escape that tracking (taken by
    `memref.extract_aligned_pointer_as_index`, stored, yielded or returned by
    a terminator, cast by `builtin.unrealized_conversion_cast`, or used by an
    op with an LLVM pointer result) is freed where the dealloc was. In a
    straight-line training step this bounds the memory of a call by the
    buffers alive at once rather than by all of them.

    Distinct allocations never alias, so this is what
    `buffer-deallocation-simplification` and `lower-deallocations` compute
    for such deallocs, without their pairwise alias queries: the
    ownership-based deallocation pass ends a straight-line function with one
    dealloc of all its buffers retaining all its results, and those queries
    grow with their product.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def AdjitForwardAggregateFields
    : Pass<"adjit-forward-aggregate-fields", "::mlir::ModuleOp"> {
  let summary = "Replace reads of llvm.insertvalue chains by the values "
                "inserted, and erase the ops left dead";
  let description = [{
    Replaces each `llvm.extractvalue` whose aggregate is built by a chain of
    `llvm.insertvalue` (and `llvm.extractvalue`) ops by the value inserted at
    its position, or, where a later insert only partly overwrites the field
    read, makes it read the innermost aggregate it can. Other LLVM dialect
    ops get their folder when it needs no new constant (it folds in place or
    to an existing value). Then erases every op that is trivially dead
    (unused and free of side effects), users before their operands.

    This is what `llvm.extractvalue`'s folder and the canonicalizer's dead
    code elimination do to the memref descriptors of lowered code, in one
    walk without a worklist: after the conversion to the LLVM dialect, about
    half of a lowered program's ops are descriptor fields inserted and
    extracted again. LLVM's FastISel does not select aggregate
    `insertvalue`s, so they must be gone before code generation at -O0.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AdjitOutlineLoops : Pass<"adjit-outline-loops", "::mlir::ModuleOp"> {
  let summary = "Move every top-level loop nest into a function of its own";
  let description = [{
    Replaces every `scf.for` and `scf.parallel` directly in the body of a
    function by a call of a new private function `@<function>_loop<N>`
    (marked `passthrough = ["noinline"]`, which becomes LLVM's
    `noinline`) that holds the loop nest. Values the loop uses from
    outside become the new function's arguments, except constants, which
    are cloned into it; the loop's results become its results.

    A traced training step lowers to thousands of loop nests in one
    function, and LLVM's optimizations and code generation cost more than
    linearly in a function's size: one function per loop nest keeps the
    cost of compiling linear in the number of ops, at the price of one call
    per loop nest at run time.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def AdjitDropUnusedArguments
    : Pass<"adjit-drop-unused-arguments", "::mlir::ModuleOp"> {
  let summary = "Give private LLVM functions internal linkage and remove "
                "the arguments they do not use";
  let description = [{
    For every `llvm.func` definition with private symbol visibility (such as
    the functions of `adjit-outline-loops`, after the conversion to the LLVM
    dialect) that the module only calls directly: sets its linkage to
    `internal`, removes each argument its body does not use together with
    the matching operand of every call, and erases the ops that computed
    those operands if nothing else uses them and they have no side effects.
    A private function that is referenced other than by a direct call (its
    address taken) is left unchanged.

    A memref argument becomes five or more scalar arguments (pointers,
    offset, sizes and strides), of which the body of a loop over a buffer of
    static shape reads only the aligned pointer. x86-64 FastISel, LLVM's
    instruction selector at -O0, lowers no function with more than six
    integer arguments and hands the whole function to the much slower
    SelectionDAG selector; with the unused arguments gone, nearly all
    outlined loops stay on FastISel. Internal functions also get no packed
    entry point in the JIT.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AdjitWidenI1MemoryAccesses
    : Pass<"adjit-widen-i1-memory-accesses", "::mlir::ModuleOp"> {
  let summary = "Load and store i1 values in memory as i8";
  let description = [{
    Rewrites every `llvm.load` of an `i1` into a load of an `i8` followed by
    `llvm.trunc` (its lowest bit), every `llvm.store` of an `i1` into `llvm.zext` followed by a store of an `i8`,
    and every `llvm.getelementptr` over `i1` elements into one over `i8`.
    The other attributes of each access (alignment, volatility, alias
    scopes) stay. Memory is the same: LLVM gives an `i1` one byte, and stores
    it as 0 or 1, as the runtime stores a `bool`.

    The difference is for LLVM's loop vectorizer, which widens accesses to
    `i8` into vector loads and stores but must scalarize those to `i1` (an
    `i1` vector in memory is packed into bits): a loop over a mask (a
    causal attention mask, a `where` or `masked_fill` and their gradients)
    ran element by element, at a fifth of the speed of its `i8` form.
    Vector accesses are left as they are.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AdjitLinalgToLoops
    : Pass<"adjit-linalg-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Lower linalg ops on buffers to loops, as "
                "convert-linalg-to-loops does, without region simplification";
  let description = [{
    Applies the patterns of upstream's `convert-linalg-to-loops` (every
    linalg op with buffer semantics becomes a nest of `scf.for` loads,
    computations and stores; `memref.dim`, `tensor.dim` and `affine.apply`
    canonicalizations; trivial `affine.apply` ops fold to their operand or
    constant) with the same greedy rewrite configuration, except that it does
    not simplify regions. The greedy driver's region simplification walks
    the whole function after each of its iterations and finds nothing in
    these single-block loop bodies; on a program of 10,000 ops that walk
    made the pass grow faster than the program. The output is the same as
    upstream's.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

def AdjitExpandStridedMetadata : Pass<"adjit-expand-strided-metadata"> {
  let summary = "Expand memref ops that change strided metadata, as "
                "expand-strided-metadata does, without region simplification";
  let description = [{
    Applies `memref::populateExpandStridedMetadataPatterns` (subviews,
    reshapes and other views become `memref.extract_strided_metadata` and
    `memref.reinterpret_cast` with the offsets, sizes and strides computed by
    `affine.apply`) with the greedy rewrite configuration of upstream's
    `expand-strided-metadata`, except that it does not simplify regions: that
    sweep over the whole module after each iteration of the driver was most
    of the pass on programs of 10,000 ops and grew faster than the program.
    The output is the same as upstream's.
  }];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

#endif // ADJIT_CONVERSION_PASSES_TD
