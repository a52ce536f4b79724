//===- PythonValues.cpp - Python values as adjit API arguments ------------===//

#include "Bindings.h"

#include "adjit/Error.h"

using namespace adjit;
using namespace adjit::python;

int64_t adjit::python::toInt64(py::handle h) {
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(h.ptr()));
  if (!index)
    throw py::error_already_set();
  return index.cast<int64_t>();
}

std::optional<Scalar> adjit::python::toScalar(py::handle h) {
  // bool before int: Python's bool is an int.
  if (PyBool_Check(h.ptr()))
    return Scalar{h.ptr() == Py_True ? 1.0 : 0.0, ScalarKind::Bool};
  if (PyLong_Check(h.ptr()))
    return Scalar{static_cast<double>(h.cast<int64_t>()), ScalarKind::Int};
  if (PyFloat_Check(h.ptr()))
    return Scalar{PyFloat_AS_DOUBLE(h.ptr()), ScalarKind::Float};
  if (py::isinstance<Tensor>(h) || !PyObject_HasAttrString(h.ptr(), "dtype"))
    return std::nullopt;
  // NumPy scalars and 0-d arrays: numpy.bool_, integers, floats.
  py::object dtype = h.attr("dtype");
  if (!PyObject_HasAttrString(dtype.ptr(), "kind") ||
      !PyObject_HasAttrString(h.ptr(), "shape") ||
      py::len(h.attr("shape")) != 0)
    return std::nullopt;
  std::string kind = py::str(dtype.attr("kind")).cast<std::string>();
  if (kind == "b")
    return Scalar{h.cast<bool>() ? 1.0 : 0.0, ScalarKind::Bool};
  if (kind == "i" || kind == "u")
    return Scalar{static_cast<double>(toInt64(h)), ScalarKind::Int};
  if (kind == "f")
    return Scalar{PyFloat_AsDouble(h.ptr()), ScalarKind::Float};
  return std::nullopt;
}

Dtype adjit::python::defaultDtype(ScalarKind kind) {
  switch (kind) {
  case ScalarKind::Bool:
    return Dtype::Bool;
  case ScalarKind::Int:
    return Dtype::Int64;
  case ScalarKind::Float:
    return Dtype::Float32;
  }
  return Dtype::Float32;
}

bool adjit::python::scalarKeepsDtype(ScalarKind kind, Dtype dtype) {
  int rank = isFloatingPoint(dtype) ? 2 : dtype == Dtype::Int64 ? 1 : 0;
  return static_cast<int>(kind) <= rank;
}

Tensor adjit::python::toOperand(const char *op, const Tensor &self,
                                py::handle other) {
  if (py::isinstance<Tensor>(other))
    return other.cast<Tensor>();
  if (std::optional<Scalar> s = toScalar(other))
    return scalar_tensor(s->value, scalarKeepsDtype(s->kind, self.dtype())
                                       ? self.dtype()
                                       : defaultDtype(s->kind));
  throw py::type_error(std::string(op) +
                       ": expected a tensor or a number, got " +
                       py::str(py::type::of(other)).cast<std::string>());
}

Shape adjit::python::toShape(py::handle h) {
  if (PyIndex_Check(h.ptr()))
    return {toInt64(h)};
  if (!py::isinstance<py::sequence>(h) || py::isinstance<py::str>(h))
    throw py::type_error("expected a shape (an int or a sequence of ints), "
                         "got " +
                         py::str(py::type::of(h)).cast<std::string>());
  Shape shape;
  for (py::handle d : py::reinterpret_borrow<py::sequence>(h)) {
    if (!PyIndex_Check(d.ptr()))
      throw py::type_error(
          "expected a shape (an int or a sequence of ints), got an element "
          "of type " +
          py::str(py::type::of(d)).cast<std::string>());
    shape.push_back(toInt64(d));
  }
  return shape;
}

Shape adjit::python::shapeFromArgs(const py::args &args) {
  if (args.size() == 1 && !PyIndex_Check(args[0].ptr()))
    return toShape(args[0]);
  return toShape(args);
}

Shape adjit::python::toDims(const py::object &dims) {
  if (dims.is_none())
    return {};
  return toShape(dims);
}

Dtype adjit::python::dtypeOr(const py::object &dtype, Dtype fallback) {
  return dtype.is_none() ? fallback : dtype.cast<Dtype>();
}

py::tuple adjit::python::toTuple(const Shape &shape) {
  py::tuple t(shape.size());
  for (size_t i = 0; i < shape.size(); ++i)
    t[i] = py::int_(shape[i]);
  return t;
}
