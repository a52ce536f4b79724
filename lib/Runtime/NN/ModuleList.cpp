//===- ModuleList.cpp - The ModuleList container --------------------------===//

#include "adjit/NN/ModuleList.h"

using namespace adjit;
using namespace adjit::nn;

const std::shared_ptr<Module> &ModuleListImpl::ptr(size_t index) const {
  if (index >= modules_.size())
    throw Error("ModuleList: index " + std::to_string(index) +
                " is out of range for a list of " +
                std::to_string(modules_.size()) + " modules");
  return modules_[index];
}
