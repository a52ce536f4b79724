//===- Print.cpp - PyTorch-style printing of tensors ----------------------===//

#include "TensorImpl.h"
#include "adjit/Runtime/OpObserver.h"

#include <cmath>
#include <cstdio>
#include <ostream>

using namespace adjit;

namespace {
/// Elements shown at each end of a summarized dimension.
constexpr int64_t kEdgeItems = 3;
/// Tensors with more elements than this are summarized with "...".
constexpr int64_t kSummaryThreshold = 1000;

/// Formats the elements of one tensor with a common style and width.
class ElementFormatter {
public:
  ElementFormatter(const std::vector<double> &values, Dtype dtype)
      : dtype_(dtype) {
    if (isFloatingPoint(dtype)) {
      bool allIntegral = true;
      double maxAbs = 0, minAbs = INFINITY;
      for (double v : values) {
        if (!std::isfinite(v))
          continue;
        allIntegral = allIntegral && v == std::nearbyint(v);
        double a = std::fabs(v);
        maxAbs = std::max(maxAbs, a);
        if (a != 0)
          minAbs = std::min(minAbs, a);
      }
      if (allIntegral)
        style_ = maxAbs >= 1e8 ? Style::Sci : Style::Integral;
      else if (maxAbs >= 1e8 || (minAbs < 1e-4) ||
               (minAbs != INFINITY && maxAbs / minAbs > 1000))
        style_ = Style::Sci;
      else
        style_ = Style::Fixed;
    }
    for (double v : values)
      width_ = std::max(width_, format(v).size());
  }

  std::string format(double v) const {
    char buf[64];
    if (dtype_ == Dtype::Bool)
      return v != 0 ? "True" : "False";
    if (dtype_ == Dtype::Int64) {
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
      return buf;
    }
    if (std::isnan(v))
      return "nan";
    if (std::isinf(v))
      return v > 0 ? "inf" : "-inf";
    switch (style_) {
    case Style::Integral:
      std::snprintf(buf, sizeof buf, "%.0f.", v);
      break;
    case Style::Fixed:
      std::snprintf(buf, sizeof buf, "%.4f", v);
      break;
    case Style::Sci:
      std::snprintf(buf, sizeof buf, "%.4e", v);
      break;
    }
    return buf;
  }

  std::string padded(double v) const {
    std::string s = format(v);
    return std::string(width_ - std::min(width_, s.size()), ' ') + s;
  }

private:
  enum class Style { Integral, Fixed, Sci };
  Dtype dtype_;
  Style style_ = Style::Fixed;
  size_t width_ = 0;
};

/// Indices shown along a dimension of size \p n (-1 marks "...").
std::vector<int64_t> shownIndices(int64_t n, bool summarize) {
  std::vector<int64_t> idx;
  if (summarize && n > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i)
      idx.push_back(i);
    idx.push_back(-1);
    for (int64_t i = n - kEdgeItems; i < n; ++i)
      idx.push_back(i);
  } else {
    for (int64_t i = 0; i < n; ++i)
      idx.push_back(i);
  }
  return idx;
}

void printDims(std::ostream &os, const std::vector<double> &values,
               const Shape &shape, const Shape &strides, size_t dim,
               int64_t offset, size_t indent, bool summarize,
               const ElementFormatter &fmt) {
  std::vector<int64_t> idx = shownIndices(shape[dim], summarize);
  os << '[';
  bool last = dim + 1 == shape.size();
  for (size_t i = 0; i < idx.size(); ++i) {
    if (i) {
      os << ',';
      if (last) {
        os << ' ';
      } else {
        os << std::string(shape.size() - dim - 1, '\n');
        os << std::string(indent + dim + 1, ' ');
      }
    }
    if (idx[i] < 0) {
      os << "...";
      continue;
    }
    int64_t off = offset + idx[i] * strides[dim];
    if (last)
      os << fmt.padded(values[off]);
    else
      printDims(os, values, shape, strides, dim + 1, off, indent, summarize,
                fmt);
  }
  os << ']';
}
} // namespace

std::ostream &adjit::operator<<(std::ostream &os, const Tensor &t) {
  if (!t.defined())
    return os << "[ undefined tensor ]";
  runtime::notifyUnsupported("operator<<", "it prints tensor values");
  Tensor flat = castTo(t, Dtype::Float64);
  const double *data = flat.unsafeGetImpl()->data<double>();
  std::vector<double> values(data, data + flat.numel());
  bool summarize = t.numel() > kSummaryThreshold;
  // Only the shown elements decide the format.
  std::vector<double> shown;
  if (!summarize) {
    shown = values;
  } else {
    Shape strides = contiguousStrides(t.sizes());
    std::vector<int64_t> offsets = {0};
    for (size_t d = 0; d < t.sizes().size(); ++d) {
      std::vector<int64_t> next;
      for (int64_t base : offsets)
        for (int64_t i : shownIndices(t.sizes()[d], true))
          if (i >= 0)
            next.push_back(base + i * strides[d]);
      offsets = std::move(next);
    }
    for (int64_t o : offsets)
      shown.push_back(values[o]);
  }
  ElementFormatter fmt(shown, t.dtype());
  const std::string prefix = "tensor(";
  os << prefix;
  if (t.dim() == 0)
    os << fmt.format(values[0]);
  else if (t.numel() == 0)
    os << "[]";
  else
    printDims(os, values, t.sizes(), contiguousStrides(t.sizes()), 0, 0,
              prefix.size(), summarize, fmt);
  if (t.numel() == 0 && t.dim() != 1)
    os << ", size=" << shapeToString(t.sizes());
  if (t.dtype() == Dtype::Float64)
    os << ", dtype=float64";
  if (t.grad_fn())
    os << ", grad_fn=<" << t.grad_fn()->name() << '>';
  else if (t.requires_grad())
    os << ", requires_grad=True";
  return os << ')';
}
