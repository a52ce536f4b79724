//===- Autograd.cpp - Grad mode, backward graph and engine ----------------===//

#include "AutogradImpl.h"
#include "SliceBackwardNode.h"
#include "adjit/Runtime/OpObserver.h"

#include <algorithm>
#include <memory>
#include <typeinfo>
#include <unordered_map>

using namespace adjit;

namespace {
thread_local bool gradEnabled = true;
thread_local uint64_t nextSequenceNr = 0;

/// The node that accumulates gradients into a leaf's grad().
class AccumulateGrad final : public Node {
public:
  /// Runs as soon as its gradient is complete, before any other ready node
  /// (the highest sequence number, as in PyTorch), so that gradient hooks
  /// see each gradient as early as possible.
  explicit AccumulateGrad(std::weak_ptr<TensorImpl> leaf)
      : leaf_(std::move(leaf)) {
    sequenceNr_ = UINT64_MAX;
  }
  const char *name() const override { return "AccumulateGrad"; }
  GradList apply(const Tensor &grad) override;
  uint64_t addHook(autograd::PostAccumulateGradHook hook) {
    hooks_.emplace_back(nextHandle_, std::move(hook));
    return nextHandle_++;
  }
  void removeHook(uint64_t handle) {
    hooks_.erase(
        std::remove_if(hooks_.begin(), hooks_.end(),
                       [&](const auto &h) { return h.first == handle; }),
        hooks_.end());
  }

private:
  std::weak_ptr<TensorImpl> leaf_;
  std::vector<std::pair<uint64_t, autograd::PostAccumulateGradHook>> hooks_;
  uint64_t nextHandle_ = 0;
};

/// The callbacks queued by the backward pass running on this thread (null
/// outside one).
thread_local std::vector<std::function<void()>> *queuedCallbacks = nullptr;

/// Adds \p g into a gradient slot. Under create_graph (grad mode on) the sum
/// is recorded; otherwise the slot owns a private copy updated in place.
void accumulateInto(Tensor &slot, const Tensor &g) {
  if (GradMode::is_enabled()) {
    slot = slot.defined() ? add(slot, g) : g;
    return;
  }
  if (!slot.defined())
    slot = g.detach().clone();
  else if (slot.requires_grad())
    slot = add(slot, g);
  else
    slot.add_(g);
}

GradList AccumulateGrad::apply(const Tensor &grad) {
  // A leaf that no longer exists has nobody to read its gradient.
  std::shared_ptr<TensorImpl> leaf = leaf_.lock();
  if (!leaf)
    return {};
  accumulateInto(leaf->grad, grad);
  // A hook may remove hooks: iterate over a copy.
  auto hooks = hooks_;
  for (auto &h : hooks)
    h.second(Tensor(leaf));
  return {};
}

/// The node that receives the gradient of \p t.
std::shared_ptr<Node> gradientSink(const Tensor &t) {
  if (!t.defined() || !t.requires_grad())
    return nullptr;
  TensorImpl *impl = t.unsafeGetImpl();
  if (impl->gradFn)
    return impl->gradFn;
  if (!impl->gradAccumulator)
    impl->gradAccumulator = std::make_shared<AccumulateGrad>(
        std::weak_ptr<TensorImpl>(t.getIntrusivePtr()));
  return impl->gradAccumulator;
}

/// Dense indices of the nodes of one backward pass: an open-addressing table
/// keyed by address. A node-based map would cost an allocation per node and a
/// cache miss per lookup, for graphs of a node per op of a long loop. A slot
/// belongs to the current pass only if it carries the pass's stamp, so that
/// clearing the table for the next pass costs nothing, however large an
/// earlier pass made it.
class NodeIndex {
public:
  static constexpr uint32_t kNone = UINT32_MAX;

  /// The index of \p node, inserted with index \p next if it is new; the
  /// flag is true if it was.
  std::pair<uint32_t, bool> insert(Node *node, uint32_t next) {
    if (2 * (size_ + 1) > slots_.size())
      grow();
    Slot &slot = slots_[find(node)];
    if (isUsed(slot))
      return {slot.index, false};
    slot = {node, next, pass_};
    ++size_;
    return {next, true};
  }
  /// Starts fetching the slot of \p node (its own or the free one where it
  /// belongs), before the pass looks it up.
  void prefetch(Node *node) const {
    if (!slots_.empty())
      __builtin_prefetch(&slots_[home(node)]);
  }
  /// Forgets every node, keeping the table's memory for the next pass.
  void clear() {
    size_ = 0;
    if (++pass_ != 0)
      return;
    // The stamp wrapped around: unstamp every slot once.
    std::fill(slots_.begin(), slots_.end(), Slot());
    pass_ = 1;
  }
  /// The index of \p node, or kNone.
  uint32_t lookup(Node *node) const {
    if (slots_.empty())
      return kNone;
    const Slot &slot = slots_[find(node)];
    return isUsed(slot) ? slot.index : kNone;
  }

private:
  struct Slot {
    Node *node = nullptr;
    uint32_t index = 0;
    /// The pass that filled the slot (0: none).
    uint32_t pass = 0;
  };
  bool isUsed(const Slot &slot) const { return slot.pass == pass_; }
  /// The slot holding \p node, or the free slot where it belongs.
  size_t find(Node *node) const {
    size_t mask = slots_.size() - 1;
    size_t i = home(node);
    while (isUsed(slots_[i]) && slots_[i].node != node)
      i = (i + 1) & mask;
    return i;
  }
  /// The first slot probed for \p node.
  size_t home(Node *node) const {
    return static_cast<size_t>(
        (reinterpret_cast<uint64_t>(node) * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : 2 * old.size(), Slot());
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(slots_.size()));
    for (const Slot &slot : old)
      if (isUsed(slot))
        slots_[find(slot.node)] = slot;
  }
  std::vector<Slot> slots_;
  size_t size_ = 0;
  unsigned shift_ = 64;
  uint32_t pass_ = 1;
};

/// The bookkeeping of one node during a backward pass.
struct NodeState {
  int deps = 0;
  bool needed = false;
  bool queued = false;
  /// True if `grad` was made by the engine and nobody else holds it, so it
  /// can be updated in place.
  bool owned = false;
  /// The gradient summed so far.
  Tensor grad;
};

/// The arrays of one backward pass. A long recurrent graph has tens of
/// thousands of nodes: arrays of that size, allocated and freed on every
/// pass, come from fresh pages each time, and their frees make glibc
/// consolidate the small chunks the ops use. Each thread keeps one workspace
/// per nesting level of backward passes and reuses it.
struct EngineWorkspace {
  NodeIndex index;
  std::vector<Node *> nodes;
  std::vector<uint32_t> firstEdge, edgeChild, postOrder;
  std::vector<std::pair<uint32_t, size_t>> stack;
  std::vector<uint8_t> seen;
  std::vector<NodeState> state;
  std::vector<std::pair<uint64_t, uint32_t>> ready;

  void clear() {
    index.clear();
    nodes.clear();
    firstEdge.clear();
    edgeChild.clear();
    postOrder.clear();
    stack.clear();
    seen.clear();
    state.clear();
    ready.clear();
  }
};

/// Lends the calling thread's workspace for the current nesting level of
/// backward passes (a hook may run a backward pass of its own).
class WorkspaceLease {
public:
  WorkspaceLease() {
    if (depth == pool.size())
      pool.push_back(std::make_unique<EngineWorkspace>());
    // Empty: every lease clears its workspace when it ends.
    workspace_ = pool[depth++].get();
  }
  ~WorkspaceLease() {
    // Gradients the pass did not consume are freed now, not at the next.
    workspace_->clear();
    --depth;
  }
  WorkspaceLease(const WorkspaceLease &) = delete;
  WorkspaceLease &operator=(const WorkspaceLease &) = delete;
  EngineWorkspace &operator*() const { return *workspace_; }

private:
  static thread_local std::vector<std::unique_ptr<EngineWorkspace>> pool;
  static thread_local size_t depth;
  EngineWorkspace *workspace_;
};
thread_local std::vector<std::unique_ptr<EngineWorkspace>> WorkspaceLease::pool;
thread_local size_t WorkspaceLease::depth = 0;

/// Adds \p g into the gradient \p s has summed so far. Under create_graph
/// (grad mode on) the sum is recorded. Otherwise a gradient the engine owns
/// is updated in place, and a new sum becomes one it owns.
void addGradient(NodeState &s, const Tensor &g, bool createGraph) {
  if (!s.grad.defined()) {
    s.grad = g;
    s.owned = false;
    return;
  }
  if (!createGraph && s.owned && s.grad.sizes() == g.sizes() &&
      s.grad.dtype() == g.dtype()) {
    inPlaceKernel(InPlaceKind::Add, s.grad, g, 1.0);
    return;
  }
  s.grad = add(s.grad, g);
  s.owned = !createGraph;
}

/// Outside create_graph: adds \p g, the gradient of the output of the slice
/// or select \p node, into its region of the gradient \p input has summed
/// so far (a zero tensor of the input's shape if none), instead of building
/// the dense zero-padded gradient. Returns false (changing nothing) if the
/// shapes or dtypes do not allow it; the node's apply() then runs.
bool addIntoRegion(NodeState &input, const SliceBackwardNode &node,
                   const Tensor &g) {
  if (!node.fitsOutput(g.sizes()))
    return false;
  if (!input.grad.defined()) {
    input.grad = zeros(node.inputShape(), g.dtype());
  } else if (input.grad.dtype() != g.dtype() ||
             input.grad.sizes() != node.inputShape()) {
    return false;
  } else if (!input.owned) {
    input.grad = clone(input.grad);
  }
  input.owned = true;
  inPlaceKernel(InPlaceKind::Add, node.region(input.grad), g, 1.0);
  return true;
}

/// Runs the backward graph from \p roots. With \p inputs, the gradients
/// reaching them are returned instead of accumulated into leaves.
std::vector<Tensor> runBackward(const char *op,
                                const std::vector<Tensor> &roots,
                                const std::vector<Tensor> &rootGrads,
                                bool keepGraph, bool createGraph,
                                const std::vector<Tensor> *inputs,
                                bool allowUnused) {
  std::vector<std::shared_ptr<Node>> rootNodes;
  for (size_t i = 0; i < roots.size(); ++i) {
    checkDefined(op, roots[i]);
    if (!roots[i].requires_grad())
      throw Error(std::string(op) + ": element " + std::to_string(i) +
                  " of tensors does not require grad and does not have a "
                  "grad_fn");
    rootNodes.push_back(gradientSink(roots[i]));
  }

  // The nodes whose incoming gradients are returned.
  std::vector<std::shared_ptr<Node>> inputNodes;
  if (inputs) {
    for (size_t j = 0; j < inputs->size(); ++j) {
      const Tensor &in = (*inputs)[j];
      checkDefined(op, in);
      if (!in.requires_grad())
        throw Error(std::string(op) + ": input " + std::to_string(j) +
                    " does not require grad");
      inputNodes.push_back(gradientSink(in));
    }
  }

  // Discover the graph breadth first: number the nodes as they are found
  // (`nodes` is also the queue of nodes whose edges are still to be read),
  // and list each one's children by number (kNone for an input that needs no
  // gradient). Each node's edges are read once. In a large graph every node
  // and its slot in the index are cache misses; breadth first, the nodes
  // between one's numbering and the reading of its edges (the width of the
  // graph) give time to fetch them: a node is fetched when numbered, and
  // kDiscoveryAhead places before its edges are read, its children and their
  // slots are.
  constexpr uint32_t kNone = NodeIndex::kNone;
  constexpr size_t kDiscoveryAhead = 8;
  WorkspaceLease lease;
  EngineWorkspace &w = *lease;
  NodeIndex &index = w.index;
  std::vector<Node *> &nodes = w.nodes;
  std::vector<uint32_t> &firstEdge = w.firstEdge, &edgeChild = w.edgeChild,
                        &postOrder = w.postOrder;
  {
    auto number = [&](Node *n) {
      auto [k, inserted] = index.insert(n, static_cast<uint32_t>(nodes.size()));
      if (inserted) {
        nodes.push_back(n);
        __builtin_prefetch(n);
      }
      return k;
    };
    for (auto &r : rootNodes)
      number(r.get());
    for (size_t k = 0; k < nodes.size(); ++k) {
      if (k + kDiscoveryAhead < nodes.size())
        for (const std::shared_ptr<Node> &child :
             nodes[k + kDiscoveryAhead]->next_functions())
          if (Node *c = child.get()) {
            __builtin_prefetch(c);
            index.prefetch(c);
          }
      firstEdge.push_back(static_cast<uint32_t>(edgeChild.size()));
      for (const std::shared_ptr<Node> &child : nodes[k]->next_functions())
        edgeChild.push_back(child ? number(child.get()) : kNone);
    }
    firstEdge.push_back(static_cast<uint32_t>(edgeChild.size()));
  }

  // The input indices captured at each node reached.
  std::unordered_map<uint32_t, std::vector<size_t>> captures;
  for (size_t j = 0; j < inputNodes.size(); ++j) {
    uint32_t k = index.lookup(inputNodes[j].get());
    if (k != kNone)
      captures[k].push_back(j);
  }

  // Decide which nodes must run, and count their dependencies. Every node
  // reached runs, unless only the gradients of `inputs` are asked for: then
  // only the nodes on a path to one of them, found children first (a
  // post-order of the numbered graph, walked in the arrays).
  std::vector<NodeState> &state = w.state;
  state.resize(nodes.size());
  if (inputs) {
    std::vector<std::pair<uint32_t, size_t>> &stack = w.stack;
    std::vector<uint8_t> &seen = w.seen;
    seen.assign(nodes.size(), 0);
    for (auto &r : rootNodes) {
      uint32_t root = index.lookup(r.get());
      if (seen[root])
        continue;
      seen[root] = 1;
      stack.push_back({root, firstEdge[root]});
      while (!stack.empty()) {
        auto &[k, e] = stack.back();
        if (e < firstEdge[k + 1]) {
          uint32_t c = edgeChild[e++];
          if (c != kNone && !seen[c]) {
            seen[c] = 1;
            stack.push_back({c, firstEdge[c]});
          }
          continue;
        }
        postOrder.push_back(k);
        stack.pop_back();
      }
    }
    for (uint32_t k : postOrder) {
      bool need = captures.count(k) != 0;
      for (uint32_t e = firstEdge[k]; e < firstEdge[k + 1] && !need; ++e)
        need = edgeChild[e] != kNone && state[edgeChild[e]].needed;
      state[k].needed = need;
    }
  } else {
    for (NodeState &s : state)
      s.needed = true;
  }
  for (uint32_t k = 0; k < nodes.size(); ++k) {
    if (!state[k].needed)
      continue;
    for (uint32_t e = firstEdge[k]; e < firstEdge[k + 1]; ++e)
      if (edgeChild[e] != kNone && state[edgeChild[e]].needed)
        ++state[edgeChild[e]].deps;
  }

  {
    AutoGradMode mode(createGraph);
    for (size_t i = 0; i < roots.size(); ++i) {
      Tensor &b = state[index.lookup(rootNodes[i].get())].grad;
      b = b.defined() ? add(b, rootGrads[i]) : rootGrads[i];
    }
  }
  // Ready nodes by sequence number, the latest first.
  // (A heap over the workspace's array, as std::priority_queue would keep.)
  std::vector<std::pair<uint64_t, uint32_t>> &readyHeap = w.ready;
  auto push = [&](uint64_t sequenceNr, uint32_t k) {
    readyHeap.push_back({sequenceNr, k});
    std::push_heap(readyHeap.begin(), readyHeap.end());
  };
  for (auto &r : rootNodes) {
    uint32_t k = index.lookup(r.get());
    NodeState &rs = state[k];
    if (rs.needed && rs.deps == 0 && !rs.queued) {
      rs.queued = true;
      push(r->sequenceNr(), k);
    }
  }

  // Callbacks queued during this pass run when it finishes (not if it
  // throws); a nested pass has its own list.
  std::vector<std::function<void()>> callbacks;
  struct CallbackScope {
    std::vector<std::function<void()>> *previous;
    explicit CallbackScope(std::vector<std::function<void()>> *mine)
        : previous(queuedCallbacks) {
      queuedCallbacks = mine;
    }
    ~CallbackScope() { queuedCallbacks = previous; }
  } callbackScope(&callbacks);

  std::vector<Tensor> results(inputs ? inputs->size() : 0);
  // In a large graph each node is cold by the time it runs. Fetching the
  // first three cache lines of the node that many places ahead in the order
  // of discovery made the ADBench LSTM's backward pass 4 % faster, though
  // that order is not the one nodes run in: nodes found together were made
  // together, and lie together in memory. (Fetching exactly the nodes about
  // to run, in the order of their sequence numbers, with their saved
  // tensors, measured no better.) A prefetch changes nothing else.
  constexpr size_t kPrefetchDistance = 16;
  size_t executed = 0;
  while (!readyHeap.empty()) {
    std::pop_heap(readyHeap.begin(), readyHeap.end());
    uint32_t k = readyHeap.back().second;
    readyHeap.pop_back();
    if (size_t ahead = executed++ + kPrefetchDistance; ahead < nodes.size()) {
      const char *next = reinterpret_cast<const char *>(nodes[ahead]);
      __builtin_prefetch(next);
      __builtin_prefetch(next + 64);
      __builtin_prefetch(next + 128);
    }
    Node *node = nodes[k];
    Tensor g = std::move(state[k].grad);
    uint32_t edgesBegin = firstEdge[k], edgesEnd = firstEdge[k + 1];
    bool runIt = true;
    if (inputs) {
      auto c = captures.find(k);
      if (c != captures.end())
        for (size_t j : c->second)
          results[j] = g;
      bool childNeeded = false;
      for (uint32_t e = edgesBegin; e < edgesEnd; ++e)
        if (edgeChild[e] != kNone && state[edgeChild[e]].needed)
          childNeeded = true;
      runIt = childNeeded && dynamic_cast<AccumulateGrad *>(node) == nullptr;
    }
    GradList outs;
    if (runIt && g.defined()) {
      AutoGradMode mode(createGraph);
      // A slice's gradient goes straight into its input's gradient.
      bool added = false;
      if (!createGraph && typeid(*node) == typeid(SliceBackwardNode) &&
          edgesEnd == edgesBegin + 1 && edgeChild[edgesBegin] != kNone &&
          state[edgeChild[edgesBegin]].needed)
        added = addIntoRegion(state[edgeChild[edgesBegin]],
                              static_cast<const SliceBackwardNode &>(*node), g);
      if (!added)
        outs = node->apply(g);
    }
    if (!keepGraph && runIt)
      node->releaseVariables();
    for (uint32_t e = edgesBegin; e < edgesEnd; ++e) {
      uint32_t c = edgeChild[e];
      if (c == kNone)
        continue;
      NodeState &cs = state[c];
      if (!cs.needed)
        continue;
      size_t i = e - edgesBegin;
      if (i < outs.size() && outs[i].defined()) {
        AutoGradMode mode(createGraph);
        addGradient(cs, outs[i], createGraph);
      }
      if (--cs.deps == 0)
        push(nodes[c]->sequenceNr(), c);
    }
  }

  // A callback may queue more callbacks.
  for (size_t i = 0; i < callbacks.size(); ++i) {
    std::function<void()> callback = std::move(callbacks[i]);
    callback();
  }

  if (inputs && !allowUnused)
    for (size_t j = 0; j < results.size(); ++j)
      if (!results[j].defined())
        throw Error(std::string(op) + ": input " + std::to_string(j) +
                    " appears to not have been used in the graph; pass "
                    "allowUnused=true if this is intended");
  return results;
}

/// Default output gradients: ones for one-element outputs.
std::vector<Tensor> makeRootGrads(const char *op,
                                  const std::vector<Tensor> &outputs,
                                  const std::vector<Tensor> &given) {
  if (!given.empty() && given.size() != outputs.size())
    throw Error(std::string(op) + ": got " + std::to_string(given.size()) +
                " gradients for " + std::to_string(outputs.size()) +
                " outputs");
  std::vector<Tensor> grads;
  for (size_t i = 0; i < outputs.size(); ++i) {
    checkDefined(op, outputs[i]);
    if (given.empty() || !given[i].defined()) {
      if (outputs[i].numel() != 1)
        throw Error(std::string(op) +
                    ": grad can be implicitly created only for scalar "
                    "outputs, but the output has shape " +
                    shapeToString(outputs[i].sizes()) +
                    "; pass a gradient of that shape");
      grads.push_back(ones_like(outputs[i]));
      continue;
    }
    if (given[i].sizes() != outputs[i].sizes())
      throw Error(std::string(op) + ": gradient has shape " +
                  shapeToString(given[i].sizes()) +
                  " but the output has shape " +
                  shapeToString(outputs[i].sizes()));
    grads.push_back(given[i].dtype() == outputs[i].dtype()
                        ? given[i]
                        : given[i].to(outputs[i].dtype()));
  }
  return grads;
}
} // namespace

//===----------------------------------------------------------------------===//
// GradMode, Node, SavedVariable
//===----------------------------------------------------------------------===//

bool GradMode::is_enabled() { return gradEnabled; }
void GradMode::set_enabled(bool enabled) { gradEnabled = enabled; }

Node::Node() : sequenceNr_(nextSequenceNr++) {}
Node::~Node() {
  // Long chains (e.g. a loss accumulated over many steps) are released
  // iteratively: the outermost destructor drains the nodes whose last
  // reference it holds, instead of recursing once per node. (A plain pointer
  // as thread-local state stays valid during static destruction.)
  thread_local std::vector<std::shared_ptr<Node>> *pending = nullptr;
  std::vector<std::shared_ptr<Node>> local;
  bool outermost = pending == nullptr;
  if (outermost)
    pending = &local;
  for (std::shared_ptr<Node> &n : next_)
    if (n && n.use_count() == 1)
      pending->push_back(std::move(n));
  next_.clear();
  if (!outermost)
    return;
  while (!local.empty()) {
    std::shared_ptr<Node> n = std::move(local.back());
    local.pop_back();
    n.reset();
  }
  pending = nullptr;
}

void adjit::setNextEdges(Node &node,
                         std::initializer_list<const Tensor *> inputs) {
  node.next_.reserve(inputs.size());
  for (const Tensor *t : inputs)
    node.next_.push_back(gradientSink(*t));
}

void adjit::setNextEdges(Node &node, const std::vector<Tensor> &inputs) {
  node.next_.reserve(inputs.size());
  for (const Tensor &t : inputs)
    node.next_.push_back(gradientSink(t));
}

void adjit::throwReleasedError(const char *nodeName) {
  throw Error(std::string(nodeName) +
              ": trying to backward through the graph a second time (or to "
              "access saved tensors after they have been freed); saved "
              "tensors are freed by backward() and autograd::grad(). Pass "
              "retain_graph=true to the first backward to keep them");
}

SavedVariable::SavedVariable(const Tensor &t)
    : tensor_(t), version_(t.defined() ? t._version() : 0) {}

void adjit::throwModifiedError(const char *nodeName, const Tensor &saved,
                               uint64_t version) {
  throw Error(std::string(nodeName) +
              ": one of the tensors needed for gradient computation has been "
              "modified by an in-place operation: a tensor of shape " +
              shapeToString(saved.sizes()) + " was saved at version " +
              std::to_string(version) + " and is now at version " +
              std::to_string(saved._version()));
}

const Tensor &SavedVariable::unpack(const char *nodeName) const {
  if (tensor_.defined() && tensor_._version() != version_)
    throwModifiedError(nodeName, tensor_, version_);
  return tensor_;
}

//===----------------------------------------------------------------------===//
// Tensor autograd methods
//===----------------------------------------------------------------------===//

bool Tensor::requires_grad() const {
  checkDefined("requires_grad", *this);
  return impl_->requiresGrad || impl_->gradFn != nullptr;
}

Tensor &Tensor::requires_grad_(bool requiresGrad) {
  checkDefined("requires_grad_", *this);
  if (!is_leaf()) {
    if (!requiresGrad)
      throw Error("requires_grad_: you can only change requires_grad of "
                  "leaf tensors; use detach() on this result of " +
                  std::string(impl_->gradFn->name()));
    return *this;
  }
  if (requiresGrad && !isFloatingPoint(impl_->dtype))
    throw Error(std::string("requires_grad_: only tensors of floating-point "
                            "dtype can require gradients, got ") +
                dtypeName(impl_->dtype));
  impl_->requiresGrad = requiresGrad;
  return *this;
}

bool Tensor::is_leaf() const {
  checkDefined("is_leaf", *this);
  return impl_->gradFn == nullptr;
}

const Tensor &Tensor::grad() const {
  checkDefined("grad", *this);
  return impl_->grad;
}

Tensor &Tensor::mutable_grad() {
  checkDefined("mutable_grad", *this);
  return impl_->grad;
}

std::shared_ptr<Node> Tensor::grad_fn() const {
  checkDefined("grad_fn", *this);
  return impl_->gradFn;
}

void Tensor::retain_grad() {
  checkDefined("retain_grad", *this);
  if (!requires_grad())
    throw Error("retain_grad: cannot retain the gradient of a tensor that "
                "does not require grad");
  if (is_leaf())
    return;
  // Captured by a pass-through node between this tensor and its grad_fn.
  if (impl_->retainsGrad)
    return;
  impl_->retainsGrad = true;
  std::weak_ptr<TensorImpl> weak = impl_;
  Tensor self = *this;
  Tensor out(std::make_shared<TensorImpl>(*impl_));
  recordOp(out, "RetainGradBackward", {&self}, {},
           [weak](const Tensor &g, SavedTensors, const Node &) -> GradList {
             if (auto impl = weak.lock())
               accumulateInto(impl->grad, g);
             return {g};
           });
  impl_->gradFn = out.unsafeGetImpl()->gradFn;
}

void Tensor::backward(const Tensor &gradient, std::optional<bool> retainGraph,
                      bool createGraph) const {
  runtime::notifyUnsupported(
      "backward", "compiled functions differentiate their result themselves");

  autograd::backward({*this}, {gradient}, retainGraph, createGraph);
}

Tensor Tensor::detach() const {
  checkDefined("detach", *this);
  if (runtime::getCurrentObserver())
    return runtime::observeAsOneOp(
        {runtime::OpKind::StopGradient, "detach", {*this}},
        [&] { return detach(); });
  auto impl =
      std::allocate_shared<TensorImpl>(SmallObjectAllocator<TensorImpl>());
  impl->storage = impl_->storage;
  impl->shape = impl_->shape;
  impl->strides = impl_->strides;
  impl->offset = impl_->offset;
  impl->numel = impl_->numel;
  impl->dtype = impl_->dtype;
  impl->isView = true;
  return Tensor(std::move(impl));
}

Tensor &Tensor::detach_() {
  checkDefined("detach_", *this);
  impl_->gradFn = nullptr;
  impl_->requiresGrad = false;
  return *this;
}

//===----------------------------------------------------------------------===//
// autograd::grad / backward
//===----------------------------------------------------------------------===//

std::vector<Tensor> autograd::grad(const std::vector<Tensor> &outputs,
                                   const std::vector<Tensor> &inputs,
                                   const std::vector<Tensor> &gradOutputs,
                                   std::optional<bool> retainGraph,
                                   bool createGraph, bool allowUnused) {
  std::vector<Tensor> rootGrads =
      makeRootGrads("autograd::grad", outputs, gradOutputs);
  return runBackward("autograd::grad", outputs, rootGrads,
                     retainGraph.value_or(createGraph), createGraph, &inputs,
                     allowUnused);
}

void autograd::backward(const std::vector<Tensor> &tensors,
                        const std::vector<Tensor> &gradTensors,
                        std::optional<bool> retainGraph, bool createGraph) {
  std::vector<Tensor> rootGrads =
      makeRootGrads("backward", tensors, gradTensors);
  runBackward("backward", tensors, rootGrads, retainGraph.value_or(createGraph),
              createGraph, nullptr, false);
}

uint64_t
autograd::register_post_accumulate_grad_hook(const Tensor &leaf,
                                             PostAccumulateGradHook hook) {
  const char *op = "register_post_accumulate_grad_hook";
  checkDefined(op, leaf);
  if (!leaf.is_leaf() || !leaf.requires_grad())
    throw Error(std::string(op) +
                ": the tensor must be a leaf that requires grad, got " +
                (leaf.is_leaf()
                     ? std::string("a leaf that does not require "
                                   "grad")
                     : "the result of " + std::string(leaf.grad_fn()->name())));
  auto *node = static_cast<AccumulateGrad *>(gradientSink(leaf).get());
  return node->addHook(std::move(hook));
}

void autograd::remove_post_accumulate_grad_hook(const Tensor &leaf,
                                                uint64_t handle) {
  checkDefined("remove_post_accumulate_grad_hook", leaf);
  if (auto &acc = leaf.unsafeGetImpl()->gradAccumulator)
    static_cast<AccumulateGrad *>(acc.get())->removeHook(handle);
}

void autograd::queue_callback(std::function<void()> callback) {
  if (!queuedCallbacks)
    throw Error("queue_callback: no backward pass is running on this thread; "
                "callbacks can only be queued from inside one (e.g. from a "
                "hook)");
  queuedCallbacks->push_back(std::move(callback));
}
