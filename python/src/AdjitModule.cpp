//===- AdjitModule.cpp - the extension module adjit._adjit ----------------===//

#include "Bindings.h"

#include "adjit/Error.h"

using namespace adjit;
using namespace adjit::python;

PYBIND11_MODULE(_adjit, m) {
  m.doc() = "adjit: eager tensors with autograd and a differentiating JIT";
  // adjit::Error surfaces as adjit.Error, a RuntimeError with the C++
  // message.
  py::register_exception<Error>(m, "Error", PyExc_RuntimeError);
  py::class_<Tensor> tensor = bindTensor(m);
  bindFactories(m);
  bindAutograd(m);
  bindNN(m);
  bindOptim(m);
  py::module_ nn = m.attr("_nn");
  bindSequenceOps(nn, tensor);
  bindRNN(nn);
  bindJIT(m);
  bindNumPy(m, tensor);
  bindDLPack(m, tensor);
}
