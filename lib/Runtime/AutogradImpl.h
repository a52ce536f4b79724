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

/// The saved variables of a node: up to kInline of them in the node itself
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
  SavedList(const SavedList &) = delete;
  SavedList &operator=(const SavedList &) = delete;
  SavedList(SavedList &&other) noexcept { *this = std::move(other); }
  SavedList &operator=(SavedList &&other) noexcept {
    for (size_t i = 0; i < kInline; ++i) {
      inlineTensors_[i] = std::move(other.inlineTensors_[i]);
      inlineVersions_[i] = other.inlineVersions_[i];
    }
    moreTensors_ = std::move(other.moreTensors_);
    moreVersions_ = std::move(other.moreVersions_);
    size_ = other.size_;
    other.size_ = 0;
    return *this;
  }

  void push_back(const SavedVariable &v) {
    if (size_ < kInline) {
      inlineTensors_[size_] = v.tensor_;
      inlineVersions_[size_] = v.version_;
    } else {
      if (size_ == kInline) {
        moreTensors_.assign(inlineTensors_, inlineTensors_ + kInline);
        moreVersions_.assign(inlineVersions_, inlineVersions_ + kInline);
      }
      moreTensors_.push_back(v.tensor_);
      moreVersions_.push_back(v.version_);
    }
    ++size_;
  }
  bool empty() const { return size_ == 0; }

  /// The saved tensors; throws (naming \p nodeName) if one was modified in
  /// place since it was saved.
  SavedTensors unpack(const char *nodeName) const {
    const Tensor *tensors =
        size_ <= kInline ? inlineTensors_ : moreTensors_.data();
    const uint64_t *versions =
        size_ <= kInline ? inlineVersions_ : moreVersions_.data();
    for (size_t i = 0; i < size_; ++i)
      if (tensors[i].defined() && tensors[i]._version() != versions[i])
        throwModifiedError(nodeName, tensors[i], versions[i]);
    return {tensors, size_};
  }
  /// Frees the saved tensors.
  void clear() {
    for (Tensor &t : inlineTensors_)
      t = Tensor();
    moreTensors_.clear();
    moreVersions_.clear();
    size_ = 0;
  }

private:
  static constexpr size_t kInline = 2;
  Tensor inlineTensors_[kInline];
  uint64_t inlineVersions_[kInline] = {};
  std::vector<Tensor> moreTensors_;
  std::vector<uint64_t> moreVersions_;
  size_t size_ = 0;
};

/// A node whose backward is a callable
///   fn(const Tensor &grad, SavedTensors saved, const Node &)
///     -> std::vector<Tensor>
/// written in differentiable ops, so that create_graph works.
template <typename Fn> class FunctionNode final : public Node {
public:
  FunctionNode(const char *name, SavedList saved, Fn fn)
      : name_(name), saved_(std::move(saved)), fn_(std::move(fn)) {}
  const char *name() const override { return name_; }
  std::vector<Tensor> apply(const Tensor &grad) override {
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
