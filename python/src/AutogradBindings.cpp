//===- AutogradBindings.cpp - grad mode, autograd.grad, graph nodes -------===//

#include "Bindings.h"

#include "adjit/Autograd.h"

#include <pybind11/functional.h>

#include <sstream>

using namespace adjit;
using namespace adjit::python;

namespace {

/// Tensors from a tensor or a sequence of tensors.
std::vector<Tensor> toTensors(const py::object &value) {
  if (value.is_none())
    return {};
  if (py::isinstance<Tensor>(value))
    return {value.cast<Tensor>()};
  std::vector<Tensor> tensors;
  for (py::handle item : value) {
    // None in grad_outputs: an undefined gradient (one-element outputs).
    tensors.push_back(item.is_none() ? Tensor() : item.cast<Tensor>());
  }
  return tensors;
}

} // namespace

void adjit::python::bindAutograd(py::module_ &m) {
  m.def("is_grad_enabled", &GradMode::is_enabled);
  m.def("_set_grad_enabled", &GradMode::set_enabled, py::arg("mode"));

  py::class_<Node, std::shared_ptr<Node>>(m, "Node",
                                          "A node of the backward graph.")
      .def("name", &Node::name)
      .def_property_readonly(
          "next_functions",
          [](const Node &node) {
            py::tuple next(node.next_functions().size());
            for (size_t i = 0; i < node.next_functions().size(); ++i)
              next[i] = py::make_tuple(node.next_functions()[i], 0);
            return next;
          })
      .def("__repr__", [](const Node &node) {
        std::ostringstream os;
        os << '<' << node.name() << " object at " << &node << '>';
        return os.str();
      });

  py::module_ autograd = m.def_submodule("autograd", "Reverse-mode autograd");
  autograd.def(
      "grad",
      [](const py::object &outputs, const py::object &inputs,
         const py::object &gradOutputs, std::optional<bool> retainGraph,
         bool createGraph, bool allowUnused) {
        std::vector<Tensor> grads = adjit::autograd::grad(
            toTensors(outputs), toTensors(inputs), toTensors(gradOutputs),
            retainGraph, createGraph, allowUnused);
        py::tuple result(grads.size());
        for (size_t i = 0; i < grads.size(); ++i)
          result[i] = grads[i].defined() ? py::cast(grads[i]) : py::none();
        return result;
      },
      py::arg("outputs"), py::arg("inputs"),
      py::arg("grad_outputs") = py::none(),
      py::arg("retain_graph") = py::none(), py::arg("create_graph") = false,
      py::arg("allow_unused") = false);
  autograd.def(
      "backward",
      [](const py::object &tensors, const py::object &gradTensors,
         std::optional<bool> retainGraph, bool createGraph) {
        adjit::autograd::backward(toTensors(tensors), toTensors(gradTensors),
                                  retainGraph, createGraph);
      },
      py::arg("tensors"), py::arg("grad_tensors") = py::none(),
      py::arg("retain_graph") = py::none(), py::arg("create_graph") = false);
  autograd.def(
      "gradcheck",
      [](const py::function &fn, const py::object &inputs, double eps,
         double atol, double rtol, bool raiseException) {
        adjit::autograd::GradcheckOptions options;
        options.eps = eps;
        options.atol = atol;
        options.rtol = rtol;
        options.raiseException = raiseException;
        auto call = [&fn](const std::vector<Tensor> &args) {
          py::tuple pyArgs(args.size());
          for (size_t i = 0; i < args.size(); ++i)
            pyArgs[i] = py::cast(args[i]);
          return fn(*pyArgs).cast<Tensor>();
        };
        return adjit::autograd::gradcheck(call, toTensors(inputs), options);
      },
      py::arg("func"), py::arg("inputs"), py::kw_only(), py::arg("eps") = 1e-6,
      py::arg("atol") = 1e-5, py::arg("rtol") = 1e-3,
      py::arg("raise_exception") = true);
}
