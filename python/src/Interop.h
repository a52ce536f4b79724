//===- Interop.h - sharing tensor memory with other libraries ---*- C++ -*-===//

#ifndef ADJIT_PYTHON_INTEROP_H
#define ADJIT_PYTHON_INTEROP_H

#include "Bindings.h"

namespace adjit::python {

/// The address of the first element of \p t; throws (as Tensor::data_ptr
/// does) when a trace is recording, since the caller reads the values.
void *firstElement(const Tensor &t, const char *api);

/// A deleter for from_blob that drops a reference to \p owner, taking the
/// GIL: the tensor may die on any thread, with or without it.
std::function<void(void *)> releaseWithGIL(py::object owner);

} // namespace adjit::python

#endif // ADJIT_PYTHON_INTEROP_H
