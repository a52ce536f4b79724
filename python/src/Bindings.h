//===- Bindings.h - the parts of the adjit Python module --------*- C++ -*-===//
//
// The extension module adjit._adjit is a thin layer over the C++ API: every
// op a binding exposes calls the C++ entry point of the same name, so eager
// execution, autograd and tracing see Python code exactly as C++ code. Each
// file binds one part of the API; this header declares them and the
// conversions between Python values and the API's types they share.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_PYTHON_BINDINGS_H
#define ADJIT_PYTHON_BINDINGS_H

#include "adjit/Tensor.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

namespace pybind11::detail {
/// Shape crosses into Python as a list of ints, and from any sequence of
/// ints, as std::vector<int64_t> does.
template <> struct type_caster<adjit::Shape> {
  PYBIND11_TYPE_CASTER(adjit::Shape, const_name("list[int]"));
  bool load(handle src, bool convert) {
    make_caster<std::vector<int64_t>> values;
    if (!values.load(src, convert))
      return false;
    value = cast_op<std::vector<int64_t> &&>(std::move(values));
    return true;
  }
  static handle cast(const adjit::Shape &shape, return_value_policy policy,
                     handle parent) {
    return make_caster<std::vector<int64_t>>::cast(shape.vec(), policy, parent);
  }
};
} // namespace pybind11::detail

namespace adjit::python {

namespace py = pybind11;

/// Binds Tensor: its methods, Python operators and indexing.
py::class_<Tensor> bindTensor(py::module_ &m);
/// Binds the factories: tensor, zeros, ones, arange, linspace, rand, ...
void bindFactories(py::module_ &m);
/// Binds grad mode, autograd.grad/backward/gradcheck and autograd nodes.
void bindAutograd(py::module_ &m);
/// Binds nn.functional, the C++ layers the Python modules wrap and nn.init.
void bindNN(py::module_ &m);
/// Binds optim (optimizers, parameter groups, optim.lr_scheduler) and
/// nn.utils.clip_grad_norm_.
void bindOptim(py::module_ &m);
/// Binds the functional ops of convolutional networks (conv, pooling, batch
/// norm, dropout) into \p nn, and the parameter draws of the conv modules.
void bindCNN(py::module_ &nn);
/// Binds the Tensor methods of sequence models (gather, tril, masked_fill,
/// split, ...) into \p tensor and their functional ops (embedding,
/// layer_norm, gelu, attention) into \p nn.
void bindSequenceOps(py::module_ &nn, py::class_<Tensor> &tensor);
/// Binds the C++ LSTM, GRU, LSTMCell and GRUCell modules into \p nn.
void bindRNN(py::module_ &nn);
/// Binds jit.compile, jit.trace, jit.TrainStep and the lowering of IR text.
void bindJIT(py::module_ &m);
/// Binds jit.scan, jit.grad and jit.vjp into \p jit (on flat lists of
/// tensors).
void bindTransforms(py::module_ &jit);
/// Binds from_numpy and Tensor.numpy.
void bindNumPy(py::module_ &m, py::class_<Tensor> &tensor);
/// Binds DLPack export and import.
void bindDLPack(py::module_ &m, py::class_<Tensor> &tensor);

/// The kind of a Python number, ordered as type promotion orders them.
enum class ScalarKind { Bool, Int, Float };

/// A Python bool, int or float (not a tensor).
struct Scalar {
  double value;
  ScalarKind kind;
};

/// The value of a Python int (or an object with __index__).
int64_t toInt64(py::handle h);
/// Returns the number \p h holds, or std::nullopt if it is not a Python (or
/// NumPy) bool, int or float.
std::optional<Scalar> toScalar(py::handle h);
/// The dtype PyTorch gives a tensor made from a number of kind \p kind.
Dtype defaultDtype(ScalarKind kind);
/// True if a number of kind \p kind combined with a tensor of \p dtype keeps
/// that dtype (PyTorch's rule: a float scalar promotes integer tensors).
bool scalarKeepsDtype(ScalarKind kind, Dtype dtype);
/// Returns \p other as a tensor operand of an op with \p self: \p other
/// itself, or a 0-d tensor holding a number (of \p self's dtype when the
/// number does not promote it). Throws a TypeError for other values, naming
/// \p op.
Tensor toOperand(const char *op, const Tensor &self, py::handle other);
/// A shape from Python: an int, or a sequence of ints.
Shape toShape(py::handle h);
/// A shape from *args: f(2, 3) or f((2, 3)) or f([2, 3]).
Shape shapeFromArgs(const py::args &args);
/// A list of dims from an int or a sequence of ints (None: empty).
Shape toDims(const py::object &dims);
/// The dtype of a keyword argument: \p fallback when None.
Dtype dtypeOr(const py::object &dtype, Dtype fallback);
/// A shape as a Python tuple.
py::tuple toTuple(const Shape &shape);

} // namespace adjit::python

#endif // ADJIT_PYTHON_BINDINGS_H
