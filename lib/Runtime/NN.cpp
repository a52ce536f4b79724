//===- NN.cpp - Module, Linear, Sequential and init -----------------------===//

#include "adjit/NN.h"

#include "ResetGrad.h"
#include "TensorImpl.h"

#include <cmath>

using namespace adjit;
using namespace adjit::nn;

Module::Module(std::string name) : name_(std::move(name)) {}
Module::~Module() = default;

Tensor Module::forward(const Tensor &) {
  throw Error("forward: module " + name_ +
              " does not implement a single-tensor forward");
}

void Module::checkNewName(const char *what, const std::string &name) const {
  if (name.empty() || name.find('.') != std::string::npos)
    throw Error(std::string(what) + ": invalid name '" + name + "' in module " +
                name_ + " (must be non-empty without '.')");
  auto taken = [&](const auto &list) {
    for (const auto &entry : list)
      if (entry.first == name)
        return true;
    return false;
  };
  if (taken(parameters_) || taken(buffers_) || taken(children_))
    throw Error(std::string(what) + ": module " + name_ +
                " already has a parameter, buffer or submodule named '" + name +
                "'");
}

Tensor &Module::register_parameter(const std::string &name, Tensor tensor,
                                   bool requiresGrad) {
  checkNewName("register_parameter", name);
  if (!tensor.defined())
    throw Error("register_parameter: parameter '" + name + "' of module " +
                name_ + " is undefined");
  if (!tensor.is_leaf())
    tensor = tensor.detach();
  tensor.requires_grad_(requiresGrad);
  parameters_.emplace_back(name, std::move(tensor));
  return parameters_.back().second;
}

Tensor &Module::register_buffer(const std::string &name, Tensor tensor) {
  checkNewName("register_buffer", name);
  if (tensor.defined() && (tensor.requires_grad() || !tensor.is_leaf()))
    tensor = tensor.detach();
  buffers_.emplace_back(name, std::move(tensor));
  return buffers_.back().second;
}

std::vector<std::pair<std::string, Tensor>>
Module::named_buffers(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const auto &b : buffers_)
    if (b.second.defined())
      out.push_back(b);
  if (recurse)
    for (const auto &[childName, child] : children_)
      for (auto &[n, t] : child->named_buffers(true))
        out.emplace_back(childName + "." + n, t);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto &b : named_buffers(recurse))
    out.push_back(b.second);
  return out;
}

void Module::addChild(const std::string &name, std::shared_ptr<Module> module) {
  if (!module)
    throw Error("register_module: submodule '" + name + "' of module " + name_ +
                " is null");
  checkNewName("register_module", name);
  children_.emplace_back(name, std::move(module));
}

std::vector<std::pair<std::string, Tensor>>
Module::named_parameters(bool recurse) const {
  std::vector<std::pair<std::string, Tensor>> out = parameters_;
  if (recurse)
    for (const auto &[childName, child] : children_)
      for (auto &[n, t] : child->named_parameters(true))
        out.emplace_back(childName + "." + n, t);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto &p : named_parameters(recurse))
    out.push_back(p.second);
  return out;
}

void Module::zero_grad(bool setToNone) {
  for (const Tensor &p : parameters())
    resetGrad(p, setToNone);
}

namespace {
/// Replaces the data of `tensor` (and of its gradient) by its values
/// converted to `dtype`, keeping the tensor's identity (LibTorch's set_data).
void convertInPlace(const Tensor &tensor, Dtype dtype) {
  if (!tensor.is_floating_point() || tensor.dtype() == dtype)
    return;
  TensorImpl &impl = *tensor.unsafeGetImpl();
  Tensor converted = castTo(tensor, dtype);
  TensorImpl &source = *converted.unsafeGetImpl();
  impl.storage = source.storage;
  impl.strides = source.strides;
  impl.offset = source.offset;
  impl.dtype = dtype;
  impl.isView = false;
  if (impl.grad.defined())
    impl.grad = castTo(impl.grad, dtype);
}
} // namespace

void Module::to(Dtype dtype) {
  if (dtype != Dtype::Float32 && dtype != Dtype::Float64)
    throw Error("Module::to: module " + name_ +
                " can only be converted to a floating-point dtype");
  for (const Tensor &parameter : parameters())
    convertInPlace(parameter, dtype);
  for (const Tensor &buffer : buffers())
    convertInPlace(buffer, dtype);
}

void Module::train(bool on) {
  training_ = on;
  for (auto &c : children_)
    c.second->train(on);
}

LinearImpl::LinearImpl(const LinearOptions &opts)
    : Module("Linear"), options(opts) {
  if (opts.in_features < 0 || opts.out_features < 0)
    throw Error("Linear: feature counts must be non-negative, got in=" +
                std::to_string(opts.in_features) +
                " out=" + std::to_string(opts.out_features));
  weight = register_parameter("weight",
                              empty({opts.out_features, opts.in_features}));
  if (opts.with_bias)
    bias = register_parameter("bias", empty({opts.out_features}));
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  // kaiming_uniform_(a=sqrt(5)) on the weight reduces to U(-1/sqrt(in),
  // 1/sqrt(in)); the bias uses the same bound.
  double bound =
      options.in_features > 0 ? 1.0 / std::sqrt(options.in_features) : 0.0;
  init::uniform_(weight, -bound, bound);
  if (bias.defined())
    init::uniform_(bias, -bound, bound);
}

Tensor LinearImpl::forward(const Tensor &input) {
  if (!input.defined() || input.dim() == 0 ||
      input.size(-1) != options.in_features)
    throw Error("Linear: expected an input with last dimension " +
                std::to_string(options.in_features) + ", got shape " +
                (input.defined() ? shapeToString(input.sizes())
                                 : std::string("undefined")));
  Tensor y = matmul(input, weight.t());
  return bias.defined() ? y + bias : y;
}

Tensor SequentialImpl::forward(const Tensor &input) {
  Tensor x = input;
  for (const auto &c : named_children())
    x = c.second->forward(x);
  return x;
}
