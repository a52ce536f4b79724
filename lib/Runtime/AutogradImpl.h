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
/// Throws the error of a backward through \p saved, saved at version
/// \p version and modified in place since (\p nodeName names the node).
[[noreturn]] void throwModifiedError(const char *nodeName, const Tensor &saved,
                                     uint64_t version);

/// The tensors a node saved, as its backward reads them: a view of an
/// array of tensors, indexable like the vector it replaces.
class SavedTensors {
public:
  SavedTensors(const Tensor *data, size_t size) : data_(data), size_(size) {}
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Tensor &operator[](size_t i) const { return data_[i]; }
  const Tensor *begin() const { return data_; }
  const Tensor *end() const { return data_ + size_; }

private:
  const Tensor *data_;
  size_t size_;
};

/// The saved variables of a node: up to two of them in the node itself
/// (every op but a few saves at most two), more on the heap. Recording a
/// long recurrent graph creates a node per op; a heap array per node would
/// be an allocation per op, and another per backward step to unpack it.
class SavedList {
public:
  SavedList() = default;
  SavedList(std::initializer_list<SavedVariable> saved) {
    for (const SavedVariable &v : saved)
      push_back(v);
  }

  void push_back(const SavedVariable &v) {
    tensors_.push_back(v.tensor_);
    versions_.push_back(v.version_);
  }
  bool empty() const { return tensors_.empty(); }

  /// The saved tensors; throws (naming \p nodeName) if one was modified in
  /// place since it was saved.
  SavedTensors unpack(const char *nodeName) const {
    for (size_t i = 0; i < tensors_.size(); ++i)
      if (tensors_[i].defined() && tensors_[i]._version() != versions_[i])
        throwModifiedError(nodeName, tensors_[i], versions_[i]);
    return {tensors_.data(), tensors_.size()};
  }
  /// Frees the saved tensors.
  void clear() {
    tensors_.clear();
    versions_.clear();
  }

private:
  InlineVector<Tensor, 2> tensors_;
  InlineVector<uint64_t, 2> versions_;
};

/// A node whose backward is a callable
///   fn(const Tensor &grad, SavedTensors saved, const Node &)
///     -> GradList
/// written in differentiable ops, so that create_graph works.
template <typename Fn> class FunctionNode final : public Node {
public:
  FunctionNode(const char *name, SavedList saved, Fn fn)
      : name_(name), saved_(std::move(saved)), fn_(std::move(fn)) {}
  const char *name() const override { return name_; }
  GradList apply(const Tensor &grad) override {
    if (released_)
      throwReleasedError(name_);
    return fn_(grad, saved_.unpack(name_), static_cast<const Node &>(*this));
  }
  void releaseVariables() override {
    if (saved_.empty())
      return;
    saved_.clear();
    released_ = true;
  }

private:
  const char *name_;
  SavedList saved_;
  Fn fn_;
  bool released_ = false;
};

/// Makes \p out the output of a new node \p name over \p inputs.
template <typename Fn>
void recordOp(const Tensor &out, const char *name,
              std::initializer_list<const Tensor *> inputs, SavedList saved,
              Fn &&fn) {
  auto node = std::allocate_shared<FunctionNode<std::decay_t<Fn>>>(
      SmallObjectAllocator<FunctionNode<std::decay_t<Fn>>>(), name,
      std::move(saved), std::forward<Fn>(fn));
  setNextEdges(*node, inputs);
  out.unsafeGetImpl()->gradFn = std::move(node);
}

/// Like recordOp for a list of inputs.
template <typename Fn>
void recordOpList(const Tensor &out, const char *name,
                  const std::vector<Tensor> &inputs, SavedList saved, Fn &&fn) {
  auto node = std::allocate_shared<FunctionNode<std::decay_t<Fn>>>(
      SmallObjectAllocator<FunctionNode<std::decay_t<Fn>>>(), name,
      std::move(saved), std::forward<Fn>(fn));
  setNextEdges(*node, inputs);
  out.unsafeGetImpl()->gradFn = std::move(node);
}

} // namespace adjit

#endif // ADJIT_LIB_RUNTIME_AUTOGRADIMPL_H
