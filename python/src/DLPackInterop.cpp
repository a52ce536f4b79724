//===- DLPackInterop.cpp - __dlpack__ and from_dlpack, zero-copy ----------===//

#include "DLPack.h"
#include "Interop.h"

#include "adjit/Error.h"

using namespace adjit;
using namespace adjit::python;

namespace {

constexpr const char *kCapsuleName = "dltensor";
constexpr const char *kUsedCapsuleName = "used_dltensor";

/// What an exported DLManagedTensor owns: a handle of the tensor (keeping
/// its storage alive) and the shape and strides the DLTensor points to.
struct ExportedTensor {
  Tensor tensor;
  Shape shape, strides;
  DLManagedTensor managed;
};

DLDataType toDLDataType(Dtype dtype) {
  switch (dtype) {
  case Dtype::Float32:
    return {kDLFloat, 32, 1};
  case Dtype::Float64:
    return {kDLFloat, 64, 1};
  case Dtype::Int64:
    return {kDLInt, 64, 1};
  case Dtype::Bool:
    return {kDLBool, 8, 1};
  }
  return {kDLFloat, 32, 1};
}

/// The adjit dtype of a DLPack type, or an error naming it.
Dtype fromDLDataType(DLDataType type) {
  if (type.lanes == 1) {
    if (type.code == kDLFloat && type.bits == 32)
      return Dtype::Float32;
    if (type.code == kDLFloat && type.bits == 64)
      return Dtype::Float64;
    if (type.code == kDLInt && type.bits == 64)
      return Dtype::Int64;
    if (type.code == kDLBool && type.bits == 8)
      return Dtype::Bool;
  }
  throw Error("from_dlpack: DLPack type (code " + std::to_string(type.code) +
              ", " + std::to_string(type.bits) + " bits, " +
              std::to_string(type.lanes) +
              " lanes) has no adjit dtype (float32, float64, int64 and bool "
              "can be shared)");
}

/// Tensor.__dlpack__(): a capsule with a DLManagedTensor viewing the tensor.
py::capsule toDLPack(const Tensor &t, const py::object &stream) {
  if (!stream.is_none())
    throw Error("__dlpack__: adjit tensors live on the CPU and take no "
                "stream, got one");
  if (t.requires_grad())
    throw Error("__dlpack__: cannot export a tensor that requires grad "
                "(shape " +
                shapeToString(t.sizes()) + "); use tensor.detach() first");
  auto *exported = new ExportedTensor{t, t.sizes(), t.strides(), {}};
  DLTensor &dl = exported->managed.dl_tensor;
  try {
    dl.data = firstElement(t, "__dlpack__");
  } catch (...) {
    delete exported;
    throw;
  }
  dl.device = {kDLCPU, 0};
  dl.ndim = static_cast<int32_t>(t.dim());
  dl.dtype = toDLDataType(t.dtype());
  dl.shape = exported->shape.data();
  dl.strides = exported->strides.data();
  dl.byte_offset = 0;
  exported->managed.manager_ctx = exported;
  exported->managed.deleter = [](DLManagedTensor *self) {
    delete static_cast<ExportedTensor *>(self->manager_ctx);
  };
  // A capsule nobody consumed still owns the tensor: its destructor frees
  // it. A consumer renames it and calls the deleter itself when done.
  return py::capsule(&exported->managed, kCapsuleName, [](PyObject *capsule) {
    if (!PyCapsule_IsValid(capsule, kCapsuleName))
      return;
    auto *managed = static_cast<DLManagedTensor *>(
        PyCapsule_GetPointer(capsule, kCapsuleName));
    managed->deleter(managed);
  });
}

/// from_dlpack(x): a tensor sharing the memory of an object with
/// __dlpack__ (a NumPy array, a torch tensor, an adjit tensor) or of a
/// DLPack capsule, which it consumes.
Tensor fromDLPack(const py::object &source) {
  py::object capsule = source;
  if (PyObject_HasAttrString(source.ptr(), "__dlpack__")) {
    if (py::isinstance<Tensor>(source))
      return source.cast<Tensor>();
    capsule = source.attr("__dlpack__")();
  }
  if (PyCapsule_IsValid(capsule.ptr(), kUsedCapsuleName))
    throw Error("from_dlpack: the DLPack capsule was already consumed; a "
                "capsule can be used only once");
  if (!PyCapsule_IsValid(capsule.ptr(), kCapsuleName))
    throw py::type_error("from_dlpack: expected an object with __dlpack__ or "
                         "a DLPack capsule, got " +
                         py::str(py::type::of(capsule)).cast<std::string>());
  auto *managed = static_cast<DLManagedTensor *>(
      PyCapsule_GetPointer(capsule.ptr(), kCapsuleName));
  const DLTensor &dl = managed->dl_tensor;
  // Checked before the capsule is taken over: on error it still owns the
  // tensor and frees it.
  if (dl.device.device_type != kDLCPU)
    throw Error("from_dlpack: the tensor lives on DLPack device type " +
                std::to_string(dl.device.device_type) +
                "; adjit shares CPU memory only");
  Dtype dtype = fromDLDataType(dl.dtype);
  Shape shape(dl.shape, dl.shape + dl.ndim);
  Shape strides;
  if (dl.strides) {
    strides.assign(dl.strides, dl.strides + dl.ndim);
    for (int64_t s : strides)
      if (s < 0)
        throw Error("from_dlpack: negative strides " + shapeToString(strides) +
                    " are not supported; copy the array first");
  } else {
    strides.assign(dl.ndim, 1);
    for (int32_t d = dl.ndim - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * shape[d + 1];
  }
  void *data = static_cast<char *>(dl.data) + dl.byte_offset;
  PyCapsule_SetName(capsule.ptr(), kUsedCapsuleName);
  // The producer's deleter may release Python objects: it runs with the GIL.
  std::function<void(void *)> deleter = [managed](void *) {
    if (!managed->deleter || !Py_IsInitialized())
      return;
    py::gil_scoped_acquire gil;
    managed->deleter(managed);
  };
  return from_blob(data, shape, strides, std::move(deleter), dtype);
}

} // namespace

void adjit::python::bindDLPack(py::module_ &m, py::class_<Tensor> &tensor) {
  tensor
      .def("__dlpack__", &toDLPack, py::kw_only(),
           py::arg("stream") = py::none(),
           "A DLPack capsule viewing this tensor's memory.")
      .def("__dlpack_device__", [](const Tensor &) {
        return py::make_tuple(static_cast<int>(kDLCPU), 0);
      });
  m.def("from_dlpack", &fromDLPack, py::arg("ext_tensor"),
        "A tensor sharing the memory of a DLPack producer or capsule.");
  m.def(
      "to_dlpack", [](const Tensor &t) { return toDLPack(t, py::none()); },
      py::arg("tensor"), "A DLPack capsule viewing the tensor's memory.");
}
