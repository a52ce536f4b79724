//===- ElementwiseOps.cpp - adjit elementwise, compare and select ops -----===//

#include "FoldUtils.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <set>

using namespace mlir;
using namespace mlir::adjit;

//===----------------------------------------------------------------------===//
// Shared assembly format and type inference
//===----------------------------------------------------------------------===//

ParseResult adjit::detail::parseElementwiseOp(OpAsmParser &parser,
                                              OperationState &result,
                                              unsigned numOperands) {
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  Type type;
  SMLoc operandsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(operands, numOperands) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseColonType(type) ||
      parser.resolveOperands(operands, type, operandsLoc, result.operands))
    return failure();
  result.addTypes(type);
  return success();
}

void adjit::detail::printElementwiseOp(OpAsmPrinter &printer, Operation *op) {
  printer << ' ' << op->getOperands();
  printer.printOptionalAttrDict(op->getAttrs());
  printer << " : " << op->getResult(0).getType();
}

LogicalResult
adjit::detail::inferElementwiseResultType(std::optional<Location> location,
                                          StringRef opName, ValueRange operands,
                                          SmallVectorImpl<Type> &types) {
  Type type = operands.front().getType();
  for (Value operand : operands.drop_front()) {
    if (operand.getType() != type)
      return emitOptionalError(
          location, "'", opName,
          "' op requires operands of identical type, got ", type, " and ",
          operand.getType(),
          " (broadcasting is explicit: use adjit.broadcast)");
  }
  types.push_back(type);
  return success();
}

//===----------------------------------------------------------------------===//
// Folders of binary ops
//===----------------------------------------------------------------------===//

namespace {
/// Folds a binary op whose operands are both small float constants by
/// applying `calculate` to every pair of elements.
OpFoldResult foldConstantBinary(
    ArrayRef<Attribute> operands,
    function_ref<APFloat(const APFloat &, const APFloat &)> calculate) {
  if (!llvm::all_of(operands, isSmallFloatConstant))
    return {};
  return constFoldBinaryOp<FloatAttr, APFloat, void>(
      operands, [&](APFloat lhs, APFloat rhs) { return calculate(lhs, rhs); });
}
} // namespace

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  // x + -0 is x for every x, including -0; x + +0 is not (-0 + +0 is +0).
  auto isNegZero = [](const APFloat &v) { return v.isNegZero(); };
  if (isSplatFloatWhere(adaptor.getRhs(), isNegZero))
    return getLhs();
  if (isSplatFloatWhere(adaptor.getLhs(), isNegZero))
    return getRhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a + b; });
}

namespace {
/// add(concat(a...), concat(b...)) along one dim -> concat(add(a_i, b_i)...)
/// over the union of the two concats' piece boundaries. A piece that spans
/// several of those intervals must be a splat constant, which is split into
/// smaller splats. The gradient of a tensor that several slices read (q, k
/// and v of one projection) is such a sum of zero-padded pieces; after this
/// rewrite and constant folding, its pieces are written once instead of
/// each being padded to the full size and then added.
struct AddOfConcats : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;

  /// A part of a concat's input: input `input`, elements [start, end) of the
  /// concatenated dimension, relative to the input.
  struct Part {
    Value input;
    int64_t start, end;
  };

  LogicalResult matchAndRewrite(AddOp op,
                                PatternRewriter &rewriter) const override {
    auto lhs = op.getLhs().getDefiningOp<ConcatOp>();
    auto rhs = op.getRhs().getDefiningOp<ConcatOp>();
    if (!lhs || !rhs || lhs == rhs || lhs.getDim() != rhs.getDim() ||
        !lhs->hasOneUse() || !rhs->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not a sum of two concats");
    int64_t dim = lhs.getDim();
    std::set<int64_t> boundaries;
    for (ConcatOp concat : {lhs, rhs}) {
      int64_t offset = 0;
      for (Value input : concat.getInputs()) {
        boundaries.insert(offset);
        offset += cast<RankedTensorType>(input.getType()).getDimSize(dim);
      }
      boundaries.insert(offset);
    }
    SmallVector<int64_t> cuts(boundaries.begin(), boundaries.end());
    if (cuts.size() < 2)
      return rewriter.notifyMatchFailure(op, "empty concats");
    SmallVector<Part> lhsParts, rhsParts;
    if (failed(split(lhs, dim, cuts, lhsParts)) ||
        failed(split(rhs, dim, cuts, rhsParts)))
      return rewriter.notifyMatchFailure(
          op, "a piece spanning several pieces of the other concat is not a "
              "splat constant");
    SmallVector<Value> sums;
    for (auto [lhsPart, rhsPart] : llvm::zip_equal(lhsParts, rhsParts))
      sums.push_back(AddOp::create(
          rewriter, op.getLoc(), getPiece(rewriter, op.getLoc(), lhsPart, dim),
          getPiece(rewriter, op.getLoc(), rhsPart, dim)));
    rewriter.replaceOpWithNewOp<ConcatOp>(op, sums, dim);
    return success();
  }

  /// The parts of `concat`'s inputs over the intervals between `cuts` (which
  /// contain all of its boundaries); fails if an input that is not a splat
  /// constant would be cut.
  static LogicalResult split(ConcatOp concat, int64_t dim,
                             ArrayRef<int64_t> cuts,
                             SmallVectorImpl<Part> &parts) {
    const int64_t *cut = cuts.begin();
    int64_t offset = 0;
    for (Value input : concat.getInputs()) {
      int64_t size = cast<RankedTensorType>(input.getType()).getDimSize(dim);
      SmallVector<Part> inputParts;
      for (; cut + 1 != cuts.end() && cut[1] <= offset + size; ++cut)
        if (cut[1] > offset)
          inputParts.push_back({input, cut[0] - offset, cut[1] - offset});
      SplatElementsAttr splat;
      if (inputParts.size() > 1 && !matchPattern(input, m_Constant(&splat)))
        return failure();
      parts.append(inputParts);
      offset += size;
    }
    return success();
  }

  /// The value of `part`: its input, or a splat constant of its size.
  static Value getPiece(PatternRewriter &rewriter, Location loc,
                        const Part &part, int64_t dim) {
    auto type = cast<RankedTensorType>(part.input.getType());
    if (part.start == 0 && part.end == type.getDimSize(dim))
      return part.input;
    SplatElementsAttr splat;
    matchPattern(part.input, m_Constant(&splat));
    SmallVector<int64_t> shape(type.getShape());
    shape[dim] = part.end - part.start;
    return ConstantOp::create(
        rewriter, loc,
        SplatElementsAttr::get(type.clone(shape),
                               splat.getSplatValue<Attribute>()));
  }
};
} // namespace

void AddOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                        MLIRContext *context) {
  patterns.add<AddOfConcats>(context);
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  // x - +0 is x for every x, including -0.
  if (isSplatFloatWhere(adaptor.getRhs(),
                        [](const APFloat &v) { return v.isPosZero(); }))
    return getLhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (isSplatFloat(adaptor.getRhs(), 1.0))
    return getLhs();
  if (isSplatFloat(adaptor.getLhs(), 1.0))
    return getRhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (isSplatFloat(adaptor.getRhs(), 1.0))
    return getLhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return a / b; });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::maximum(a, b); });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  if (getLhs() == getRhs())
    return getLhs();
  return foldConstantBinary(
      adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) { return llvm::minimum(a, b); });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  // Only the exact identity x ^ 1 = x; pow of constants is left to the
  // runtime's pow so that folded and computed values never differ.
  if (isSplatFloat(adaptor.getRhs(), 1.0))
    return getLhs();
  return {};
}

//===----------------------------------------------------------------------===//
// Folders of unary ops
//===----------------------------------------------------------------------===//

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getOperand().getDefiningOp<NegOp>())
    return inner.getOperand();
  if (!isSmallFloatConstant(adaptor.getOperand()))
    return {};
  return constFoldUnaryOp<FloatAttr, APFloat, void>(adaptor.getOperands(),
                                                    [](APFloat value) {
                                                      value.changeSign();
                                                      return value;
                                                    });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getOperand().getDefiningOp<AbsOp>())
    return inner.getResult();
  if (!isSmallFloatConstant(adaptor.getOperand()))
    return {};
  return constFoldUnaryOp<FloatAttr, APFloat, void>(adaptor.getOperands(),
                                                    [](APFloat value) {
                                                      value.clearSign();
                                                      return value;
                                                    });
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  if (auto inner = getOperand().getDefiningOp<ReluOp>())
    return inner.getResult();
  return {};
}

//===----------------------------------------------------------------------===//
// CompareOp
//===----------------------------------------------------------------------===//

ParseResult CompareOp::parse(OpAsmParser &parser, OperationState &result) {
  StringRef keyword;
  SMLoc keywordLoc = parser.getCurrentLocation();
  if (parser.parseKeyword(&keyword) || parser.parseComma())
    return failure();
  std::optional<ComparePredicate> predicate =
      symbolizeComparePredicate(keyword);
  if (!predicate)
    return parser.emitError(keywordLoc, "unknown comparison predicate '")
           << keyword << "', expected one of eq, ne, lt, le, gt, ge";
  result.addAttribute(
      getPredicateAttrName(result.name),
      ComparePredicateAttr::get(parser.getContext(), *predicate));
  if (adjit::detail::parseElementwiseOp(parser, result, /*numOperands=*/2))
    return failure();
  auto type = dyn_cast<ShapedType>(result.types.front());
  if (!type)
    return parser.emitError(keywordLoc, "expected a tensor type, got ")
           << result.types.front();
  result.types.front() = type.clone(parser.getBuilder().getI1Type());
  return success();
}

void CompareOp::print(OpAsmPrinter &printer) {
  printer << ' ' << stringifyComparePredicate(getPredicate()) << ", "
          << getOperands();
  printer.printOptionalAttrDict((*this)->getAttrs(),
                                /*elidedAttrs=*/{getPredicateAttrName()});
  printer << " : " << getLhs().getType();
}

LogicalResult CompareOp::inferReturnTypes(MLIRContext *context,
                                          std::optional<Location> location,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  SmallVector<Type> operandTypes;
  if (failed(adjit::detail::inferElementwiseResultType(
          location, getOperationName(), adaptor.getOperands(), operandTypes)))
    return failure();
  auto type = dyn_cast<ShapedType>(operandTypes.front());
  if (!type)
    return emitOptionalError(location, "'", getOperationName(),
                             "' op expects tensor operands, got ",
                             operandTypes.front());
  types.push_back(type.clone(IntegerType::get(context, 1)));
  return success();
}

namespace {
bool evaluatePredicate(ComparePredicate predicate, const APFloat &lhs,
                       const APFloat &rhs) {
  APFloat::cmpResult order = lhs.compare(rhs);
  switch (predicate) {
  case ComparePredicate::eq:
    return order == APFloat::cmpEqual;
  case ComparePredicate::ne:
    return order != APFloat::cmpEqual;
  case ComparePredicate::lt:
    return order == APFloat::cmpLessThan;
  case ComparePredicate::le:
    return order == APFloat::cmpLessThan || order == APFloat::cmpEqual;
  case ComparePredicate::gt:
    return order == APFloat::cmpGreaterThan;
  case ComparePredicate::ge:
    return order == APFloat::cmpGreaterThan || order == APFloat::cmpEqual;
  }
  llvm_unreachable("unknown comparison predicate");
}
} // namespace

OpFoldResult CompareOp::fold(FoldAdaptor adaptor) {
  auto lhs = dyn_cast_or_null<DenseElementsAttr>(adaptor.getLhs());
  auto rhs = dyn_cast_or_null<DenseElementsAttr>(adaptor.getRhs());
  if (!isSmallFloatConstant(lhs) || !isSmallFloatConstant(rhs))
    return {};
  auto resultType = cast<ShapedType>(getType());
  if (lhs.isSplat() && rhs.isSplat())
    return DenseElementsAttr::get(
        resultType,
        evaluatePredicate(getPredicate(), lhs.getSplatValue<APFloat>(),
                          rhs.getSplatValue<APFloat>()));
  SmallVector<bool> values;
  values.reserve(resultType.getNumElements());
  for (auto [a, b] :
       llvm::zip_equal(lhs.getValues<APFloat>(), rhs.getValues<APFloat>()))
    values.push_back(evaluatePredicate(getPredicate(), a, b));
  return DenseElementsAttr::get(resultType, values);
}

//===----------------------------------------------------------------------===//
// SelectOp
//===----------------------------------------------------------------------===//

ParseResult SelectOp::parse(OpAsmParser &parser, OperationState &result) {
  SmallVector<OpAsmParser::UnresolvedOperand> operands;
  Type type;
  SMLoc operandsLoc = parser.getCurrentLocation();
  if (parser.parseOperandList(operands, /*requiredOperandCount=*/3) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parser.parseColonType(type))
    return failure();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return parser.emitError(operandsLoc, "expected a tensor type, got ")
           << type;
  Type conditionType = shaped.clone(parser.getBuilder().getI1Type());
  if (parser.resolveOperands(operands, {conditionType, type, type}, operandsLoc,
                             result.operands))
    return failure();
  result.addTypes(type);
  return success();
}

void SelectOp::print(OpAsmPrinter &printer) {
  printer << ' ' << getOperands();
  printer.printOptionalAttrDict((*this)->getAttrs());
  printer << " : " << getType();
}

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> location,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Type valueType = adaptor.getOnTrue().getType();
  if (adaptor.getOnFalse().getType() != valueType)
    return emitOptionalError(
        location, "'", getOperationName(),
        "' op requires on_true and on_false of identical type, got ", valueType,
        " and ", adaptor.getOnFalse().getType());
  auto condition = dyn_cast<ShapedType>(adaptor.getCondition().getType());
  auto value = dyn_cast<ShapedType>(valueType);
  if (!condition || !value || condition.getShape() != value.getShape())
    return emitOptionalError(location, "'", getOperationName(),
                             "' op requires a condition of the values' shape, "
                             "got condition ",
                             adaptor.getCondition().getType(), " and values ",
                             valueType);
  types.push_back(valueType);
  return success();
}

OpFoldResult SelectOp::fold(FoldAdaptor adaptor) {
  if (getOnTrue() == getOnFalse())
    return getOnTrue();
  auto condition = dyn_cast_or_null<SplatElementsAttr>(adaptor.getCondition());
  if (!condition)
    return {};
  return condition.getSplatValue<bool>() ? getOnTrue() : getOnFalse();
}
