//===- Autograd.h - Define-by-run reverse-mode autograd ---------*- C++ -*-===//

#ifndef ADJIT_AUTOGRAD_H
#define ADJIT_AUTOGRAD_H

#include "adjit/Runtime/InlineVector.h"
#include "adjit/Tensor.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace adjit {

/// Thread-local switch of gradient recording.
class GradMode {
public:
  /// True if ops record autograd nodes on this thread.
  static bool is_enabled();
  static void set_enabled(bool enabled);
};

/// RAII guard that disables gradient recording on this thread.
class NoGradGuard {
public:
  NoGradGuard() : previous_(GradMode::is_enabled()) {
    GradMode::set_enabled(false);
  }
  ~NoGradGuard() { GradMode::set_enabled(previous_); }
  NoGradGuard(const NoGradGuard &) = delete;
  NoGradGuard &operator=(const NoGradGuard &) = delete;

private:
  bool previous_;
};

/// RAII guard that sets gradient recording to a given state on this thread.
class AutoGradMode {
public:
  explicit AutoGradMode(bool enabled) : previous_(GradMode::is_enabled()) {
    GradMode::set_enabled(enabled);
  }
  ~AutoGradMode() { GradMode::set_enabled(previous_); }
  AutoGradMode(const AutoGradMode &) = delete;
  AutoGradMode &operator=(const AutoGradMode &) = delete;

private:
  bool previous_;
};

/// A tensor saved by a node for its backward, with the version of its
/// storage at save time so later in-place modification is detected.
class SavedVariable {
public:
  SavedVariable() = default;
  explicit SavedVariable(const Tensor &t);
  /// Returns the tensor; throws if it was modified in place since it was
  /// saved (\p nodeName names the op in the message).
  const Tensor &unpack(const char *nodeName) const;
  void reset() { tensor_ = Tensor(); }

private:
  Tensor tensor_;
  uint64_t version_ = 0;
  friend class SavedList;
};

/// The next edges of a node, one per input: the nodes the inputs' gradients
/// flow to. Up to two live in the node itself (see InlineVector).
using EdgeList = InlineVector<std::shared_ptr<Node>, 2>;

/// The gradients a node's apply() returns, one per next edge (undefined for
/// an input that needs none). Up to two live in the list itself, so that the
/// backward pass of a unary or binary op allocates no list.
class GradList : public InlineVector<Tensor, 2> {
public:
  GradList() = default;
  GradList(Tensor a) { push_back(std::move(a)); }
  GradList(Tensor a, Tensor b) {
    push_back(std::move(a));
    push_back(std::move(b));
  }
  GradList(std::vector<Tensor> grads) {
    reserve(grads.size());
    for (Tensor &g : grads)
      push_back(std::move(g));
  }
};

/// A node of the backward graph: computes the gradients of an op's inputs
/// from the gradient of its (single) output. Each op that records itself
/// creates one node; the output tensor points to it as its grad_fn().
class Node : public std::enable_shared_from_this<Node> {
public:
  virtual ~Node();
  /// PyTorch-style name of the node, e.g. "MulBackward0".
  virtual const char *name() const = 0;
  /// Gradients of the inputs (one per next edge, undefined when an input
  /// needs none) given the gradient of the output.
  virtual GradList apply(const Tensor &grad) = 0;
  /// Frees saved tensors; a later apply() throws.
  virtual void releaseVariables() {}
  /// The nodes the inputs' gradients flow to (null for inputs that do not
  /// require grad).
  const EdgeList &next_functions() const { return next_; }
  /// True if input \p i requires a gradient.
  bool needsInputGrad(size_t i) const {
    return i < next_.size() && next_[i] != nullptr;
  }
  /// Creation order; later nodes run first in backward.
  uint64_t sequenceNr() const { return sequenceNr_; }

protected:
  Node();
  uint64_t sequenceNr_;
  EdgeList next_;
  friend void setNextEdges(Node &, std::initializer_list<const Tensor *>);
  friend void setNextEdges(Node &, const std::vector<Tensor> &);
};

/// Points \p node's next edges at the gradient sinks of \p inputs.
void setNextEdges(Node &node, std::initializer_list<const Tensor *> inputs);
void setNextEdges(Node &node, const std::vector<Tensor> &inputs);

namespace autograd {

/// Computes and returns the gradients of \p outputs w.r.t. \p inputs
/// (without touching .grad()). \p gradOutputs may be empty for one-element
/// outputs. \p retainGraph defaults to \p createGraph; with \p createGraph the
/// returned gradients are themselves differentiable (higher-order gradients).
/// With \p allowUnused an input not reached gets an undefined gradient,
/// otherwise it is an error.
std::vector<Tensor> grad(const std::vector<Tensor> &outputs,
                         const std::vector<Tensor> &inputs,
                         const std::vector<Tensor> &gradOutputs = {},
                         std::optional<bool> retainGraph = std::nullopt,
                         bool createGraph = false, bool allowUnused = false);

/// Accumulates the gradients of \p tensors into the leaves' .grad().
void backward(const std::vector<Tensor> &tensors,
              const std::vector<Tensor> &gradTensors = {},
              std::optional<bool> retainGraph = std::nullopt,
              bool createGraph = false);

/// Called with a leaf after backward() accumulated a gradient into its
/// grad() (PyTorch's post-accumulate-grad hook).
using PostAccumulateGradHook = std::function<void(const Tensor &leaf)>;
/// Registers \p hook on the leaf \p leaf, which must require grad; hooks run
/// in registration order. Returns a handle for
/// remove_post_accumulate_grad_hook().
uint64_t register_post_accumulate_grad_hook(const Tensor &leaf,
                                            PostAccumulateGradHook hook);
/// Removes the hook \p handle of \p leaf (nothing if it is gone).
void remove_post_accumulate_grad_hook(const Tensor &leaf, uint64_t handle);
/// Queues \p callback to run when the backward pass running on this thread
/// has finished (PyTorch's Engine::queue_callback); only valid inside one,
/// e.g. from a hook. Callbacks run in the order they were queued.
void queue_callback(std::function<void()> callback);

/// Options of gradcheck().
struct GradcheckOptions {
  double eps = 1e-6;
  double atol = 1e-5;
  double rtol = 1e-3;
  /// Throw an Error describing the first mismatch instead of returning false.
  bool raiseException = true;
};

/// Compares the gradients computed by autograd for \p fn with central finite
/// differences. Every input that requires grad must be float64. Returns true
/// if all Jacobian entries agree within atol + rtol * |numerical|.
bool gradcheck(const std::function<Tensor(const std::vector<Tensor> &)> &fn,
               const std::vector<Tensor> &inputs,
               const GradcheckOptions &options = {});

} // namespace autograd
} // namespace adjit

#endif // ADJIT_AUTOGRAD_H
