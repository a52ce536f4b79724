//===- Pooling.cpp - max_pool2d, avg_pool2d, adaptive_avg_pool2d, flatten -===//
//
// The eager kernels walk the windows of adjit/Semantics/Pooling.h, as the
// compiled code does: max pooling finds one index per window (PyTorch's
// choice at ties and NaN) and gathers the values there; its gradient adds
// each output's gradient at that index, and the gradient of that is a gather
// again, so backward is differentiable to any order. Average pooling and its
// gradient are linear maps, each the other's transpose. Every gradient sums
// its terms in row-major order of the outputs, eagerly and compiled.
//
//===----------------------------------------------------------------------===//

#include "adjit/Semantics/Pooling.h"
#include "AutogradImpl.h"
#include "adjit/Runtime/OpObserver.h"

#include <limits>
#include <memory>

using namespace adjit;
using semantics::Pool2d;
using semantics::PoolAxis;

namespace {
/// A pooling's windows, shared by the autograd nodes of all orders.
using PoolRef = std::shared_ptr<const Pool2d>;

/// Sizes of one (n, c) plane of the input and of the output.
struct Planes {
  int64_t count, inputSize, outputSize;
  explicit Planes(const Pool2d &p)
      : count(p.inputShape[0] * p.inputShape[1]),
        inputSize(p.inputShape[2] * p.inputShape[3]),
        outputSize(p.outputShape[2] * p.outputShape[3]) {}
};

void checkFloatInput(const char *op, const Tensor &input) {
  checkDefined(op, input);
  if (!input.is_floating_point())
    throw Error(
        std::string(op) + ": expected a float32 or float64 input, got " +
        dtypeName(input.dtype()) + " of shape " + shapeToString(input.sizes()));
  if (input.dim() != 3 && input.dim() != 4)
    throw Error(std::string(op) +
                ": expected a 3-D (CHW) or 4-D (NCHW) input, got shape " +
                shapeToString(input.sizes()));
}

/// The backward kernels run only under autograd, never traced.
void checkNotObserved(const char *op) {
  runtime::notifyUnsupported(op, "the backward of pooling is compiled by "
                                 "adjit-autodiff, not traced");
}

/// Calls body(o, i) for every output o and each of its window's input
/// positions i of one plane, in row-major order of both.
template <typename Body> void forEachWindow(const Pool2d &p, Body &&body) {
  const PoolAxis &ph = p.height, &pw = p.width;
  int64_t width = p.inputShape[3];
  for (int64_t oh = 0; oh < ph.outputSize; ++oh)
    for (int64_t ow = 0; ow < pw.outputSize; ++ow) {
      int64_t o = oh * pw.outputSize + ow;
      body.begin(o, ph.first[oh] * width + pw.first[ow]);
      for (int64_t j = 0; j < ph.count[oh]; ++j)
        for (int64_t k = 0; k < pw.count[ow]; ++k)
          body.visit(o, (ph.first[oh] + j * ph.step) * width + pw.first[ow] +
                            k * pw.step);
      body.end(o);
    }
}

/// Calls body(i, o) for every input position i of one plane and each output
/// o whose window reads it, in row-major order of both.
template <typename Body> void forEachUser(const Pool2d &p, Body &&body) {
  const PoolAxis &ph = p.height, &pw = p.width;
  for (int64_t h = 0; h < ph.inputSize; ++h)
    for (int64_t w = 0; w < pw.inputSize; ++w) {
      int64_t i = h * pw.inputSize + w;
      body.begin(i);
      for (int64_t a = ph.userBegin[h]; a < ph.userBegin[h + 1]; ++a)
        for (int64_t b = pw.userBegin[w]; b < pw.userBegin[w + 1]; ++b)
          body.visit(i, ph.users[a] * pw.outputSize + pw.users[b]);
      body.end(i);
    }
}

/// The divisor of output o of an average pooling.
int64_t divisorOf(const Pool2d &p, int64_t o) {
  return p.height.divisor[o / p.width.outputSize] *
         p.width.divisor[o % p.width.outputSize];
}

Tensor maxPoolGather(const Tensor &values, const Tensor &indices,
                     const PoolRef &pool, const char *node);

/// The gradient of max pooling: each output's gradient added at its index.
Tensor maxPoolScatter(const Tensor &grad, const Tensor &indices,
                      const PoolRef &pool) {
  checkNotObserved("max_pool2d backward");
  Tensor g = grad.contiguous();
  Tensor out = makeEmpty(pool->inputShape, g.dtype());
  Planes planes(*pool);
  const int64_t *idx = indices.unsafeGetImpl()->data<int64_t>();
  ADJIT_DISPATCH_FLOAT(g.dtype(), {
    struct {
      const scalar_t *g;
      const int64_t *idx;
      scalar_t *out;
      scalar_t acc;
      void begin(int64_t) { acc = 0; }
      void visit(int64_t i, int64_t o) {
        if (idx[o] == i)
          acc += g[o];
      }
      void end(int64_t i) { out[i] = acc; }
    } body{};
    for (int64_t plane = 0; plane < planes.count; ++plane) {
      body.g = g.unsafeGetImpl()->data<scalar_t>() + plane * planes.outputSize;
      body.idx = idx + plane * planes.outputSize;
      body.out =
          out.unsafeGetImpl()->data<scalar_t>() + plane * planes.inputSize;
      forEachUser(*pool, body);
    }
  });
  if (shouldRecord(grad))
    recordOp(
        out, "MaxPool2DWithIndicesBackwardBackward0", {&grad},
        {SavedVariable(indices)},
        [pool](const Tensor &gg, SavedTensors s, const Node &) -> GradList {
          return {maxPoolGather(gg, s[0], pool, "MaxPool2DGatherBackward0")};
        });
  return out;
}

/// The values of a tensor of the input's shape at the indices of a max
/// pooling; \p node names its autograd node.
Tensor maxPoolGather(const Tensor &values, const Tensor &indices,
                     const PoolRef &pool, const char *node) {
  Tensor v = values.contiguous();
  Tensor out = makeEmpty(pool->outputShape, v.dtype());
  Planes planes(*pool);
  const int64_t *idx = indices.unsafeGetImpl()->data<int64_t>();
  ADJIT_DISPATCH_FLOAT(v.dtype(), {
    const scalar_t *src = v.unsafeGetImpl()->data<scalar_t>();
    scalar_t *dst = out.unsafeGetImpl()->data<scalar_t>();
    for (int64_t plane = 0; plane < planes.count; ++plane)
      for (int64_t o = 0; o < planes.outputSize; ++o)
        dst[plane * planes.outputSize + o] =
            src[plane * planes.inputSize + idx[plane * planes.outputSize + o]];
  });
  if (shouldRecord(values))
    recordOp(out, node, {&values}, {SavedVariable(indices)},
             [pool](const Tensor &g, SavedTensors s, const Node &) -> GradList {
               return {maxPoolScatter(g, s[0], pool)};
             });
  return out;
}

/// The index of each window's maximum (semantics::replacesMaximum).
Tensor maxPoolIndices(const Tensor &input, const Pool2d &pool) {
  Tensor x = input.contiguous();
  Tensor indices = makeEmpty(pool.outputShape, Dtype::Int64);
  Planes planes(pool);
  ADJIT_DISPATCH_FLOAT(x.dtype(), {
    struct {
      const scalar_t *x;
      int64_t *indices;
      scalar_t best;
      int64_t bestIndex;
      void begin(int64_t, int64_t first) {
        best = -std::numeric_limits<scalar_t>::infinity();
        bestIndex = first;
      }
      void visit(int64_t, int64_t i) {
        if (semantics::replacesMaximum(x[i], best)) {
          best = x[i];
          bestIndex = i;
        }
      }
      void end(int64_t o) { indices[o] = bestIndex; }
    } body{};
    for (int64_t plane = 0; plane < planes.count; ++plane) {
      body.x = x.unsafeGetImpl()->data<scalar_t>() + plane * planes.inputSize;
      body.indices =
          indices.unsafeGetImpl()->data<int64_t>() + plane * planes.outputSize;
      forEachWindow(pool, body);
    }
  });
  return indices;
}

Tensor windowAverage(const Tensor &input, const PoolRef &pool,
                     const char *node);

/// The gradient of an average pooling: each output's gradient divided by its
/// divisor, summed over the outputs whose windows read a position.
Tensor windowAverageBackward(const Tensor &grad, const PoolRef &pool,
                             const char *node) {
  checkNotObserved("avg_pool2d backward");
  Tensor g = grad.contiguous();
  Tensor out = makeEmpty(pool->inputShape, g.dtype());
  Planes planes(*pool);
  ADJIT_DISPATCH_FLOAT(g.dtype(), {
    struct {
      const Pool2d *pool;
      const scalar_t *g;
      scalar_t *out;
      scalar_t acc;
      void begin(int64_t) { acc = 0; }
      void visit(int64_t, int64_t o) {
        acc += g[o] / static_cast<scalar_t>(divisorOf(*pool, o));
      }
      void end(int64_t i) { out[i] = acc; }
    } body{pool.get()};
    for (int64_t plane = 0; plane < planes.count; ++plane) {
      body.g = g.unsafeGetImpl()->data<scalar_t>() + plane * planes.outputSize;
      body.out =
          out.unsafeGetImpl()->data<scalar_t>() + plane * planes.inputSize;
      forEachUser(*pool, body);
    }
  });
  if (shouldRecord(grad))
    recordOp(
        out, node, {&grad}, {},
        [pool, node](const Tensor &gg, SavedTensors, const Node &) -> GradList {
          return {windowAverage(gg, pool, node)};
        });
  return out;
}

/// The average of each window (avg_pool2d and adaptive_avg_pool2d);
/// \p node names the autograd nodes of its gradients.
Tensor windowAverage(const Tensor &input, const PoolRef &pool,
                     const char *node) {
  Tensor x = input.contiguous();
  Tensor out = makeEmpty(pool->outputShape, x.dtype());
  Planes planes(*pool);
  ADJIT_DISPATCH_FLOAT(x.dtype(), {
    struct {
      const Pool2d *pool;
      const scalar_t *x;
      scalar_t *out;
      scalar_t acc;
      void begin(int64_t, int64_t) { acc = 0; }
      void visit(int64_t, int64_t i) { acc += x[i]; }
      void end(int64_t o) {
        out[o] = acc / static_cast<scalar_t>(divisorOf(*pool, o));
      }
    } body{pool.get()};
    for (int64_t plane = 0; plane < planes.count; ++plane) {
      body.x = x.unsafeGetImpl()->data<scalar_t>() + plane * planes.inputSize;
      body.out =
          out.unsafeGetImpl()->data<scalar_t>() + plane * planes.outputSize;
      forEachWindow(*pool, body);
    }
  });
  if (shouldRecord(input))
    recordOp(
        out, node, {&input}, {},
        [pool, node](const Tensor &g, SavedTensors, const Node &) -> GradList {
          return {windowAverageBackward(g, pool, node)};
        });
  return out;
}

/// The ints an observer is told of a max_pool2d or avg_pool2d.
std::vector<int64_t> paramInts(const semantics::PoolParams &p) {
  return {p.kernel[0],  p.kernel[1],      p.stride[0],   p.stride[1],
          p.padding[0], p.padding[1],     p.dilation[0], p.dilation[1],
          p.ceilMode,   p.countIncludePad};
}
} // namespace

Tensor adjit::max_pool2d(const Tensor &input, const Shape &kernel_size,
                         const Shape &stride, const Shape &padding,
                         const Shape &dilation, bool ceil_mode) {
  checkFloatInput("max_pool2d", input);
  semantics::PoolParams params = checkedShape(semantics::poolParams(
      "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode, true));
  if (input.dim() == 3)
    return squeeze(max_pool2d(unsqueeze(input, 0), kernel_size, stride, padding,
                              dilation, ceil_mode),
                   0);
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::MaxPool2d, "max_pool2d", {input}, paramInts(params)},
        [&] {
          return max_pool2d(input, kernel_size, stride, padding, dilation,
                            ceil_mode);
        });
  auto pool = std::make_shared<const Pool2d>(
      checkedShape(semantics::maxPool2d("max_pool2d", input.sizes(), params)));
  return maxPoolGather(input, maxPoolIndices(input, *pool), pool,
                       "MaxPool2DWithIndicesBackward0");
}

Tensor adjit::avg_pool2d(const Tensor &input, const Shape &kernel_size,
                         const Shape &stride, const Shape &padding,
                         bool ceil_mode, bool count_include_pad) {
  checkFloatInput("avg_pool2d", input);
  semantics::PoolParams params = checkedShape(
      semantics::poolParams("avg_pool2d", kernel_size, stride, padding, {1},
                            ceil_mode, count_include_pad));
  if (input.dim() == 3)
    return squeeze(avg_pool2d(unsqueeze(input, 0), kernel_size, stride, padding,
                              ceil_mode, count_include_pad),
                   0);
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::AvgPool2d, "avg_pool2d", {input}, paramInts(params)},
        [&] {
          return avg_pool2d(input, kernel_size, stride, padding, ceil_mode,
                            count_include_pad);
        });
  auto pool = std::make_shared<const Pool2d>(
      checkedShape(semantics::avgPool2d("avg_pool2d", input.sizes(), params)));
  return windowAverage(input, pool, "AvgPool2DBackward0");
}

Tensor adjit::adaptive_avg_pool2d(const Tensor &input,
                                  const Shape &output_size) {
  checkFloatInput("adaptive_avg_pool2d", input);
  if (input.dim() == 3)
    return squeeze(adaptive_avg_pool2d(unsqueeze(input, 0), output_size), 0);
  auto pool =
      std::make_shared<const Pool2d>(checkedShape(semantics::adaptiveAvgPool2d(
          "adaptive_avg_pool2d", input.sizes(), output_size)));
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::AdaptiveAvgPool2d,
         "adaptive_avg_pool2d",
         {input},
         {pool->outputShape[2], pool->outputShape[3]}},
        [&] {
          return windowAverage(input, pool, "AdaptiveAvgPool2DBackward0");
        });
  return windowAverage(input, pool, "AdaptiveAvgPool2DBackward0");
}

Tensor adjit::flatten(const Tensor &input, int64_t start_dim, int64_t end_dim) {
  checkDefined("flatten", input);
  int64_t rank = input.dim();
  int64_t start = wrapDim("flatten", start_dim, rank);
  int64_t end = wrapDim("flatten", end_dim, rank);
  if (start > end)
    throw Error("flatten: start_dim " + std::to_string(start_dim) +
                " comes after end_dim " + std::to_string(end_dim) +
                " for a tensor of shape " + shapeToString(input.sizes()));
  if (rank == 0)
    return reshape(input, {1});
  Shape shape(input.sizes().begin(), input.sizes().begin() + start);
  int64_t merged = 1;
  for (int64_t d = start; d <= end; ++d)
    merged *= input.sizes()[d];
  shape.push_back(merged);
  shape.insert(shape.end(), input.sizes().begin() + end + 1,
               input.sizes().end());
  return reshape(input, shape);
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  return adjit::flatten(*this, start_dim, end_dim);
}
