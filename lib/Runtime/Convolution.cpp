//===- Convolution.cpp - conv1d and conv2d: im2col and OpenBLAS -----------===//
//
// A 2-D convolution of x [N, C, H, W] with w [O, C / G, KH, KW] is, group by
// group, one matrix product: the columns matrix col [C * KH * KW, N * OH *
// OW] holds in row (c, kh, kw) and column (n, oh, ow) the input element the
// kernel tap (kh, kw) of channel c reads for output position (oh, ow) of
// sample n (zero in the padding), and y[n, o] = W_g col_g with W_g the
// weight of group g as an [O / G, C / G * KH * KW] matrix. The compiled
// lowering (ConvolutionPatterns.cpp) builds the same columns and products, so
// eager and compiled code sum in one order.
//
// The two adjoints are eager ops of their own, with autograd nodes, so that a
// backward with create_graph is differentiable again: conv2d(x, w) is
// bilinear, and so are its input gradient (of the output adjoint and w) and
// its weight gradient (of the output adjoint and x); the three ops are closed
// under differentiation.
//
//===----------------------------------------------------------------------===//

#include "AutogradImpl.h"
#include "adjit/Runtime/Gemm.h"
#include "adjit/Runtime/OpObserver.h"

#include <algorithm>
#include <cstring>

using namespace adjit;

namespace {

/// A 2-D convolution's sizes and resolved attributes.
struct Geometry {
  int64_t n, c, h, w; // input
  int64_t o, kh, kw;  // weight [o, c / groups, kh, kw]
  int64_t oh, ow;     // output spatial sizes
  int64_t groups;     // channel groups
  int64_t sh, sw;     // strides
  int64_t pt, pl;     // padding before the input (top, left)
  int64_t pb, pr;     // padding after the input (bottom, right)
  int64_t dh, dw;     // dilations

  int64_t channelsPerGroup() const { return c / groups; }
  int64_t outPerGroup() const { return o / groups; }
  /// Rows of the columns matrix per group, C / G * KH * KW.
  int64_t rowsPerGroup() const { return channelsPerGroup() * kh * kw; }
  /// Columns of the columns matrix, N * OH * OW.
  int64_t positions() const { return n * oh * ow; }
  Shape inputShape() const { return {n, c, h, w}; }
  Shape weightShape() const { return {o, c / groups, kh, kw}; }
  Shape outputShape() const { return {n, o, oh, ow}; }
  std::vector<int64_t> attrInts() const {
    return {sh, sw, pt, pl, pb, pr, dh, dw, groups};
  }
};

/// The geometry of the convolution of 4-D `input` and `weight` shapes under
/// the 2-D `attrs`; throws naming `op` if they do not fit.
Geometry makeGeometry(const char *op, const Shape &input, const Shape &weight,
                      const semantics::ConvolutionAttrs &attrs) {
  Shape out =
      checkedShape(semantics::convolutionShape(op, input, weight, attrs));
  return {input[0],
          input[1],
          input[2],
          input[3],
          weight[0],
          weight[2],
          weight[3],
          out[2],
          out[3],
          attrs.groups,
          attrs.stride[0],
          attrs.stride[1],
          attrs.paddingLow[0],
          attrs.paddingLow[1],
          attrs.paddingHigh[0],
          attrs.paddingHigh[1],
          attrs.dilation[0],
          attrs.dilation[1]};
}

/// floor(a / b) for b > 0.
int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// The output positions [first, last) of one spatial dim whose input index
/// `out * stride + offset` lies in [0, size).
std::pair<int64_t, int64_t> validRange(int64_t offset, int64_t stride,
                                       int64_t size, int64_t outSize) {
  int64_t first = std::max<int64_t>(0, floorDiv(-offset + stride - 1, stride));
  int64_t last =
      std::min<int64_t>(outSize, floorDiv(size - 1 - offset, stride) + 1);
  return {first, std::max(first, last)};
}

/// Calls `body(row, column, input)` for every element of the columns matrix
/// that reads an input element (offsets in elements); padding elements are
/// skipped. Rows are visited in order (c, kh, kw), and within a row the
/// columns in order (n, oh, ow).
template <typename Body> void forEachTap(const Geometry &g, Body &&body) {
  int64_t positions = g.positions();
  for (int64_t c = 0; c < g.c; ++c)
    for (int64_t kh = 0; kh < g.kh; ++kh)
      for (int64_t kw = 0; kw < g.kw; ++kw) {
        int64_t row = (c * g.kh + kh) * g.kw + kw;
        int64_t hOffset = kh * g.dh - g.pt, wOffset = kw * g.dw - g.pl;
        auto [ohFirst, ohLast] = validRange(hOffset, g.sh, g.h, g.oh);
        auto [owFirst, owLast] = validRange(wOffset, g.sw, g.w, g.ow);
        for (int64_t n = 0; n < g.n; ++n)
          for (int64_t oh = ohFirst; oh < ohLast; ++oh) {
            int64_t ih = oh * g.sh + hOffset;
            int64_t column = (n * g.oh + oh) * g.ow;
            int64_t input = ((n * g.c + c) * g.h + ih) * g.w + wOffset;
            body(row * positions + column, input, owFirst, owLast);
          }
      }
}

/// col = im2col(x) (see the file comment); x is contiguous NCHW.
template <typename T> void im2col(const Geometry &g, const T *x, T *col) {
  std::memset(col, 0, sizeof(T) * g.c * g.kh * g.kw * g.positions());
  forEachTap(g, [&](int64_t to, int64_t from, int64_t first, int64_t last) {
    T *out = col + to;
    const T *in = x + from;
    if (g.sw == 1)
      std::memcpy(out + first, in + first, sizeof(T) * (last - first));
    else
      for (int64_t ow = first; ow < last; ++ow)
        out[ow] = in[ow * g.sw];
  });
}

/// x = col2im(col): the adjoint of im2col, summing every column element into
/// the input element it was read from (in the order (c, kh, kw, n, oh, ow),
/// so each input element sums its taps in order (kh, kw)).
template <typename T> void col2im(const Geometry &g, const T *col, T *x) {
  std::memset(x, 0, sizeof(T) * g.n * g.c * g.h * g.w);
  forEachTap(g, [&](int64_t from, int64_t to, int64_t first, int64_t last) {
    const T *in = col + from;
    T *out = x + to;
    for (int64_t ow = first; ow < last; ++ow)
      out[ow * g.sw] += in[ow];
  });
}

/// [N, O, P] <-> [O, N, P] (P = OH * OW): the layout of the output and of
/// the products' [O, N * OH * OW] result.
template <typename T>
void swapLeadingDims(const T *in, T *out, int64_t outer, int64_t inner,
                     int64_t plane) {
  for (int64_t i = 0; i < outer; ++i)
    for (int64_t j = 0; j < inner; ++j)
      std::memcpy(out + (j * outer + i) * plane, in + (i * inner + j) * plane,
                  sizeof(T) * plane);
}

/// The contiguous data of `t` (a copy if `t` is a strided view).
Tensor contiguousData(const Tensor &t) { return castTo(t, t.dtype()); }

Tensor convolutionForward(const Tensor &x, const Tensor &w, const Geometry &g);
Tensor convolutionInputGrad(const Tensor &grad, const Tensor &w,
                            const Geometry &g);
Tensor convolutionWeightGrad(const Tensor &grad, const Tensor &x,
                             const Geometry &g);

/// Fails loudly if the adjoint ops run while an observer watches: they are
/// not traced (compiled code differentiates in the IR).
void checkUnobserved() {
  runtime::notifyUnsupported("conv2d",
                             "a conv2d gradient computed by eager autograd");
}

/// y = conv(x, w) with no bias, 4-D; records ConvolutionBackward0.
Tensor convolutionForward(const Tensor &xIn, const Tensor &wIn,
                          const Geometry &g) {
  Tensor out = zeros(g.outputShape(), xIn.dtype());
  if (out.numel() != 0 && g.rowsPerGroup() != 0) {
    Tensor x = contiguousData(xIn), w = contiguousData(wIn);
    int64_t rows = g.rowsPerGroup(), positions = g.positions();
    int64_t plane = g.oh * g.ow;
    ADJIT_DISPATCH_FLOAT(x.dtype(), {
      std::vector<scalar_t> col(g.groups * rows * positions);
      std::vector<scalar_t> product(g.o * positions);
      im2col(g, x.unsafeGetImpl()->data<scalar_t>(), col.data());
      const scalar_t *pw = w.unsafeGetImpl()->data<scalar_t>();
      for (int64_t group = 0; group < g.groups; ++group)
        runtime::gemm(
            false, false, g.outPerGroup(), positions, rows,
            pw + group * g.outPerGroup() * rows, rows,
            col.data() + group * rows * positions, positions, scalar_t(0),
            product.data() + group * g.outPerGroup() * positions, positions);
      swapLeadingDims(product.data(), out.unsafeGetImpl()->data<scalar_t>(),
                      g.o, g.n, plane);
    });
  }
  if (shouldRecord(xIn, wIn)) {
    Tensor x = xIn, w = wIn;
    recordOp(
        out, "ConvolutionBackward0", {&x, &w},
        {SavedVariable(x), SavedVariable(w)},
        [g](const Tensor &grad, SavedTensors s, const Node &node) -> GradList {
          Tensor gx, gw;
          if (node.needsInputGrad(0))
            gx = convolutionInputGrad(grad, s[1], g);
          if (node.needsInputGrad(1))
            gw = convolutionWeightGrad(grad, s[0], g);
          return {gx, gw};
        });
  }
  return out;
}

/// dx = the adjoint of conv(., w) applied to `grad`.
Tensor convolutionInputGrad(const Tensor &gradIn, const Tensor &wIn,
                            const Geometry &g) {
  checkUnobserved();
  Tensor out = zeros(g.inputShape(), gradIn.dtype());
  if (out.numel() != 0 && g.positions() != 0 && g.o != 0) {
    Tensor grad = contiguousData(gradIn), w = contiguousData(wIn);
    int64_t rows = g.rowsPerGroup(), positions = g.positions();
    ADJIT_DISPATCH_FLOAT(grad.dtype(), {
      std::vector<scalar_t> gradT(g.o * positions);
      swapLeadingDims(grad.unsafeGetImpl()->data<scalar_t>(), gradT.data(), g.n,
                      g.o, g.oh * g.ow);
      std::vector<scalar_t> col(g.groups * rows * positions);
      const scalar_t *pw = w.unsafeGetImpl()->data<scalar_t>();
      for (int64_t group = 0; group < g.groups; ++group)
        runtime::gemm(true, false, rows, positions, g.outPerGroup(),
                      pw + group * g.outPerGroup() * rows, rows,
                      gradT.data() + group * g.outPerGroup() * positions,
                      positions, scalar_t(0),
                      col.data() + group * rows * positions, positions);
      col2im(g, col.data(), out.unsafeGetImpl()->data<scalar_t>());
    });
  }
  if (shouldRecord(gradIn, wIn)) {
    Tensor grad = gradIn, w = wIn;
    recordOp(
        out, "ConvolutionBackwardInputBackward0", {&grad, &w},
        {SavedVariable(grad), SavedVariable(w)},
        [g](const Tensor &v, SavedTensors s, const Node &node) -> GradList {
          Tensor gGrad, gw;
          if (node.needsInputGrad(0))
            gGrad = convolutionForward(v, s[1], g);
          if (node.needsInputGrad(1))
            gw = convolutionWeightGrad(s[0], v, g);
          return {gGrad, gw};
        });
  }
  return out;
}

/// dw = the adjoint of conv(x, .) applied to `grad`.
Tensor convolutionWeightGrad(const Tensor &gradIn, const Tensor &xIn,
                             const Geometry &g) {
  checkUnobserved();
  Tensor out = zeros(g.weightShape(), gradIn.dtype());
  if (out.numel() != 0 && g.positions() != 0) {
    Tensor grad = contiguousData(gradIn), x = contiguousData(xIn);
    int64_t rows = g.rowsPerGroup(), positions = g.positions();
    ADJIT_DISPATCH_FLOAT(grad.dtype(), {
      std::vector<scalar_t> gradT(g.o * positions);
      swapLeadingDims(grad.unsafeGetImpl()->data<scalar_t>(), gradT.data(), g.n,
                      g.o, g.oh * g.ow);
      std::vector<scalar_t> col(g.groups * rows * positions);
      im2col(g, x.unsafeGetImpl()->data<scalar_t>(), col.data());
      scalar_t *pw = out.unsafeGetImpl()->data<scalar_t>();
      for (int64_t group = 0; group < g.groups; ++group)
        runtime::gemm(false, true, g.outPerGroup(), rows, positions,
                      gradT.data() + group * g.outPerGroup() * positions,
                      positions, col.data() + group * rows * positions,
                      positions, scalar_t(0),
                      pw + group * g.outPerGroup() * rows, rows);
    });
  }
  if (shouldRecord(gradIn, xIn)) {
    Tensor grad = gradIn, x = xIn;
    recordOp(
        out, "ConvolutionBackwardWeightBackward0", {&grad, &x},
        {SavedVariable(grad), SavedVariable(x)},
        [g](const Tensor &u, SavedTensors s, const Node &node) -> GradList {
          Tensor gGrad, gx;
          if (node.needsInputGrad(0))
            gGrad = convolutionForward(s[1], u, g);
          if (node.needsInputGrad(1))
            gx = convolutionInputGrad(s[0], u, g);
          return {gGrad, gx};
        });
  }
  return out;
}

/// "same" or "valid" padding of `spatial` dims resolved to (before, after)
/// per dim; throws naming `op`.
std::pair<Shape, Shape> resolvePadding(const char *op, const std::string &mode,
                                       const Shape &kernel, const Shape &stride,
                                       const Shape &dilation) {
  size_t spatial = kernel.size();
  if (mode == "valid")
    return {Shape(spatial, 0), Shape(spatial, 0)};
  if (mode != "same")
    throw Error(std::string(op) + ": padding must be \"same\" or \"valid\", " +
                "got \"" + mode + "\"");
  for (int64_t s : stride)
    if (s != 1)
      throw Error(std::string(op) +
                  ": padding \"same\" requires stride 1, got stride " +
                  semantics::formatShape(stride));
  Shape low(spatial), high(spatial);
  for (size_t d = 0; d < spatial; ++d) {
    int64_t total = dilation[d] * (kernel[d] - 1);
    low[d] = total / 2;
    high[d] = total - low[d];
  }
  return {low, high};
}

/// `values` (one value or one per spatial dim) with one value per dim;
/// throws naming `op` and `what`.
Shape expandList(const char *op, const char *what, const Shape &values,
                 size_t spatial) {
  if (values.size() == 1)
    return Shape(spatial, values[0]);
  if (values.size() != spatial)
    throw Error(std::string(op) + ": expected " + what + " of 1 or " +
                std::to_string(spatial) + " values, got " +
                semantics::formatShape(values));
  return values;
}

/// The convolution of `spatial` (1 or 2) dims with resolved attributes
/// (ConvolutionAttrs of `spatial` entries); `op` names it in errors.
Tensor convolution(const char *op, const Tensor &input, const Tensor &weight,
                   const Tensor &bias, semantics::ConvolutionAttrs attrs) {
  size_t spatial = attrs.stride.size();
  if (runtime::getCurrentObserver()) {
    runtime::OpRecord record{runtime::OpKind::Convolution, op, {}};
    record.inputs = bias.defined() ? runtime::OpInputs{input, weight, bias}
                                   : runtime::OpInputs{input, weight};
    // The record is in 2-D form: a conv1d has height 1.
    bool oneD = spatial == 1;
    record.ints = {oneD ? 1 : attrs.stride[0],
                   attrs.stride[spatial - 1],
                   oneD ? 0 : attrs.paddingLow[0],
                   attrs.paddingLow[spatial - 1],
                   oneD ? 0 : attrs.paddingHigh[0],
                   attrs.paddingHigh[spatial - 1],
                   oneD ? 1 : attrs.dilation[0],
                   attrs.dilation[spatial - 1],
                   attrs.groups,
                   static_cast<int64_t>(spatial)};
    return runtime::observeAsOneOp(std::move(record), [&] {
      return convolution(op, input, weight, bias, attrs);
    });
  }
  checkDefined(op, input);
  checkDefined(op, weight);
  Shape outShape = checkedShape(
      semantics::convolutionShape(op, input.sizes(), weight.sizes(), attrs));
  Dtype dt = input.dtype();
  auto dtypes = [&] {
    std::string text = std::string(dtypeName(input.dtype())) + " input " +
                       semantics::formatShape(input.sizes()) + ", " +
                       dtypeName(weight.dtype()) + " weight " +
                       semantics::formatShape(weight.sizes());
    if (bias.defined())
      text += ", " + std::string(dtypeName(bias.dtype())) + " bias " +
              semantics::formatShape(bias.sizes());
    return text;
  };
  if (!isFloatingPoint(dt) || weight.dtype() != dt ||
      (bias.defined() && bias.dtype() != dt))
    throw Error(std::string(op) +
                ": expected float32 or float64 tensors of one dtype, got " +
                dtypes());
  if (bias.defined() && bias.sizes() != Shape{weight.size(0)})
    throw Error(std::string(op) + ": expected a bias of shape [" +
                std::to_string(weight.size(0)) + "] (the weight's output " +
                "channels), got " + dtypes());

  // The kernel is 2-D and batched: unit height for conv1d, unit batch for
  // unbatched inputs. The reshapes are views, so the result is exact.
  bool batched = input.dim() == static_cast<int64_t>(spatial) + 2;
  Tensor x = batched ? input : unsqueeze(input, 0);
  Tensor w = weight;
  semantics::ConvolutionAttrs attrs2d = attrs;
  if (spatial == 1) {
    x = unsqueeze(x, 2);
    w = unsqueeze(w, 2);
    attrs2d = {{1, attrs.stride[0]},
               {0, attrs.paddingLow[0]},
               {0, attrs.paddingHigh[0]},
               {1, attrs.dilation[0]},
               attrs.groups};
  }
  Geometry g = makeGeometry(op, x.sizes(), w.sizes(), attrs2d);
  Tensor out = convolutionForward(x, w, g);
  if (bias.defined())
    out = add(out, reshape(bias, {1, g.o, 1, 1}));
  return reshape(out, outShape);
}

/// The attributes of a convolution of `spatial` dims from the API's
/// arguments (padding by number).
semantics::ConvolutionAttrs makeAttrs(const char *op, size_t spatial,
                                      const Shape &stride, const Shape &padding,
                                      const Shape &dilation, int64_t groups) {
  Shape pad = expandList(op, "padding", padding, spatial);
  return {expandList(op, "stride", stride, spatial), pad, pad,
          expandList(op, "dilation", dilation, spatial), groups};
}

/// The attributes of a convolution of `spatial` dims with padding "same" or
/// "valid" and `weight`'s kernel.
semantics::ConvolutionAttrs makeAttrs(const char *op, size_t spatial,
                                      const Tensor &weight,
                                      const Shape &strideIn,
                                      const std::string &padding,
                                      const Shape &dilationIn, int64_t groups) {
  checkDefined(op, weight);
  Shape stride = expandList(op, "stride", strideIn, spatial);
  Shape dilation = expandList(op, "dilation", dilationIn, spatial);
  if (weight.dim() != static_cast<int64_t>(spatial) + 2)
    // The shape rule reports the weight's rank.
    return {stride, Shape(spatial, 0), Shape(spatial, 0), dilation, groups};
  Shape kernel(weight.sizes().begin() + 2, weight.sizes().end());
  auto [low, high] = resolvePadding(op, padding, kernel, stride, dilation);
  return {stride, low, high, dilation, groups};
}

} // namespace

Tensor adjit::conv2d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Shape &stride,
                     const Shape &padding, const Shape &dilation,
                     int64_t groups) {
  return convolution("conv2d", input, weight, bias,
                     makeAttrs("conv2d", 2, stride, padding, dilation, groups));
}

Tensor adjit::conv2d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Shape &stride,
                     const std::string &padding, const Shape &dilation,
                     int64_t groups) {
  return convolution(
      "conv2d", input, weight, bias,
      makeAttrs("conv2d", 2, weight, stride, padding, dilation, groups));
}

Tensor adjit::conv1d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Shape &stride,
                     const Shape &padding, const Shape &dilation,
                     int64_t groups) {
  return convolution("conv1d", input, weight, bias,
                     makeAttrs("conv1d", 1, stride, padding, dilation, groups));
}

Tensor adjit::conv1d(const Tensor &input, const Tensor &weight,
                     const Tensor &bias, const Shape &stride,
                     const std::string &padding, const Shape &dilation,
                     int64_t groups) {
  return convolution(
      "conv1d", input, weight, bias,
      makeAttrs("conv1d", 1, weight, stride, padding, dilation, groups));
}
