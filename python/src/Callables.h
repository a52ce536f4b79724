//===- Callables.h - Python functions as functions of the C++ API -*- C++
//-*-===//
//
// jit.compile, jit.scan, jit.grad and jit.vjp take Python functions of
// tensors and hand them to the C++ API as std::functions. These helpers keep
// the Python callable alive (releasing it with the GIL held), call it with
// the GIL, carry the runtime's own C++ signals across the Python frames, and
// convert its results, with adjit::Error naming the API on bad results.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_PYTHON_CALLABLES_H
#define ADJIT_PYTHON_CALLABLES_H

#include "Bindings.h"

#include "adjit/JIT.h"

#include <memory>
#include <string>
#include <vector>

namespace adjit::python {

/// Makes C++ exceptions that are no std::exception (the runtime's signals,
/// e.g. a trace guard's replay mismatch) cross Python code as
/// adjit._adjit.ForeignCppException, a BaseException, and come back to C++
/// as themselves when callPython returns.
void bindForeignExceptions(py::module_ &m);

/// A Python callable shared by copies of a C++ function: released with the
/// GIL held, wherever the last copy dies.
using SharedCallable = std::shared_ptr<py::function>;
SharedCallable shareCallable(py::function fn);

/// Calls `fn(*args)` with the GIL held. A C++ exception that crossed the
/// Python frames is rethrown as itself; a Python exception as
/// py::error_already_set.
py::object callPython(const py::function &fn, const py::tuple &args);

/// The tensors of `value`, a tensor or a tuple or list of tensors. Throws
/// adjit::Error "<api>: <what> must be a tensor or a tuple or list of
/// tensors, got <type>" otherwise.
std::vector<Tensor> toTensors(py::handle value, const std::string &api,
                              const std::string &what);

/// Tensors from the positional arguments of a compiled function; a
/// TypeError for other values.
std::vector<Tensor> toInputs(const py::args &args);

/// A Python function of tensors (the inputs as positional arguments) that
/// returns a tensor, as a jit::TensorFunction; `api` names the caller in
/// messages.
jit::TensorFunction toTensorFunction(py::function fn, std::string api);

/// As toTensorFunction, for a function returning a tensor or a tuple or
/// list of tensors.
jit::MultiTensorFunction toMultiTensorFunction(py::function fn,
                                               std::string api);

/// A list of tensors as a Python list; undefined tensors are None.
py::list toPyList(const std::vector<Tensor> &tensors);

/// The statistics of a compiled function as a dict: compilations,
/// cache_hits, replays, last_reason.
py::dict statsOf(const jit::CompileStats &stats);

} // namespace adjit::python

#endif // ADJIT_PYTHON_CALLABLES_H
