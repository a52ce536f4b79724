//===- FactoryBindings.cpp - adjit.tensor, zeros, arange, rand, ... -------===//

#include "Bindings.h"

#include "adjit/Error.h"

#include <pybind11/numpy.h>

using namespace adjit;
using namespace adjit::python;

namespace {

/// Nested Python sequences of numbers, flattened row-major.
struct NestedData {
  Shape shape;
  std::vector<double> values;
  ScalarKind kind = ScalarKind::Bool;
  bool sawNumber = false;
  /// The depth of the numbers, once one was seen: all must be equally deep.
  std::optional<size_t> leafDepth;

  void add(py::handle h, size_t depth) {
    if (std::optional<Scalar> s = toScalar(h)) {
      addNumber(*s, depth);
      return;
    }
    if (py::isinstance<Tensor>(h)) {
      const Tensor &t = h.cast<const Tensor &>();
      if (t.numel() != 1 || t.dim() != 0)
        throw Error("tensor: only 0-d tensors can be elements of nested "
                    "lists, got one of shape " +
                    shapeToString(t.sizes()));
      addNumber({t.item<double>(), t.is_floating_point() ? ScalarKind::Float
                                   : t.dtype() == Dtype::Int64
                                       ? ScalarKind::Int
                                       : ScalarKind::Bool},
                depth);
      return;
    }
    if (!py::isinstance<py::sequence>(h) || py::isinstance<py::str>(h))
      throw py::type_error("tensor: expected a number or nested sequences of "
                           "numbers, got " +
                           py::str(py::type::of(h)).cast<std::string>());
    py::sequence seq = py::reinterpret_borrow<py::sequence>(h);
    int64_t n = static_cast<int64_t>(py::len(seq));
    if (leafDepth && depth >= *leafDepth)
      throw Error("tensor: the nested lists are not rectangular (a list "
                  "where a number was expected at depth " +
                  std::to_string(depth) + ")");
    if (shape.size() == depth)
      shape.push_back(n);
    else if (shape[depth] != n)
      throw Error("tensor: the nested lists are not rectangular: length " +
                  std::to_string(n) + " at depth " + std::to_string(depth) +
                  ", expected " + std::to_string(shape[depth]));
    for (py::handle item : seq)
      add(item, depth + 1);
    if (n == 0 && !leafDepth)
      leafDepth = depth + 1;
  }

  void addNumber(const Scalar &s, size_t depth) {
    if ((leafDepth && *leafDepth != depth) || shape.size() != depth)
      throw Error("tensor: the nested lists are not rectangular (a number "
                  "at depth " +
                  std::to_string(depth) + ")");
    leafDepth = depth;
    values.push_back(s.value);
    kind = std::max(kind, s.kind);
    sawNumber = true;
  }
};

/// The dtype adjit gives a NumPy dtype (PyTorch keeps NumPy's dtype; adjit
/// has no int32, float16, ...: integers become int64).
Dtype dtypeOfNumPy(const py::dtype &d) {
  switch (d.kind()) {
  case 'b':
    return Dtype::Bool;
  case 'i':
  case 'u':
    return Dtype::Int64;
  case 'f':
    return d.itemsize() == 8 ? Dtype::Float64 : Dtype::Float32;
  default:
    throw Error("tensor: unsupported NumPy dtype " +
                py::str(static_cast<py::handle>(d)).cast<std::string>());
  }
}

TensorOptions options(const py::object &dtype, Dtype fallback,
                      bool requiresGrad) {
  return TensorOptions(dtypeOr(dtype, fallback)).requires_grad(requiresGrad);
}

/// tensor(data): a copy of nested numbers, a NumPy array or a tensor.
Tensor makeTensor(const py::object &data, const py::object &dtype,
                  bool requiresGrad) {
  if (py::isinstance<Tensor>(data)) {
    Tensor t = data.cast<Tensor>().detach().clone();
    if (!dtype.is_none())
      t = t.to(dtype.cast<Dtype>());
    return t.requires_grad_(requiresGrad);
  }
  if (py::isinstance<py::array>(data)) {
    auto array = py::reinterpret_borrow<py::array>(data);
    Dtype inferred = dtypeOfNumPy(array.dtype());
    auto values =
        py::array_t<double, py::array::c_style | py::array::forcecast>(array);
    Shape shape(array.shape(), array.shape() + array.ndim());
    return from_vector(
        std::vector<double>(values.data(), values.data() + values.size()),
        shape, options(dtype, inferred, requiresGrad));
  }
  NestedData nested;
  nested.add(data, 0);
  return from_vector(
      nested.values, nested.shape,
      options(dtype,
              nested.sawNumber ? defaultDtype(nested.kind) : Dtype::Float32,
              requiresGrad));
}

/// The dtype of arange: int64 if every argument is an int, else float32.
Dtype arangeDtype(std::initializer_list<py::handle> args) {
  for (py::handle a : args) {
    std::optional<Scalar> s = toScalar(a);
    if (!s)
      throw py::type_error("arange: expected numbers");
    if (s->kind == ScalarKind::Float)
      return Dtype::Float32;
  }
  return Dtype::Int64;
}

std::optional<TensorOptions>
likeOptions(const Tensor &t, const py::object &dtype, bool requiresGrad) {
  return TensorOptions(dtypeOr(dtype, t.dtype())).requires_grad(requiresGrad);
}

} // namespace

void adjit::python::bindFactories(py::module_ &m) {
  m.def("tensor", &makeTensor, py::arg("data"), py::kw_only(),
        py::arg("dtype") = py::none(), py::arg("requires_grad") = false,
        "A tensor copying `data`: a number, nested sequences of numbers, a "
        "NumPy array or a tensor. The dtype follows PyTorch: bool, int64 for "
        "ints, float32 for floats; a NumPy array keeps its float dtype.");
  m.def(
      "scalar_tensor",
      [](double v, const py::object &dtype, bool rg) {
        return scalar_tensor(v, options(dtype, Dtype::Float32, rg));
      },
      py::arg("value"), py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("requires_grad") = false);

  // Factories of a shape given as *size or one sequence.
#define ADJIT_SHAPE_FACTORY(name)                                              \
  m.def(                                                                       \
      #name,                                                                   \
      [](py::args size, const py::object &dtype, bool rg) {                    \
        return name(shapeFromArgs(size), options(dtype, Dtype::Float32, rg));  \
      },                                                                       \
      py::kw_only(), py::arg("dtype") = py::none(),                            \
      py::arg("requires_grad") = false);
  ADJIT_SHAPE_FACTORY(zeros)
  ADJIT_SHAPE_FACTORY(ones)
  ADJIT_SHAPE_FACTORY(empty)
  ADJIT_SHAPE_FACTORY(rand)
  ADJIT_SHAPE_FACTORY(randn)
#undef ADJIT_SHAPE_FACTORY
  m.def(
      "full",
      [](py::handle size, py::handle value, const py::object &dtype, bool rg) {
        std::optional<Scalar> s = toScalar(value);
        if (!s)
          throw py::type_error("full: fill_value must be a number");
        return full(toShape(size), s->value,
                    options(dtype, defaultDtype(s->kind), rg));
      },
      py::arg("size"), py::arg("fill_value"), py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "arange",
      [](py::handle start, py::handle end, py::handle step,
         const py::object &dtype, bool rg) {
        if (end.is_none())
          return arange(
              0.0, toScalar(start).value_or(Scalar{0, ScalarKind::Int}).value,
              1.0, options(dtype, arangeDtype({start}), rg));
        return arange(
            toScalar(start).value_or(Scalar{0, ScalarKind::Int}).value,
            toScalar(end).value_or(Scalar{0, ScalarKind::Int}).value,
            toScalar(step).value_or(Scalar{1, ScalarKind::Int}).value,
            options(dtype, arangeDtype({start, end, step}), rg));
      },
      py::arg("start"), py::arg("end") = py::none(), py::arg("step") = 1,
      py::kw_only(), py::arg("dtype") = py::none(),
      py::arg("requires_grad") = false);
  m.def(
      "linspace",
      [](double start, double end, int64_t steps, const py::object &dtype,
         bool rg) {
        return linspace(start, end, steps, options(dtype, Dtype::Float32, rg));
      },
      py::arg("start"), py::arg("end"), py::arg("steps"), py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("requires_grad") = false);
  m.def(
      "randperm",
      [](int64_t n, const py::object &dtype) {
        return randperm(n, options(dtype, Dtype::Int64, false));
      },
      py::arg("n"), py::kw_only(), py::arg("dtype") = py::none());
  m.def("manual_seed", &manual_seed, py::arg("seed"));

  // Factories shaped like a tensor.
#define ADJIT_LIKE_FACTORY(name)                                               \
  m.def(                                                                       \
      #name,                                                                   \
      [](const Tensor &t, const py::object &dtype, bool rg) {                  \
        return name(t, likeOptions(t, dtype, rg));                             \
      },                                                                       \
      py::arg("input"), py::kw_only(), py::arg("dtype") = py::none(),          \
      py::arg("requires_grad") = false);
  ADJIT_LIKE_FACTORY(zeros_like)
  ADJIT_LIKE_FACTORY(ones_like)
  ADJIT_LIKE_FACTORY(rand_like)
  ADJIT_LIKE_FACTORY(randn_like)
#undef ADJIT_LIKE_FACTORY
  m.def(
      "full_like",
      [](const Tensor &t, double value, const py::object &dtype, bool rg) {
        return full_like(t, value, likeOptions(t, dtype, rg));
      },
      py::arg("input"), py::arg("fill_value"), py::kw_only(),
      py::arg("dtype") = py::none(), py::arg("requires_grad") = false);

  // Ops of several tensors.
  m.def(
      "cat",
      [](const std::vector<Tensor> &tensors, int64_t dim) {
        return cat(tensors, dim);
      },
      py::arg("tensors"), py::arg("dim") = 0);
  m.def(
      "stack",
      [](const std::vector<Tensor> &tensors, int64_t dim) {
        std::vector<Tensor> expanded;
        for (const Tensor &t : tensors)
          expanded.push_back(unsqueeze(t, dim < 0 ? dim + t.dim() + 1 : dim));
        return cat(expanded, dim < 0 && !tensors.empty()
                                 ? dim + tensors.front().dim() + 1
                                 : dim);
      },
      py::arg("tensors"), py::arg("dim") = 0);
  m.def(
      "where",
      [](const Tensor &condition, py::handle a, py::handle b) {
        // Numbers take the dtype of the tensor operand, or PyTorch's default.
        const Tensor *like =
            py::isinstance<Tensor>(a)   ? &a.cast<const Tensor &>()
            : py::isinstance<Tensor>(b) ? &b.cast<const Tensor &>()
                                        : nullptr;
        Tensor fallback = like ? *like : scalar_tensor(0);
        return where(condition, toOperand("where", fallback, a),
                     toOperand("where", fallback, b));
      },
      py::arg("condition"), py::arg("input"), py::arg("other"));
  m.def("allclose", &allclose, py::arg("input"), py::arg("other"),
        py::arg("rtol") = 1e-5, py::arg("atol") = 1e-8);
  m.def("equal", &equal, py::arg("input"), py::arg("other"));
}
