//===- NN.h - Modules, layers and loss functions ----------------*- C++ -*-===//

#ifndef ADJIT_NN_H
#define ADJIT_NN_H

#include "adjit/Autograd.h"
#include "adjit/NN/Init.h"
#include "adjit/Tensor.h"

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace adjit {
namespace nn {

/// Base class of layers and models: owns named parameters and submodules.
class Module : public std::enable_shared_from_this<Module> {
public:
  explicit Module(std::string name = "Module");
  virtual ~Module();

  /// The single-tensor forward used by Sequential; layers override it.
  virtual Tensor forward(const Tensor &input);

  /// Parameters of this module (and, if \p recurse, of its submodules) in
  /// registration order.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// Parameters with dotted names, e.g. "fc1.weight".
  std::vector<std::pair<std::string, Tensor>>
  named_parameters(bool recurse = true) const;
  /// Direct submodules with their names.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>> &
  named_children() const {
    return children_;
  }
  /// Resets the gradients of all parameters (to undefined if
  /// \p setToNone, else to zero).
  void zero_grad(bool setToNone = true);
  /// Sets training mode (recursively).
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  const std::string &name() const { return name_; }

  /// Converts the floating-point parameters and buffers of this module and
  /// its submodules (and their gradients) to `dtype` in place, as LibTorch's
  /// `module->to(torch::kFloat64)`: the tensors keep their identity, so
  /// members such as `fc->weight` and optimizers holding them see the new
  /// values. Integer and bool buffers are left as they are. Throws
  /// adjit::Error for a dtype that is not floating-point.
  void to(Dtype dtype);

  /// This module as a `T` (e.g. `list[0]->as<LinearImpl>()`), or null if it
  /// is not one, as LibTorch's Module::as.
  template <typename T> T *as() { return dynamic_cast<T *>(this); }
  template <typename T> const T *as() const {
    return dynamic_cast<const T *>(this);
  }

  /// Registers \p tensor as parameter \p name; returns the stored tensor.
  Tensor &register_parameter(const std::string &name, Tensor tensor,
                             bool requiresGrad = true);
  /// Registers \p tensor as buffer \p name: state that is not a parameter
  /// (e.g. batch norm's running statistics). Buffers are never trained and
  /// do not require grad; an undefined tensor registers an empty slot, as
  /// LibTorch allows. Returns the stored tensor.
  Tensor &register_buffer(const std::string &name, Tensor tensor);
  /// Buffers of this module (and, if \p recurse, of its submodules) in
  /// registration order; empty slots are left out.
  std::vector<Tensor> buffers(bool recurse = true) const;
  /// Buffers with dotted names, e.g. "bn1.running_mean".
  std::vector<std::pair<std::string, Tensor>>
  named_buffers(bool recurse = true) const;
  /// Registers a submodule (a ModuleHolder or shared_ptr); returns it.
  template <typename Holder>
  Holder register_module(const std::string &name, Holder holder) {
    addChild(name, toModulePtr(holder));
    return holder;
  }

private:
  template <typename T>
  static std::shared_ptr<Module> toModulePtr(const std::shared_ptr<T> &p) {
    return p;
  }
  template <typename H>
  static std::shared_ptr<Module> toModulePtr(const H &holder) {
    return holder.ptr();
  }
  void addChild(const std::string &name, std::shared_ptr<Module> module);

  std::string name_;
  bool training_ = true;
  void checkNewName(const char *what, const std::string &name) const;

  std::vector<std::pair<std::string, Tensor>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

/// Shared-ownership handle of a module implementation, as LibTorch's
/// ModuleHolder: `Linear fc(4, 3); fc->weight; fc(x);`.
template <typename Impl> class ModuleHolder {
public:
  using ImplType = Impl;
  /// Constructs the implementation from \p args.
  template <typename... Args,
            typename = std::enable_if_t<
                !(sizeof...(Args) == 1 &&
                  ((std::is_same_v<std::decay_t<Args>, ModuleHolder> ||
                    std::is_same_v<std::decay_t<Args>, std::nullptr_t>) ||
                   ...))>>
  explicit ModuleHolder(Args &&...args)
      : impl_(std::make_shared<Impl>(std::forward<Args>(args)...)) {}
  /// An empty holder, to be assigned later (e.g. from register_module).
  ModuleHolder(std::nullptr_t) {}
  /// Wraps an existing implementation.
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  ModuleHolder(const ModuleHolder &) = default;
  ModuleHolder(ModuleHolder &&) = default;
  ModuleHolder &operator=(const ModuleHolder &) = default;
  ModuleHolder &operator=(ModuleHolder &&) = default;

  /// Access to the implementation; throws if the holder is empty.
  Impl *operator->() const { return get(); }
  Impl &operator*() const { return *get(); }
  Impl *get() const {
    if (!impl_)
      throw Error("ModuleHolder: accessing an empty module holder; assign "
                  "a module (e.g. from register_module) first");
    return impl_.get();
  }
  bool is_empty() const { return impl_ == nullptr; }
  const std::shared_ptr<Impl> &ptr() const { return impl_; }
  /// Indexes the implementation (e.g. `list[i]` of a ModuleList).
  template <typename Arg> decltype(auto) operator[](Arg &&arg) const {
    return (*get())[std::forward<Arg>(arg)];
  }
  /// Calls forward().
  template <typename... Args> auto operator()(Args &&...args) const {
    return get()->forward(std::forward<Args>(args)...);
  }

private:
  std::shared_ptr<Impl> impl_;
};

/// Declares `Name` as the holder of `NameImpl` (LibTorch's TORCH_MODULE).
#define ADJIT_MODULE(Name) using Name = ::adjit::nn::ModuleHolder<Name##Impl>

/// Options of Linear.
struct LinearOptions {
  LinearOptions(int64_t inFeatures, int64_t outFeatures)
      : in_features(inFeatures), out_features(outFeatures) {}
  LinearOptions &bias(bool b) {
    with_bias = b;
    return *this;
  }
  int64_t in_features, out_features;
  bool with_bias = true;
};

/// y = x W^T + b with W of shape [out, in], initialized as in PyTorch:
/// W, b ~ U(-1/sqrt(in), 1/sqrt(in)).
class LinearImpl : public Module {
public:
  LinearImpl(int64_t inFeatures, int64_t outFeatures)
      : LinearImpl(LinearOptions(inFeatures, outFeatures)) {}
  explicit LinearImpl(const LinearOptions &options);
  Tensor forward(const Tensor &input) override;
  /// Re-draws the parameters from the global generator.
  void reset_parameters();

  LinearOptions options;
  Tensor weight;
  Tensor bias;
};
ADJIT_MODULE(Linear);

/// Elementwise activations as modules.
class ReLUImpl : public Module {
public:
  ReLUImpl() : Module("ReLU") {}
  Tensor forward(const Tensor &input) override { return relu(input); }
};
ADJIT_MODULE(ReLU);

class TanhImpl : public Module {
public:
  TanhImpl() : Module("Tanh") {}
  Tensor forward(const Tensor &input) override { return tanh(input); }
};
ADJIT_MODULE(Tanh);

class SigmoidImpl : public Module {
public:
  SigmoidImpl() : Module("Sigmoid") {}
  Tensor forward(const Tensor &input) override { return sigmoid(input); }
};
ADJIT_MODULE(Sigmoid);

/// Applies its submodules in order; they are registered as "0", "1", ...
class SequentialImpl : public Module {
public:
  SequentialImpl() : Module("Sequential") {}
  template <typename... Modules>
  explicit SequentialImpl(Modules &&...modules) : Module("Sequential") {
    (push_back(std::forward<Modules>(modules)), ...);
  }
  /// Appends a module (a holder or a shared_ptr to a Module).
  template <typename M> void push_back(M &&module) {
    register_module(std::to_string(size()), std::forward<M>(module));
  }
  size_t size() const { return named_children().size(); }
  Tensor forward(const Tensor &input) override;
};
ADJIT_MODULE(Sequential);

namespace functional {

/// How a loss reduces over elements.
enum class Reduction { Mean, Sum, None };

/// Mean (or sum) of squared differences; shapes must match.
Tensor mse_loss(const Tensor &input, const Tensor &target,
                Reduction reduction = Reduction::Mean);
/// Cross entropy of logits [N, C] with int64 class targets [N], computed
/// through a max-shifted log-softmax.
Tensor cross_entropy(const Tensor &input, const Tensor &target,
                     Reduction reduction = Reduction::Mean);
/// Binary cross entropy of logits against targets in [0, 1], computed as
/// max(x, 0) - x * y + log(1 + exp(-|x|)).
Tensor binary_cross_entropy_with_logits(const Tensor &input,
                                        const Tensor &target,
                                        Reduction reduction = Reduction::Mean);
/// log(softmax(x)) along \p dim, numerically stable.
Tensor log_softmax(const Tensor &input, int64_t dim);
Tensor softmax(const Tensor &input, int64_t dim);
inline Tensor relu(const Tensor &x) { return adjit::relu(x); }
inline Tensor tanh(const Tensor &x) { return adjit::tanh(x); }
inline Tensor sigmoid(const Tensor &x) { return adjit::sigmoid(x); }

} // namespace functional

} // namespace nn
} // namespace adjit

#endif // ADJIT_NN_H
