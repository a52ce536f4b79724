//===- ScanPatterns.cpp - adjit.scan to scf.for over tensors --------------===//

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// The offsets, sizes and strides of step `index` of a tensor stacked along
/// its leading dimension: `[index, 0, ...]`, `[1, dims...]`, `[1, ...]`.
struct StepSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;

  StepSlice(OpBuilder &builder, Value index, RankedTensorType stacked) {
    offsets.push_back(index);
    sizes.push_back(builder.getIndexAttr(1));
    for (int64_t size : stacked.getShape().drop_front()) {
      offsets.push_back(builder.getIndexAttr(0));
      sizes.push_back(builder.getIndexAttr(size));
    }
    strides.assign(stacked.getRank(), builder.getIndexAttr(1));
  }
};

/// Lowers `adjit.scan` to an `scf.for` whose iteration arguments are the
/// carries and the stacked outputs. The stacked outputs start as one
/// `tensor.empty` each, and every step inserts its outputs at its index with
/// `tensor.insert_slice`, which bufferizes in place; the slices of the
/// scanned inputs are rank-reducing `tensor.extract_slice`s (views). The
/// body's ops are cloned into the loop, where the other patterns lower them.
struct ScanLowering : OpConversionPattern<ScanOp> {
  ScanLowering(MLIRContext *context) : OpConversionPattern(context) {
    // A scan nested in the body is cloned into the loop and lowered in turn.
    setHasBoundedRewriteRecursion();
  }

  LogicalResult
  matchAndRewrite(ScanOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t length = op.getLength();
    unsigned numCarries = op.getNumCarries();
    // A trip count known at run time leaves the rows that no step writes
    // zero.
    bool dynamic = op.hasDynamicTripCount();
    SmallVector<Value> iterInit(adaptor.getInit());
    for (Value result : op.getStackedOutputs()) {
      auto type = cast<RankedTensorType>(result.getType());
      Value stacked = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                              type.getElementType());
      if (dynamic) {
        Value zero = arith::ConstantOp::create(
            rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
        stacked =
            linalg::FillOp::create(rewriter, loc, zero, stacked).getResult(0);
      }
      iterInit.push_back(stacked);
    }
    Value lower = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value upper = arith::ConstantIndexOp::create(rewriter, loc, length);
    Value step = arith::ConstantIndexOp::create(rewriter, loc, 1);
    // It is clamped into [0, length]: callers check it, and the clamp keeps
    // any other count from reading or writing out of bounds.
    if (dynamic) {
      Value count =
          tensor::ExtractOp::create(rewriter, loc, adaptor.getTripCount(), {});
      count = arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                         count);
      count = arith::MaxSIOp::create(rewriter, loc, count, lower);
      upper = arith::MinSIOp::create(rewriter, loc, count, upper);
    }
    auto loop = scf::ForOp::create(rewriter, loc, lower, upper, step, iterInit);

    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value index = loop.getInductionVar();
    if (op.getReverse()) {
      Value last =
          dynamic ? Value(arith::SubIOp::create(rewriter, loc, upper, step))
                  : Value(arith::ConstantIndexOp::create(rewriter, loc,
                                                         length - 1));
      index = arith::SubIOp::create(rewriter, loc, last, index);
    }
    IRMapping mapping;
    mapping.map(op.getCarryArguments(),
                loop.getRegionIterArgs().take_front(numCarries));
    for (auto [argument, x] :
         llvm::zip(op.getSliceArguments(), adaptor.getXs())) {
      StepSlice slice(rewriter, index, cast<RankedTensorType>(x.getType()));
      mapping.map(argument,
                  tensor::ExtractSliceOp::create(
                      rewriter, loc, cast<RankedTensorType>(argument.getType()),
                      x, slice.offsets, slice.sizes, slice.strides));
    }
    mapping.map(op.getConstArguments(), adaptor.getConsts());
    YieldOp yield = op.getYield();
    // A step's output that is one of its arguments (a tape of the carries
    // that the adjoint reads) is stored before the step's ops: a later store
    // would read the carry after the new carry may have taken its buffer.
    auto storeOutput = [&](Value output, Value acc) -> Value {
      StepSlice slice(rewriter, index, cast<RankedTensorType>(acc.getType()));
      return tensor::InsertSliceOp::create(
          rewriter, loc, mapping.lookupOrDefault(output), acc, slice.offsets,
          slice.sizes, slice.strides);
    };
    SmallVector<Value> stacked;
    for (auto [output, acc] :
         llvm::zip(yield.getValues().drop_front(numCarries),
                   loop.getRegionIterArgs().drop_front(numCarries)))
      stacked.push_back(isa<BlockArgument>(output) ? storeOutput(output, acc)
                                                   : Value());
    for (Operation &nested : op.getBodyBlock().without_terminator())
      rewriter.clone(nested, mapping);

    // A new carry is copied into the buffer of the old one once the step has
    // read everything: the yield is then that buffer, and the step's
    // temporaries do not outlive the step. A new carry that may be a view of
    // a carry's buffer (a block argument, a reshape, a slice, an identity, a
    // nested loop's result) is first copied to a temporary, so that copying
    // carries never overwrites what another carry still reads.
    SmallVector<Value> newCarries;
    for (auto [carry, iterArg] :
         llvm::zip(yield.getValues().take_front(numCarries),
                   loop.getRegionIterArgs())) {
      Value value = mapping.lookupOrDefault(carry);
      Operation *producer = carry.getDefiningOp();
      if (value != iterArg &&
          (!producer ||
           isa<ReshapeOp, SliceOp, ScanOp, ConvertOp, StopGradientOp>(
               producer))) {
        auto type = cast<RankedTensorType>(value.getType());
        Value temporary = tensor::EmptyOp::create(
            rewriter, loc, type.getShape(), type.getElementType());
        value = linalg::CopyOp::create(rewriter, loc, value, temporary)
                    .getResult(0);
      }
      newCarries.push_back(value);
    }
    for (auto [output, acc, store] :
         llvm::zip(yield.getValues().drop_front(numCarries),
                   loop.getRegionIterArgs().drop_front(numCarries), stacked))
      if (!store)
        store = storeOutput(output, acc);
    SmallVector<Value> yielded;
    for (auto [value, iterArg] :
         llvm::zip(newCarries, loop.getRegionIterArgs()))
      yielded.push_back(value == iterArg ? value
                                         : linalg::CopyOp::create(
                                               rewriter, loc, value, iterArg)
                                               .getResult(0));
    llvm::append_range(yielded, stacked);
    scf::YieldOp::create(rewriter, loc, yielded);
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

} // namespace

void adjit::populateScanToSCFPatterns(RewritePatternSet &patterns) {
  patterns.add<ScanLowering>(patterns.getContext());
}
