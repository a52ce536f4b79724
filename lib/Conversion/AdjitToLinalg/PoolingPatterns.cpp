//===- PoolingPatterns.cpp - adjit pooling ops to linalg
//-------------------===//
//
// Every pooling op becomes one all-parallel `linalg.generic` over its result
// whose body walks, with `scf.for` loops, the windows of
// adjit/Semantics/Pooling.h in the order the eager kernels walk them: the
// forward ops over each output's window, the gradients over the outputs
// whose windows read each input position. The windows are static tables
// (`arith.constant` tensors of first element, count, divisor and users per
// axis), read with `tensor.extract`. No `reassoc`: sums are taken in the
// eager kernels' order, so both round alike.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Dialect/Adjit/IR/PoolingWindows.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;
using namespace mlir::adjit;
namespace semantics = ::adjit::semantics;

namespace {

/// The tables of one spatial axis, as i64 tensor constants.
struct AxisTables {
  Value first, count, divisor, userBegin, users;
  int64_t step;
};

Value buildTable(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

AxisTables buildAxisTables(OpBuilder &b, Location loc,
                           const semantics::PoolAxis &axis) {
  AxisTables tables;
  tables.first = buildTable(b, loc, axis.first);
  tables.count = buildTable(b, loc, axis.count);
  tables.divisor = buildTable(b, loc, axis.divisor);
  tables.userBegin = buildTable(b, loc, axis.userBegin);
  tables.users = buildTable(b, loc, axis.users);
  tables.step = axis.step;
  return tables;
}

/// Scalar index arithmetic in a generic's body.
struct BodyBuilder {
  OpBuilder &b;
  Location loc;

  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  /// Element `position` of an i64 table, as an index.
  Value lookup(Value table, Value position) {
    Value element = tensor::ExtractOp::create(b, loc, table, position);
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), element);
  }
  /// Runs `body(b, i, accumulators)` for i in [begin, end), carrying the
  /// accumulators; returns their final values.
  ValueRange
  loop(Value begin, Value end, ValueRange init,
       function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
    auto loop = scf::ForOp::create(
        b, loc, begin, end, index(1), init,
        [&](OpBuilder &nested, Location nestedLoc, Value i, ValueRange acc) {
          SmallVector<Value> next = body(nested, i, acc);
          scf::YieldOp::create(nested, nestedLoc, next);
        });
    return loop.getResults();
  }
};

/// Visits an element of a window or a user of an input position; returns
/// the new accumulators.
using Visit =
    function_ref<SmallVector<Value>(BodyBuilder &, Value, Value, ValueRange)>;

/// Walks the window of output (oh, ow) in row-major order: visit(h, w, acc)
/// for each input position it reads.
ValueRange walkWindow(BodyBuilder &body, const AxisTables &height,
                      const AxisTables &width, Value oh, Value ow,
                      ValueRange init, Visit visit) {
  Value h0 = body.lookup(height.first, oh);
  Value w0 = body.lookup(width.first, ow);
  return body.loop(body.index(0), body.lookup(height.count, oh), init,
                   [&](OpBuilder &b, Value j, ValueRange acc) {
                     BodyBuilder row{b, body.loc};
                     Value h = row.add(h0, row.mul(j, row.index(height.step)));
                     return SmallVector<Value>(row.loop(
                         row.index(0), row.lookup(width.count, ow), acc,
                         [&](OpBuilder &bb, Value k, ValueRange acc2) {
                           BodyBuilder element{bb, body.loc};
                           Value w = element.add(
                               w0, element.mul(k, element.index(width.step)));
                           return visit(element, h, w, acc2);
                         }));
                   });
}

/// Walks the outputs whose windows read input position (h, w), in row-major
/// order: visit(oh, ow, acc) for each.
ValueRange walkUsers(BodyBuilder &body, const AxisTables &height,
                     const AxisTables &width, Value h, Value w, ValueRange init,
                     Visit visit) {
  Value one = body.index(1);
  Value w0 = body.lookup(width.userBegin, w);
  Value w1 = body.lookup(width.userBegin, body.add(w, one));
  return body.loop(
      body.lookup(height.userBegin, h),
      body.lookup(height.userBegin, body.add(h, one)), init,
      [&](OpBuilder &b, Value a, ValueRange acc) {
        BodyBuilder row{b, body.loc};
        Value oh = row.lookup(height.users, a);
        return SmallVector<Value>(
            row.loop(w0, w1, acc, [&](OpBuilder &bb, Value c, ValueRange acc2) {
              BodyBuilder element{bb, body.loc};
              return visit(element, oh, element.lookup(width.users, c), acc2);
            }));
      });
}

/// Creates an all-parallel generic over `resultType` with `inputs` (of the
/// result's shape); `body` computes one element from the loop indices
/// (n, c, y, x) and the inputs' elements.
Value buildPoolGeneric(
    OpBuilder &builder, Location loc, RankedTensorType resultType,
    ValueRange inputs,
    function_ref<Value(BodyBuilder &, ArrayRef<Value>, ValueRange)> body) {
  return lowering::buildElementwiseGeneric(
      builder, loc, resultType, inputs,
      [&](OpBuilder &b, Location nestedLoc, ValueRange args) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < 4; ++d)
          indices.push_back(linalg::IndexOp::create(b, nestedLoc, d));
        BodyBuilder scalar{b, nestedLoc};
        return body(scalar, indices, args);
      });
}

Value floatConstant(BodyBuilder &body, Type type, double value) {
  return arith::ConstantOp::create(body.b, body.loc,
                                   body.b.getFloatAttr(type, value));
}

/// The divisor of output (oh, ow) of an average pooling, as a float.
Value divisorAt(BodyBuilder &body, const AxisTables &height,
                const AxisTables &width, Value oh, Value ow, Type type) {
  Value product =
      body.mul(body.lookup(height.divisor, oh), body.lookup(width.divisor, ow));
  Value asInteger = arith::IndexCastOp::create(body.b, body.loc,
                                               body.b.getI64Type(), product);
  return arith::SIToFPOp::create(body.b, body.loc, type, asInteger);
}

/// Lowers `adjit.max_pool2d_indices`: the eager kernel's walk from -inf,
/// moving to an element that is larger (ordered) or NaN.
struct MaxPoolIndicesLowering : OpConversionPattern<MaxPool2dIndicesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2dIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    semantics::Pool2d pool = mlir::adjit::detail::getPoolWindows(op);
    AxisTables height = buildAxisTables(rewriter, loc, pool.height);
    AxisTables width = buildAxisTables(rewriter, loc, pool.width);
    Value input = adaptor.getInput();
    Type elementType = cast<RankedTensorType>(input.getType()).getElementType();
    int64_t rowLength = pool.inputShape[3];
    Value result = buildPoolGeneric(
        rewriter, loc, op.getType(), {},
        [&](BodyBuilder &body, ArrayRef<Value> at, ValueRange) {
          Value first = body.add(
              body.mul(body.lookup(height.first, at[2]), body.index(rowLength)),
              body.lookup(width.first, at[3]));
          Value lowest = floatConstant(
              body, elementType, -std::numeric_limits<double>::infinity());
          ValueRange best = walkWindow(
              body, height, width, at[2], at[3], {lowest, first},
              [&](BodyBuilder &e, Value h, Value w, ValueRange acc) {
                Value value = tensor::ExtractOp::create(
                    e.b, e.loc, input, ValueRange{at[0], at[1], h, w});
                Value larger = arith::CmpFOp::create(
                    e.b, e.loc, arith::CmpFPredicate::OGT, value, acc[0]);
                Value isNaN = arith::CmpFOp::create(
                    e.b, e.loc, arith::CmpFPredicate::UNO, value, value);
                Value replaces =
                    arith::OrIOp::create(e.b, e.loc, larger, isNaN);
                Value position = e.add(e.mul(h, e.index(rowLength)), w);
                return SmallVector<Value>{
                    arith::SelectOp::create(e.b, e.loc, replaces, value,
                                            acc[0]),
                    arith::SelectOp::create(e.b, e.loc, replaces, position,
                                            acc[1])};
              });
          return arith::IndexCastOp::create(body.b, body.loc,
                                            body.b.getI64Type(), best[1])
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Lowers `adjit.max_pool2d_gather`: one read per output at its index
/// (clamped into the plane).
struct MaxPoolGatherLowering : OpConversionPattern<MaxPool2dGatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2dGatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    semantics::Pool2d pool = mlir::adjit::detail::getPoolWindows(op);
    int64_t rowLength = pool.inputShape[3];
    int64_t planeSize = pool.inputShape[2] * rowLength;
    Value values = adaptor.getValues();
    Value result = buildPoolGeneric(
        rewriter, op.getLoc(), op.getType(), {adaptor.getIndices()},
        [&](BodyBuilder &body, ArrayRef<Value> at, ValueRange args) {
          Value index = arith::IndexCastOp::create(
              body.b, body.loc, body.b.getIndexType(), args[0]);
          index =
              arith::MaxSIOp::create(body.b, body.loc, index, body.index(0));
          index = arith::MinSIOp::create(body.b, body.loc, index,
                                         body.index(planeSize - 1));
          Value row = arith::DivUIOp::create(body.b, body.loc, index,
                                             body.index(rowLength));
          Value column = arith::RemUIOp::create(body.b, body.loc, index,
                                                body.index(rowLength));
          return tensor::ExtractOp::create(
                     body.b, body.loc, values,
                     ValueRange{at[0], at[1], row, column})
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Lowers `adjit.max_pool2d_scatter`: every input position sums the source
/// elements of the outputs that read it and chose it.
struct MaxPoolScatterLowering : OpConversionPattern<MaxPool2dScatterOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPool2dScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    semantics::Pool2d pool = mlir::adjit::detail::getPoolWindows(op);
    AxisTables height = buildAxisTables(rewriter, loc, pool.height);
    AxisTables width = buildAxisTables(rewriter, loc, pool.width);
    Value source = adaptor.getSource(), indices = adaptor.getIndices();
    Type elementType = op.getType().getElementType();
    int64_t rowLength = pool.inputShape[3];
    Value result = buildPoolGeneric(
        rewriter, loc, op.getType(), {},
        [&](BodyBuilder &body, ArrayRef<Value> at, ValueRange) {
          Value position =
              body.add(body.mul(at[2], body.index(rowLength)), at[3]);
          return walkUsers(
              body, height, width, at[2], at[3],
              {floatConstant(body, elementType, 0.0)},
              [&](BodyBuilder &e, Value oh, Value ow, ValueRange acc) {
                ValueRange at4{at[0], at[1], oh, ow};
                Value chosen = arith::IndexCastOp::create(
                    e.b, e.loc, e.b.getIndexType(),
                    tensor::ExtractOp::create(e.b, e.loc, indices, at4));
                Value isHere = arith::CmpIOp::create(
                    e.b, e.loc, arith::CmpIPredicate::eq, chosen, position);
                Value sum = arith::AddFOp::create(
                    e.b, e.loc, acc[0],
                    tensor::ExtractOp::create(e.b, e.loc, source, at4));
                return SmallVector<Value>{
                    arith::SelectOp::create(e.b, e.loc, isHere, sum, acc[0])};
              })[0];
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Lowers `adjit.avg_pool2d` and `adjit.adaptive_avg_pool2d`: the sum of
/// each window divided by its divisor.
template <typename SourceOp>
struct WindowAverageLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    semantics::Pool2d pool = mlir::adjit::detail::getPoolWindows(op);
    AxisTables height = buildAxisTables(rewriter, loc, pool.height);
    AxisTables width = buildAxisTables(rewriter, loc, pool.width);
    Value input = adaptor.getInput();
    Type elementType = op.getType().getElementType();
    Value result = buildPoolGeneric(
        rewriter, loc, op.getType(), {},
        [&](BodyBuilder &body, ArrayRef<Value> at, ValueRange) {
          Value sum = walkWindow(
              body, height, width, at[2], at[3],
              {floatConstant(body, elementType, 0.0)},
              [&](BodyBuilder &e, Value h, Value w, ValueRange acc) {
                Value value = tensor::ExtractOp::create(
                    e.b, e.loc, input, ValueRange{at[0], at[1], h, w});
                return SmallVector<Value>{
                    arith::AddFOp::create(e.b, e.loc, acc[0], value)};
              })[0];
          return arith::DivFOp::create(
                     body.b, body.loc, sum,
                     divisorAt(body, height, width, at[2], at[3], elementType))
              .getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Lowers `adjit.avg_pool2d_backward` and
/// `adjit.adaptive_avg_pool2d_backward`: every input position sums the
/// elements of the outputs that read it, each divided by its divisor.
template <typename SourceOp>
struct WindowAverageBackwardLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    semantics::Pool2d pool = mlir::adjit::detail::getPoolWindows(op);
    AxisTables height = buildAxisTables(rewriter, loc, pool.height);
    AxisTables width = buildAxisTables(rewriter, loc, pool.width);
    Value grad = adaptor.getInput();
    Type elementType = op.getType().getElementType();
    Value result = buildPoolGeneric(
        rewriter, loc, op.getType(), {},
        [&](BodyBuilder &body, ArrayRef<Value> at, ValueRange) {
          return walkUsers(
              body, height, width, at[2], at[3],
              {floatConstant(body, elementType, 0.0)},
              [&](BodyBuilder &e, Value oh, Value ow, ValueRange acc) {
                Value value = tensor::ExtractOp::create(
                    e.b, e.loc, grad, ValueRange{at[0], at[1], oh, ow});
                Value share = arith::DivFOp::create(
                    e.b, e.loc, value,
                    divisorAt(e, height, width, oh, ow, elementType));
                return SmallVector<Value>{
                    arith::AddFOp::create(e.b, e.loc, acc[0], share)};
              })[0];
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::adjit::populatePoolingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolIndicesLowering, MaxPoolGatherLowering,
               MaxPoolScatterLowering, WindowAverageLowering<AvgPool2dOp>,
               WindowAverageLowering<AdaptiveAvgPool2dOp>,
               WindowAverageBackwardLowering<AvgPool2dBackwardOp>,
               WindowAverageBackwardLowering<AdaptiveAvgPool2dBackwardOp>>(
      patterns.getContext());
}
