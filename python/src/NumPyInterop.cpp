//===- NumPyInterop.cpp - from_numpy and Tensor.numpy, zero-copy ----------===//

#include "Interop.h"

#include "adjit/Error.h"

#include <pybind11/numpy.h>

using namespace adjit;
using namespace adjit::python;

void *adjit::python::firstElement(const Tensor &t, const char *api) {
  switch (t.dtype()) {
  case Dtype::Float32:
    return t.data_ptr<float>();
  case Dtype::Float64:
    return t.data_ptr<double>();
  case Dtype::Int64:
    return t.data_ptr<int64_t>();
  case Dtype::Bool:
    return t.data_ptr<bool>();
  }
  throw Error(std::string(api) + ": unknown dtype");
}

std::function<void(void *)> adjit::python::releaseWithGIL(py::object owner) {
  auto *held = new py::object(std::move(owner));
  return [held](void *) {
    // After the interpreter has finalized, the object is gone with it.
    if (!Py_IsInitialized())
      return;
    py::gil_scoped_acquire gil;
    delete held;
  };
}

namespace {

py::dtype numpyDtype(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return py::dtype::of<float>();
  case Dtype::Float64:
    return py::dtype::of<double>();
  case Dtype::Int64:
    return py::dtype::of<int64_t>();
  case Dtype::Bool:
    return py::dtype::of<bool>();
  }
  return py::dtype::of<float>();
}

/// The adjit dtype of a NumPy array shared by from_numpy.
Dtype sharedDtype(const py::array &array) {
  py::dtype d = array.dtype();
  if (d.is(py::dtype::of<float>()) || (d.kind() == 'f' && d.itemsize() == 4))
    return Dtype::Float32;
  if (d.kind() == 'f' && d.itemsize() == 8)
    return Dtype::Float64;
  if (d.kind() == 'i' && d.itemsize() == 8)
    return Dtype::Int64;
  if (d.kind() == 'b')
    return Dtype::Bool;
  throw Error("from_numpy: NumPy dtype " +
              py::str(static_cast<py::handle>(d)).cast<std::string>() +
              " has no adjit dtype to share memory with (float32, float64, "
              "int64 and bool can be shared); convert it first, e.g. "
              "a.astype(numpy.float32), or copy it with adjit.tensor(a)");
}

/// from_numpy(a): a tensor sharing a's memory; it holds a reference to a.
Tensor fromNumPy(const py::handle &value) {
  if (!py::isinstance<py::array>(value))
    throw py::type_error("from_numpy: expected a numpy.ndarray, got " +
                         py::str(py::type::of(value)).cast<std::string>());
  auto array = py::reinterpret_borrow<py::array>(value);
  Dtype dtype = sharedDtype(array);
  if (!array.dtype().attr("isnative").cast<bool>())
    throw Error("from_numpy: the array is not in native byte order; convert "
                "it with a.astype(a.dtype.newbyteorder('='))");
  int64_t itemsize = static_cast<int64_t>(elementSize(dtype));
  Shape shape, strides;
  for (py::ssize_t d = 0; d < array.ndim(); ++d) {
    shape.push_back(array.shape(d));
    int64_t stride = array.strides(d);
    if (stride < 0 || stride % itemsize != 0)
      throw Error(
          "from_numpy: the array has strides " +
          py::str(py::handle(array.attr("strides"))).cast<std::string>() +
          " (in bytes); tensors need non-negative multiples of the "
          "element size " +
          std::to_string(itemsize) +
          ": copy it first with numpy.ascontiguousarray(a)");
    strides.push_back(stride / itemsize);
  }
  void *data = const_cast<void *>(array.data());
  return from_blob(data, shape, strides, releaseWithGIL(array), dtype);
}

/// Tensor.numpy(): an array sharing the tensor's memory; the array holds a
/// handle of the tensor as its base, which keeps the storage alive.
py::array toNumPy(const Tensor &t) {
  if (t.requires_grad())
    throw Error("numpy: cannot call numpy() on a tensor that requires grad "
                "(shape " +
                shapeToString(t.sizes()) +
                "); use tensor.detach().numpy() instead");
  void *data = firstElement(t, "numpy");
  int64_t itemsize = static_cast<int64_t>(elementSize(t.dtype()));
  std::vector<py::ssize_t> shape(t.sizes().begin(), t.sizes().end());
  std::vector<py::ssize_t> strides;
  for (int64_t s : t.strides())
    strides.push_back(s * itemsize);
  py::capsule base(new Tensor(t),
                   [](void *handle) { delete static_cast<Tensor *>(handle); });
  return py::array(numpyDtype(t.dtype()), shape, strides, data, base);
}

} // namespace

void adjit::python::bindNumPy(py::module_ &m, py::class_<Tensor> &tensor) {
  m.def("from_numpy", &fromNumPy, py::arg("ndarray"),
        "A tensor sharing the memory of a NumPy array of float32, float64, "
        "int64 or bool (any non-negative strides); it keeps the array alive.");
  tensor
      .def("numpy", &toNumPy,
           "An array sharing this tensor's memory; it keeps the tensor alive.")
      .def(
          "__array__",
          [](const Tensor &t, const py::object &dtype) {
            py::array a = toNumPy(t.requires_grad() ? t.detach() : t);
            return dtype.is_none() ? py::object(a) : a.attr("astype")(dtype);
          },
          py::arg("dtype") = py::none());
}
