//===- PooledInputs.cpp - per-thread lists of call inputs -----------------===//

#include "adjit/JIT.h"

#include <memory>

using namespace adjit;
using namespace adjit::jit;

namespace {
/// The thread's lists not in use; a call made while another one is under
/// way (a compiled function called by a traced one) takes another list.
thread_local std::vector<std::unique_ptr<std::vector<Tensor>>> freeLists;
} // namespace

detail::PooledInputs::PooledInputs() {
  if (freeLists.empty()) {
    list = new std::vector<Tensor>();
    return;
  }
  list = freeLists.back().release();
  freeLists.pop_back();
}

detail::PooledInputs::~PooledInputs() {
  list->clear();
  try {
    freeLists.emplace_back(list);
  } catch (...) {
    delete list;
  }
}
