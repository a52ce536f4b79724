//===- RandomPatterns.cpp - adjit.dropout_mask to a linalg.generic --------===//
//
// The mask is one `linalg.generic` whose body computes Philox-4x32-10 of the
// element's counter in `arith` ops, round by round as
// adjit/Semantics/Philox.h does, so compiled and eager masks are equal bit
// for bit (unittests/Tracing/DropoutTest.cpp compares them).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/Philox.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;
namespace philox = ::adjit::semantics::philox;

namespace {

Value constantI32(OpBuilder &b, Location loc, uint32_t value) {
  return arith::ConstantOp::create(
      b, loc, b.getI32IntegerAttr(static_cast<int32_t>(value)));
}

Value constantI64(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(value));
}

/// The low and high 32-bit words of the i64 `value`.
std::pair<Value, Value> splitWords(OpBuilder &b, Location loc, Value value) {
  Type i32 = b.getI32Type();
  Value low = arith::TruncIOp::create(b, loc, i32, value);
  Value shifted =
      arith::ShRUIOp::create(b, loc, value, constantI64(b, loc, 32));
  Value high = arith::TruncIOp::create(b, loc, i32, shifted);
  return {low, high};
}

/// The first word of Philox-4x32-10 of the i64 `counter` under the i64 `seed`
/// (philox::randomBits).
Value buildRandomBits(OpBuilder &b, Location loc, Value seed, Value counter) {
  auto [c0, c1] = splitWords(b, loc, counter);
  Value zero = constantI32(b, loc, 0);
  std::array<Value, 4> c = {c0, c1, zero, zero};
  auto [k0, k1] = splitWords(b, loc, seed);
  Value m0 = constantI32(b, loc, philox::kMultiplier0);
  Value m1 = constantI32(b, loc, philox::kMultiplier1);
  Value w0 = constantI32(b, loc, philox::kKeyIncrement0);
  Value w1 = constantI32(b, loc, philox::kKeyIncrement1);
  for (int round = 0; round < philox::kRounds; ++round) {
    if (round > 0) {
      k0 = arith::AddIOp::create(b, loc, k0, w0);
      k1 = arith::AddIOp::create(b, loc, k1, w1);
    }
    auto product0 = arith::MulUIExtendedOp::create(b, loc, m0, c[0]);
    auto product1 = arith::MulUIExtendedOp::create(b, loc, m1, c[2]);
    Value x0 = arith::XOrIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, product1.getHigh(), c[1]), k0);
    Value x2 = arith::XOrIOp::create(
        b, loc, arith::XOrIOp::create(b, loc, product0.getHigh(), c[3]), k1);
    c = {x0, product1.getLow(), x2, product0.getLow()};
  }
  return c[0];
}

/// The row-major linear index (i64) of the current element of a generic
/// over `shape`.
Value buildLinearIndex(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  Value index = constantI64(b, loc, 0);
  for (auto [dim, size] : llvm::enumerate(shape)) {
    Value position = arith::IndexCastOp::create(
        b, loc, b.getI64Type(), linalg::IndexOp::create(b, loc, dim));
    index = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, index, constantI64(b, loc, size)),
        position);
  }
  return index;
}

/// Lowers `adjit.dropout_mask` to a `linalg.generic` with no inputs that
/// computes each element from its counter (offset + linear index).
struct DropoutMaskLowering : OpConversionPattern<DropoutMaskOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(DropoutMaskOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    double p = op.getP().convertToDouble();
    Value seed = tensor::ExtractOp::create(rewriter, loc, adaptor.getSeed(),
                                           ValueRange{});
    Value offset = tensor::ExtractOp::create(rewriter, loc, adaptor.getOffset(),
                                             ValueRange{});
    Value mask = lowering::buildElementwiseGeneric(
        rewriter, loc, type, ValueRange{},
        [&](OpBuilder &b, Location nestedLoc, ValueRange) {
          Value counter = arith::AddIOp::create(
              b, nestedLoc, offset,
              buildLinearIndex(b, nestedLoc, type.getShape()));
          Value bits = buildRandomBits(b, nestedLoc, seed, counter);
          // philox::dropoutKeeps: (bits >> 8) * 2^-24 < 1 - p, in f64.
          Value high24 = arith::ShRUIOp::create(b, nestedLoc, bits,
                                                constantI32(b, nestedLoc, 8));
          Value uniform = arith::MulFOp::create(
              b, nestedLoc,
              arith::UIToFPOp::create(b, nestedLoc, b.getF64Type(), high24),
              arith::ConstantOp::create(b, nestedLoc,
                                        b.getF64FloatAttr(0x1.0p-24)));
          Value keeps = arith::CmpFOp::create(
              b, nestedLoc, arith::CmpFPredicate::OLT, uniform,
              arith::ConstantOp::create(b, nestedLoc,
                                        b.getF64FloatAttr(1.0 - p)));
          Value kept = arith::ConstantOp::create(
              b, nestedLoc,
              b.getFloatAttr(elementType, philox::dropoutScale(p)));
          Value dropped = arith::ConstantOp::create(
              b, nestedLoc, b.getFloatAttr(elementType, 0.0));
          return arith::SelectOp::create(b, nestedLoc, keeps, kept, dropped)
              .getResult();
        });
    rewriter.replaceOp(op, mask);
    return success();
  }
};

} // namespace

void mlir::adjit::populateRandomToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<DropoutMaskLowering>(patterns.getContext());
}
