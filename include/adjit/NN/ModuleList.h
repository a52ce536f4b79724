//===- ModuleList.h - The ModuleList container ------------------*- C++ -*-===//

#ifndef ADJIT_NN_MODULELIST_H
#define ADJIT_NN_MODULELIST_H

#include "adjit/NN.h"

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace adjit {
namespace nn {

/// A list of submodules, as LibTorch's ModuleList: each appended module is
/// registered as a submodule named "0", "1", ..., so that parameters(),
/// named_parameters() ("blocks.0.weight"), buffers(), zero_grad(),
/// train()/eval() and to(dtype) of the module holding the list reach it.
/// The list has no forward(); its owner calls the modules:
/// `for (const auto &block : *blocks) x = block->as<BlockImpl>()->forward(x);`
/// or `x = blocks->ptr<BlockImpl>(i)->forward(x)`.
class ModuleListImpl : public Module {
public:
  using Iterator = std::vector<std::shared_ptr<Module>>::iterator;
  using ConstIterator = std::vector<std::shared_ptr<Module>>::const_iterator;

  ModuleListImpl() : Module("ModuleList") {}
  /// Appends each of `modules` (holders or shared pointers to modules).
  template <typename... Modules>
  explicit ModuleListImpl(Modules &&...modules) : Module("ModuleList") {
    (push_back(std::forward<Modules>(modules)), ...);
  }

  /// Appends a module (a ModuleHolder or a shared_ptr to a Module); throws
  /// adjit::Error for an empty holder or a null pointer.
  template <typename M> void push_back(M &&module) {
    append(register_module(std::to_string(size()), std::forward<M>(module)));
  }
  /// Appends every module of `container` (a ModuleList or a range of
  /// holders or shared pointers).
  template <typename Container> void extend(const Container &container) {
    for (const auto &module : container)
      push_back(module);
  }

  /// The number of modules.
  size_t size() const { return modules_.size(); }
  /// Whether the list has no module.
  bool is_empty() const { return modules_.empty(); }

  /// The module at `index`; throws adjit::Error if out of range.
  const std::shared_ptr<Module> &ptr(size_t index) const;
  /// The module at `index` as a `T` (e.g. `LinearImpl`), or null if it is
  /// not one, as LibTorch; throws adjit::Error if `index` is out of range.
  template <typename T> std::shared_ptr<T> ptr(size_t index) const {
    return std::dynamic_pointer_cast<T>(ptr(index));
  }
  /// The module at `index` as a `T`; throws adjit::Error if out of range or
  /// not a `T`.
  template <typename T> T &at(size_t index) const {
    if (T *module = dynamic_cast<T *>(ptr(index).get()))
      return *module;
    throw Error("ModuleList::at: module " + std::to_string(index) + " is a " +
                ptr(index)->name() + ", not the requested type");
  }
  /// The module at `index`; throws adjit::Error if out of range.
  const std::shared_ptr<Module> &operator[](size_t index) const {
    return ptr(index);
  }

  Iterator begin() { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator begin() const { return modules_.begin(); }
  ConstIterator end() const { return modules_.end(); }

private:
  template <typename T> void append(const std::shared_ptr<T> &module) {
    modules_.push_back(module);
  }
  template <typename H> void append(const H &holder) {
    modules_.push_back(holder.ptr());
  }

  std::vector<std::shared_ptr<Module>> modules_;
};
ADJIT_MODULE(ModuleList);

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_MODULELIST_H
