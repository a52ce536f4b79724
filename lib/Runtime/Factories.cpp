//===- Factories.cpp - Tensor factories and the random generator ----------===//

#include "TensorImpl.h"
#include "adjit/Runtime/OpObserver.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace adjit;

namespace {
/// The global generator seeded by manual_seed (a 64-bit Mersenne twister;
/// normal samples use Box-Muller so sequences do not depend on the C++
/// library's distributions).
std::mt19937_64 &generator() {
  static std::mt19937_64 gen(5489u);
  return gen;
}

double uniform01() {
  return static_cast<double>(generator()() >> 11) * 0x1.0p-53;
}

/// The bits of `value`, as a constant's record holds a double argument.
int64_t bitsOf(double value) {
  int64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

Tensor finish(Tensor t, const TensorOptions &options) {
  if (options.requires_grad())
    t.requires_grad_(true);
  return t;
}

template <typename Fill>
Tensor fillWith(const Shape &shape, const TensorOptions &options, Fill &&fill) {
  Tensor t = makeEmpty(shape, options.dtype());
  TensorImpl &impl = *t.unsafeGetImpl();
  ADJIT_DISPATCH_ALL(impl.dtype, {
    scalar_t *d = impl.data<scalar_t>();
    for (int64_t i = 0; i < impl.numel; ++i)
      d[i] = static_cast<scalar_t>(fill(i));
  });
  return finish(std::move(t), options);
}

TensorOptions likeOptions(const Tensor &t,
                          const std::optional<TensorOptions> &options) {
  checkDefined("*_like", t);
  return options ? *options : TensorOptions(t.dtype());
}
} // namespace

void adjit::manual_seed(uint64_t seed) {
  // Compiled code reads dropout's state as an argument: reseeding inside a
  // trace would not be repeated by later calls.
  runtime::notifyUnsupported(
      "manual_seed", "it sets the random generators' state on the host");
  generator().seed(seed);
  seedRandomState(seed);
}

Tensor adjit::from_blob(void *data, const Shape &sizes, const Shape &strides,
                        std::function<void(void *)> deleter,
                        TensorOptions options) {
  // The deleter runs whatever happens next, so the memory's owner is released
  // even when the arguments are rejected.
  std::shared_ptr<void> owner(data, [deleter = std::move(deleter)](void *p) {
    if (deleter)
      deleter(p);
  });
  if (runtime::getCurrentObserver())
    runtime::notifyUnsupported("from_blob",
                               "it wraps host memory the trace would not see");
  if (sizes.size() != strides.size())
    throw Error("from_blob: sizes " + shapeToString(sizes) + " and strides " +
                shapeToString(strides) + " differ in length");
  // The extent in elements: one past the farthest element.
  int64_t extent = 1;
  for (size_t d = 0; d < sizes.size(); ++d) {
    if (sizes[d] < 0 || strides[d] < 0)
      throw Error("from_blob: negative size or stride in sizes " +
                  shapeToString(sizes) + ", strides " + shapeToString(strides));
    if (sizes[d] == 0)
      extent = 0;
    else if (extent > 0)
      extent += (sizes[d] - 1) * strides[d];
  }
  if (!data && extent > 0)
    throw Error("from_blob: null data for sizes " + shapeToString(sizes));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(
      data, static_cast<size_t>(extent) * elementSize(options.dtype()),
      std::move(owner));
  impl->shape = sizes;
  impl->strides = strides;
  impl->numel = numelOf(sizes);
  impl->dtype = options.dtype();
  return finish(Tensor(std::move(impl)), options);
}

Tensor adjit::from_vector(const std::vector<double> &values, const Shape &shape,
                          TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Constant, "from_vector", {}},
        [&] { return from_vector(values, shape, options); });

  if (numelOf(shape) != static_cast<int64_t>(values.size()))
    throw Error("from_vector: " + std::to_string(values.size()) +
                " values do not fill shape " + shapeToString(shape));
  return fillWith(shape, options, [&](int64_t i) { return values[i]; });
}

TensorData::TensorData(std::initializer_list<TensorData> list) {
  shape_.push_back(static_cast<int64_t>(list.size()));
  const TensorData *first = list.size() ? list.begin() : nullptr;
  if (first)
    shape_.insert(shape_.end(), first->shape_.begin(), first->shape_.end());
  for (const TensorData &item : list) {
    if (item.shape_ != first->shape_)
      throw Error("tensor: nested lists must have equal shapes, got " +
                  shapeToString(first->shape_) + " and " +
                  shapeToString(item.shape_));
    values_.insert(values_.end(), item.values_.begin(), item.values_.end());
  }
}

Tensor adjit::tensor(const TensorData &data, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Constant, "tensor", {}},
                                   [&] { return tensor(data, options); });

  return from_vector(data.values(), data.shape(), options);
}

Tensor adjit::scalar_tensor(double value, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Constant, "scalar_tensor", {}},
        [&] { return scalar_tensor(value, options); });

  return fillWith({}, options, [&](int64_t) { return value; });
}

Tensor adjit::empty(const Shape &shape, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Constant, "empty", {}},
                                   [&] { return empty(shape, options); });

  return finish(makeEmpty(shape, options.dtype()), options);
}

Tensor adjit::zeros(const Shape &shape, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Constant, "zeros", {}},
                                   [&] { return zeros(shape, options); });

  return full(shape, 0.0, options);
}

Tensor adjit::ones(const Shape &shape, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Constant, "ones", {}},
                                   [&] { return ones(shape, options); });

  return full(shape, 1.0, options);
}

Tensor adjit::full(const Shape &shape, double value, TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp({runtime::OpKind::Constant, "full", {}},
                                   [&] { return full(shape, value, options); });

  return fillWith(shape, options, [&](int64_t) { return value; });
}

Tensor adjit::arange(double start, double end, double step,
                     TensorOptions options) {
  if (runtime::getCurrentObserver()) {
    // The arguments determine the value (unless it is a leaf that requires
    // grad), so that a replay need not make it again.
    runtime::OpRecord record{runtime::OpKind::Constant,
                             "arange",
                             {},
                             {bitsOf(start), bitsOf(end), bitsOf(step),
                              static_cast<int64_t>(options.dtype())}};
    record.determinedByRecord = !options.requires_grad();
    return runtime::observeAsOneOp(
        std::move(record), [&] { return arange(start, end, step, options); });
  }

  // NaN bounds fail the first check, infinite ones the second.
  double count = std::ceil((end - start) / step);
  if (step == 0 || !(count >= 0))
    throw Error("arange: invalid range from " + std::to_string(start) + " to " +
                std::to_string(end) + " with step " + std::to_string(step));
  if (count > 0x1p62)
    throw Error("arange: the range from " + std::to_string(start) + " to " +
                std::to_string(end) + " with step " + std::to_string(step) +
                " has too many elements");
  int64_t n = static_cast<int64_t>(count);
  return fillWith({n}, options, [&](int64_t i) {
    return start + static_cast<double>(i) * step;
  });
}

Tensor adjit::arange(double end, TensorOptions options) {
  return arange(0, end, 1, options);
}

Tensor adjit::linspace(double start, double end, int64_t steps,
                       TensorOptions options) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Constant, "linspace", {}},
        [&] { return linspace(start, end, steps, options); });

  if (steps < 0)
    throw Error("linspace: number of steps must be non-negative, got " +
                std::to_string(steps));
  double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0;
  return fillWith({steps}, options, [&](int64_t i) {
    // One step gives start, as PyTorch.
    return i == steps - 1 && steps > 1 ? end
                                       : start + step * static_cast<double>(i);
  });
}

Tensor adjit::rand(const Shape &shape, TensorOptions options) {
  runtime::notifyUnsupported("rand",
                             "its random values would be fixed when traced");

  if (!isFloatingPoint(options.dtype()))
    throw Error(std::string("rand: expected a floating-point dtype, got ") +
                dtypeName(options.dtype()));
  return fillWith(shape, options, [](int64_t) { return uniform01(); });
}

Tensor adjit::randn(const Shape &shape, TensorOptions options) {
  runtime::notifyUnsupported("randn",
                             "its random values would be fixed when traced");

  if (!isFloatingPoint(options.dtype()))
    throw Error(std::string("randn: expected a floating-point dtype, got ") +
                dtypeName(options.dtype()));
  return fillWith(shape, options, [](int64_t) {
    double u1 = 1.0 - uniform01(); // (0, 1]
    double u2 = uniform01();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  });
}

Tensor adjit::randperm(int64_t n, TensorOptions options) {
  runtime::notifyUnsupported("randperm",
                             "its random values would be fixed when traced");

  if (n < 0)
    throw Error("randperm: n must be non-negative, got " + std::to_string(n));
  std::vector<double> perm(n);
  for (int64_t i = 0; i < n; ++i)
    perm[i] = static_cast<double>(i);
  for (int64_t i = n - 1; i > 0; --i) {
    int64_t j = static_cast<int64_t>(generator()() % (uint64_t)(i + 1));
    std::swap(perm[i], perm[j]);
  }
  return from_vector(perm, {n}, options);
}

Tensor adjit::zeros_like(const Tensor &t, std::optional<TensorOptions> o) {
  return zeros(t.sizes(), likeOptions(t, o));
}
Tensor adjit::ones_like(const Tensor &t, std::optional<TensorOptions> o) {
  return ones(t.sizes(), likeOptions(t, o));
}
Tensor adjit::full_like(const Tensor &t, double value,
                        std::optional<TensorOptions> o) {
  return full(t.sizes(), value, likeOptions(t, o));
}
Tensor adjit::rand_like(const Tensor &t, std::optional<TensorOptions> o) {
  return rand(t.sizes(), likeOptions(t, o));
}
Tensor adjit::randn_like(const Tensor &t, std::optional<TensorOptions> o) {
  return randn(t.sizes(), likeOptions(t, o));
}

Tensor adjit::scalarLike(double value, Dtype dtype) {
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::Constant, "scalar operand", {}},
        [&] { return scalarLike(value, dtype); });

  return scalar_tensor(value, dtype);
}
