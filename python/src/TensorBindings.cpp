//===- TensorBindings.cpp - adjit.Tensor: methods, operators, indexing ----===//

#include "Bindings.h"

#include "adjit/Autograd.h"
#include "adjit/Error.h"
#include "adjit/NN.h"

#include <sstream>

using namespace adjit;
using namespace adjit::python;

namespace {

using TensorOp = Tensor (*)(const Tensor &, const Tensor &);
using ScalarOp = Tensor (*)(const Tensor &, double);
using ReversedScalarOp = Tensor (*)(double, const Tensor &);

py::object notImplemented() {
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

/// `self op other` for a Python operator: a tensor operand calls the tensor
/// op, a number that keeps self's dtype the scalar overload (the tracer
/// records it as a scalar operand), another number a 0-d tensor of the
/// promoted dtype. Returns NotImplemented for other operands, so Python
/// tries the reflected operator and then raises a TypeError.
py::object binary(const Tensor &self, py::handle other, TensorOp op,
                  ScalarOp scalarOp) {
  if (py::isinstance<Tensor>(other))
    return py::cast(op(self, other.cast<const Tensor &>()));
  std::optional<Scalar> s = toScalar(other);
  if (!s)
    return notImplemented();
  if (scalarOp && scalarKeepsDtype(s->kind, self.dtype()))
    return py::cast(scalarOp(self, s->value));
  return py::cast(op(self, toOperand("", self, other)));
}

/// `other op self` for the reflected operators (other is a number).
py::object reflected(const Tensor &self, py::handle other, TensorOp op,
                     ReversedScalarOp scalarOp) {
  std::optional<Scalar> s = toScalar(other);
  if (!s)
    return notImplemented();
  if (scalarOp && scalarKeepsDtype(s->kind, self.dtype()))
    return py::cast(scalarOp(s->value, self));
  return py::cast(op(toOperand("", self, other), self));
}

Tensor powScalar(const Tensor &a, double exponent) {
  return adjit::pow(a, exponent);
}

/// self op= other, in place.
template <typename TensorFn, typename ScalarFn>
const Tensor &inPlace(Tensor &self, py::handle other, TensorFn tensorFn,
                      ScalarFn scalarFn) {
  if (py::isinstance<Tensor>(other))
    return tensorFn(self, other.cast<const Tensor &>());
  if (std::optional<Scalar> s = toScalar(other))
    return scalarFn(self, s->value);
  throw py::type_error("in-place op: expected a tensor or a number, got " +
                       py::str(py::type::of(other)).cast<std::string>());
}

/// Optional int from Python (None: std::nullopt).
std::optional<int64_t> optionalInt(py::handle h) {
  if (h.is_none())
    return std::nullopt;
  return toInt64(h);
}

/// self[index] for ints, slices, None and Ellipsis (and tuples of them):
/// select, slice and unsqueeze views, as PyTorch's basic indexing.
Tensor indexTensor(const Tensor &self, py::handle key) {
  std::vector<py::handle> items;
  if (py::isinstance<py::tuple>(key))
    for (py::handle item : py::reinterpret_borrow<py::tuple>(key))
      items.push_back(item);
  else
    items.push_back(key);
  int64_t consumed = 0;
  for (py::handle item : items)
    if (!item.is_none() && item.ptr() != Py_Ellipsis)
      ++consumed;
  Tensor result = self;
  int64_t dim = 0;
  bool sawEllipsis = false;
  for (py::handle item : items) {
    if (item.is_none()) {
      result = result.unsqueeze(dim++);
    } else if (item.ptr() == Py_Ellipsis) {
      if (sawEllipsis)
        throw py::index_error("an index can only have a single ellipsis");
      sawEllipsis = true;
      dim += std::max<int64_t>(self.dim() - consumed, 0);
    } else if (PySlice_Check(item.ptr())) {
      auto *slice = reinterpret_cast<PySliceObject *>(item.ptr());
      std::optional<int64_t> step = optionalInt(slice->step);
      if (step && *step <= 0)
        throw Error("index: slice step must be positive, got " +
                    std::to_string(*step) + " (tensor of shape " +
                    shapeToString(self.sizes()) + ")");
      result = result.slice(dim++, optionalInt(slice->start),
                            optionalInt(slice->stop), step.value_or(1));
    } else if (py::isinstance<Tensor>(item)) {
      throw Error("index: indexing with a tensor (advanced indexing) is not "
                  "supported; tensor of shape " +
                  shapeToString(self.sizes()) +
                  " can be indexed with ints, slices, None and ...");
    } else if (PyIndex_Check(item.ptr()) && !PyBool_Check(item.ptr())) {
      result = result.select(dim, toInt64(item));
    } else {
      throw py::type_error(
          "index: only ints, slices, None and ... are valid indices, got " +
          py::str(py::type::of(item)).cast<std::string>());
    }
  }
  return result;
}

/// Tensor.tolist(): nested lists of Python numbers.
py::object toList(const Tensor &t) {
  Tensor c = t.contiguous();
  py::list flat;
  switch (c.dtype()) {
  case Dtype::Float32:
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      flat.append(py::float_(c.data_ptr<float>()[i]));
    break;
  case Dtype::Float64:
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      flat.append(py::float_(c.data_ptr<double>()[i]));
    break;
  case Dtype::Int64:
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      flat.append(py::int_(c.data_ptr<int64_t>()[i]));
    break;
  case Dtype::Bool:
    for (int64_t i = 0, n = c.numel(); i < n; ++i)
      flat.append(py::bool_(c.data_ptr<bool>()[i]));
    break;
  }
  // Regroup the flat list from the innermost dimension outwards.
  py::list level = flat;
  for (int64_t d = c.dim() - 1; d >= 1; --d) {
    py::list grouped;
    int64_t size = c.size(d);
    for (size_t i = 0; i < py::len(level); i += size) {
      py::list row;
      for (int64_t j = 0; j < size; ++j)
        row.append(level[i + j]);
      grouped.append(row);
    }
    level = grouped;
  }
  if (c.dim() == 0)
    return flat[0];
  return std::move(level);
}

/// Tensor.item(): a Python number of the tensor's kind.
py::object item(const Tensor &t) {
  switch (t.dtype()) {
  case Dtype::Int64:
    return py::int_(t.item<int64_t>());
  case Dtype::Bool:
    return py::bool_(t.item<bool>());
  default:
    return py::float_(t.item<double>());
  }
}

/// The address of the first element (Tensor.data_ptr()).
uintptr_t dataAddress(const Tensor &t) {
  switch (t.dtype()) {
  case Dtype::Float32:
    return reinterpret_cast<uintptr_t>(t.data_ptr<float>());
  case Dtype::Float64:
    return reinterpret_cast<uintptr_t>(t.data_ptr<double>());
  case Dtype::Int64:
    return reinterpret_cast<uintptr_t>(t.data_ptr<int64_t>());
  case Dtype::Bool:
    return reinterpret_cast<uintptr_t>(t.data_ptr<bool>());
  }
  return 0;
}

/// The C++ printer's text, with dtypes named as Python names them
/// ("dtype=adjit.float64", as PyTorch prints "dtype=torch.float64").
std::string repr(const Tensor &t) {
  std::ostringstream os;
  os << t;
  std::string text = os.str();
  size_t at = text.rfind(", dtype=");
  if (at != std::string::npos)
    text.insert(at + 8, "adjit.");
  return text;
}

/// Reduction over all elements (dim None) or over dims.
template <typename All, typename Dims>
Tensor reduce(const Tensor &t, const py::object &dim, bool keepdim, All all,
              Dims dims) {
  if (dim.is_none() && !keepdim)
    return all(t);
  Shape d = toDims(dim);
  if (dim.is_none())
    for (int64_t i = 0; i < t.dim(); ++i)
      d.push_back(i);
  return dims(t, d, keepdim);
}

/// The correction of var/std from PyTorch's `unbiased` and `correction`.
std::optional<double> correctionOf(bool unbiased,
                                   std::optional<double> correction) {
  return correction ? correction : std::optional<double>(unbiased ? 1 : 0);
}

/// max/min: of all elements, or (values, indices) along dim.
template <typename All, typename AlongDim, typename Binary>
py::object extremum(const Tensor &t, const py::object &dimOrOther, bool keepdim,
                    All all, AlongDim along, Binary binaryOp) {
  if (dimOrOther.is_none())
    return py::cast(all(t));
  if (py::isinstance<Tensor>(dimOrOther))
    return py::cast(binaryOp(t, dimOrOther.cast<Tensor>()));
  auto [values, indices] = along(t, toInt64(dimOrOther), keepdim);
  return py::make_tuple(values, indices);
}

} // namespace

py::class_<Tensor> adjit::python::bindTensor(py::module_ &m) {
  py::enum_<Dtype> dtype(m, "dtype");
  dtype.value("float32", Dtype::Float32)
      .value("float64", Dtype::Float64)
      .value("int64", Dtype::Int64)
      .value("bool", Dtype::Bool)
      .def_property_readonly("is_floating_point", &isFloatingPoint)
      .def_property_readonly("itemsize", &elementSize);
  // Replaces (rather than overloads) the enum's own __repr__ and __str__.
  auto name = [](Dtype d) { return std::string("adjit.") + dtypeName(d); };
  dtype.attr("__repr__") = py::cpp_function(name, py::is_method(dtype));
  dtype.attr("__str__") = py::cpp_function(name, py::is_method(dtype));

  py::class_<Tensor> tensor(m, "Tensor", py::dynamic_attr());
  tensor.def(py::init([](const Tensor &t) { return t; }), py::arg("data"),
             "A handle sharing the data and autograd metadata of `data`.");

  // Queries.
  tensor
      .def_property_readonly("shape",
                             [](const Tensor &t) { return toTuple(t.sizes()); })
      .def(
          "size",
          [](const Tensor &t, const py::object &dim) -> py::object {
            if (dim.is_none())
              return toTuple(t.sizes());
            return py::int_(t.size(toInt64(dim)));
          },
          py::arg("dim") = py::none())
      .def(
          "stride",
          [](const Tensor &t, const py::object &dim) -> py::object {
            if (dim.is_none())
              return toTuple(t.strides());
            return py::int_(t.stride(toInt64(dim)));
          },
          py::arg("dim") = py::none())
      .def_property_readonly("dtype", &Tensor::dtype)
      .def_property_readonly("ndim", &Tensor::dim)
      .def_property_readonly("device", [](const Tensor &) { return "cpu"; })
      .def("dim", &Tensor::dim)
      .def("numel", &Tensor::numel)
      .def("element_size",
           [](const Tensor &t) { return elementSize(t.dtype()); })
      .def("is_contiguous", &Tensor::is_contiguous)
      .def("is_floating_point", &Tensor::is_floating_point)
      .def("data_ptr", &dataAddress)
      .def("_version", &Tensor::_version)
      .def("item", &item)
      .def("tolist", &toList)
      .def("__repr__", &repr)
      .def("__len__",
           [](const Tensor &t) {
             if (t.dim() == 0)
               throw py::type_error("len() of a 0-d tensor");
             return t.size(0);
           })
      .def("__iter__",
           [](const Tensor &t) {
             if (t.dim() == 0)
               throw py::type_error("iteration over a 0-d tensor");
             py::list rows;
             for (int64_t i = 0, n = t.size(0); i < n; ++i)
               rows.append(t.select(0, i));
             return py::iter(rows);
           })
      .def("__bool__", [](const Tensor &t) { return t.item<double>() != 0; })
      .def("__float__", [](const Tensor &t) { return t.item<double>(); })
      .def("__int__", [](const Tensor &t) { return t.item<int64_t>(); })
      .def("__index__",
           [](const Tensor &t) {
             if (t.is_floating_point())
               throw py::type_error(
                   "only integer tensors of a single element can "
                   "be converted to an index");
             return t.item<int64_t>();
           })
      .def("__hash__",
           [](const Tensor &t) {
             return reinterpret_cast<uintptr_t>(t.unsafeGetImpl());
           })
      .def("__format__", [](const Tensor &t, const std::string &spec) {
        if (t.dim() == 0)
          return py::str(
              py::module_::import("builtins").attr("format")(item(t), spec));
        return py::str(repr(t));
      });

  // Autograd.
  tensor
      .def_property("requires_grad", &Tensor::requires_grad,
                    [](Tensor &t, bool on) { t.requires_grad_(on); })
      .def(
          "requires_grad_",
          [](Tensor &t, bool on) -> Tensor & { return t.requires_grad_(on); },
          py::arg("requires_grad") = true)
      .def_property_readonly("is_leaf", &Tensor::is_leaf)
      .def_property(
          "grad",
          [](const Tensor &t) -> std::optional<Tensor> {
            if (!t.grad().defined())
              return std::nullopt;
            return t.grad();
          },
          [](Tensor &t, std::optional<Tensor> g) {
            t.mutable_grad() = g ? *g : Tensor();
          })
      .def_property_readonly("grad_fn", &Tensor::grad_fn)
      .def_property_readonly("data", &Tensor::detach)
      .def(
          "backward",
          [](const Tensor &t, std::optional<Tensor> gradient,
             std::optional<bool> retainGraph, bool createGraph) {
            t.backward(gradient.value_or(Tensor()), retainGraph, createGraph);
          },
          py::arg("gradient") = py::none(),
          py::arg("retain_graph") = py::none(), py::arg("create_graph") = false)
      .def("detach", &Tensor::detach)
      .def("detach_", [](Tensor &t) -> Tensor & { return t.detach_(); })
      .def("retain_grad", &Tensor::retain_grad);

  // Elementwise primitives, one per line of adjit/Semantics/Ops.def.
#define ADJIT_UNARY_OP(Kind, name, Result, Domain, MathOp)                     \
  tensor.def(#name, [](const Tensor &t) { return adjit::name(t); });
#include "adjit/Semantics/Ops.def"
#define ADJIT_BINARY_OP(Kind, name, IROp, Result, ScalarOp, SavesOperands)     \
  tensor.def(#name, [](const Tensor &t, py::handle other) {                    \
    return adjit::name(t, toOperand(#name, t, other));                         \
  });
#include "adjit/Semantics/Ops.def"
  tensor.def("pow", [](const Tensor &t, py::handle exponent) -> Tensor {
    if (py::isinstance<Tensor>(exponent))
      return adjit::pow(t, exponent.cast<const Tensor &>());
    if (std::optional<Scalar> s = toScalar(exponent))
      return adjit::pow(t, s->value);
    throw py::type_error("pow: expected a tensor or a number exponent");
  });
  tensor.def(
      "add",
      [](const Tensor &t, py::handle other, double alpha) {
        Tensor o = toOperand("add", t, other);
        return alpha == 1 ? adjit::add(t, o) : adjit::add(t, o * alpha);
      },
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1.0);
  tensor.def(
      "sub",
      [](const Tensor &t, py::handle other, double alpha) {
        Tensor o = toOperand("sub", t, other);
        return alpha == 1 ? adjit::sub(t, o) : adjit::sub(t, o * alpha);
      },
      py::arg("other"), py::kw_only(), py::arg("alpha") = 1.0);

  // Python operators.
  using namespace adjit;
  tensor
      .def("__add__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::add,
                           static_cast<ScalarOp>(&adjit::operator+));
           })
      .def("__radd__",
           [](const Tensor &t, py::handle o) {
             return reflected(t, o, &adjit::add,
                              static_cast<ReversedScalarOp>(&adjit::operator+));
           })
      .def("__sub__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::sub,
                           static_cast<ScalarOp>(&adjit::operator-));
           })
      .def("__rsub__",
           [](const Tensor &t, py::handle o) {
             return reflected(t, o, &adjit::sub,
                              static_cast<ReversedScalarOp>(&adjit::operator-));
           })
      .def("__mul__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::mul,
                           static_cast<ScalarOp>(&adjit::operator*));
           })
      .def("__rmul__",
           [](const Tensor &t, py::handle o) {
             return reflected(t, o, &adjit::mul,
                              static_cast<ReversedScalarOp>(&adjit::operator*));
           })
      .def("__truediv__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::div,
                           static_cast<ScalarOp>(&adjit::operator/));
           })
      .def("__rtruediv__",
           [](const Tensor &t, py::handle o) {
             return reflected(t, o, &adjit::div,
                              static_cast<ReversedScalarOp>(&adjit::operator/));
           })
      .def("__pow__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, static_cast<TensorOp>(&adjit::pow),
                           &powScalar);
           })
      .def("__rpow__",
           [](const Tensor &t, py::handle o) {
             return reflected(t, o, static_cast<TensorOp>(&adjit::pow),
                              nullptr);
           })
      .def("__matmul__",
           [](const Tensor &t, const Tensor &o) { return matmul(t, o); })
      .def("__neg__", [](const Tensor &t) { return neg(t); })
      .def("__pos__", [](const Tensor &t) { return t; })
      .def("__abs__", [](const Tensor &t) { return adjit::abs(t); })
      .def("__eq__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::eq,
                           static_cast<ScalarOp>(&adjit::operator==));
           })
      .def("__ne__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::ne,
                           static_cast<ScalarOp>(&adjit::operator!=));
           })
      .def("__lt__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::lt,
                           static_cast<ScalarOp>(&adjit::operator<));
           })
      .def("__le__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::le,
                           static_cast<ScalarOp>(&adjit::operator<=));
           })
      .def("__gt__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::gt,
                           static_cast<ScalarOp>(&adjit::operator>));
           })
      .def("__ge__",
           [](const Tensor &t, py::handle o) {
             return binary(t, o, &adjit::ge,
                           static_cast<ScalarOp>(&adjit::operator>=));
           })
      .def("__iadd__",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return inPlace(
                 t, o,
                 [](Tensor &a, const Tensor &b) -> const Tensor & {
                   return a.add_(b);
                 },
                 [](Tensor &a, double b) -> const Tensor & {
                   return a.add_(b);
                 });
           })
      .def("__isub__",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return inPlace(
                 t, o,
                 [](Tensor &a, const Tensor &b) -> const Tensor & {
                   return a.sub_(b);
                 },
                 [](Tensor &a, double b) -> const Tensor & {
                   return a.sub_(b);
                 });
           })
      .def("__imul__",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return inPlace(
                 t, o,
                 [](Tensor &a, const Tensor &b) -> const Tensor & {
                   return a.mul_(b);
                 },
                 [](Tensor &a, double b) -> const Tensor & {
                   return a.mul_(b);
                 });
           })
      .def("__itruediv__",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return inPlace(
                 t, o,
                 [](Tensor &a, const Tensor &b) -> const Tensor & {
                   return a.div_(b);
                 },
                 [](Tensor &a, double b) -> const Tensor & {
                   return a.div_(b);
                 });
           })
      .def("__getitem__", &indexTensor)
      .def("__setitem__",
           [](const Tensor &t, py::handle key, py::handle value) {
             Tensor view = indexTensor(t, key);
             if (py::isinstance<Tensor>(value))
               view.copy_(value.cast<const Tensor &>());
             else if (std::optional<Scalar> s = toScalar(value))
               view.fill_(s->value);
             else
               throw py::type_error(
                   "index assignment: expected a tensor or a number");
           });

  // In-place methods.
  tensor
      .def(
          "add_",
          [](Tensor &t, py::handle o, double alpha) -> const Tensor & {
            if (py::isinstance<Tensor>(o))
              return t.add_(o.cast<const Tensor &>(), alpha);
            return t.add_(toOperand("add_", t, o), alpha);
          },
          py::arg("other"), py::kw_only(), py::arg("alpha") = 1.0)
      .def(
          "sub_",
          [](Tensor &t, py::handle o, double alpha) -> const Tensor & {
            if (py::isinstance<Tensor>(o))
              return t.sub_(o.cast<const Tensor &>(), alpha);
            return t.sub_(toOperand("sub_", t, o), alpha);
          },
          py::arg("other"), py::kw_only(), py::arg("alpha") = 1.0)
      .def("mul_",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return t.mul_(toOperand("mul_", t, o));
           })
      .def("div_",
           [](Tensor &t, py::handle o) -> const Tensor & {
             return t.div_(toOperand("div_", t, o));
           })
      .def("zero_", &Tensor::zero_)
      .def("fill_",
           [](Tensor &t, double v) -> const Tensor & { return t.fill_(v); })
      .def("copy_", &Tensor::copy_);

  // Reductions.
  tensor
      .def(
          "sum",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return reduce(
                t, dim, keepdim, [](const Tensor &a) { return sum(a); },
                [](const Tensor &a, const Shape &d, bool k) {
                  return sum(a, d, k);
                });
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "mean",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return reduce(
                t, dim, keepdim, [](const Tensor &a) { return mean(a); },
                [](const Tensor &a, const Shape &d, bool k) {
                  return mean(a, d, k);
                });
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "prod",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            if (dim.is_none())
              return prod(t);
            return prod(t, toInt64(dim), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "amax",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return amax(t, toDims(dim), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "amin",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return amin(t, toDims(dim), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "logsumexp",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return logsumexp(t, toDims(dim), keepdim);
          },
          py::arg("dim"), py::arg("keepdim") = false)
      .def(
          "max",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return extremum(
                t, dim, keepdim, [](const Tensor &a) { return max(a); },
                [](const Tensor &a, int64_t d, bool k) { return max(a, d, k); },
                &adjit::maximum);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "min",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            return extremum(
                t, dim, keepdim, [](const Tensor &a) { return min(a); },
                [](const Tensor &a, int64_t d, bool k) { return min(a, d, k); },
                &adjit::minimum);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "argmax",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            if (dim.is_none())
              return argmax(t.flatten(), 0);
            return argmax(t, toInt64(dim), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "argmin",
          [](const Tensor &t, const py::object &dim, bool keepdim) {
            if (dim.is_none())
              return argmin(t.flatten(), 0);
            return argmin(t, toInt64(dim), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("keepdim") = false)
      .def(
          "var",
          [](const Tensor &t, const py::object &dim, bool unbiased,
             bool keepdim, std::optional<double> correction) {
            return var(t, toDims(dim), correctionOf(unbiased, correction),
                       keepdim);
          },
          py::arg("dim") = py::none(), py::arg("unbiased") = true,
          py::arg("keepdim") = false, py::kw_only(),
          py::arg("correction") = py::none())
      .def(
          "std",
          [](const Tensor &t, const py::object &dim, bool unbiased,
             bool keepdim, std::optional<double> correction) {
            return adjit::std(t, toDims(dim),
                              correctionOf(unbiased, correction), keepdim);
          },
          py::arg("dim") = py::none(), py::arg("unbiased") = true,
          py::arg("keepdim") = false, py::kw_only(),
          py::arg("correction") = py::none());

  // Other ops.
  tensor
      .def("matmul",
           [](const Tensor &t, const Tensor &o) { return matmul(t, o); })
      .def("mm", [](const Tensor &t, const Tensor &o) { return matmul(t, o); })
      .def(
          "clamp",
          [](const Tensor &t, py::handle lo, py::handle hi) {
            if (py::isinstance<Tensor>(lo) || py::isinstance<Tensor>(hi)) {
              auto bound = [&](py::handle b) -> std::optional<Tensor> {
                if (b.is_none())
                  return std::nullopt;
                return toOperand("clamp", t, b);
              };
              return clamp(t, bound(lo), bound(hi));
            }
            auto bound = [](py::handle b) -> std::optional<double> {
              if (b.is_none())
                return std::nullopt;
              return b.cast<double>();
            };
            return clamp(t, bound(lo), bound(hi));
          },
          py::arg("min") = py::none(), py::arg("max") = py::none())
      .def("clamp_min",
           [](const Tensor &t, double v) { return clamp_min(t, v); })
      .def("clamp_max",
           [](const Tensor &t, double v) { return clamp_max(t, v); })
      .def("eq", [](const Tensor &t,
                    py::handle o) { return eq(t, toOperand("eq", t, o)); })
      .def("ne", [](const Tensor &t,
                    py::handle o) { return ne(t, toOperand("ne", t, o)); })
      .def("lt", [](const Tensor &t,
                    py::handle o) { return lt(t, toOperand("lt", t, o)); })
      .def("le", [](const Tensor &t,
                    py::handle o) { return le(t, toOperand("le", t, o)); })
      .def("gt", [](const Tensor &t,
                    py::handle o) { return gt(t, toOperand("gt", t, o)); })
      .def("ge", [](const Tensor &t,
                    py::handle o) { return ge(t, toOperand("ge", t, o)); })
      .def(
          "softmax",
          [](const Tensor &t, int64_t dim) {
            return nn::functional::softmax(t, dim);
          },
          py::arg("dim"))
      .def(
          "log_softmax",
          [](const Tensor &t, int64_t dim) {
            return nn::functional::log_softmax(t, dim);
          },
          py::arg("dim"));

  // Shape ops and conversions.
  tensor
      .def("reshape",
           [](const Tensor &t, py::args shape) {
             return reshape(t, shapeFromArgs(shape));
           })
      .def("view", [](const Tensor &t,
                      py::args shape) { return view(t, shapeFromArgs(shape)); })
      .def("expand",
           [](const Tensor &t, py::args shape) {
             return expand(t, shapeFromArgs(shape));
           })
      .def("permute",
           [](const Tensor &t, py::args dims) {
             return permute(t, shapeFromArgs(dims));
           })
      .def("reshape_as", [](const Tensor &t,
                            const Tensor &o) { return reshape(t, o.sizes()); })
      .def("view_as",
           [](const Tensor &t, const Tensor &o) { return view(t, o.sizes()); })
      .def("expand_as", [](const Tensor &t,
                           const Tensor &o) { return expand(t, o.sizes()); })
      .def(
          "flatten",
          [](const Tensor &t, int64_t start, int64_t end) {
            return adjit::flatten(t, start, end);
          },
          py::arg("start_dim") = 0, py::arg("end_dim") = -1)
      .def("transpose", [](const Tensor &t, int64_t a,
                           int64_t b) { return transpose(t, a, b); })
      .def("t", &Tensor::t)
      .def_property_readonly("T",
                             [](const Tensor &t) {
                               Shape dims;
                               for (int64_t d = t.dim() - 1; d >= 0; --d)
                                 dims.push_back(d);
                               return t.dim() <= 2 ? t.t() : permute(t, dims);
                             })
      .def("unsqueeze",
           [](const Tensor &t, int64_t d) { return unsqueeze(t, d); })
      .def(
          "squeeze",
          [](const Tensor &t, const py::object &dim) {
            if (!dim.is_none())
              return squeeze(t, toInt64(dim));
            Tensor r = t;
            for (int64_t d = t.dim() - 1; d >= 0; --d)
              if (t.size(d) == 1)
                r = squeeze(r, d);
            return r;
          },
          py::arg("dim") = py::none())
      .def("contiguous", &Tensor::contiguous)
      .def("clone", &Tensor::clone)
      .def("to", [](const Tensor &t, Dtype d) { return to(t, d); })
      .def("type", [](const Tensor &t, Dtype d) { return to(t, d); })
      .def("float", [](const Tensor &t) { return to(t, Dtype::Float32); })
      .def("double", [](const Tensor &t) { return to(t, Dtype::Float64); })
      .def("long", [](const Tensor &t) { return to(t, Dtype::Int64); })
      .def("bool", [](const Tensor &t) { return to(t, Dtype::Bool); });
  return tensor;
}
