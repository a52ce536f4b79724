//===- Callables.cpp - Python functions as functions of the C++ API -------===//

#include "Callables.h"

#include "adjit/Error.h"

#include <utility>

using namespace adjit;
using namespace adjit::python;

namespace {

/// The Python exception that carries a C++ exception of a type Python does
/// not know across the Python frames of a traced function.
PyObject *foreignExceptionType = nullptr;

/// The C++ exception that foreignExceptionType carries on this thread.
std::exception_ptr &pendingForeignException() {
  thread_local std::exception_ptr pending;
  return pending;
}

std::string typeName(py::handle value) {
  return py::str(py::type::of(value)).cast<std::string>();
}

} // namespace

void adjit::python::bindForeignExceptions(py::module_ &m) {
  // C++ exceptions that are no std::exception cross Python code as a
  // BaseException (so `except Exception` does not swallow them) and are
  // rethrown as themselves when they come back to C++.
  foreignExceptionType = PyErr_NewException("adjit._adjit.ForeignCppException",
                                            PyExc_BaseException, nullptr);
  m.attr("ForeignCppException") = py::handle(foreignExceptionType);
  py::register_exception_translator([](std::exception_ptr exception) {
    try {
      std::rethrow_exception(exception);
    } catch (const std::exception &) {
      throw;
    } catch (...) {
      pendingForeignException() = exception;
      PyErr_SetString(foreignExceptionType,
                      "a C++ exception crossing Python code");
    }
  });
}

SharedCallable adjit::python::shareCallable(py::function fn) {
  return SharedCallable(new py::function(std::move(fn)), [](py::function *f) {
    py::gil_scoped_acquire gil;
    delete f;
  });
}

py::object adjit::python::callPython(const py::function &fn,
                                     const py::tuple &args) {
  py::gil_scoped_acquire gil;
  try {
    return fn(*args);
  } catch (py::error_already_set &error) {
    std::exception_ptr pending = std::exchange(pendingForeignException(), {});
    if (pending && error.matches(foreignExceptionType))
      std::rethrow_exception(pending);
    throw;
  }
}

std::vector<Tensor> adjit::python::toTensors(py::handle value,
                                             const std::string &api,
                                             const std::string &what) {
  if (py::isinstance<Tensor>(value))
    return {value.cast<Tensor>()};
  if (py::isinstance<py::tuple>(value) || py::isinstance<py::list>(value)) {
    std::vector<Tensor> tensors;
    for (py::handle item : value) {
      if (!py::isinstance<Tensor>(item))
        throw Error(api + ": " + what +
                    " must be a tensor or a tuple or list of tensors, got a " +
                    typeName(value) + " holding a " + typeName(item));
      tensors.push_back(item.cast<Tensor>());
    }
    return tensors;
  }
  throw Error(api + ": " + what +
              " must be a tensor or a tuple or list of tensors, got " +
              typeName(value));
}

std::vector<Tensor> adjit::python::toInputs(const py::args &args) {
  std::vector<Tensor> inputs;
  for (py::handle a : args) {
    if (!py::isinstance<Tensor>(a))
      throw py::type_error("compiled functions take tensors, got " +
                           typeName(a));
    inputs.push_back(a.cast<Tensor>());
  }
  return inputs;
}

namespace {
py::tuple toPyArgs(const std::vector<Tensor> &inputs) {
  py::gil_scoped_acquire gil;
  py::tuple args(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    args[i] = py::cast(inputs[i]);
  return args;
}
} // namespace

jit::TensorFunction adjit::python::toTensorFunction(py::function fn,
                                                    std::string api) {
  SharedCallable callable = shareCallable(std::move(fn));
  return [callable, api](const std::vector<Tensor> &inputs) {
    py::gil_scoped_acquire gil;
    py::object result = callPython(*callable, toPyArgs(inputs));
    if (!py::isinstance<Tensor>(result))
      throw Error(api + ": the function must return one tensor, got " +
                  typeName(result));
    return result.cast<Tensor>();
  };
}

jit::MultiTensorFunction adjit::python::toMultiTensorFunction(py::function fn,
                                                              std::string api) {
  SharedCallable callable = shareCallable(std::move(fn));
  return [callable, api](const std::vector<Tensor> &inputs) {
    py::gil_scoped_acquire gil;
    return toTensors(callPython(*callable, toPyArgs(inputs)), api,
                     "the function's result");
  };
}

py::list adjit::python::toPyList(const std::vector<Tensor> &tensors) {
  py::list list;
  for (const Tensor &t : tensors)
    list.append(t.defined() ? py::cast(t) : py::none());
  return list;
}

py::dict adjit::python::statsOf(const jit::CompileStats &stats) {
  py::dict d;
  d["compilations"] = stats.compilations;
  d["cache_hits"] = stats.cacheHits;
  d["replays"] = stats.replays;
  d["last_reason"] = stats.lastReason;
  d["disk_hits"] = stats.diskHits;
  d["fast_tier_calls"] = stats.fastTierCalls;
  d["optimized_tier_calls"] = stats.optimizedTierCalls;
  d["last_tier"] = jit::getTierName(stats.lastTier);
  d["tier_ups"] = stats.tierUps;
  d["versions"] = stats.versions;
  d["evictions"] = stats.evictions;
  d["stale_dropped"] = stats.staleDropped;
  d["tier_ups_scheduled"] = stats.tierUpsScheduled;
  d["tier_up_reason"] = stats.tierUpReason;
  return d;
}
