//===- AutogradImpl.h - Recording ops into the backward graph ---*- C++ -*-===//

#ifndef ADJIT_LIB_RUNTIME_AUTOGRADIMPL_H
#define ADJIT_LIB_RUNTIME_AUTOGRADIMPL_H

#include "SmallObjectPool.h"
#include "TensorImpl.h"

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace adjit {

/// Throws the error of a backward through freed saved tensors.
[[noreturn]] void throwReleasedError(const char *nodeName);

/// A node whose backward is a callable
///   fn(const Tensor &grad, const std::vector<Tensor> &saved, const Node &)
///     -> std::vector<Tensor>
/// written in differentiable ops, so that create_graph works.
template <typename Fn> class FunctionNode final : public Node {
public:
  FunctionNode(const char *name, std::vector<SavedVariable> saved, Fn fn)
      : name_(name), saved_(std::move(saved)), fn_(std::move(fn)) {}
  const char *name() const override { return name_; }
  std::vector<Tensor> apply(const Tensor &grad) override {
    if (released_)
      throwReleasedError(name_);
    std::vector<Tensor> saved;
    saved.reserve(saved_.size());
    for (const SavedVariable &v : saved_)
      saved.push_back(v.unpack(name_));
    return fn_(grad, saved, static_cast<const Node &>(*this));
  }
  void releaseVariables() override {
    if (saved_.empty())
      return;
    for (SavedVariable &v : saved_)
      v.reset();
    released_ = true;
  }

private:
  const char *name_;
  std::vector<SavedVariable> saved_;
  Fn fn_;
  bool released_ = false;
};

/// Makes \p out the output of a new node \p name over \p inputs.
template <typename Fn>
void recordOp(const Tensor &out, const char *name,
              std::initializer_list<const Tensor *> inputs,
              std::vector<SavedVariable> saved, Fn &&fn) {
  auto node = std::allocate_shared<FunctionNode<std::decay_t<Fn>>>(
      SmallObjectAllocator<FunctionNode<std::decay_t<Fn>>>(), name,
      std::move(saved), std::forward<Fn>(fn));
  setNextEdges(*node, inputs);
  out.unsafeGetImpl()->gradFn = std::move(node);
}

/// Like recordOp for a list of inputs.
template <typename Fn>
void recordOpList(const Tensor &out, const char *name,
                  const std::vector<Tensor> &inputs,
                  std::vector<SavedVariable> saved, Fn &&fn) {
  auto node = std::allocate_shared<FunctionNode<std::decay_t<Fn>>>(
      SmallObjectAllocator<FunctionNode<std::decay_t<Fn>>>(), name,
      std::move(saved), std::forward<Fn>(fn));
  setNextEdges(*node, inputs);
  out.unsafeGetImpl()->gradFn = std::move(node);
}

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_AUTOGRADIMPL_H
