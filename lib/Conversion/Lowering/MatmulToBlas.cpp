//===- MatmulToBlas.cpp - large matrix products as BLAS runtime calls -----===//

#include "adjit/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::adjit {
#define GEN_PASS_DEF_ADJITMATMULTOBLAS
#include "adjit/Conversion/Passes.h.inc"
} // namespace mlir::adjit

using namespace mlir;

namespace {

/// The largest M*N*K that OpenBLAS computes on one thread (its
/// GEMM_MULTITHREAD_THRESHOLD of 4 times SMP_THRESHOLD_MIN, 65536).
constexpr int64_t kSingleThreadedBlasWork = 4 * 65536;

/// A memref type of `rank` with dynamic sizes, strides and offset: the
/// argument type of the BLAS runtime functions, so one declaration serves
/// every shape and layout.
MemRefType getFullyDynamicType(Type elementType, int64_t rank) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  auto layout = StridedLayoutAttr::get(elementType.getContext(),
                                       ShapedType::kDynamic, dynamic);
  return MemRefType::get(dynamic, elementType, layout);
}

/// Returns the declaration of the runtime function `name`, creating it at the
/// start of `module` if needed: `(A, B, C, beta)` with C = A B + beta C.
func::FuncOp getOrDeclareRuntimeFunction(ModuleOp module, StringRef name,
                                         MemRefType argumentType) {
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
  auto type = builder.getFunctionType(
      {argumentType, argumentType, argumentType, argumentType.getElementType()},
      {});
  auto func = func::FuncOp::create(builder, module.getLoc(), name, type);
  func.setPrivate();
  func->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
  return func;
}

/// How a (batch) matrix product reads its operands: plainly, or each of lhs
/// and rhs as the transpose of the matrices it stores.
struct ProductLayout {
  bool transposeLhs = false;
  bool transposeRhs = false;
};

/// Returns the layout of `op` (a linalg.matmul or linalg.batch_matmul) if
/// its indexing maps are those of a product with possibly transposed
/// operands: loops `([batch,] m, n, k)`, lhs `[batch,] m, k` or
/// `[batch,] k, m`, rhs `[batch,] k, n` or `[batch,] n, k`, result
/// `[batch,] m, n`. Any other map (broadcasts) is not a BLAS call.
std::optional<ProductLayout> getProductLayout(linalg::LinalgOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  MLIRContext *context = op->getContext();
  bool batched = isa<linalg::BatchMatmulOp>(op.getOperation());
  unsigned first = batched ? 1 : 0;
  auto map = [&](unsigned row, unsigned column) {
    SmallVector<AffineExpr> results;
    if (batched)
      results.push_back(getAffineDimExpr(0, context));
    results.push_back(getAffineDimExpr(first + row, context));
    results.push_back(getAffineDimExpr(first + column, context));
    return AffineMap::get(first + 3, 0, results, context);
  };
  constexpr unsigned m = 0, n = 1, k = 2;
  if (maps.size() != 3 || maps[2] != map(m, n))
    return std::nullopt;
  ProductLayout layout;
  if (maps[0] == map(k, m))
    layout.transposeLhs = true;
  else if (maps[0] != map(m, k))
    return std::nullopt;
  if (maps[1] == map(n, k))
    layout.transposeRhs = true;
  else if (maps[1] != map(k, n))
    return std::nullopt;
  return layout;
}

/// Returns the `linalg.fill` with +0 that writes all of `output` right
/// before `op` if nothing in between can read or write it (only ops without
/// memory effects, allocations and deallocations of other buffers), so that
/// the product may overwrite `output` instead of accumulating into zeros.
linalg::FillOp getZeroFillBefore(Operation *op, Value output) {
  for (Operation *previous = op->getPrevNode(); previous;
       previous = previous->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(previous)) {
      if (fill.getDpsInits()[0] != output || !fill.hasPureBufferSemantics() ||
          !matchPattern(fill.getDpsInputs()[0], m_PosZeroFloat()))
        return {};
      return fill;
    }
    auto effects = dyn_cast<MemoryEffectOpInterface>(previous);
    if (!effects)
      return {};
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (const MemoryEffects::EffectInstance &instance : instances) {
      bool allocation = isa<MemoryEffects::Allocate, MemoryEffects::Free>(
          instance.getEffect());
      if (!allocation || !instance.getValue() || instance.getValue() == output)
        return {};
    }
  }
  return {};
}

/// A batch operand that is a matrix copied into every batch element: the
/// buffer, the linalg.generic that fills it, and the matrix.
struct BroadcastOperand {
  memref::AllocOp buffer;
  linalg::GenericOp broadcast;
  Value matrix;
};

/// Returns how `operand` of the batch product `product` was made if it is a
/// buffer that only a broadcast of a constant matrix (a constant global,
/// which nothing writes) fills, that only `product` reads, and that is freed
/// by deallocs alone: the product can then read the matrix itself, with a
/// batch stride of 0.
std::optional<BroadcastOperand> getBroadcastOperand(Value operand,
                                                    Operation *product) {
  auto buffer = operand.getDefiningOp<memref::AllocOp>();
  if (!buffer || buffer.getType().getRank() != 3 ||
      llvm::count(product->getOperands(), operand) != 1)
    return std::nullopt;
  linalg::GenericOp broadcast;
  for (Operation *user : buffer->getUsers()) {
    if (user == product || isa<memref::DeallocOp>(user))
      continue;
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || broadcast)
      return std::nullopt;
    broadcast = generic;
  }
  if (!broadcast || broadcast->getBlock() != product->getBlock() ||
      !broadcast->isBeforeInBlock(product) ||
      !broadcast.hasPureBufferSemantics())
    return std::nullopt;
  // A copy of a matrix into every element of the batch dim, into `operand`.
  std::optional<SmallVector<int64_t>> broadcastDims =
      linalg::isaBroadcastOpInterface(broadcast);
  if (!broadcastDims || *broadcastDims != ArrayRef<int64_t>{0} ||
      broadcast.getDpsInits()[0] != operand)
    return std::nullopt;
  Value matrix = broadcast.getDpsInputs()[0];
  auto global = matrix.getDefiningOp<memref::GetGlobalOp>();
  if (!global)
    return std::nullopt;
  auto declaration = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
      global, global.getNameAttr());
  if (!declaration || !declaration.getConstant())
    return std::nullopt;
  return BroadcastOperand{buffer, broadcast, matrix};
}

/// A view of the matrix `matrix` ([m, k]) as a batch of `count` copies of
/// it: batch stride 0.
Value createBroadcastView(OpBuilder &builder, Location loc, Value matrix,
                          int64_t count) {
  auto type = cast<MemRefType>(matrix.getType());
  auto metadata =
      memref::ExtractStridedMetadataOp::create(builder, loc, matrix);
  SmallVector<OpFoldResult> sizes = {builder.getIndexAttr(count),
                                     builder.getIndexAttr(type.getDimSize(0)),
                                     builder.getIndexAttr(type.getDimSize(1))};
  SmallVector<OpFoldResult> strides = {builder.getIndexAttr(0),
                                       metadata.getStrides()[0],
                                       metadata.getStrides()[1]};
  return memref::ReinterpretCastOp::create(
      builder, loc,
      MemRefType::get({count, type.getDimSize(0), type.getDimSize(1)},
                      type.getElementType(),
                      StridedLayoutAttr::get(
                          builder.getContext(), ShapedType::kDynamic,
                          {0, ShapedType::kDynamic, ShapedType::kDynamic})),
      metadata.getBaseBuffer(), metadata.getOffset(), sizes, strides);
}

struct MatmulToBlasPass : adjit::impl::AdjitMatmulToBlasBase<MatmulToBlasPass> {
  using Base::Base;

  void runOnOperation() override {
    if (minFlops <= 0)
      return;
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> matmuls;
    module.walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() &&
          isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op.getOperation()))
        matmuls.push_back(op);
    });
    for (linalg::LinalgOp op : matmuls)
      rewriteAsCall(module, op);
  }

  void rewriteAsCall(ModuleOp module, linalg::LinalgOp op) {
    std::optional<ProductLayout> layout = getProductLayout(op);
    if (!layout)
      return;
    auto lhsType = cast<MemRefType>(op.getDpsInputs()[0].getType());
    auto rhsType = cast<MemRefType>(op.getDpsInputs()[1].getType());
    Value output = op.getDpsInits()[0];
    auto resultType = cast<MemRefType>(output.getType());
    Type elementType = resultType.getElementType();
    if (!elementType.isF32() && !elementType.isF64())
      return;
    if (lhsType.getElementType() != elementType ||
        rhsType.getElementType() != elementType)
      return;
    if (!resultType.hasStaticShape() || !lhsType.hasStaticShape())
      return;
    int64_t rank = resultType.getRank();
    int64_t m = resultType.getDimSize(rank - 2);
    int64_t n = resultType.getDimSize(rank - 1);
    int64_t k = lhsType.getDimSize(layout->transposeLhs ? rank - 2 : rank - 1);
    // Small products stay generated code; a product whose size overflows
    // int64 is not small.
    int64_t work;
    bool overflows =
        llvm::MulOverflow(m, n, work) || llvm::MulOverflow(work, k, work);
    if (!overflows && work < minFlops)
      return;

    std::string name = rank == 2 ? "adjit_blas_" : "adjit_blas_batch_";
    name += elementType.isF32() ? "sgemm" : "dgemm";
    MemRefType argumentType = getFullyDynamicType(elementType, rank);
    func::FuncOp callee =
        getOrDeclareRuntimeFunction(module, name, argumentType);

    // C = A B on a zero-filled C overwrites C (beta 0), and the fill goes.
    linalg::FillOp zeroFill = getZeroFillBefore(op, output);
    OpBuilder builder(op);
    Location loc = op.getLoc();
    // A batch of products each too small for BLAS to split among threads
    // is split among the threads of a parallel loop, one call per element.
    Value batchIndex;
    if (parallelBatches && rank == 3 && !overflows &&
        work <= kSingleThreadedBlasWork && resultType.getDimSize(0) > 1 &&
        rhsType.hasStaticShape()) {
      Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
      Value one = arith::ConstantIndexOp::create(builder, loc, 1);
      Value count = arith::ConstantIndexOp::create(builder, loc,
                                                   resultType.getDimSize(0));
      auto loop = scf::ParallelOp::create(builder, loc, ValueRange{zero},
                                          ValueRange{count}, ValueRange{one});
      builder.setInsertionPointToStart(loop.getBody());
      batchIndex = loop.getInductionVars()[0];
    }
    // A matrix broadcast to every batch element is read in place, with a
    // batch stride of 0, instead of from the buffer the broadcast filled.
    SmallVector<BroadcastOperand> broadcasts;
    // A transposed operand is passed as a view with swapped strides, which
    // the runtime hands to BLAS with its transpose flag.
    auto prepare = [&](Value operand, bool transpose) -> Value {
      if (rank == 3 && operand != output) {
        if (std::optional<BroadcastOperand> broadcast =
                getBroadcastOperand(operand, op)) {
          OpBuilder::InsertionGuard guard(builder);
          builder.setInsertionPoint(
              batchIndex ? batchIndex.getParentBlock()->getParentOp()
                         : op.getOperation());
          operand = createBroadcastView(builder, loc, broadcast->matrix,
                                        resultType.getDimSize(0));
          broadcasts.push_back(*broadcast);
        }
      }
      if (transpose) {
        SmallVector<unsigned> permutation =
            llvm::to_vector(llvm::seq<unsigned>(0, rank));
        std::swap(permutation[rank - 2], permutation[rank - 1]);
        operand = memref::TransposeOp::create(
            builder, loc, operand,
            AffineMapAttr::get(AffineMap::getPermutationMap(
                permutation, builder.getContext())));
      }
      if (batchIndex) {
        // The batch element `batchIndex`, as a batch of one.
        ArrayRef<int64_t> shape =
            cast<MemRefType>(operand.getType()).getShape();
        SmallVector<OpFoldResult> offsets = {
            batchIndex, builder.getIndexAttr(0), builder.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {builder.getIndexAttr(1),
                                           builder.getIndexAttr(shape[1]),
                                           builder.getIndexAttr(shape[2])};
        SmallVector<OpFoldResult> strides(3, builder.getIndexAttr(1));
        operand = memref::SubViewOp::create(builder, loc, operand, offsets,
                                            sizes, strides);
      }
      return memref::CastOp::create(builder, loc, argumentType, operand);
    };
    SmallVector<Value> arguments = {
        prepare(op.getDpsInputs()[0], layout->transposeLhs),
        prepare(op.getDpsInputs()[1], layout->transposeRhs),
        prepare(output, false)};
    arguments.push_back(arith::ConstantOp::create(
        builder, loc, builder.getFloatAttr(elementType, zeroFill ? 0.0 : 1.0)));
    func::CallOp::create(builder, loc, callee, arguments);
    op->erase();
    if (zeroFill)
      zeroFill->erase();
    // The broadcasts and their buffers, which nothing reads now.
    for (BroadcastOperand &broadcast : broadcasts) {
      broadcast.broadcast->erase();
      for (Operation *user :
           llvm::make_early_inc_range(broadcast.buffer->getUsers()))
        user->erase();
      broadcast.buffer->erase();
    }
  }
};

} // namespace
