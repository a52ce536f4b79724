//===- Pooling.h - Shape rules and windows of 2-D pooling -------*- C++ -*-===//
//
// PyTorch's rules for max_pool2d, avg_pool2d and adaptive_avg_pool2d over the
// last two dimensions of an NCHW tensor, written once: the argument checks,
// the output size (with ceil_mode), and the windows of every output element
// along each spatial axis. The eager kernels, the tracer, the dialect's
// verifiers and the lowering all use these tables, so eager and compiled
// pooling visit the same elements in the same order.
//
// Plain C++17 without MLIR or LLVM, like ShapeRules.h.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_SEMANTICS_POOLING_H
#define ADJIT_SEMANTICS_POOLING_H

#include "adjit/Semantics/ShapeRules.h"

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

namespace adjit::semantics {

/// The arguments of a pooling op with one value per spatial axis (height,
/// width).
struct PoolParams {
  std::array<int64_t, 2> kernel{1, 1};
  std::array<int64_t, 2> stride{1, 1};
  std::array<int64_t, 2> padding{0, 0};
  std::array<int64_t, 2> dilation{1, 1};
  bool ceilMode = false;
  /// Average pooling only: whether padded positions count in the divisor.
  bool countIncludePad = true;
};

/// Expands the API's lists (one element applies to both axes; an empty
/// stride means stride = kernel_size) and checks them as PyTorch does:
/// positive kernel, stride and dilation, non-negative padding of at most
/// half the kernel size.
ShapeResult<PoolParams> poolParams(std::string_view op, const Shape &kernel,
                                   const Shape &stride, const Shape &padding,
                                   const Shape &dilation, bool ceilMode,
                                   bool countIncludePad);

/// PyTorch's output size of pooling an axis of \p inputSize: the number of
/// windows of the dilated kernel that fit the padded axis, rounded up with
/// \p ceilMode, where the last window must start inside the input or the
/// left padding. May be zero or negative (the caller reports it).
int64_t poolOutputSize(int64_t inputSize, int64_t kernel, int64_t stride,
                       int64_t padding, int64_t dilation, bool ceilMode);

/// The windows of a pooling op along one spatial axis. Output position `o`
/// reads the `count[o]` input positions first[o], first[o] + step, ...
/// (padding already left out).
struct PoolAxis {
  int64_t inputSize = 0;
  int64_t outputSize = 0;
  /// The dilation of max pooling; 1 for average pooling.
  int64_t step = 1;
  std::vector<int64_t> first;
  std::vector<int64_t> count;
  /// Average pooling: the factor of this axis in the divisor of output `o`
  /// (the window's size with or without padding); the divisor of an output
  /// element is the product of both axes' factors.
  std::vector<int64_t> divisor;
  /// The outputs whose windows read input position `i`, in increasing order:
  /// users[userBegin[i]] ... users[userBegin[i + 1] - 1].
  std::vector<int64_t> userBegin;
  std::vector<int64_t> users;
};

/// A 2-D pooling of an NCHW tensor: its shapes and the windows of both axes.
struct Pool2d {
  /// [N, C, H, W] and [N, C, OH, OW].
  Shape inputShape;
  Shape outputShape;
  PoolAxis height;
  PoolAxis width;
};

/// max_pool2d of an input of \p inputShape (rank 4, NCHW) with \p params
/// (from poolParams). Besides PyTorch's checks, a window that lies entirely
/// in the padding is an error (PyTorch gives -inf there).
ShapeResult<Pool2d> maxPool2d(std::string_view op, const Shape &inputShape,
                              const PoolParams &params);

/// avg_pool2d of an input of \p inputShape (rank 4) with \p params.
ShapeResult<Pool2d> avgPool2d(std::string_view op, const Shape &inputShape,
                              const PoolParams &params);

/// adaptive_avg_pool2d of an input of \p inputShape (rank 4) to
/// \p outputSize ({OH, OW}; one element applies to both axes): output `o`
/// of an axis of size `in` averages [floor(o * in / out),
/// ceil((o + 1) * in / out)).
ShapeResult<Pool2d> adaptiveAvgPool2d(std::string_view op,
                                      const Shape &inputShape,
                                      const Shape &outputSize);

/// Whether max pooling moves its maximum to `value` from `best`, the
/// maximum of the elements before it in row-major window order: PyTorch's
/// CPU rule, `value > best || isnan(value)`. So of equal elements the first
/// stays, and a NaN always takes over (the last NaN of a window wins).
template <typename T> inline bool replacesMaximum(T value, T best) {
  return value > best || std::isnan(value);
}

} // namespace adjit::semantics

#endif // ADJIT_SEMANTICS_POOLING_H
