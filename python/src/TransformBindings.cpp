//===- TransformBindings.cpp - jit.scan, jit.grad, jit.vjp ----------------===//
//
// The loops and functional transforms of the C++ API on flat lists of
// tensors; adjit/jit.py gives them JAX's Python signatures and the nesting
// of tuples and lists.
//
//===----------------------------------------------------------------------===//

#include "Callables.h"

#include "adjit/Error.h"
#include "adjit/JIT/Scan.h"
#include "adjit/JIT/Transforms.h"

#include <optional>

using namespace adjit;
using namespace adjit::python;

namespace {

/// A Python step `fn(carries, slices) -> (next carries, outputs)`, each a
/// list of tensors, as the step of jit::scan.
jit::ScanFunction toScanFunction(py::function fn) {
  SharedCallable callable = shareCallable(std::move(fn));
  return [callable](const std::vector<Tensor> &carries,
                    const std::vector<Tensor> &slices) -> runtime::ScanResult {
    py::gil_scoped_acquire gil;
    py::object result = callPython(
        *callable, py::make_tuple(toPyList(carries), toPyList(slices)));
    if (!py::isinstance<py::tuple>(result) || py::len(result) != 2)
      throw Error("jit.scan: the step must return a pair (carry, y), got " +
                  py::str(py::type::of(result)).cast<std::string>());
    py::tuple pair = result.cast<py::tuple>();
    return {toTensors(pair[0], "jit.scan", "the step's carry"),
            toTensors(pair[1], "jit.scan", "the step's output y")};
  };
}

/// The pullback of a jit.vjp call, callable from Python.
struct PythonPullback {
  jit::Pullback pullback;
};

} // namespace

void adjit::python::bindTransforms(py::module_ &jit) {
  jit.def(
      "scan",
      [](py::function fn, const std::vector<Tensor> &init,
         const std::vector<Tensor> &xs, std::optional<int64_t> length,
         bool reverse, const std::string &checkpoint,
         std::optional<Tensor> tripCount) {
        jit::ScanOptions options;
        options.reverse(reverse).checkpoint(
            jit::ScanCheckpoint::parse(checkpoint));
        if (tripCount)
          options.length(*tripCount);
        auto [carries, ys] =
            jit::scan(toScanFunction(std::move(fn)), init, xs, length, options);
        return py::make_tuple(toPyList(carries), toPyList(ys));
      },
      py::arg("fn"), py::arg("init"), py::arg("xs"),
      py::arg("length") = py::none(), py::arg("reverse") = false,
      py::arg("checkpoint") = "store_all", py::arg("trip_count") = py::none());

  jit.def(
      "grad",
      [](py::function fn, const std::vector<int64_t> &argnums,
         const std::string &name) {
        return jit::grad(toMultiTensorFunction(std::move(fn), "jit.grad"),
                         argnums, jit::CompileOptions{name});
      },
      py::arg("fn"), py::arg("argnums"), py::arg("name"));

  py::class_<PythonPullback>(jit, "Pullback")
      .def("__call__",
           [](const PythonPullback &p, const std::vector<Tensor> &cotangents) {
             return toPyList(p.pullback(cotangents));
           });
  py::class_<jit::VjpFunction>(jit, "VjpFunction")
      .def("__call__",
           [](const jit::VjpFunction &f, py::args args) {
             jit::VjpResult result = f(toInputs(args));
             return py::make_tuple(toPyList(result.outputs),
                                   PythonPullback{std::move(result.pullback)});
           })
      .def("stats",
           [](const jit::VjpFunction &f) { return statsOf(f.getStats()); })
      .def("last_ir", &jit::VjpFunction::getLastIR);
  jit.def(
      "vjp",
      [](py::function fn, const std::string &name) {
        return jit::vjp(toMultiTensorFunction(std::move(fn), "jit.vjp"),
                        jit::CompileOptions{name});
      },
      py::arg("fn"), py::arg("name"));
}
