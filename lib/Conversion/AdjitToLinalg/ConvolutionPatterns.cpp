//===- ConvolutionPatterns.cpp - adjit convolutions to im2col and GEMM ----===//
//
// adjit.conv2d of x [N, C, H, W] by w [O, C/G, KH, KW] becomes, as the eager
// kernel computes it (lib/Runtime/Convolution.cpp):
//   xpad = tensor.pad x                          (if there is padding)
//   col  = linalg.generic gather [G, C/G, KH, KW, N, OH, OW]
//          col[g, c, kh, kw, n, i, j] = xpad[n, g C/G + c, i sh + kh dh,
//                                            j sw + kw dw]
//   y'   = linalg.batch_matmul (w as [G, O/G, C/G KH KW]) x
//          (col as [G, C/G KH KW, N OH OW])
//   y    = linalg.transpose of y' as [G, O/G, N, OH, OW] to NCHW.
// The products are large GEMMs, which adjit-matmul-to-blas turns into
// OpenBLAS calls. The weight adjoint is the product of the output adjoint
// (as [G, O/G, N OH OW]) with col transposed; the input adjoint is the
// product of w transposed with the output adjoint, scattered back onto the
// padded input by one strided add per kernel tap (col2im) and cropped.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "adjit/Conversion/AdjitToLinalg/AdjitToLinalg.h"
#include "adjit/Dialect/Adjit/IR/Adjit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::adjit;

namespace {

/// The sizes and attributes of a convolution op (any of the three).
struct Geometry {
  int64_t n, c, h, w, o, kh, kw, oh, ow, groups;
  int64_t sh, sw, dh, dw;
  SmallVector<int64_t> padding; // top, left, bottom, right
  Type elementType;

  int64_t channelsPerGroup() const { return c / groups; }
  int64_t outPerGroup() const { return o / groups; }
  int64_t paddedHeight() const { return h + padding[0] + padding[2]; }
  int64_t paddedWidth() const { return w + padding[1] + padding[3]; }
  bool padded() const {
    return llvm::any_of(padding, [](int64_t p) { return p != 0; });
  }

  RankedTensorType type(ArrayRef<int64_t> shape) const {
    return RankedTensorType::get(shape, elementType);
  }
};

/// The geometry of `op`, whose forward convolution's input, weight and output
/// have the types of `input`, `weight` and `output` (the verifier checked
/// that they fit).
template <typename OpTy>
Geometry getGeometry(OpTy op, Type input, Type weight, Type output) {
  ArrayRef<int64_t> x = cast<RankedTensorType>(input).getShape();
  ArrayRef<int64_t> w = cast<RankedTensorType>(weight).getShape();
  ArrayRef<int64_t> y = cast<RankedTensorType>(output).getShape();
  return {x[0],
          x[1],
          x[2],
          x[3],
          w[0],
          w[2],
          w[3],
          y[2],
          y[3],
          op.getGroupsAttr().getInt(),
          op.getStride()[0],
          op.getStride()[1],
          op.getDilation()[0],
          op.getDilation()[1],
          SmallVector<int64_t>(op.getPadding()),
          cast<RankedTensorType>(input).getElementType()};
}

/// The lowering's building blocks for one convolution.
class ConvolutionBuilder {
public:
  ConvolutionBuilder(OpBuilder &b, Location loc, const Geometry &g)
      : b(b), loc(loc), g(g) {}

  /// The columns matrix of `x` as [G, C/G KH KW, N OH OW].
  Value columns(Value x) {
    if (g.padded()) {
      SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(g.padding[0]),
                                       b.getIndexAttr(g.padding[1])};
      SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                        b.getIndexAttr(g.padding[2]),
                                        b.getIndexAttr(g.padding[3])};
      Value zero =
          arith::ConstantOp::create(b, loc, b.getZeroAttr(g.elementType));
      x = tensor::PadOp::create(
          b, loc, g.type({g.n, g.c, g.paddedHeight(), g.paddedWidth()}), x, low,
          high, zero);
    }
    MLIRContext *context = b.getContext();
    // Loops (group, c, kh, kw, n, i, j), all parallel.
    SmallVector<AffineExpr> d;
    for (unsigned i = 0; i < 7; ++i)
      d.push_back(getAffineDimExpr(i, context));
    AffineMap read =
        AffineMap::get(7, 0,
                       {d[4], d[0] * g.channelsPerGroup() + d[1],
                        d[5] * g.sh + d[2] * g.dh, d[6] * g.sw + d[3] * g.dw},
                       context);
    AffineMap write = AffineMap::getMultiDimIdentityMap(7, context);
    RankedTensorType colType =
        g.type({g.groups, g.channelsPerGroup(), g.kh, g.kw, g.n, g.oh, g.ow});
    Value empty =
        tensor::EmptyOp::create(b, loc, colType.getShape(), g.elementType);
    Value col =
        linalg::GenericOp::create(
            b, loc, TypeRange{colType}, ValueRange{x}, ValueRange{empty},
            ArrayRef<AffineMap>{read, write},
            SmallVector<utils::IteratorType>(7, utils::IteratorType::parallel),
            [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
              linalg::YieldOp::create(nested, nestedLoc, args[0]);
            })
            .getResult(0);
    return tensor::CollapseShapeOp::create(
        b, loc, col,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5, 6}});
  }

  /// The weight [O, C/G, KH, KW] as [G, O/G, C/G KH KW].
  Value weightMatrices(Value weight) {
    Value split = tensor::ExpandShapeOp::create(
        b, loc,
        g.type({g.groups, g.outPerGroup(), g.channelsPerGroup(), g.kh, g.kw}),
        weight, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    return tensor::CollapseShapeOp::create(
        b, loc, split, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
  }

  /// [G, O/G, C/G KH KW] back to the weight [O, C/G, KH, KW].
  Value weightFromMatrices(Value matrices) {
    Value split = tensor::ExpandShapeOp::create(
        b, loc,
        g.type({g.groups, g.outPerGroup(), g.channelsPerGroup(), g.kh, g.kw}),
        matrices, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
    return tensor::CollapseShapeOp::create(
        b, loc, split,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
  }

  /// An output-shaped [N, O, OH, OW] value as [G, O/G, N OH OW].
  Value outputMatrices(Value output) {
    Value split = tensor::ExpandShapeOp::create(
        b, loc, g.type({g.n, g.groups, g.outPerGroup(), g.oh, g.ow}), output,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    Value moved = transpose(split, {1, 2, 0, 3, 4});
    return tensor::CollapseShapeOp::create(
        b, loc, moved, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
  }

  /// [G, O/G, N OH OW] back to the output [N, O, OH, OW].
  Value outputFromMatrices(Value matrices) {
    Value split = tensor::ExpandShapeOp::create(
        b, loc, g.type({g.groups, g.outPerGroup(), g.n, g.oh, g.ow}), matrices,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
    Value moved = transpose(split, {2, 0, 1, 3, 4});
    return tensor::CollapseShapeOp::create(
        b, loc, moved,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  }

  /// The batched product lhs x rhs of [G, M, K] and [G, K, N] matrices
  /// (each possibly stored transposed) on a zero fill.
  Value product(Value lhs, Value rhs, bool transposeLhs, bool transposeRhs,
                int64_t m, int64_t n) {
    RankedTensorType type = g.type({g.groups, m, n});
    Value init =
        lowering::buildFilledTensor(b, loc, type, b.getZeroAttr(g.elementType));
    NamedAttribute maps = b.getNamedAttr(
        "indexing_maps",
        b.getAffineMapArrayAttr(lowering::getProductMaps(
            b.getContext(), /*batched=*/true, transposeLhs, transposeRhs)));
    return linalg::BatchMatmulOp::create(b, loc, TypeRange{type},
                                         ValueRange{lhs, rhs}, ValueRange{init},
                                         {maps})
        .getResult(0);
  }

  /// The input adjoint [N, C, H, W] from the columns' adjoint
  /// [G, C/G KH KW, N OH OW]: every column element is added to the padded
  /// input element it was read from, one kernel tap (kh, kw) after the
  /// other, and the padding is cropped.
  Value inputFromColumns(Value columns) {
    int64_t cg = g.channelsPerGroup();
    Value col = tensor::ExpandShapeOp::create(
        b, loc, g.type({g.groups, cg, g.kh, g.kw, g.n, g.oh, g.ow}), columns,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5, 6}});
    RankedTensorType paddedType =
        g.type({g.n, g.groups, cg, g.paddedHeight(), g.paddedWidth()});
    Value padded = lowering::buildFilledTensor(b, loc, paddedType,
                                               b.getZeroAttr(g.elementType));
    MLIRContext *context = b.getContext();
    SmallVector<AffineExpr> d;
    for (unsigned i = 0; i < 5; ++i)
      d.push_back(getAffineDimExpr(i, context));
    RankedTensorType tapType = g.type({g.n, g.groups, cg, g.oh, g.ow});
    AffineMap identity = AffineMap::getMultiDimIdentityMap(5, context);
    SmallVector<OpFoldResult> sizes;
    for (int64_t size : tapType.getShape())
      sizes.push_back(b.getIndexAttr(size));
    SmallVector<OpFoldResult> strides = {
        b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(1),
        b.getIndexAttr(g.sh), b.getIndexAttr(g.sw)};
    for (int64_t kh = 0; kh < g.kh; ++kh)
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        SmallVector<OpFoldResult> offsets = {
            b.getIndexAttr(0), b.getIndexAttr(0), b.getIndexAttr(0),
            b.getIndexAttr(kh * g.dh), b.getIndexAttr(kw * g.dw)};
        Value window = tensor::ExtractSliceOp::create(b, loc, tapType, padded,
                                                      offsets, sizes, strides);
        // Loops (n, group, c, i, j): window += col[group, c, kh, kw, n, i, j].
        AffineMap tap = AffineMap::get(
            5, 0,
            {d[1], d[2], getAffineConstantExpr(kh, context),
             getAffineConstantExpr(kw, context), d[0], d[3], d[4]},
            context);
        Value sum =
            linalg::GenericOp::create(
                b, loc, TypeRange{tapType}, ValueRange{col}, ValueRange{window},
                ArrayRef<AffineMap>{tap, identity},
                SmallVector<utils::IteratorType>(5,
                                                 utils::IteratorType::parallel),
                [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
                  Value added = arith::AddFOp::create(nested, nestedLoc,
                                                      args[1], args[0]);
                  linalg::YieldOp::create(nested, nestedLoc, added);
                })
                .getResult(0);
        padded = tensor::InsertSliceOp::create(b, loc, sum, padded, offsets,
                                               sizes, strides);
      }
    Value merged = tensor::CollapseShapeOp::create(
        b, loc, padded,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    if (!g.padded())
      return merged;
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(g.padding[0]),
                                         b.getIndexAttr(g.padding[1])};
    SmallVector<OpFoldResult> inputSizes = {
        b.getIndexAttr(g.n), b.getIndexAttr(g.c), b.getIndexAttr(g.h),
        b.getIndexAttr(g.w)};
    SmallVector<OpFoldResult> ones(4, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, g.type({g.n, g.c, g.h, g.w}),
                                          merged, offsets, inputSizes, ones);
  }

private:
  Value transpose(Value value, ArrayRef<int64_t> permutation) {
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(value.getType()).getShape();
    SmallVector<int64_t> moved;
    for (int64_t dim : permutation)
      moved.push_back(shape[dim]);
    Value init = tensor::EmptyOp::create(b, loc, moved, g.elementType);
    return linalg::TransposeOp::create(b, loc, value, init, permutation)
        .getResult()[0];
  }

  OpBuilder &b;
  Location loc;
  const Geometry &g;
};

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Geometry g = getGeometry(op, op.getLhs().getType(), op.getRhs().getType(),
                             op.getType());
    ConvolutionBuilder build(rewriter, op.getLoc(), g);
    Value col = build.columns(adaptor.getLhs());
    Value weight = build.weightMatrices(adaptor.getRhs());
    Value product = build.product(weight, col, false, false, g.outPerGroup(),
                                  g.n * g.oh * g.ow);
    rewriter.replaceOp(op, build.outputFromMatrices(product));
    return success();
  }
};

struct Conv2DBackwardInputLowering
    : OpConversionPattern<Conv2DBackwardInputOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DBackwardInputOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Geometry g = getGeometry(op, op.getType(), op.getRhs().getType(),
                             op.getLhs().getType());
    ConvolutionBuilder build(rewriter, op.getLoc(), g);
    Value grad = build.outputMatrices(adaptor.getLhs());
    Value weight = build.weightMatrices(adaptor.getRhs());
    // [G, C/G KH KW, N OH OW] = W^T dY, group by group.
    Value columns =
        build.product(weight, grad, /*transposeLhs=*/true, false,
                      g.channelsPerGroup() * g.kh * g.kw, g.n * g.oh * g.ow);
    rewriter.replaceOp(op, build.inputFromColumns(columns));
    return success();
  }
};

struct Conv2DBackwardWeightLowering
    : OpConversionPattern<Conv2DBackwardWeightOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DBackwardWeightOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Geometry g = getGeometry(op, op.getRhs().getType(), op.getType(),
                             op.getLhs().getType());
    ConvolutionBuilder build(rewriter, op.getLoc(), g);
    Value grad = build.outputMatrices(adaptor.getLhs());
    Value col = build.columns(adaptor.getRhs());
    // [G, O/G, C/G KH KW] = dY col^T, group by group.
    Value product =
        build.product(grad, col, false, /*transposeRhs=*/true, g.outPerGroup(),
                      g.channelsPerGroup() * g.kh * g.kw);
    rewriter.replaceOp(op, build.weightFromMatrices(product));
    return success();
  }
};

} // namespace

void adjit::populateConvolutionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, Conv2DBackwardInputLowering,
               Conv2DBackwardWeightLowering>(patterns.getContext());
}
