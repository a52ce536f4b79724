//===- ElementwisePatterns.cpp - adjit elementwise ops to linalg.generic --===//
//
// Every elementwise op becomes one `linalg.generic` with identity maps whose
// body is the scalar arith/math expression below, so that
// `linalg-fuse-elementwise-ops` can fuse chains of them.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Conversion/AdjitToLinalg/RuntimeFunctions.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"
#include "adjit/Semantics/Erf.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

Value zeroLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<FloatType>(like.getType());
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
}

Value oneLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<FloatType>(like.getType());
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 1.0));
}

// The scalar bodies of the unary primitives of Ops.def marked Custom.
Value buildCustomScalar(NegOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::NegFOp::create(b, loc, a[0]);
}
Value buildCustomScalar(SigmoidOp, OpBuilder &b, Location loc, ValueRange a) {
  // 1 / (1 + exp(-x)): exp(-x) overflows to +inf for very negative x, giving
  // exactly 0, and underflows to 0 for large x, giving exactly 1.
  Value negated = arith::NegFOp::create(b, loc, a[0]);
  Value exp = math::ExpOp::create(b, loc, negated);
  Value one = oneLike(b, loc, a[0]);
  Value denominator = arith::AddFOp::create(b, loc, one, exp);
  return arith::DivFOp::create(b, loc, one, denominator);
}
Value buildCustomScalar(ReluOp, OpBuilder &b, Location loc, ValueRange a) {
  // max(x, 0) with NaN propagation, like adjit.max: relu(NaN) is NaN.
  return arith::MaximumFOp::create(b, loc, a[0], zeroLike(b, loc, a[0]));
}
Value buildCustomScalar(SignOp, OpBuilder &b, Location loc, ValueRange a) {
  // (0 < x) - (x < 0): 0 for zeros of either sign and for NaN.
  Value zero = zeroLike(b, loc, a[0]);
  Value one = oneLike(b, loc, a[0]);
  Value minusOne = arith::NegFOp::create(b, loc, one);
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, a[0], zero);
  Value negative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a[0], zero);
  Value negativeOrZero =
      arith::SelectOp::create(b, loc, negative, minusOne, zero);
  return arith::SelectOp::create(b, loc, positive, one, negativeOrZero);
}

/// Builds the operations of semantics::erfF32 (adjit/Semantics/Erf.h) as
/// arith and math ops (math.fma for its fused multiply-adds), without
/// fast-math flags, so the compiled erf is the eager kernel's bit for bit.
struct ArithErfBuilder {
  using Value = mlir::Value;
  OpBuilder &b;
  Location loc;

  Value widen(Value x) {
    return arith::ExtFOp::create(b, loc, b.getF64Type(), x);
  }
  Value narrow(Value x) {
    return arith::TruncFOp::create(b, loc, b.getF32Type(), x);
  }
  Value add(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  /// x * y + z rounded once: llvm.fma, an FMA instruction on CPUs with one
  /// and the C library's fma elsewhere.
  Value fma(Value x, Value y, Value z) {
    return math::FmaOp::create(b, loc, x, y, z);
  }
  Value abs(Value x) { return math::AbsFOp::create(b, loc, x); }
  Value copysign(Value x, Value y) {
    return math::CopySignOp::create(b, loc, x, y);
  }
  Value less(Value x, Value y) {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, y);
  }
  Value select(Value mask, Value x, Value y) {
    return arith::SelectOp::create(b, loc, mask, x, y);
  }
  Value constant(Value, double value) {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(value));
  }
};
/// erf: on f32 the eager kernel's algorithm, on f64 math.erf (the C
/// library's erf, as eagerly).
Value buildErf(OpBuilder &b, Location loc, Value x) {
  if (!x.getType().isF32())
    return math::ErfOp::create(b, loc, x);
  ArithErfBuilder builder{b, loc};
  return ::adjit::semantics::erfF32(builder, x);
}

// The scalar bodies of the elementwise ops that are defined on i64 (their
// acceptsIntegers()); arithmetic wraps, as the eager int64 kernels'.
Value buildIntegerScalar(NegOp, OpBuilder &b, Location loc, ValueRange a) {
  Value zero =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(a[0].getType(), 0));
  return arith::SubIOp::create(b, loc, zero, a[0]);
}
Value buildIntegerScalar(AbsOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::AbsIOp::create(b, loc, a[0]);
}
Value buildIntegerScalar(ReluOp, OpBuilder &b, Location loc, ValueRange a) {
  Value zero =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(a[0].getType(), 0));
  return arith::MaxSIOp::create(b, loc, a[0], zero);
}
Value buildIntegerScalar(SignOp, OpBuilder &b, Location loc, ValueRange a) {
  // (0 < x) - (x < 0), as the eager kernel.
  Type type = a[0].getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, 0));
  Value positive =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, a[0], zero);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0], zero);
  return arith::SubIOp::create(b, loc,
                               arith::ExtUIOp::create(b, loc, type, positive),
                               arith::ExtUIOp::create(b, loc, type, negative));
}
Value buildIntegerScalar(AddOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::AddIOp::create(b, loc, a[0], a[1]);
}
Value buildIntegerScalar(SubOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::SubIOp::create(b, loc, a[0], a[1]);
}
Value buildIntegerScalar(MulOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::MulIOp::create(b, loc, a[0], a[1]);
}
Value buildIntegerScalar(MaxOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::MaxSIOp::create(b, loc, a[0], a[1]);
}
Value buildIntegerScalar(MinOp, OpBuilder &b, Location loc, ValueRange a) {
  return arith::MinSIOp::create(b, loc, a[0], a[1]);
}
/// The ops that are not defined on i64 (their verifier rejects it) have no
/// integer body.
template <typename OpTy>
Value buildIntegerScalar(OpTy, OpBuilder &, Location, ValueRange) {
  static_assert(!OpTy::acceptsIntegers(),
                "an op defined on i64 needs an integer scalar body");
  return {};
}

/// A call of the JIT runtime's scalar function `function`, declared by
/// declareRuntimeScalarFunctions before the conversion.
Value buildRuntimeCall(StringRef function, OpBuilder &b, Location loc,
                       Value operand) {
  Type type = operand.getType();
  std::string name = getRuntimeScalarFunctionName(function, type.isF32());
  return func::CallOp::create(b, loc, name, TypeRange{type},
                              ValueRange{operand})
      .getResult(0);
}
Value buildCustomScalar(LgammaOp, OpBuilder &b, Location loc, ValueRange a) {
  return buildRuntimeCall("lgamma", b, loc, a[0]);
}
Value buildCustomScalar(DigammaOp, OpBuilder &b, Location loc, ValueRange a) {
  return buildRuntimeCall("digamma", b, loc, a[0]);
}

/// The `MathOp` and `ScalarOp` columns of Ops.def: an arith or math dialect
/// op, or Custom.
namespace scalar_body {
using namespace mlir::arith;
using namespace mlir::math;
struct Custom {};
} // namespace scalar_body

/// Builds the scalar body of a unary primitive whose MathOp is `MathOp`.
template <typename MathOp> struct PrimitiveScalarBody {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a) {
    return MathOp::create(b, loc, a[0]);
  }
};
/// Ops.def's `ErfOp` is math.erf for f64 only (see buildErf).
template <> struct PrimitiveScalarBody<math::ErfOp> {
  template <typename OpTy>
  static Value build(OpTy, OpBuilder &b, Location loc, ValueRange a) {
    return buildErf(b, loc, a[0]);
  }
};
template <> struct PrimitiveScalarBody<scalar_body::Custom> {
  template <typename OpTy>
  static Value build(OpTy op, OpBuilder &b, Location loc, ValueRange a) {
    return buildCustomScalar(op, b, loc, a);
  }
};

#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  Value buildScalar(Kind##Op op, OpBuilder &b, Location loc, ValueRange a) {   \
    return PrimitiveScalarBody<scalar_body::MathOp>::build(op, b, loc, a);     \
  }
#include "adjit/Semantics/Ops.def"

#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  Value buildScalar(IROp, OpBuilder &b, Location loc, ValueRange a) {          \
    return scalar_body::ScalarOp::create(b, loc, a[0], a[1]);                  \
  }
#include "adjit/Semantics/Ops.def"

Value buildScalar(RsqrtOp, OpBuilder &b, Location loc, ValueRange a) {
  return math::RsqrtOp::create(b, loc, a[0]);
}

/// Lowers an elementwise op with a scalar expression from `buildScalar`.
template <typename SourceOp>
struct ElementwiseLowering : OpConversionPattern<SourceOp> {
  using OpConversionPattern<SourceOp>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SourceOp op, typename SourceOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    bool integer = isa<IntegerType>(type.getElementType());
    if (integer && !SourceOp::acceptsIntegers())
      return rewriter.notifyMatchFailure(op, "not defined on integers");
    Value result = lowering::buildElementwiseGeneric(
        rewriter, op.getLoc(), type, adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return integer ? buildIntegerScalar(op, b, loc, args)
                         : buildScalar(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

arith::CmpFPredicate toArithPredicate(ComparePredicate predicate) {
  // Ordered comparisons are false when an operand is NaN; `ne` is the
  // unordered "not equal", true when an operand is NaN.
  switch (predicate) {
  case ComparePredicate::eq:
    return arith::CmpFPredicate::OEQ;
  case ComparePredicate::ne:
    return arith::CmpFPredicate::UNE;
  case ComparePredicate::lt:
    return arith::CmpFPredicate::OLT;
  case ComparePredicate::le:
    return arith::CmpFPredicate::OLE;
  case ComparePredicate::gt:
    return arith::CmpFPredicate::OGT;
  case ComparePredicate::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown adjit.compare predicate");
}

arith::CmpIPredicate toArithIntegerPredicate(ComparePredicate predicate) {
  switch (predicate) {
  case ComparePredicate::eq:
    return arith::CmpIPredicate::eq;
  case ComparePredicate::ne:
    return arith::CmpIPredicate::ne;
  case ComparePredicate::lt:
    return arith::CmpIPredicate::slt;
  case ComparePredicate::le:
    return arith::CmpIPredicate::sle;
  case ComparePredicate::gt:
    return arith::CmpIPredicate::sgt;
  case ComparePredicate::ge:
    return arith::CmpIPredicate::sge;
  }
  llvm_unreachable("unknown adjit.compare predicate");
}

struct CompareLowering : OpConversionPattern<CompareOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CompareOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ComparePredicate predicate = op.getPredicate();
    bool integer = isa<IntegerType>(
        cast<RankedTensorType>(op.getLhs().getType()).getElementType());
    Value result = lowering::buildElementwiseGeneric(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          if (integer)
            return arith::CmpIOp::create(
                b, loc, toArithIntegerPredicate(predicate), args[0], args[1]);
          return arith::CmpFOp::create(b, loc, toArithPredicate(predicate),
                                       args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SelectLowering : OpConversionPattern<SelectOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = lowering::buildElementwiseGeneric(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConvertLowering : OpConversionPattern<ConvertOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    Value operand = adaptor.getOperand();
    if (operand.getType() == resultType) {
      rewriter.replaceOp(op, operand);
      return success();
    }
    Type resultElementType = resultType.getElementType();
    Type operandElementType =
        cast<RankedTensorType>(operand.getType()).getElementType();
    Value result = lowering::buildElementwiseGeneric(
        rewriter, op.getLoc(), resultType, operand,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          // i64 to float rounds to nearest even, float to i64 truncates
          // toward zero, as C++ conversions (the eager kernels) do.
          if (isa<IntegerType>(operandElementType))
            return arith::SIToFPOp::create(b, loc, resultElementType, args[0]);
          if (isa<IntegerType>(resultElementType))
            return arith::FPToSIOp::create(b, loc, resultElementType, args[0]);
          if (resultElementType.getIntOrFloatBitWidth() >
              operandElementType.getIntOrFloatBitWidth())
            return arith::ExtFOp::create(b, loc, resultElementType, args[0]);
          // Rounds to nearest even.
          return arith::TruncFOp::create(b, loc, resultElementType, args[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantLowering : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

struct StopGradientLowering : OpConversionPattern<StopGradientOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(StopGradientOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Differentiation is over: the value is the operand's.
    rewriter.replaceOp(op, adaptor.getOperand());
    return success();
  }
};

} // namespace

LogicalResult mlir::adjit::declareRuntimeScalarFunctions(ModuleOp module) {
  SymbolTable symbols(module);
  WalkResult result = module.walk([&](Operation *op) {
    StringRef function;
    if (isa<LgammaOp>(op))
      function = "lgamma";
    else if (isa<DigammaOp>(op))
      function = "digamma";
    else
      return WalkResult::advance();
    Type type = getElementTypeOrSelf(op->getResult(0).getType());
    std::string name = getRuntimeScalarFunctionName(function, type.isF32());
    auto signature = FunctionType::get(module.getContext(), type, type);
    Operation *existing = symbols.lookup(name);
    if (!existing) {
      OpBuilder builder = OpBuilder::atBlockBegin(module.getBody());
      auto declaration =
          func::FuncOp::create(builder, op->getLoc(), name, signature);
      declaration.setPrivate();
      symbols.insert(declaration);
      return WalkResult::advance();
    }
    auto declared = dyn_cast<func::FuncOp>(existing);
    if (declared && declared.isDeclaration() &&
        declared.getFunctionType() == signature)
      return WalkResult::advance();
    op->emitOpError("cannot call the runtime function '")
        << name << "': the module defines another symbol of that name";
    return WalkResult::interrupt();
  });
  return failure(result.wasInterrupted());
}

void mlir::adjit::populateElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ElementwiseLowering<RsqrtOp>, CompareLowering, SelectLowering,
               ConvertLowering, ConstantLowering, StopGradientLowering>(
      patterns.getContext());
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  patterns.add<ElementwiseLowering<Kind##Op>>(patterns.getContext());
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  patterns.add<ElementwiseLowering<IROp>>(patterns.getContext());
#include "adjit/Semantics/Ops.def"
}
