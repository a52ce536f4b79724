//===- Pooling.cpp - Shape rules and windows of 2-D pooling ---------------===//

#include "adjit/Semantics/Pooling.h"

#include <algorithm>

using namespace adjit::semantics;

namespace {
/// "op: " followed by \p text.
std::string message(std::string_view op, const std::string &text) {
  return std::string(op) + ": " + text;
}

/// Expands a list of one or two values per spatial axis; an empty list
/// gives \p fallback.
bool expandPair(const Shape &list, std::array<int64_t, 2> fallback,
                std::array<int64_t, 2> &pair) {
  if (list.empty()) {
    pair = fallback;
    return true;
  }
  if (list.size() > 2)
    return false;
  pair = {list[0], list.back()};
  return true;
}

std::string pairText(const std::array<int64_t, 2> &pair) {
  return "[" + std::to_string(pair[0]) + ", " + std::to_string(pair[1]) + "]";
}

/// Floor division rounding toward negative infinity.
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Fills the per-input lists of outputs that read each position.
void buildUsers(PoolAxis &axis) {
  std::vector<std::vector<int64_t>> lists(axis.inputSize);
  for (int64_t o = 0; o < axis.outputSize; ++o)
    for (int64_t j = 0; j < axis.count[o]; ++j)
      lists[axis.first[o] + j * axis.step].push_back(o);
  axis.userBegin.assign(1, 0);
  for (const std::vector<int64_t> &list : lists) {
    axis.users.insert(axis.users.end(), list.begin(), list.end());
    axis.userBegin.push_back(static_cast<int64_t>(axis.users.size()));
  }
}

/// Checks that \p inputShape is NCHW with non-empty channels and planes.
std::string checkInput(std::string_view op, const Shape &inputShape) {
  if (inputShape.size() != 4)
    return message(op, "expected a 4-D (NCHW) input, got shape " +
                           formatShape(inputShape));
  if (inputShape[0] < 0 || inputShape[1] <= 0 || inputShape[2] <= 0 ||
      inputShape[3] <= 0)
    return message(op, "expected an input with non-zero channels, height and "
                       "width, got shape " +
                           formatShape(inputShape));
  return {};
}

/// The message of an output size below one.
std::string tooSmall(std::string_view op, const Shape &inputShape, int64_t outH,
                     int64_t outW) {
  return message(op, "the input of shape " + formatShape(inputShape) +
                         " gives an output of size " + std::to_string(outH) +
                         "x" + std::to_string(outW) +
                         ", which is too small (the kernel is larger than "
                         "the padded input)");
}

/// The windows of a kernel with stride, padding and dilation along one axis;
/// for average pooling (\p average) also the divisor factors.
PoolAxis windowAxis(int64_t inputSize, int64_t outputSize, int64_t kernel,
                    int64_t stride, int64_t padding, int64_t dilation,
                    bool average, bool countIncludePad) {
  PoolAxis axis;
  axis.inputSize = inputSize;
  axis.outputSize = outputSize;
  axis.step = average ? 1 : dilation;
  for (int64_t o = 0; o < outputSize; ++o) {
    int64_t start = o * stride - padding;
    int64_t first, count;
    if (average) {
      // PyTorch: the window is clipped to the padded input for the divisor,
      // then to the input for the elements.
      int64_t end = std::min(start + kernel, inputSize + padding);
      int64_t poolSize = end - start;
      first = std::max<int64_t>(start, 0);
      count = std::max<int64_t>(std::min(end, inputSize) - first, 0);
      axis.divisor.push_back(countIncludePad ? poolSize : count);
    } else {
      first = start;
      while (first < 0)
        first += dilation;
      int64_t end = std::min(start + (kernel - 1) * dilation + 1, inputSize);
      count = first < end ? (end - first + dilation - 1) / dilation : 0;
    }
    axis.first.push_back(first);
    axis.count.push_back(count);
  }
  buildUsers(axis);
  return axis;
}

ShapeResult<Pool2d> windowedPool(std::string_view op, const Shape &inputShape,
                                 const PoolParams &p, bool average) {
  if (std::string error = checkInput(op, inputShape); !error.empty())
    return ShapeResult<Pool2d>::failure(error);
  std::array<int64_t, 2> out;
  for (int axis = 0; axis < 2; ++axis)
    out[axis] = poolOutputSize(inputShape[2 + axis], p.kernel[axis],
                               p.stride[axis], p.padding[axis],
                               average ? 1 : p.dilation[axis], p.ceilMode);
  if (out[0] < 1 || out[1] < 1)
    return ShapeResult<Pool2d>::failure(
        tooSmall(op, inputShape, out[0], out[1]));
  Pool2d pool;
  pool.inputShape = inputShape;
  pool.outputShape = {inputShape[0], inputShape[1], out[0], out[1]};
  PoolAxis *axes[2] = {&pool.height, &pool.width};
  for (int axis = 0; axis < 2; ++axis) {
    *axes[axis] = windowAxis(inputShape[2 + axis], out[axis], p.kernel[axis],
                             p.stride[axis], p.padding[axis], p.dilation[axis],
                             average, p.countIncludePad);
    if (average)
      continue;
    const std::vector<int64_t> &count = axes[axis]->count;
    auto empty = std::find(count.begin(), count.end(), 0);
    if (empty != count.end())
      return ShapeResult<Pool2d>::failure(message(
          op, std::string("window ") + std::to_string(empty - count.begin()) +
                  " along the " + (axis == 0 ? "height" : "width") +
                  " of the input of shape " + formatShape(inputShape) +
                  " lies entirely in the padding (kernel " +
                  pairText(p.kernel) + ", stride " + pairText(p.stride) +
                  ", padding " + pairText(p.padding) + ", dilation " +
                  pairText(p.dilation) + ")"));
  }
  return ShapeResult<Pool2d>::success(std::move(pool));
}
} // namespace

ShapeResult<PoolParams>
adjit::semantics::poolParams(std::string_view op, const Shape &kernel,
                             const Shape &stride, const Shape &padding,
                             const Shape &dilation, bool ceilMode,
                             bool countIncludePad) {
  using Result = ShapeResult<PoolParams>;
  PoolParams p;
  p.ceilMode = ceilMode;
  p.countIncludePad = countIncludePad;
  if (kernel.empty() || !expandPair(kernel, {}, p.kernel))
    return Result::failure(
        message(op, "kernel_size must be one or two values, got " +
                        formatShape(kernel)));
  if (!expandPair(stride, p.kernel, p.stride))
    return Result::failure(
        message(op, "stride must be empty, one or two values, got " +
                        formatShape(stride)));
  if (padding.empty() || !expandPair(padding, {}, p.padding))
    return Result::failure(message(
        op, "padding must be one or two values, got " + formatShape(padding)));
  if (dilation.empty() || !expandPair(dilation, {}, p.dilation))
    return Result::failure(
        message(op, "dilation must be one or two values, got " +
                        formatShape(dilation)));
  if (p.kernel[0] <= 0 || p.kernel[1] <= 0)
    return Result::failure(
        message(op, "kernel_size must be positive, got " + pairText(p.kernel)));
  if (p.stride[0] <= 0 || p.stride[1] <= 0)
    return Result::failure(
        message(op, "stride must be positive, got " + pairText(p.stride)));
  if (p.dilation[0] <= 0 || p.dilation[1] <= 0)
    return Result::failure(
        message(op, "dilation must be positive, got " + pairText(p.dilation)));
  for (int axis = 0; axis < 2; ++axis)
    if (p.padding[axis] < 0 || p.padding[axis] > p.kernel[axis] / 2)
      return Result::failure(message(
          op, "padding must be non-negative and at most half of the kernel "
              "size, got padding " +
                  pairText(p.padding) + " and kernel_size " +
                  pairText(p.kernel)));
  return Result::success(p);
}

int64_t adjit::semantics::poolOutputSize(int64_t inputSize, int64_t kernel,
                                         int64_t stride, int64_t padding,
                                         int64_t dilation, bool ceilMode) {
  int64_t size = floorDiv(inputSize + 2 * padding - dilation * (kernel - 1) -
                              1 + (ceilMode ? stride - 1 : 0),
                          stride) +
                 1;
  // The last window must start inside the input or the left padding.
  if (ceilMode && (size - 1) * stride >= inputSize + padding)
    --size;
  return size;
}

ShapeResult<Pool2d> adjit::semantics::maxPool2d(std::string_view op,
                                                const Shape &inputShape,
                                                const PoolParams &params) {
  return windowedPool(op, inputShape, params, /*average=*/false);
}

ShapeResult<Pool2d> adjit::semantics::avgPool2d(std::string_view op,
                                                const Shape &inputShape,
                                                const PoolParams &params) {
  return windowedPool(op, inputShape, params, /*average=*/true);
}

ShapeResult<Pool2d> adjit::semantics::adaptiveAvgPool2d(
    std::string_view op, const Shape &inputShape, const Shape &outputSize) {
  using Result = ShapeResult<Pool2d>;
  if (std::string error = checkInput(op, inputShape); !error.empty())
    return Result::failure(error);
  std::array<int64_t, 2> out;
  if (outputSize.empty() || !expandPair(outputSize, {}, out))
    return Result::failure(
        message(op, "output_size must be one or two values, got " +
                        formatShape(outputSize)));
  if (out[0] <= 0 || out[1] <= 0)
    return Result::failure(
        message(op, "output_size must be positive, got " + pairText(out)));
  Pool2d pool;
  pool.inputShape = inputShape;
  pool.outputShape = {inputShape[0], inputShape[1], out[0], out[1]};
  PoolAxis *axes[2] = {&pool.height, &pool.width};
  for (int a = 0; a < 2; ++a) {
    PoolAxis &axis = *axes[a];
    int64_t in = inputShape[2 + a];
    axis.inputSize = in;
    axis.outputSize = out[a];
    for (int64_t o = 0; o < out[a]; ++o) {
      int64_t start = (o * in) / out[a];
      int64_t end = ((o + 1) * in + out[a] - 1) / out[a];
      axis.first.push_back(start);
      axis.count.push_back(end - start);
      axis.divisor.push_back(end - start);
    }
    buildUsers(axis);
  }
  return Result::success(std::move(pool));
}
